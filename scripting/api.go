package scripting

import (
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/aikv/aikv/server/command"
)

// RedisVersion is what redis.REDIS_VERSION reports.
const (
	RedisVersion    = "7.0.15"
	RedisVersionNum = 0x07000f
)

// openLibs builds the sandbox: the Lua libraries Redis ships, the redis
// table, and read-only proxies around the globals.
func (e *Engine) openLibs() {
	L := e.L
	for _, open := range []lua.LGFunction{lua.OpenBase, lua.OpenTable, lua.OpenString, lua.OpenMath, lua.OpenCoroutine} {
		L.Push(L.NewFunction(open))
		L.Call(0, 0)
	}
	g := L.G.Global
	e.globals = g
	// Redis removes these from the sandbox.
	for _, name := range []string{"dofile", "loadfile", "print", "getfenv", "setfenv", "newproxy", "module", "require", "_printregs", "channel", "debug", "os", "io", "package"} {
		g.RawSetString(name, lua.LNil)
	}
	math := g.RawGetString("math").(*lua.LTable)
	math.RawSetString("random", L.NewFunction(e.mathRandom))
	math.RawSetString("randomseed", L.NewFunction(e.mathRandomSeed))
	g.RawSetString("tostring", L.NewFunction(luaToString))
	origLoadstring := g.RawGetString("loadstring").(*lua.LFunction)
	g.RawSetString("loadstring", L.NewFunction(func(L *lua.LState) int {
		// Compiled chunks get the caller's environment, not the raw
		// globals, so loadstring cannot be used to escape the sandbox.
		// The chunk is named as Lua 5.1 names it ([string "..."]), so
		// its compile and runtime errors read the same.
		code := L.CheckString(1)
		name := chunkID(L.OptString(2, code))
		L.Push(origLoadstring)
		L.Push(lua.LString(code))
		L.Push(lua.LString(name))
		L.Call(2, 2)
		if msg, ok := L.Get(-1).(lua.LString); ok && L.Get(-2) == lua.LNil {
			L.Pop(1)
			L.Push(lua.LString(compileErrorText(string(msg), name, code)))
		}
		if fn, ok := L.Get(-2).(*lua.LFunction); ok {
			mainChunk(fn)
			env := lua.LValue(e.evalEnv)
			if dbg, ok := L.GetStack(1); ok {
				if caller, err := L.GetInfo("f", dbg, lua.LNil); err == nil {
					if cf, ok := caller.(*lua.LFunction); ok && cf.Env != nil {
						env = cf.Env
					}
				}
			}
			L.SetFEnv(fn, env)
		}
		return 2
	}))
	g.RawSetString("load", lua.LNil)
	e.openErrorFuncs(g)
	origRawset := g.RawGetString("rawset").(*lua.LFunction)
	g.RawSetString("rawset", L.NewFunction(func(L *lua.LState) int {
		if t, ok := L.Get(1).(*lua.LTable); ok && e.isReadOnly(t) {
			L.Error(lua.LString("Attempt to modify a readonly table"), 0)
		}
		top := L.GetTop()
		L.Push(origRawset)
		for i := 1; i <= top; i++ {
			L.Push(L.Get(i))
		}
		L.Call(top, 1)
		return 1
	}))

	g.RawSetString("redis", e.redisTable())
	g.RawSetString("bit", openBit(L))
	g.RawSetString("cjson", openCJSON(L))
	g.RawSetString("cmsgpack", openCMsgpack(L))
	g.RawSetString("struct", openStruct(L))

	// Library tables become read-only proxies.
	for _, name := range []string{"string", "table", "math", "coroutine", "redis", "bit", "cjson", "cmsgpack", "struct"} {
		if t, ok := g.RawGetString(name).(*lua.LTable); ok {
			g.RawSetString(name, e.readOnlyProxy(t))
		}
	}

	// getmetatable of a string must not hand out the real string
	// metatable: changing it (or its __index, the string library) would
	// change string methods for every later script. Redis protects both
	// ("Attempt to modify a readonly table"); here the script sees a
	// read-only copy whose __index is the read-only string library.
	strMt := L.CreateTable(0, 1)
	strMt.RawSetString("__index", g.RawGetString("string"))
	strMtProxy := e.readOnlyProxy(strMt)
	origGetmetatable := g.RawGetString("getmetatable").(*lua.LFunction)
	g.RawSetString("getmetatable", L.NewFunction(func(L *lua.LState) int {
		if L.Get(1).Type() == lua.LTString {
			L.Push(strMtProxy)
			return 1
		}
		L.Push(origGetmetatable)
		L.Push(L.Get(1))
		L.Call(1, 1)
		return 1
	}))

	// Nonexistent globals are an error (Redis's global protection).
	gmt := L.CreateTable(0, 1)
	gmt.RawSetString("__index", L.NewFunction(nonexistentGlobal))
	L.SetMetatable(g, gmt)
	e.evalEnv = e.readOnlyProxy(g)
	g.RawSetString("_G", e.evalEnv)

	e.errh = L.NewFunction(e.errorHandler)
}

// readOnly marks proxies made by readOnlyProxy.
var readOnlyKey = lua.LString("__aikv_readonly")

// readOnlyProxy returns an empty table that reads through to t and
// refuses writes with Redis's "Attempt to modify a readonly table".
func (e *Engine) readOnlyProxy(t *lua.LTable) *lua.LTable {
	L := e.L
	p := L.CreateTable(0, 0)
	mt := L.CreateTable(0, 3)
	mt.RawSetString("__index", t)
	mt.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("Attempt to modify a readonly table")
		return 0
	}))
	mt.RawSet(readOnlyKey, lua.LTrue)
	mt.RawSetString("__metatable", lua.LFalse)
	L.SetMetatable(p, mt)
	return p
}

func (e *Engine) isReadOnly(t *lua.LTable) bool {
	if t == e.globals {
		return true
	}
	mt, ok := t.Metatable.(*lua.LTable)
	return ok && mt.RawGet(readOnlyKey) == lua.LTrue
}

func nonexistentGlobal(L *lua.LState) int {
	L.RaiseError("Script attempted to access nonexistent global variable '%s'", lua.LVAsString(L.Get(2)))
	return 0
}

// luaToString is tostring with Lua 5.1's number format ("%.14g");
// gopher-lua's own formats numbers like Go.
func luaToString(L *lua.LState) int {
	v := L.CheckAny(1)
	if n, ok := v.(lua.LNumber); ok {
		L.Push(lua.LString(formatNumber14(float64(n))))
		return 1
	}
	L.Push(lua.LString(L.ToStringMeta(v).String()))
	return 1
}

// raiseErr raises Redis's {err="ERR msg"} table (luaPushError + luaError).
func raiseErr(L *lua.LState, msg string) {
	L.Error(errorTable(L, msg), 0)
}

func (e *Engine) redisTable() *lua.LTable {
	L := e.L
	t := L.CreateTable(0, 32)
	fns := map[string]lua.LGFunction{
		"call":               func(L *lua.LState) int { return e.redisCall(L, true) },
		"pcall":              func(L *lua.LState) int { return e.redisCall(L, false) },
		"error_reply":        errorReply,
		"status_reply":       statusReply,
		"sha1hex":            sha1hex,
		"log":                e.redisLog,
		"setresp":            e.setResp,
		"set_repl":           setRepl,
		"replicate_commands": func(L *lua.LState) int { L.Push(lua.LTrue); return 1 },
		"breakpoint":         func(L *lua.LState) int { L.Push(lua.LFalse); return 1 },
		"debug":              func(L *lua.LState) int { return 0 },
		"acl_check_cmd":      e.aclCheckCmd,
	}
	for name, fn := range fns {
		t.RawSetString(name, L.NewFunction(fn))
	}
	setLogConstants(t)
	t.RawSetString("REPL_NONE", lua.LNumber(0))
	t.RawSetString("REPL_AOF", lua.LNumber(1))
	t.RawSetString("REPL_SLAVE", lua.LNumber(2))
	t.RawSetString("REPL_REPLICA", lua.LNumber(2))
	t.RawSetString("REPL_ALL", lua.LNumber(3))
	return t
}

func setLogConstants(t *lua.LTable) {
	t.RawSetString("LOG_DEBUG", lua.LNumber(LogDebug))
	t.RawSetString("LOG_VERBOSE", lua.LNumber(LogVerbose))
	t.RawSetString("LOG_NOTICE", lua.LNumber(LogNotice))
	t.RawSetString("LOG_WARNING", lua.LNumber(LogWarning))
	t.RawSetString("REDIS_VERSION", lua.LString(RedisVersion))
	t.RawSetString("REDIS_VERSION_NUM", lua.LNumber(RedisVersionNum))
}

// redisCall is redis.call (raise) and redis.pcall.
func (e *Engine) redisCall(L *lua.LState, raise bool) int {
	fail := func(msg string) int {
		t := errorTable(L, msg)
		if raise {
			L.Error(t, 0)
		}
		L.Push(t)
		return 1
	}
	rs := e.cur
	if rs == nil {
		return fail("redis.call/pcall can only be called inside a script invocation")
	}
	n := L.GetTop()
	if n == 0 {
		return fail("Please specify at least one argument for this redis lib call")
	}
	// Fresh slices: the dispatcher may keep them until the batch ends.
	args := make([][]byte, n)
	for i := 1; i <= n; i++ {
		switch v := L.Get(i).(type) {
		case lua.LString:
			args[i-1] = []byte(string(v))
		case lua.LNumber:
			args[i-1] = []byte(formatDouble17(float64(v)))
		default:
			return fail("Lua redis lib command arguments must be strings or integers")
		}
	}
	if msg := e.check(rs, args); msg != "" {
		return fail(msg)
	}
	c := &e.col
	c.reset(L, rs.resp)
	rs.D.Call(args, c)
	res := c.result
	c.L = nil
	if c.isErr && raise {
		L.Error(res, 0)
	}
	L.Push(res)
	return 1
}

// check applies Redis's scriptCall checks; "" allows the command.
func (e *Engine) check(rs *runState, args [][]byte) string {
	t := rs.D.Table()
	spec := t.Lookup(args[0])
	if spec == nil {
		return "Unknown Redis command called from script"
	}
	if !spec.CheckArity(len(args)) {
		return "Wrong number of args calling Redis command from script"
	}
	run, ok := t.Resolve(spec, args)
	if !ok {
		return "Unknown Redis command called from script"
	}
	if run != spec && !run.CheckArity(len(args)) {
		return "Wrong number of args calling Redis command from script"
	}
	if run.Flags.Has(command.NoScript) {
		return "This Redis command is not allowed from script"
	}
	if ac, ok := rs.D.(ACLChecker); ok {
		if msg := ac.CheckACL(run, args); msg != "" {
			return msg
		}
	}
	if rs.OOM && !rs.allowOOM && run.Flags.Has(command.DenyOOM) && !e.wrote.Load() {
		// Redis's scriptVerifyOOM: refused only while the script has
		// not written, as it cannot be stopped half way. The leading
		// "-" keeps the OOM code (errorText).
		return "-" + command.ErrOOM
	}
	if run.Flags&(command.Write|command.MayReplicate) != 0 {
		if rs.noWrites {
			return "Write commands are not allowed from read-only scripts."
		}
		if run.Flags.Has(command.Write) {
			e.wrote.Store(true)
		}
	}
	return ""
}

func errorReply(L *lua.LState) int {
	s, ok := L.Get(1).(lua.LString)
	if L.GetTop() != 1 || !ok {
		L.Push(errorTable(L, "wrong number or type of arguments"))
		return 1
	}
	text := string(s)
	if !strings.HasPrefix(text, "-") {
		text = "-" + text
	}
	L.Push(errorTable(L, text))
	return 1
}

func statusReply(L *lua.LState) int {
	s, ok := L.Get(1).(lua.LString)
	if L.GetTop() != 1 || !ok {
		L.Push(errorTable(L, "wrong number or type of arguments"))
		return 1
	}
	t := L.CreateTable(0, 1)
	t.RawSetString("ok", s)
	L.Push(t)
	return 1
}

func sha1hex(L *lua.LState) int {
	if L.GetTop() != 1 {
		L.RaiseError("wrong number of arguments")
	}
	s := ""
	switch v := L.Get(1).(type) {
	case lua.LString:
		s = string(v)
	case lua.LNumber:
		s = formatNumber14(float64(v))
	}
	L.Push(lua.LString(SHA1Hex([]byte(s))))
	return 1
}

func (e *Engine) redisLog(L *lua.LState) int {
	argc := L.GetTop()
	if argc < 2 {
		raiseErr(L, "redis.log() requires two arguments or more.")
	}
	lv, ok := L.Get(1).(lua.LNumber)
	if !ok {
		raiseErr(L, "First argument must be a number (log level).")
	}
	level := int(lv)
	if level < LogDebug || level > LogWarning {
		raiseErr(L, "Invalid debug level.")
	}
	var parts []string
	for i := 2; i <= argc; i++ {
		switch v := L.Get(i).(type) {
		case lua.LString:
			parts = append(parts, string(v))
		case lua.LNumber:
			parts = append(parts, formatNumber14(float64(v)))
		}
	}
	if e.log != nil {
		e.log(level, strings.Join(parts, " "))
	}
	return 0
}

func (e *Engine) setResp(L *lua.LState) int {
	if L.GetTop() != 1 {
		raiseErr(L, "redis.setresp() requires one argument.")
	}
	n, ok := L.Get(1).(lua.LNumber)
	if !ok || (n != 2 && n != 3) {
		raiseErr(L, "RESP version must be 2 or 3.")
	}
	if e.cur != nil {
		e.cur.resp = int(n)
	}
	return 0
}

// setRepl accepts redis.set_repl; AiKv always logs a script's effects.
func setRepl(L *lua.LState) int {
	if L.GetTop() != 1 {
		raiseErr(L, "redis.set_repl() requires one argument.")
	}
	n, ok := L.Get(1).(lua.LNumber)
	if !ok || n < 0 || n > 3 {
		raiseErr(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.")
	}
	return 0
}

func (e *Engine) aclCheckCmd(L *lua.LState) int {
	n := L.GetTop()
	if n == 0 {
		raiseErr(L, "Please specify at least one argument for this redis lib call")
	}
	name, ok := L.Get(1).(lua.LString)
	if !ok || e.cur == nil || e.cur.D.Table().Lookup([]byte(name)) == nil {
		raiseErr(L, "Invalid command passed to redis.acl_check_cmd()")
	}
	L.Push(lua.LTrue)
	return 1
}

// rand48 is Redis's redisLrand48: the POSIX drand48 generator with its own
// state, so math.random gives Redis's sequence for a given seed. Like Redis
// 7.0, the state is not reset between scripts (math.randomseed resets it).
type rand48 struct{ x uint64 }

func (r *rand48) seed(v int32) {
	r.x = uint64(0x330e) | uint64(uint16(v))<<16 | uint64(uint16(uint32(v)>>16))<<32
}

func (r *rand48) next() int32 {
	r.x = (r.x*0x5DEECE66D + 0xB) & (1<<48 - 1)
	return int32(r.x >> 17)
}

func (e *Engine) mathRandom(L *lua.LState) int {
	const max = math.MaxInt32
	r := float64(e.rand.next()%max) / float64(max)
	switch L.GetTop() {
	case 0:
		L.Push(lua.LNumber(r))
	case 1:
		u := L.CheckInt(1)
		if u < 1 {
			argError(L, 1, "random", "interval is empty")
		}
		L.Push(lua.LNumber(math.Floor(r*float64(u)) + 1))
	case 2:
		l := L.CheckInt(1)
		u := L.CheckInt(2)
		if l > u {
			argError(L, 2, "random", "interval is empty")
		}
		L.Push(lua.LNumber(math.Floor(r*float64(u-l+1)) + float64(l)))
	default:
		L.RaiseError("wrong number of arguments")
	}
	return 1
}

func (e *Engine) mathRandomSeed(L *lua.LState) int {
	e.rand.seed(int32(L.CheckInt(1)))
	return 0
}

// chunkID is Lua 5.1's luaO_chunkid for a chunk name given to loadstring:
// "=name" is used as is, anything else becomes [string "first line..."].
func chunkID(source string) string {
	const idSize = 80 // LUA_IDSIZE as Redis builds Lua (observed: 63 characters kept)
	if rest, ok := strings.CutPrefix(source, "="); ok {
		if len(rest) > idSize-1 {
			rest = rest[:idSize-1]
		}
		return rest
	}
	n := strings.IndexAny(source, "\n\r")
	if n < 0 {
		n = len(source)
	}
	const max = idSize - 17 // sizeof(" [string \"...\"] ")
	if n > max {
		n = max
	}
	if n < len(source) {
		return "[string \"" + source[:n] + "...\"]"
	}
	return "[string \"" + source + "\"]"
}
