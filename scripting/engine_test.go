package scripting

import (
	"strings"
	"testing"

	"github.com/aikv/aikv/server/command"
)

// fakeDispatcher runs a tiny command set on a map.
type fakeDispatcher struct {
	t    *command.Table
	data map[string]string
	ran  [][]string
}

func newFake() *fakeDispatcher {
	d := &fakeDispatcher{t: command.NewTable(), data: map[string]string{}}
	h := func(c *command.Context) {}
	d.t.Add(
		&command.Spec{Name: "get", Arity: 2, Flags: command.ReadOnly, Handler: h},
		&command.Spec{Name: "set", Arity: -3, Flags: command.Write, Handler: h},
		&command.Spec{Name: "ping", Arity: -1, Handler: h},
		&command.Spec{Name: "eval", Arity: -3, Flags: command.NoScript, Handler: h},
		&command.Spec{Name: "hgetall", Arity: 2, Flags: command.ReadOnly, Handler: h},
		&command.Spec{Name: "err", Arity: 1, Handler: h},
		&command.Spec{Name: "dbl", Arity: 1, Handler: h},
	)
	return d
}

func (d *fakeDispatcher) Table() *command.Table { return d.t }

func (d *fakeDispatcher) Call(args [][]byte, w command.Writer) {
	s := make([]string, len(args))
	for i, a := range args {
		s[i] = string(a)
	}
	d.ran = append(d.ran, s)
	switch strings.ToLower(s[0]) {
	case "get":
		if v, ok := d.data[s[1]]; ok {
			w.BulkString(v)
		} else {
			w.Null()
		}
	case "set":
		d.data[s[1]] = s[2]
		w.OK()
	case "ping":
		w.SimpleString("PONG")
	case "hgetall":
		w.Map(2)
		w.BulkString("a")
		w.Int(1)
		w.BulkString("b")
		w.Array(2)
		w.Int(2)
		w.Null()
	case "err":
		w.Error("WRONGTYPE Operation against a key holding the wrong kind of value")
	case "dbl":
		w.Double(1.5)
	}
}

// recorder is a command.Writer that renders replies as text.
type recorder struct {
	b     strings.Builder
	proto int
}

func (r *recorder) add(s string)          { r.b.WriteString(s + " ") }
func (r *recorder) SimpleString(s string) { r.add("+" + s) }
func (r *recorder) OK()                   { r.add("+OK") }
func (r *recorder) Error(msg string)      { r.add("-" + msg) }
func (r *recorder) Int(n int64)           { r.add(":" + itoa(n)) }
func (r *recorder) Bulk(b []byte)         { r.add("$" + string(b)) }
func (r *recorder) BulkString(s string)   { r.add("$" + s) }
func (r *recorder) Null()                 { r.add("nil") }
func (r *recorder) NullArray()            { r.add("nilarr") }
func (r *recorder) Array(n int)           { r.add("*" + itoa(int64(n))) }
func (r *recorder) Map(n int)             { r.add("%" + itoa(int64(n))) }
func (r *recorder) Set(n int)             { r.add("~" + itoa(int64(n))) }
func (r *recorder) Push(n int)            { r.add(">" + itoa(int64(n))) }
func (r *recorder) Double(f float64)      { r.add("," + formatDouble17(f)) }
func (r *recorder) Bool(b bool)           { r.add(map[bool]string{true: "#t", false: "#f"}[b]) }
func (r *recorder) Verbatim(_, s string)  { r.add("=" + s) }
func (r *recorder) Proto() int            { return r.proto }
func itoa(n int64) string                 { return formatDouble17(float64(n)) }
func (r *recorder) String() string        { return strings.TrimSpace(r.b.String()) }

var _ command.Writer = (*recorder)(nil)

func eval(t *testing.T, e *Engine, d *fakeDispatcher, script string, ro bool, keys ...string) string {
	t.Helper()
	w := &recorder{proto: 2}
	var k [][]byte
	for _, s := range keys {
		k = append(k, []byte(s))
	}
	e.Eval(Run{D: d, ReadOnly: ro, Proto: 2}, []byte(script), k, nil, w)
	return w.String()
}

func TestConversions(t *testing.T) {
	e := New(nil)
	defer e.Close()
	d := newFake()
	d.data["k"] = "v"
	for _, tc := range []struct{ script, want string }{
		{"return 1", ":1"},
		{"return 3.99", ":3"},
		{"return -3.99", ":-3"},
		{"return 'x'", "$x"},
		{"return true", ":1"},
		{"return false", "nil"},
		{"return nil", "nil"},
		{"return {1, 'a', {2}, nil, 3}", "*3 :1 $a *1 :2"},
		{"return {ok='fine'}", "+fine"},
		{"return {err='CODE msg'}", "-CODE msg"},
		{"return {double=2.5}", ",2.5"},
		{"return {map={x=1}}", "%1 $x :1"},
		{"return {set={x=true}}", "~1 $x"},
		{"redis.setresp(3); return true", "#t"},
		{"redis.setresp(3); return false", "#f"},
		{"return redis.call('get', 'k')", "$v"},
		{"return redis.call('get', 'nokey')", "nil"},
		{"return type(redis.call('get', 'nokey'))", "$boolean"},
		{"redis.setresp(3); return type(redis.call('get', 'nokey'))", "$nil"},
		{"return redis.call('ping')", "+PONG"},
		{"return redis.call('hgetall', 'h')", "*4 $a :1 $b *2 :2 nil"},
		{"redis.setresp(3); return redis.call('hgetall', 'h').map.a", ":1"},
		{"redis.setresp(3); return redis.call('hgetall', 'h').map.b[1]", ":2"},
		{"return redis.call('dbl')", "$1.5"},
		{"redis.setresp(3); return redis.call('dbl').double * 2", ":3"},
		{"return redis.pcall('err')", "-WRONGTYPE Operation against a key holding the wrong kind of value"},
		{"return redis.error_reply('oops')", "-ERR oops"},
		{"return redis.error_reply('-MY err')", "-MY err"},
		{"return redis.status_reply('S')", "+S"},
		{"return redis.call('set', 'n', 0.1)", "+OK"},
	} {
		if got := eval(t, e, d, tc.script, false); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.script, got, tc.want)
		}
	}
	if d.data["n"] != "0.10000000000000001" {
		t.Errorf("number argument formatted as %q, want %%.17g", d.data["n"])
	}
}

func TestErrors(t *testing.T) {
	e := New(nil)
	defer e.Close()
	d := newFake()
	sha := func(s string) string { return SHA1Hex([]byte(s)) }
	for _, tc := range []struct{ script, want string }{
		{"return redis.call('err')", "-WRONGTYPE Operation against a key holding the wrong kind of value script: %s, on @user_script:1."},
		{"\nreturn redis.call('nosuch')", "-ERR Unknown Redis command called from script script: %s, on @user_script:2."},
		{"return redis.call('get')", "-ERR Wrong number of args calling Redis command from script script: %s, on @user_script:1."},
		{"return redis.call('eval', 'x', 0)", "-ERR This Redis command is not allowed from script script: %s, on @user_script:1."},
		{"return redis.call()", "-ERR Please specify at least one argument for this redis lib call script: %s, on @user_script:1."},
		{"return redis.call({})", "-ERR Lua redis lib command arguments must be strings or integers script: %s, on @user_script:1."},
		{"error('boom')", "-ERR user_script:1: boom script: %s, on @user_script:1."},
		{"return nope", "-ERR user_script:1: Script attempted to access nonexistent global variable 'nope' script: %s, on @user_script:1."},
		{"nope = 1", "-ERR user_script:1: Attempt to modify a readonly table script: %s, on @user_script:1."},
		{"redis.setresp(5)", "-ERR RESP version must be 2 or 3. script: %s, on @user_script:1."},
	} {
		want := tc.want
		want = strings.Replace(want, "%s", sha(tc.script), 1)
		if got := eval(t, e, d, tc.script, false); got != want {
			t.Errorf("%q:\n got  %q\n want %q", tc.script, got, want)
		}
	}
	if got := eval(t, e, d, "return redis.call('set', 'a', 'b')", true); !strings.HasPrefix(got, "-ERR Write commands are not allowed from read-only scripts.") {
		t.Errorf("write in read-only script: %q", got)
	}
	if _, ok := d.data["a"]; ok {
		t.Error("read-only script wrote")
	}
}

func TestSandbox(t *testing.T) {
	e := New(nil)
	defer e.Close()
	d := newFake()
	for _, name := range []string{"os", "io", "dofile", "loadfile", "print", "getfenv", "setfenv", "require", "module", "debug", "newproxy"} {
		if got := eval(t, e, d, "return "+name, false); !strings.Contains(got, "nonexistent global variable '"+name+"'") {
			t.Errorf("%s is reachable: %q", name, got)
		}
	}
	for _, script := range []string{"rawset(_G, 'g', 1)", "string.x = 1", "redis.call = nil", "loadstring('g2 = 1')()", "_G.g3 = 1"} {
		if got := eval(t, e, d, script, false); !strings.Contains(got, "Attempt to modify a readonly table") {
			t.Errorf("%s: %q", script, got)
		}
	}
	// Nothing leaked into the globals.
	for _, name := range []string{"g", "g2", "g3"} {
		if got := eval(t, e, d, "return rawget(_G, '"+name+"')", false); got != "nil" {
			t.Errorf("global %s exists: %q", name, got)
		}
	}
}

// math.random is redisLrand48: the same sequence as Redis for a seed.
func TestRandomMatchesRedis(t *testing.T) {
	e := New(nil)
	defer e.Close()
	// Values from redis-server 7.0.15.
	if got := eval(t, e, newFake(), "math.randomseed(1); return {math.random(1000), math.random(1000)}", false); got != "*2 :42 :455" {
		t.Errorf("got %q", got)
	}
}

func TestScriptCache(t *testing.T) {
	e := New(nil)
	defer e.Close()
	sha, msg := e.Load([]byte("return 'cached'"))
	if msg != "" || sha != SHA1Hex([]byte("return 'cached'")) {
		t.Fatalf("Load = %q, %q", sha, msg)
	}
	if !e.Exists(strings.ToUpper(sha)) {
		t.Error("Exists is case-sensitive")
	}
	w := &recorder{proto: 2}
	e.EvalSHA(Run{D: newFake()}, []byte(sha), nil, nil, w)
	if w.String() != "$cached" {
		t.Errorf("EvalSHA = %q", w.String())
	}
	e.Flush()
	w = &recorder{proto: 2}
	e.EvalSHA(Run{D: newFake()}, []byte(sha), nil, nil, w)
	if w.String() != "-"+ErrNoScript {
		t.Errorf("after flush: %q", w.String())
	}
	if _, msg := e.Load([]byte("retur 1")); !strings.HasPrefix(msg, "ERR Error compiling script (new function): user_script:1:") {
		t.Errorf("compile error: %q", msg)
	}
}

// A read-only runaway script can be killed from another goroutine; one
// that wrote cannot.
func TestKill(t *testing.T) {
	e := New(nil)
	defer e.Close()
	d := newFake()
	if msg := e.Kill(false); msg != ErrNotBusy {
		t.Fatalf("Kill when idle = %q", msg)
	}
	done := make(chan string)
	go func() { done <- eval(t, e, d, "while true do end", false) }()
	for {
		if running, _, _ := e.Busy(); running {
			break
		}
	}
	if msg := e.Kill(true); msg != ErrNotBusy {
		t.Errorf("FUNCTION KILL of an EVAL = %q", msg)
	}
	if msg := e.Kill(false); msg != "" {
		t.Fatalf("Kill = %q", msg)
	}
	if got := <-done; got != "-ERR Script killed by user with SCRIPT KILL..." {
		t.Errorf("killed script replied %q", got)
	}
	// The engine still works afterwards.
	if got := eval(t, e, d, "return 1", false); got != ":1" {
		t.Errorf("after kill: %q", got)
	}
	go func() { done <- eval(t, e, d, "redis.call('set', 'x', 'y') while true do end", false) }()
	for {
		if running, _, _ := e.Busy(); running && e.wrote.Load() {
			break
		}
	}
	if msg := e.Kill(false); msg != ErrUnkillable {
		t.Errorf("Kill after a write = %q", msg)
	}
	// Stop it anyway so the test ends (SHUTDOWN NOSAVE's job in Redis).
	e.killed.Store(true)
	e.cancel()
	<-done
}

func TestFunctions(t *testing.T) {
	e := New(nil)
	defer e.Close()
	d := newFake()
	name, msg := e.FunctionLoad([]byte("#!lua name=lib\nredis.register_function{function_name='ro', callback=function(keys, args) return {keys[1], args[1]} end, flags={'no-writes'}}\nredis.register_function('w', function(keys) return redis.call('set', keys[1], 'v') end)"), false)
	if msg != "" || name != "lib" {
		t.Fatalf("FunctionLoad = %q, %q", name, msg)
	}
	w := &recorder{proto: 2}
	e.FCall(Run{D: d, ReadOnly: true}, []byte("ro"), [][]byte{[]byte("k")}, [][]byte{[]byte("a")}, w)
	if w.String() != "*2 $k $a" {
		t.Errorf("FCALL_RO ro = %q", w.String())
	}
	w = &recorder{proto: 2}
	e.FCall(Run{D: d, ReadOnly: true}, []byte("w"), [][]byte{[]byte("k")}, nil, w)
	if w.String() != "-"+ErrROWithWriteFlag {
		t.Errorf("FCALL_RO w = %q", w.String())
	}
	dump := e.FunctionDump()
	e.FunctionFlush()
	if msg := e.FunctionRestore(dump, RestoreAppend); msg != "" {
		t.Fatalf("restore: %s", msg)
	}
	if libs, funcs := e.FunctionCounts(); libs != 1 || funcs != 2 {
		t.Errorf("after restore: %d libs, %d funcs", libs, funcs)
	}
	dump[0] ^= 1
	if msg := e.FunctionRestore(dump, RestoreReplace); msg != errBadPayload {
		t.Errorf("corrupt dump: %q", msg)
	}
}
