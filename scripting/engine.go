package scripting

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/aikv/aikv/server/command"
)

// Dispatcher runs the commands a script calls. The server's handlers adapt
// it to command.Server.Call for the client running the script. It is only
// used during a run, under the server lock.
type Dispatcher interface {
	// Table is the command table, for lookups and flag checks.
	Table() *command.Table
	// Call runs args (already checked: known command, right arity,
	// allowed) as a command of the script, replying to w. args must stay
	// valid until the end of the batch; the engine never reuses them.
	Call(args [][]byte, w command.Writer)
}

// ACLChecker is implemented by dispatchers that enforce ACLs: CheckACL
// returns the error text for a command the script's user may not run
// ("" when allowed). The engine checks it after the no-script check and
// before the write and OOM checks, as Redis's scriptCall does.
type ACLChecker interface {
	CheckACL(run *command.Spec, args [][]byte) string
}

// Logger receives redis.log lines. level is one of LogDebug..LogWarning.
type Logger func(level int, msg string)

// Log levels of redis.log, as in Redis.
const (
	LogDebug   = 0
	LogVerbose = 1
	LogNotice  = 2
	LogWarning = 3
)

// Run describes one script execution.
type Run struct {
	D Dispatcher
	// ReadOnly refuses write commands (EVAL_RO, FCALL_RO).
	ReadOnly bool
	// Proto is the calling client's protocol (2 or 3).
	Proto int
	// OOM is set when the server is over maxmemory and eviction could
	// not help (Redis's pre_command_oom_state): scripts that may write
	// are refused, as are their first commands that may grow memory.
	OOM bool
}

// Engine is the Lua interpreter shared by every client of a server: one
// gopher-lua state, the EVAL script cache and the function libraries.
// Scripts run one at a time under the server lock; only Kill and Busy may
// be called from other goroutines.
type Engine struct {
	L *lua.LState
	// globals is the state's real global table; scripts see it through
	// evalEnv, a read-only proxy.
	globals *lua.LTable
	evalEnv *lua.LTable
	errh    *lua.LFunction
	// translateFn is an error handler that only rewrites gopher-lua's
	// messages into Lua 5.1's (luaerr.go).
	translateFn *lua.LFunction
	log         Logger

	// scripts is the EVAL cache: SHA1 (lower-case hex) to compiled body.
	scripts map[string]*script
	// funcs holds FUNCTION libraries.
	funcs *functions

	rand rand48
	col  collector

	// keys and argv are EVAL's reusable KEYS and ARGV tables.
	keys, argv argTable

	// cur is the running script (nil between runs).
	cur *runState

	// Cross-goroutine state for SCRIPT KILL / BUSY.
	busy      atomic.Bool
	startNano atomic.Int64
	wrote     atomic.Bool
	killed    atomic.Bool
	isFunc    atomic.Bool
	ctxMu     sync.Mutex
	ctx       context.Context
	cancel    context.CancelFunc
}

type script struct {
	fn       *lua.LFunction
	body     string
	noWrites bool
	allowOOM bool
	flagged  bool // has a shebang (flags declared)
}

// runState is the state of the running script.
type runState struct {
	Run
	name     string // SHA for EVAL, the function name for FCALL
	noWrites bool
	allowOOM bool // "allow-oom" flag: no OOM checks
	resp     int  // redis.setresp
}

// New returns an engine with an empty script cache and no functions. log
// may be nil.
func New(log Logger) *Engine {
	L := lua.NewState(lua.Options{SkipOpenLibs: true, CallStackSize: 512, RegistrySize: 1024 * 20, RegistryMaxSize: 1024 * 1024})
	e := &Engine{L: L, log: log, scripts: make(map[string]*script)}
	e.rand.x = 0x1234abcd330e // redisLrand48's initial state
	e.openLibs()
	e.funcs = newFunctions(e)
	e.newContext()
	return e
}

// Close releases the interpreter.
func (e *Engine) Close() { e.L.Close() }

func (e *Engine) newContext() {
	e.ctxMu.Lock()
	e.ctx, e.cancel = context.WithCancel(context.Background())
	e.ctxMu.Unlock()
	e.L.SetContext(e.ctx)
}

// SHA1Hex returns the lower-case hex SHA1 of b (script names).
func SHA1Hex(b []byte) string {
	sum := sha1.Sum(b)
	return hex.EncodeToString(sum[:])
}

// Error texts of the scripting commands.
const (
	ErrNoScript        = "NOSCRIPT No matching script. Please use EVAL."
	ErrNegativeKeys    = "ERR Number of keys can't be negative"
	ErrTooManyKeys     = "ERR Number of keys can't be greater than number of args"
	ErrWriteInRO       = "ERR Write commands are not allowed from read-only scripts."
	ErrROWithWriteFlag = "ERR Can not execute a script with write flag using *_ro command."
	ErrNotBusy         = "NOTBUSY No scripts in execution right now."
	ErrUnkillable      = "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command."
	ErrBusy            = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
	ErrBusyFunction    = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
)

// compile builds a script from its body (with an optional "#!lua" shebang
// line, whose flags are parsed like Redis's evalExtractShebangFlags).
func (e *Engine) compile(body string) (*script, string) {
	s := &script{body: body}
	code := body
	if strings.HasPrefix(body, "#!") {
		nl := strings.IndexByte(body, '\n')
		if nl < 0 {
			return nil, "ERR Invalid script shebang"
		}
		line := body[:nl]
		parts := strings.Split(line, " ")
		if parts[0] != "#!lua" {
			return nil, "ERR Unexpected engine in script shebang: " + parts[0]
		}
		s.flagged = true
		for _, p := range parts[1:] {
			if p == "" {
				continue
			}
			v, ok := strings.CutPrefix(p, "flags=")
			if !ok {
				return nil, "ERR Unknown lua shebang option: " + p
			}
			for _, f := range strings.Split(v, ",") {
				switch f {
				case "no-writes":
					s.noWrites = true
				case "allow-oom":
					s.allowOOM = true
				case "allow-stale", "no-cluster", "allow-cross-slot-keys", "":
				default:
					return nil, "ERR Unexpected flag in script shebang: " + f
				}
			}
		}
		code = body[nl:]
	}
	fn, err := e.load(code, "user_script")
	if err != "" {
		return nil, "ERR Error compiling script (new function): " + err
	}
	e.L.SetFEnv(fn, e.evalEnv)
	s.fn = fn
	return s, ""
}

// load compiles code under the chunk name; the error text is Lua-like
// ("user_script:1: ...").
func (e *Engine) load(code, name string) (*lua.LFunction, string) {
	fn, err := e.L.Load(strings.NewReader(code), name)
	if err != nil {
		return nil, compileErrorText(err.Error(), name, code)
	}
	mainChunk(fn)
	return fn, ""
}

// mainChunk makes a compiled chunk vararg the way Lua 5.1 makes a main
// chunk: without the "arg" table of LUA_COMPAT_VARARG, which gopher-lua
// builds (a table and a map) on every call of the chunk although no name
// can reach it.
func mainChunk(fn *lua.LFunction) {
	fn.Proto.IsVarArg &^= lua.VarArgNeedsArg
}

// compileErrorText turns gopher-lua's "name line:N(column:C) near 'x': msg"
// or "name at EOF: msg" into Lua 5.1's "name:N: msg near 'x'", with Lua's
// words for the common messages. gopher-lua's parser is a yacc grammar
// and cannot say what it expected ("'end' expected" in Lua 5.1): such
// errors read "unexpected symbol", Lua's generic text.
func compileErrorText(s, name, code string) string {
	s = strings.TrimSpace(s)
	var num, near, msg string
	if rest, ok := strings.CutPrefix(s, name+" at EOF:"); ok {
		// Lua's lexer counts every newline it read.
		num = strconv.Itoa(strings.Count(code, "\n") + 1)
		near = "near '<eof>'"
		msg = strings.TrimSpace(rest)
	} else if rest, ok := strings.CutPrefix(s, name+" line:"); ok {
		num = rest
		if i := strings.IndexByte(rest, '('); i >= 0 {
			num = rest[:i]
		}
		if i := strings.Index(rest, ": "); i >= 0 {
			msg = strings.TrimSpace(rest[i+2:])
		}
		if i := strings.Index(rest, "near '"); i >= 0 {
			near = rest[i:]
			if j := strings.Index(near, "':"); j >= 0 {
				near = near[:j+1]
			}
		}
	} else {
		if rest, ok := strings.CutPrefix(s, name+":"); ok {
			return name + ":" + rest
		}
		return s
	}
	switch {
	case msg == "syntax error" || msg == "parse error" || strings.HasPrefix(msg, "syntax error: unexpected"):
		msg = "unexpected symbol"
	case msg == "unterminated string":
		msg = "unfinished string"
	case msg == "unterminated multiline string":
		msg = "unfinished long string"
	}
	if near != "" {
		return name + ":" + num + ": " + msg + " " + near
	}
	return name + ":" + num + ": " + msg
}

// Load adds body to the script cache (SCRIPT LOAD) and returns its SHA1,
// or an error text.
func (e *Engine) Load(body []byte) (string, string) {
	sha := SHA1Hex(body)
	if _, ok := e.scripts[sha]; ok {
		return sha, ""
	}
	s, errMsg := e.compile(string(body))
	if errMsg != "" {
		return "", errMsg
	}
	e.scripts[sha] = s
	return sha, ""
}

// Exists reports whether sha (any case) is in the cache.
func (e *Engine) Exists(sha string) bool {
	_, ok := e.scripts[strings.ToLower(sha)]
	return ok
}

// Flush empties the script cache (SCRIPT FLUSH).
func (e *Engine) Flush() {
	e.scripts = make(map[string]*script)
}

// NumScripts returns the number of cached scripts (INFO).
func (e *Engine) NumScripts() int { return len(e.scripts) }

// Eval runs body (EVAL). The reply goes to w.
func (e *Engine) Eval(r Run, body []byte, keys, argv [][]byte, w command.Writer) {
	sha := SHA1Hex(body)
	s := e.scripts[sha]
	if s == nil {
		var errMsg string
		s, errMsg = e.compile(string(body))
		if errMsg != "" {
			w.Error(errMsg)
			return
		}
		e.scripts[sha] = s
	}
	e.evalScript(r, sha, s, keys, argv, w)
}

// EvalSHA runs a cached script (EVALSHA); it replies NOSCRIPT when sha is
// unknown.
func (e *Engine) EvalSHA(r Run, sha []byte, keys, argv [][]byte, w command.Writer) {
	name := strings.ToLower(string(sha))
	s := e.scripts[name]
	if s == nil {
		w.Error(ErrNoScript)
		return
	}
	e.evalScript(r, name, s, keys, argv, w)
}

func (e *Engine) evalScript(r Run, sha string, s *script, keys, argv [][]byte, w command.Writer) {
	if r.OOM && s.flagged && !s.noWrites && !s.allowOOM {
		// A script that declared flags is denyoom unless it declared
		// no-writes or allow-oom (Redis's scriptFlagsToCmdFlags).
		w.Error(command.ErrOOM)
		return
	}
	if r.ReadOnly && s.flagged && !s.noWrites {
		w.Error(ErrROWithWriteFlag)
		return
	}
	if t := e.keys.fill(e.L, keys); t != e.keys.global {
		e.globals.RawSetString("KEYS", t)
		e.keys.global = t
	}
	if t := e.argv.fill(e.L, argv); t != e.argv.global {
		e.globals.RawSetString("ARGV", t)
		e.argv.global = t
	}
	e.call(&runState{Run: r, name: sha, noWrites: s.noWrites || r.ReadOnly, allowOOM: s.allowOOM, resp: 2}, s.fn, "user_script", w, false)
}

// argTable is the KEYS or ARGV table of EVAL, reused from one run to the
// next when the previous script left it as it was made (same length, no
// other keys, no metatable), so a run allocates no tables for them. A
// script cannot keep a reference across runs (globals are read-only), so
// reuse is invisible to scripts.
type argTable struct {
	t      *lua.LTable
	n      int
	global *lua.LTable // the table the KEYS/ARGV global holds
}

func (a *argTable) fill(L *lua.LState, items [][]byte) *lua.LTable {
	if a.t == nil || a.n != len(items) || !pristine(a.t, a.n) {
		a.t, a.n = L.CreateTable(len(items), 0), len(items)
	}
	for i, it := range items {
		a.t.RawSetInt(i+1, lua.LString(it))
	}
	return a.t
}

// pristine reports whether t is still an array of n values and nothing
// else. Trailing nils left by t[n+1] = x; t[n+1] = nil are invisible to
// Lua (# and table.insert skip them).
func pristine(t *lua.LTable, n int) bool {
	if t.Metatable != lua.LNil || t.Len() != n {
		return false
	}
	var after lua.LValue = lua.LNil
	if n > 0 {
		after = lua.LNumber(n)
	}
	k, _ := t.Next(after)
	return k == lua.LNil
}

func (e *Engine) array(items [][]byte) *lua.LTable {
	t := e.L.CreateTable(len(items), 0)
	for i, it := range items {
		t.RawSetInt(i+1, lua.LString(it))
	}
	return t
}

// call runs fn with args under the error handler and writes the reply.
func (e *Engine) call(rs *runState, fn *lua.LFunction, chunk string, w command.Writer, isFunc bool, args ...lua.LValue) {
	e.cur = rs
	e.killed.Store(false)
	e.wrote.Store(false)
	e.isFunc.Store(isFunc)
	e.startNano.Store(time.Now().UnixNano())
	e.busy.Store(true)
	defer func() {
		e.busy.Store(false)
		e.cur = nil
	}()
	L := e.L
	L.Push(fn)
	for _, a := range args {
		L.Push(a)
	}
	err := L.PCall(len(args), 1, e.errh)
	if err != nil {
		var obj lua.LValue = lua.LNil
		if ae, ok := err.(*lua.ApiError); ok {
			obj = ae.Object
		}
		if e.killed.Load() {
			e.newContext()
			what := "SCRIPT"
			if isFunc {
				what = "FUNCTION"
			}
			w.Error("ERR Script killed by user with " + what + " KILL...")
			return
		}
		w.Error(e.runErrorText(rs, obj, err))
		return
	}
	ret := L.Get(-1)
	L.Pop(1)
	writeReply(L, ret, w, rs.resp, 0)
}

// runErrorText formats a failed run like Redis's luaCallFunction.
func (e *Engine) runErrorText(rs *runState, obj lua.LValue, err error) string {
	t, ok := obj.(*lua.LTable)
	if !ok {
		msg := "execution failure"
		if s, ok := obj.(lua.LString); ok {
			msg = string(s)
		} else if err != nil {
			msg = err.Error()
		}
		return sanitize("ERR Error running script " + rs.name + ", " + truncate(msg, 100))
	}
	msg := ""
	if s, ok := t.RawGetString("err").(lua.LString); ok {
		msg = string(s)
	}
	src, hasSrc := t.RawGetString("source").(lua.LString)
	line, hasLine := t.RawGetString("line").(lua.LNumber)
	if hasSrc && hasLine {
		msg += " script: " + rs.name + ", on " + string(src) + ":" + strconv.Itoa(int(line)) + "."
	}
	return sanitize(msg)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// errorHandler is Redis's __redis__err__handler: it turns any error into
// an {err=...} table carrying the source and line where it was raised.
func (e *Engine) errorHandler(L *lua.LState) int {
	obj := L.Get(1)
	t, ok := obj.(*lua.LTable)
	if !ok {
		msg := "nil"
		switch v := obj.(type) {
		case lua.LString:
			msg = translateError(L, string(v))
		case lua.LNumber:
			msg = formatNumber14(float64(v))
		default:
			msg = obj.String()
		}
		t = L.CreateTable(0, 3)
		t.RawSetString("err", lua.LString("ERR "+msg))
	}
	// Find the innermost Lua frame: the one that raised the error or
	// called the Go function that did.
	for level := 1; level < 64; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			break
		}
		if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil {
			continue
		}
		if dbg.What == "G" || dbg.CurrentLine <= 0 {
			continue
		}
		t.RawSetString("source", lua.LString("@"+dbg.Source))
		t.RawSetString("line", lua.LNumber(dbg.CurrentLine))
		break
	}
	L.Push(t)
	return 1
}

// Busy reports whether a script is running and since when. Safe from any
// goroutine.
func (e *Engine) Busy() (running bool, since time.Time, function bool) {
	if !e.busy.Load() {
		return false, time.Time{}, false
	}
	return true, time.Unix(0, e.startNano.Load()), e.isFunc.Load()
}

// Kill stops the running script if it has not written (SCRIPT KILL when
// function is false, FUNCTION KILL when true). It returns "" on success or
// the error reply. Safe from any goroutine.
func (e *Engine) Kill(function bool) string {
	if !e.busy.Load() {
		return ErrNotBusy
	}
	if e.wrote.Load() {
		return ErrUnkillable
	}
	// SCRIPT KILL does not stop a function, nor FUNCTION KILL an EVAL.
	if e.isFunc.Load() != function {
		return ErrNotBusy
	}
	e.killed.Store(true)
	e.ctxMu.Lock()
	e.cancel()
	e.ctxMu.Unlock()
	return ""
}
