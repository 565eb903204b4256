package scripting

import (
	"strings"
	"testing"
)

// TestLua51ErrorNames checks the bytecode inspection that names variables
// in runtime errors. It also guards the unsafe mirror of gopher-lua's call
// frames: after a gopher-lua upgrade that changes the layout, the names
// disappear and this test fails.
func TestLua51ErrorNames(t *testing.T) {
	e := New(nil)
	defer e.Close()
	d := newFake()
	for _, tc := range []struct{ script, want string }{
		{"local t = nil; return t.x", "attempt to index local 't' (a nil value)"},
		{"local t = {}; return t.x.y", "attempt to index field 'x' (a nil value)"},
		{"return KEYS[1].x", "attempt to index field '?' (a nil value)"},
		{"local up; local function f() return up.y end; return f()", "attempt to index upvalue 'up' (a nil value)"},
		{"return redis.nope()", "attempt to call field 'nope' (a nil value)"},
		{"return ('x'):nope()", "attempt to call method 'nope' (a nil value)"},
		{"local function f() end; f()()", "attempt to call a nil value"},
		{"local a = {}; return a.n + 1", "attempt to perform arithmetic on field 'n' (a nil value)"},
		{"return 'a' + 1", "attempt to perform arithmetic on a string value"},
		{"local a, b = 'x'; return a .. b", "attempt to concatenate local 'b' (a nil value)"},
		{"local t = {}; return t.a .. t.b", "attempt to concatenate field 'a' (a nil value)"},
		{"local x; return #x", "attempt to get length of local 'x' (a nil value)"},
		{"return -{}", "attempt to perform arithmetic on a table value"},
		{"return {} < {}", "attempt to compare two table values"},
		{"for i = 1, 'x' do end", "'for' limit must be a number"},
		{"return string.rep()", "bad argument #1 to 'rep' (string expected, got no value)"},
		{"return ('x'):rep()", "bad argument #1 to 'rep' (number expected, got no value)"},
		{"error()", "ERR nil script:"},
		{"error(5)", "user_script:1: 5 script:"},
		{"return 1 +", "ERR Error compiling script (new function): user_script:1: unexpected symbol near '<eof>'"},
		{"local s = 'abc", "user_script:1: unfinished string near '<eof>'"},
	} {
		got := eval(t, e, d, tc.script, false)
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s:\n got  %s\n want %s", tc.script, got, tc.want)
		}
	}
	// pcall hands back translated messages, and {err=...} as its string.
	for _, tc := range []struct{ script, want string }{
		{"local ok, e = pcall(function() local t; return t.x end); return e", "$user_script:1: attempt to index local 't' (a nil value)"},
		{"local ok, e = pcall(function() error({err='x'}) end); return e", "$x"},
		{"local ok, e = pcall(function() redis.call('nosuch') end); return e", "$ERR Unknown Redis command called from script"},
		{"return select(2, loadstring('x ='))", `$[string "x ="]:1: unexpected symbol near '<eof>'`},
	} {
		if got := eval(t, e, d, tc.script, false); got != tc.want {
			t.Errorf("%s:\n got  %s\n want %s", tc.script, got, tc.want)
		}
	}
}

// TestCJSONKeyOrder checks objects come out in Lua 5.1's lua_next order
// (values observed on redis-server 7.0.15), for tables built by
// assignment and by cjson.decode.
func TestCJSONKeyOrder(t *testing.T) {
	e := New(nil)
	defer e.Close()
	d := newFake()
	for _, tc := range []struct{ script, want string }{
		{"local t = {} t.a=1 t.b=2 t.c=3 return cjson.encode(t)", `{"a":1,"c":3,"b":2}`},
		{`return cjson.encode(cjson.decode('{"name":"x","id":5,"tags":["a","b"],"user":"u","ts":123}'))`,
			`{"ts":123,"name":"x","tags":["a","b"],"id":5,"user":"u"}`},
		{"local t = {} t.status='ok' t.count=10 t.items={} t.next=false t.prev=true t.page=1 t.total=99 return cjson.encode(t)",
			`{"items":{},"total":99,"count":10,"next":false,"status":"ok","page":1,"prev":true}`},
		{"return cjson.encode({1, 2, a=3})", `{"1":1,"2":2,"a":3}`},
	} {
		if got := eval(t, e, d, tc.script, false); got != "$"+tc.want {
			t.Errorf("%s:\n got  %s\n want $%s", tc.script, got, tc.want)
		}
	}
}

func TestStrtod(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		n    int
	}{
		{"12", 12, 2}, {"0x10]", 16, 4}, {"0x", 0, 1}, {"1e", 1, 1}, {"1e+5", 1e5, 4},
		{"-1.5e-1,", -0.15, 7}, {"007", 7, 3}, {"+3", 3, 2}, {"-", 0, 0}, {".", 0, 0},
		{"0x1.8p1", 3, 7}, {"1.", 1, 2}, {".5", 0.5, 2},
	} {
		f, n := strtod(tc.in)
		if f != tc.want || n != tc.n {
			t.Errorf("strtod(%q) = %v, %d; want %v, %d", tc.in, f, n, tc.want, tc.n)
		}
	}
	if f, n := strtod("Infinity"); n != 8 || f <= 1e308 {
		t.Errorf("strtod(Infinity) = %v, %d", f, n)
	}
	if f, n := strtod("1e400"); n != 5 || f <= 1e308 {
		t.Errorf("strtod(1e400) = %v, %d", f, n)
	}
}

// TestKeysArgvReuse checks that the reused KEYS and ARGV tables never
// carry a previous script's changes.
func TestKeysArgvReuse(t *testing.T) {
	e := New(nil)
	defer e.Close()
	d := newFake()
	steps := []struct {
		script string
		keys   []string
		want   string
	}{
		{"return KEYS", []string{"a"}, "*1 $a"},
		{"KEYS[2] = 'x'; return #KEYS", []string{"a"}, ":2"},
		{"return #KEYS", []string{"a"}, ":1"},
		{"KEYS.foo = 1; return KEYS.foo", []string{"a"}, ":1"},
		{"return KEYS.foo", []string{"a"}, "nil"},
		{"setmetatable(KEYS, {__index = function() return 'm' end}); return KEYS[5]", []string{"a"}, "$m"},
		{"return KEYS[5]", []string{"a"}, "nil"},
		{"KEYS[1] = nil; return #KEYS", []string{"a"}, ":0"},
		{"return KEYS[1]", []string{"b"}, "$b"},
		{"table.insert(KEYS, 'z'); KEYS[2] = nil; return #KEYS", []string{"a"}, ":1"},
		{"table.insert(KEYS, 'q'); return KEYS", []string{"a"}, "*2 $a $q"},
		{"return KEYS", []string{"c"}, "*1 $c"},
		{"return KEYS", []string{"c", "d"}, "*2 $c $d"},
		{"return KEYS", nil, "*0"},
		{"KEYS[1] = 'x'; return KEYS", nil, "*1 $x"},
		{"return KEYS", nil, "*0"},
	}
	for i, s := range steps {
		if got := eval(t, e, d, s.script, false, s.keys...); got != s.want {
			t.Errorf("step %d %s %v: got %s, want %s", i, s.script, s.keys, got, s.want)
		}
	}
}
