package scripting

import (
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/aikv/aikv/server/command"
)

// functions holds the Redis 7 function libraries (FUNCTION LOAD, FCALL).
type functions struct {
	e     *Engine
	libs  map[string]*Library
	funcs map[string]*Function
	// runG is the global environment functions run in: the sandbox
	// globals. loadG is all library code sees while it loads: a redis
	// table with register_function, log and the constants.
	loadG *lua.LTable
	// loading collects the functions registered by the library being
	// loaded (nil outside FUNCTION LOAD).
	loading *Library
}

// Library is a loaded function library.
type Library struct {
	Name, Code string
	// Functions in registration order.
	Functions []*Function
}

// Function is one registered function.
type Function struct {
	Name, Description string
	Flags             []string
	noWrites          bool
	allowOOM          bool
	fn                *lua.LFunction
	Library           *Library
}

var functionFlags = []string{"no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"}

func newFunctions(e *Engine) *functions {
	L := e.L
	f := &functions{e: e, libs: map[string]*Library{}, funcs: map[string]*Function{}}
	redis := L.CreateTable(0, 8)
	redis.RawSetString("register_function", L.NewFunction(f.registerFunction))
	redis.RawSetString("log", L.NewFunction(e.redisLog))
	setLogConstants(redis)
	rmt := L.CreateTable(0, 1)
	rmt.RawSetString("__index", L.NewFunction(nonexistentGlobal))
	L.SetMetatable(redis, rmt)
	g := L.CreateTable(0, 1)
	g.RawSetString("redis", e.readOnlyProxy(redis))
	gmt := L.CreateTable(0, 1)
	gmt.RawSetString("__index", L.NewFunction(nonexistentGlobal))
	L.SetMetatable(g, gmt)
	f.loadG = g
	return f
}

// Error texts of FUNCTION.
const (
	ErrFunctionNotFound = "ERR Function not found"
	ErrLibraryNotFound  = "ERR Library not found"
	errBadName          = "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long"
)

func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// parseLibraryHeader reads "#!lua name=<name>" like Redis's
// functionExtractLibMetaData.
func parseLibraryHeader(code string) (name string, errMsg string) {
	if !strings.HasPrefix(code, "#!") {
		return "", "ERR Missing library metadata"
	}
	nl := strings.IndexByte(code, '\n')
	if nl < 0 {
		return "", "ERR Invalid library metadata"
	}
	parts := strings.Split(code[2:nl], " ")
	engine := parts[0]
	seen := false
	for _, p := range parts[1:] {
		if p == "" {
			continue
		}
		v, ok := strings.CutPrefix(p, "name=")
		if !ok {
			return "", "ERR Invalid metadata value given: " + p
		}
		if seen {
			return "", "ERR Invalid metadata value, name argument was given multiple times"
		}
		seen, name = true, v
	}
	if !seen {
		return "", "ERR Library name was not given"
	}
	if !strings.EqualFold(engine, "lua") {
		return "", "ERR Engine '" + engine + "' not found"
	}
	if !validName(name) {
		return "", "ERR " + errBadName
	}
	return name, ""
}

// FunctionLoad loads a library (FUNCTION LOAD [REPLACE]); it returns the
// library name or an error text.
func (e *Engine) FunctionLoad(code []byte, replace bool) (string, string) {
	lib, errMsg := e.buildLibrary(string(code))
	if errMsg != "" {
		return "", errMsg
	}
	if errMsg := e.funcs.install([]*Library{lib}, replace); errMsg != "" {
		return "", errMsg
	}
	return lib.Name, ""
}

// buildLibrary compiles and runs a library's code, collecting its
// functions, without installing it.
func (e *Engine) buildLibrary(code string) (*Library, string) {
	name, errMsg := parseLibraryHeader(code)
	if errMsg != "" {
		return nil, errMsg
	}
	body := code[strings.IndexByte(code, '\n'):]
	fn, cerr := e.load(body, "user_function")
	if cerr != "" {
		return nil, "ERR Error compiling function: " + cerr
	}
	L := e.L
	env := L.CreateTable(0, 0)
	mt := L.CreateTable(0, 2)
	mt.RawSetString("__index", e.funcs.loadG)
	mt.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("Attempt to modify a readonly table")
		return 0
	}))
	mt.RawSet(readOnlyKey, lua.LTrue)
	L.SetMetatable(env, mt)
	L.SetFEnv(fn, env)
	lib := &Library{Name: name, Code: code}
	e.funcs.loading = lib
	L.Push(fn)
	err := L.PCall(0, 0, e.translateFn)
	e.funcs.loading = nil
	if err != nil {
		var obj lua.LValue = lua.LNil
		if ae, ok := err.(*lua.ApiError); ok {
			obj = ae.Object
		}
		msg := ""
		switch v := obj.(type) {
		case *lua.LTable:
			msg = lua.LVAsString(v.RawGetString("err"))
		case lua.LString:
			msg = "ERR " + string(v)
		default:
			msg = "ERR " + err.Error()
		}
		return nil, sanitize("ERR Error registering functions: " + msg)
	}
	if len(lib.Functions) == 0 {
		return nil, "ERR No functions registered"
	}
	// From now on the library's functions see the full sandbox.
	mt.RawSetString("__index", e.globals)
	return lib, ""
}

// install adds libs, replacing same-named ones when replace is set.
func (f *functions) install(libs []*Library, replace bool) string {
	replaced := map[string]bool{}
	for _, lib := range libs {
		if _, ok := f.libs[lib.Name]; ok {
			if !replace {
				return "ERR Library '" + lib.Name + "' already exists"
			}
			replaced[lib.Name] = true
		}
	}
	seen := map[string]bool{}
	for _, lib := range libs {
		for _, fn := range lib.Functions {
			if old, ok := f.funcs[fn.Name]; (ok && !replaced[old.Library.Name]) || seen[fn.Name] {
				return "ERR Function " + fn.Name + " already exists"
			}
			seen[fn.Name] = true
		}
	}
	for name := range replaced {
		f.remove(name)
	}
	for _, lib := range libs {
		f.libs[lib.Name] = lib
		for _, fn := range lib.Functions {
			f.funcs[fn.Name] = fn
		}
	}
	return ""
}

func (f *functions) remove(name string) {
	lib := f.libs[name]
	if lib == nil {
		return
	}
	for _, fn := range lib.Functions {
		delete(f.funcs, fn.Name)
	}
	delete(f.libs, name)
}

// registerFunction is redis.register_function, available while a library
// loads.
func (f *functions) registerFunction(L *lua.LState) int {
	lib := f.loading
	if lib == nil {
		raiseErr(L, "redis.register_function can only be called on FUNCTION LOAD command")
		return 0 // not reached: raiseErr does not return
	}
	fn := &Function{Library: lib}
	switch L.GetTop() {
	case 1:
		t, ok := L.Get(1).(*lua.LTable)
		if !ok {
			raiseErr(L, "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).")
		}
		var bad string
		t.ForEach(func(k, v lua.LValue) {
			if bad != "" {
				return
			}
			ks, ok := k.(lua.LString)
			if !ok {
				bad = "named argument key given to redis.register_function is not a string"
				return
			}
			switch string(ks) {
			case "function_name":
				if !lua.LVCanConvToString(v) {
					bad = "function_name argument given to redis.register_function must be a string"
					return
				}
				fn.Name = lua.LVAsString(v)
			case "description":
				s, ok := v.(lua.LString)
				if !ok {
					bad = "description argument given to redis.register_function must be a string"
					return
				}
				fn.Description = string(s)
			case "callback":
				c, ok := v.(*lua.LFunction)
				if !ok {
					bad = "callback argument given to redis.register_function must be a function"
					return
				}
				fn.fn = c
			case "flags":
				ft, ok := v.(*lua.LTable)
				if !ok {
					bad = "flags argument to redis.register_function must be a table representing function flags"
					return
				}
				bad = fn.setFlags(ft)
			default:
				bad = "unknown argument given to redis.register_function"
			}
		})
		if bad != "" {
			raiseErr(L, bad)
		}
		if fn.Name == "" {
			raiseErr(L, "redis.register_function must get a function name argument")
		}
		if fn.fn == nil {
			raiseErr(L, "redis.register_function must get a callback argument")
		}
	case 2:
		if !lua.LVCanConvToString(L.Get(1)) {
			raiseErr(L, "first argument to redis.register_function must be a string")
		}
		c, ok := L.Get(2).(*lua.LFunction)
		if !ok {
			raiseErr(L, "second argument to redis.register_function must be a function")
		}
		fn.Name, fn.fn = lua.LVAsString(L.Get(1)), c
	default:
		raiseErr(L, "wrong number of arguments to redis.register_function")
	}
	if !validName(fn.Name) {
		raiseErr(L, errBadName)
	}
	for _, other := range lib.Functions {
		if other.Name == fn.Name {
			raiseErr(L, "Function already exists in the library")
		}
	}
	lib.Functions = append(lib.Functions, fn)
	return 0
}

func (fn *Function) setFlags(t *lua.LTable) string {
	bad := ""
	for i := 1; ; i++ {
		v := t.RawGetInt(i)
		if v == lua.LNil {
			break
		}
		s, ok := v.(lua.LString)
		if !ok {
			return "unknown flag given"
		}
		known := false
		for _, f := range functionFlags {
			if f == string(s) {
				known = true
			}
		}
		if !known {
			return "unknown flag given"
		}
		switch s {
		case "no-writes":
			fn.noWrites = true
		case "allow-oom":
			fn.allowOOM = true
		}
		fn.Flags = append(fn.Flags, string(s))
	}
	return bad
}

// HasFunction reports whether a function of that name is loaded.
func (e *Engine) HasFunction(name []byte) bool { return e.funcs.funcs[string(name)] != nil }

// FCall runs a function (FCALL, FCALL_RO).
func (e *Engine) FCall(r Run, name []byte, keys, argv [][]byte, w command.Writer) {
	fn := e.funcs.funcs[string(name)]
	if fn == nil {
		w.Error(ErrFunctionNotFound)
		return
	}
	if r.OOM && !fn.noWrites && !fn.allowOOM {
		w.Error(command.ErrOOM)
		return
	}
	if r.ReadOnly && !fn.noWrites {
		w.Error(ErrROWithWriteFlag)
		return
	}
	rs := &runState{Run: r, name: fn.Name, noWrites: fn.noWrites || r.ReadOnly, allowOOM: fn.allowOOM, resp: 2}
	e.call(rs, fn.fn, "user_function", w, true, e.array(keys), e.array(argv))
}

// Libraries returns the libraries whose names match pattern (all when
// match is nil), sorted by name.
func (e *Engine) Libraries(match func(name string) bool) []*Library {
	var out []*Library
	for _, lib := range e.funcs.libs {
		if match == nil || match(lib.Name) {
			out = append(out, lib)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// FunctionDelete removes a library; false when there is none.
func (e *Engine) FunctionDelete(name string) bool {
	if _, ok := e.funcs.libs[name]; !ok {
		return false
	}
	e.funcs.remove(name)
	return true
}

// FunctionFlush removes every library.
func (e *Engine) FunctionFlush() {
	e.funcs.libs = map[string]*Library{}
	e.funcs.funcs = map[string]*Function{}
}

// FunctionCounts returns the number of libraries and functions.
func (e *Engine) FunctionCounts() (libs, funcs int) {
	return len(e.funcs.libs), len(e.funcs.funcs)
}
