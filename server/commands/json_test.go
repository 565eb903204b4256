package commands

import (
	"strconv"
	"strings"
	"testing"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/server/command"
	"github.com/aikv/aikv/server/resp"
)

// jsonRender turns a RESP reply into compact text: +OK -> OK, errors as
// "!text", bulk as its text, null as nil, arrays as [a b].
func jsonRender(b []byte) (string, []byte) {
	line := func() (string, []byte) {
		i := strings.Index(string(b), "\r\n")
		return string(b[1:i]), b[i+2:]
	}
	switch b[0] {
	case '+':
		return line()
	case '-':
		s, rest := line()
		return "!" + s, rest
	case ':':
		s, rest := line()
		return s, rest
	case '_':
		_, rest := line()
		return "nil", rest
	case ',':
		s, rest := line()
		return "d:" + s, rest
	case '$':
		s, rest := line()
		n, _ := strconv.Atoi(s)
		if n < 0 {
			return "nil", rest
		}
		return string(rest[:n]), rest[n+2:]
	case '*':
		s, rest := line()
		n, _ := strconv.Atoi(s)
		if n < 0 {
			return "nil", rest
		}
		parts := make([]string, n)
		for i := range parts {
			parts[i], rest = jsonRender(rest)
		}
		return "[" + strings.Join(parts, " ") + "]", rest
	}
	panic("unexpected reply " + string(b))
}

type jsonEnv struct {
	t   *testing.T
	tbl *command.Table
	ks  *datastructs.Keyspace
}

func (e *jsonEnv) do(proto int, args ...string) (string, *command.Context) {
	e.t.Helper()
	spec := e.tbl.Lookup([]byte(args[0]))
	w := &resp.Writer{Protocol: proto}
	c := &command.Context{Spec: spec, W: w, Client: &command.Client{Proto: proto}, KS: e.ks, DB: e.ks.DB(0), Effects: command.Effects{Logging: true}}
	for _, a := range args {
		c.Args = append(c.Args, []byte(a))
	}
	if !spec.CheckArity(len(c.Args)) {
		return "!" + command.ArgCountError(spec.Name), c
	}
	spec.Handler(c)
	out, rest := jsonRender(w.B)
	if len(rest) != 0 {
		e.t.Fatalf("%v: trailing reply bytes %q", args, rest)
	}
	return out, c
}

// A script line is: command args... => expected reply.
func (e *jsonEnv) run(proto int, script string) {
	e.t.Helper()
	for _, line := range strings.Split(script, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cmd, want, _ := strings.Cut(line, " => ")
		args, ok := resp.SplitArgs([]byte(cmd), nil)
		if !ok {
			e.t.Fatalf("bad line %q", line)
		}
		sargs := make([]string, len(args))
		for i, a := range args {
			sargs[i] = string(a)
		}
		got, _ := e.do(proto, sargs...)
		got = strings.NewReplacer("\n", `\n`, "\t", `\t`).Replace(got)
		if got != want {
			e.t.Errorf("%s\n got  %s\n want %s", cmd, got, want)
		}
	}
}

func newJSONEnv(t *testing.T) *jsonEnv {
	return &jsonEnv{t: t, tbl: NewTable(), ks: datastructs.New(datastructs.Options{})}
}

// Expected replies come from RedisJSON's documentation (redis.io command
// pages), the go-redis JSON test suite (run against Redis Stack) and
// RedisJSON's source; no RedisJSON server was available to compare with.
func TestJSONCommands(t *testing.T) {
	e := newJSONEnv(t)
	e.run(2, `
SET str x => OK
# JSON.SET / JSON.GET
JSON.SET doc $ '{"a":2}' => OK
JSON.SET doc $.a 3 => OK
JSON.GET doc $ => [{"a":3}]
JSON.SET doc $.b.c 1 => nil
JSON.SET doc $.b '{"c":[1,2]}' NX => OK
JSON.SET doc $.b 1 NX => nil
JSON.SET doc $.z 1 XX => nil
JSON.SET doc $.z 1 NX XX => !ERR syntax error
JSON.SET doc $.z 1 FOO => !ERR syntax error
JSON.SET doc $..c 1 => OK
JSON.GET doc => {"a":3,"b":{"c":1}}
JSON.SET doc $..nope 1 => !Err wrong static path
JSON.SET nokey $.a 1 => !ERR new objects must be created at the root
JSON.SET nokey $ 1 XX => nil
JSON.SET str $ 1 => !Existing key has wrong Redis type
JSON.SET doc $ '{"a":' => !EOF while parsing a value at line 1 column 5
JSON.SET doc $ foo => !expected ident at line 1 column 2
JSON.SET arr $ [1,2] => OK
JSON.SET arr $[5] 1 => !ERR array index out of range
JSON.SET arr $[-1] 9 => OK
JSON.GET arr => [1,9]
JSON.SET arr .[0] 7 => OK
JSON.GET arr . => [7,9]
JSON.GET doc .a => 3
JSON.GET doc a => 3
JSON.GET doc .nope => !ERR Path '$.nope' does not exist
JSON.GET doc $.nope => []
JSON.GET doc $.a $.b.c => {"$.a":[3],"$.b.c":[1]}
JSON.GET doc .a .b => {".a":3,".b":{"c":1}}
JSON.GET doc .a .nope => !ERR Path '.nope' does not exist
JSON.GET doc .a $.nope => {".a":[3],"$.nope":[]}
JSON.GET doc INDENT "\t" NEWLINE "\n" SPACE " " $.b => [\n\t{\n\t\t"c": 1\n\t}\n]
JSON.GET doc INDENT => !ERR wrong number of arguments for 'JSON.GET' command
JSON.GET doc $[ => !Error occurred on position 3, "$[ <<<<----", expected one of the following: '*', <number>, <string>, '?'
JSON.GET nokey $ => nil
JSON.GET str => !Existing key has wrong Redis type
JSON.GET doc FORMAT EXPAND $ => !ERR FORMAT argument is not supported on RESP2
TYPE doc => ReJSON-RL
# numbers keep RedisJSON's integer/float distinction
JSON.SET n $ '{"i":9223372036854775807,"u":18446744073709551615,"f":5.0,"e":1e2,"s":0.1}' => OK
JSON.GET n => {"i":9223372036854775807,"u":18446744073709551615,"f":5.0,"e":100.0,"s":0.1}
JSON.TYPE n $.* => [integer integer number number number]
JSON.TYPE n .f => number
JSON.TYPE n .nope => nil
JSON.TYPE nokey => nil
JSON.NUMINCRBY n $.f 2 => [7.0]
JSON.NUMINCRBY n $.f 3.5 => [10.5]
JSON.NUMINCRBY n .i 0 => 9223372036854775807
JSON.NUMMULTBY n $.s 3 => [0.30000000000000004]
JSON.NUMINCRBY n $.* 1 => [-9223372036854775808,1.8446744073709552e19,11.5,101.0,1.3]
JSON.NUMINCRBY n $.nope 1 => []
JSON.NUMINCRBY n .nope 1 => !ERR Path '$.nope' does not exist or does not contains a number
JSON.NUMINCRBY n $.f '"x"' => !bad input number
JSON.NUMMULTBY n $.f 1e308 => !result is not a number
JSON.NUMINCRBY nokey $ 1 => !ERR could not perform this operation on a key that doesn't exist
JSON.SET incr3 $ '{"a": [1, 2], "b": {"a": [0, -1]}}' => OK
JSON.NUMINCRBY incr3 $..a[1] 1 => [3,0]
JSON.NUMPOWBY incr3 $.a[1] 10 => [59049]
# JSON.DEL / JSON.FORGET
JSON.SET del1 $ '{"a": 1, "nested": {"a": 2, "b": 3}}' => OK
JSON.DEL del1 $..a => 2
JSON.GET del1 $ => [{"nested":{"b":3}}]
JSON.SET del2 $ '{"a": {"a": 2, "b": 3}, "b": ["a", "b"], "nested": {"b": [true, "a", "b"]}}' => OK
JSON.FORGET del2 $..a => 1
JSON.GET del2 $ => [{"nested":{"b":[true,"a","b"]},"b":["a","b"]}]
JSON.SET del3 $ '[{"ciao": ["non ancora"], "nested": [{"ciao": [1, "a"]}, {"ciao": [2, "a"]}, {"ciaoc": [3, "non", "ciao"]}, {"ciao": [4, "a"]}, {"e": [5, "non", "ciao"]}]}]' => OK
JSON.DEL del3 '$.[0]["nested"]..ciao' => 3
JSON.GET del3 $ => [[{"ciao":["non ancora"],"nested":[{},{},{"ciaoc":[3,"non","ciao"]},{},{"e":[5,"non","ciao"]}]}]]
JSON.SET del4 $ [0,1,2,3,4] => OK
JSON.DEL del4 $[1,3,-1] => 3
JSON.GET del4 => [0,2]
JSON.DEL del4 $[9] => 0
JSON.DEL del4 => 1
EXISTS del4 => 0
JSON.DEL nokey => 0
JSON.DEL str => !Existing key has wrong Redis type
JSON.DEL del1 $ x => 1
# strings
JSON.SET s $ '{"a":"foo","nested":{"a":"hello"},"n":{"a":31}}' => OK
JSON.STRAPPEND s $..a '"baz"' => [6 8 nil]
JSON.STRAPPEND s .a '"!"' => 7
JSON.STRAPPEND s .n.a '"!"' => !ERR Path '$.n.a' does not exist or not a string
JSON.STRAPPEND s $.a 1 => !WRONGTYPE wrong type of path value - expected string but found 1
JSON.STRAPPEND s $.a '"x' => !EOF while parsing a string at line 1 column 2
JSON.STRLEN s $..a => [7 8 nil]
JSON.STRLEN s .a => 7
JSON.STRLEN s .n.a => !WRONGTYPE wrong type of path value - expected string but found integer
JSON.STRLEN s .x => !ERR Path '$.x' does not exist
JSON.STRLEN nokey .a => nil
JSON.STRLEN nokey $.a => !ERR could not perform this operation on a key that doesn't exist
JSON.SET s1 $ '"foo"' => OK
JSON.STRAPPEND s1 '"bar"' => 6
JSON.GET s1 => "foobar"
# toggle
JSON.SET t $ '{"a":true,"b":[false],"c":1}' => OK
JSON.TOGGLE t $..* => [0 nil nil 1]
JSON.TOGGLE t .a => true
JSON.TOGGLE t .c => !ERR Path '$.c' does not exist or not a bool
JSON.GET t => {"a":true,"b":[true],"c":1}
JSON.SET l $ '[1,' => !EOF while parsing a value at line 1 column 3
# arrays
JSON.SET a $ '{"a": [10], "b": {"a": [12, 13]}}' => OK
JSON.ARRAPPEND a $..a 10 => [2 3]
JSON.ARRAPPEND a .a 1 2 => 4
JSON.ARRAPPEND a .b 1 => !ERR Path '.b' does not exist or not an array
JSON.ARRAPPEND a $.a => !ERR wrong number of arguments for 'JSON.ARRAPPEND' command
JSON.ARRAPPEND a $.a [ => !EOF while parsing a list at line 1 column 1
JSON.ARRLEN a $..a => [4 3]
JSON.ARRLEN a .a => 4
JSON.ARRLEN a .b => !ERR Path '.b' does not exist or not an array
JSON.ARRLEN a .x => !ERR Path '.x' does not exist
JSON.ARRLEN a $.b => [nil]
JSON.ARRLEN nokey => nil
JSON.ARRLEN nokey $ => !ERR could not perform this operation on a key that doesn't exist
JSON.SET ins $ '[100, 200, 300, 200]' => OK
JSON.ARRINSERT ins $ -1 1 2 => [6]
JSON.GET ins => [100,200,300,1,2,200]
JSON.ARRINSERT ins . 0 0 => 7
JSON.ARRINSERT ins $ 8 1 => !ERR index out of bounds
JSON.ARRINSERT ins $ x 1 => !Couldn't parse as integer
JSON.ARRINDEX ins $ 200 => [2]
JSON.ARRINDEX ins $ 200 3 => [6]
JSON.ARRINDEX ins $ 200 3 -1 => [-1]
JSON.ARRINDEX ins . 300 => 3
JSON.ARRINDEX ins . 300.0 => -1
JSON.ARRINDEX ins .x 1 => !ERR Path '$.x' does not exist
JSON.ARRINDEX nokey $ 1 => !ERR Path '$' does not exist
JSON.ARRINDEX ins $ 1 0 0 0 => !ERR wrong number of arguments for 'JSON.ARRINDEX' command
JSON.SET pop $ '[100, 200, 300, 200]' => OK
JSON.ARRPOP pop $ 2 => [300]
JSON.GET pop $ => [[100,200,200]]
JSON.ARRPOP pop => 200
JSON.ARRPOP pop . 0 => 100
JSON.ARRPOP pop . x => 200
JSON.ARRPOP pop $ => [nil]
JSON.ARRPOP pop . => nil
JSON.ARRPOP nokey => !ERR could not perform this operation on a key that doesn't exist
JSON.SET trim $ [0,1,2,3,4] => OK
JSON.ARRTRIM trim $ 1 3 => [3]
JSON.GET trim $ => [[1,2,3]]
JSON.ARRTRIM trim . -1 5 => 1
JSON.SET trim $ [0,1,2,3,4] => OK
JSON.ARRTRIM trim $ -1 3 => [0]
JSON.SET trim $ [0,1,2,3,4] => OK
JSON.ARRTRIM trim $ 3 99 => [2]
JSON.ARRTRIM trim $ 9 11 => [0]
JSON.ARRTRIM trim .x 0 1 => !ERR Path '$.x' does not exist or not an array
# objects
JSON.SET o $ '{"nested1": {"a": {"foo": 10, "bar": 20}}, "a": ["foo"], "nested2": {"a": {"baz": 50}}}' => OK
JSON.OBJKEYS o $.nested1.a => [[foo bar]]
JSON.OBJKEYS o .*.a => [foo bar]
JSON.OBJKEYS o .nested2.a => [baz]
JSON.OBJKEYS o $..a => [nil [foo bar] [baz]]
JSON.OBJKEYS o .a => !ERR Path '$.a' does not exist or not an object
JSON.OBJKEYS o .x => nil
JSON.OBJKEYS nokey ..a => nil
JSON.OBJKEYS nokey $..a => !ERR could not perform this operation on a key that doesn't exist
JSON.OBJLEN o $..a => [nil 2 1]
JSON.OBJLEN o => 3
JSON.OBJLEN o .a => !WRONGTYPE wrong type of path value - expected object but found array
JSON.OBJLEN nokey $ => !ERR Path '$' does not exist or not an object
# clear
JSON.SET c $ '{"nested1": {"a": {"foo": 10, "bar": 20}}, "a": ["foo"], "nested2": {"a": "claro"}, "nested3": {"a": {"baz": 50}}}' => OK
JSON.CLEAR c $..a => 3
JSON.GET c $ => [{"nested1":{"a":{}},"a":[],"nested2":{"a":"claro"},"nested3":{"a":{}}}]
JSON.SET c $ '{"n":1.5,"z":0,"s":"x"}' => OK
JSON.CLEAR c $.* => 1
JSON.GET c => {"n":0,"z":0,"s":"x"}
JSON.CLEAR c => 1
JSON.GET c => {}
JSON.CLEAR nokey => !ERR could not perform this operation on a key that doesn't exist
# merge
JSON.SET m $ '{"a": 1, "b": 2}' => OK
JSON.MERGE m $ '{"b": 3, "c": 4}' => OK
JSON.GET m $ => [{"a":1,"b":3,"c":4}]
JSON.MERGE m $.a null => OK
JSON.GET m => {"a":null,"b":3,"c":4}
JSON.MERGE m $ '{"a":null}' => OK
JSON.GET m => {"c":4,"b":3}
JSON.MERGE m $.d '{"x":{"y":null,"z":1}}' => OK
JSON.GET m => {"c":4,"b":3,"d":{"x":{"y":null,"z":1}}}
JSON.MERGE m $.d '{"x":{"z":null}}' => OK
JSON.GET m => {"c":4,"b":3,"d":{"x":{"y":null}}}
JSON.MERGE m $.q.r 1 => nil
JSON.MERGE nokey $.a 1 => !ERR new objects must be created at the root
JSON.MERGE nokey2 $ '{"a":1}' => OK
# mset / mget
JSON.MSET mset1 $ '{"a": 1}' mset2 $ 2 => OK
JSON.MGET mset1 mset2 $ => [[{"a":1}] [2]]
JSON.MSET mset1 $.a 2 mset3 $ '[1]' => OK
JSON.MGET mset1 mset3 nokey str $ => [[{"a":2}] [[1]] nil nil]
JSON.MGET mset1 mset3 .a => [2 nil]
JSON.MSET mset1 $.a 3 nokey3 $.a 1 => !ERR new objects must be created at the root
JSON.GET mset1 => {"a":2}
JSON.MSET mset1 $.a 3 mset2 => !ERR wrong number of arguments for 'JSON.MSET' command
JSON.MSET mset1 $.a 3 mset2 $ [ => !EOF while parsing a list at line 1 column 1
JSON.GET mset1 => {"a":2}
# resp / debug
JSON.SET r $ '{"a":[null,true,1,1.5,"s"],"o":{"k":false}}' => OK
JSON.RESP r => [{ a [[ nil true 1 1.5 s] o [{ k false]]
JSON.RESP r $.a[2] => [1]
JSON.RESP r .x => !ERR Path '$.x' does not exist
JSON.RESP nokey => nil
JSON.DEBUG MEMORY r $.a[3] => [24]
JSON.DEBUG MEMORY nokey => 0
JSON.DEBUG MEMORY nokey $ => []
JSON.DEBUG MEMORY => !ERR wrong number of arguments for 'JSON.DEBUG' command
JSON.DEBUG HELP => [MEMORY <key> [path] - reports memory usage HELP                - this message]
JSON.DEBUG nope => !ERR unknown subcommand - try `+"`JSON.DEBUG HELP`"+`
`)
}

func TestJSONResp3(t *testing.T) {
	e := newJSONEnv(t)
	e.run(3, `
JSON.SET d $ '{"a":1,"f":1.5,"b":true}' => OK
JSON.TYPE d $.a => [[integer]]
JSON.TYPE d .f => [number]
JSON.NUMINCRBY d $.* 1 => [2 d:2.5 nil]
JSON.NUMINCRBY d .a 1 => [3]
JSON.GET d $.a => [3]
JSON.ARRPOP d FORMAT STRING $ => !ERR wrong reply format
`)
}

// Write commands change the dataset only when they succeed, and are
// logged verbatim (no Propagate).
func TestJSONEffects(t *testing.T) {
	e := newJSONEnv(t)
	dirty := func() int64 { return e.ks.Dirty }
	e.do(2, "JSON.SET", "k", "$", `{"a":[1]}`)
	cases := []struct {
		args    []string
		changes bool
	}{
		{[]string{"JSON.ARRAPPEND", "k", "$.a", "2"}, true},
		{[]string{"JSON.ARRAPPEND", "k", "$.x", "2"}, false},
		{[]string{"JSON.SET", "k", "$.a", "1", "NX"}, false},
		{[]string{"JSON.NUMINCRBY", "k", "$.a[0]", "1"}, true},
		{[]string{"JSON.DEL", "k", "$.zz"}, false},
		{[]string{"JSON.GET", "k"}, false},
	}
	for _, tc := range cases {
		before := dirty()
		_, c := e.do(2, tc.args...)
		if (dirty() != before) != tc.changes {
			t.Errorf("%v: dirty %d -> %d", tc.args, before, dirty())
		}
		if c.Effects.Custom {
			t.Errorf("%v: JSON commands are logged verbatim", tc.args)
		}
	}
	// TTL survives in-place updates, and COPY deep-copies.
	e.ks.DB(0).SetExpire([]byte("k"), e.ks.Now()+100000)
	e.do(2, "JSON.SET", "k", "$", `{"b":1}`)
	if ent := e.ks.DB(0).Peek("k"); ent == nil || ent.ExpireAt == 0 {
		t.Fatal("JSON.SET on the root dropped the TTL")
	}
	e.do(2, "COPY", "k", "k2")
	e.do(2, "JSON.SET", "k2", "$.b", "2")
	if got, _ := e.do(2, "JSON.GET", "k"); got != `{"b":1}` {
		t.Fatalf("copy shares the tree: %s", got)
	}
}

func TestJSONSpecs(t *testing.T) {
	tbl := NewTable()
	for _, name := range []string{"json.set", "json.get", "json.del", "json.mget", "json.mset", "json.arrappend", "json.debug", "json.resp", "json.merge", "json.clear", "json.toggle", "json.forget"} {
		s := tbl.Lookup([]byte(name))
		if s == nil || s.Group != "json" {
			t.Fatalf("%s missing", name)
		}
	}
	keys := func(args ...string) []int {
		b := make([][]byte, len(args))
		for i, a := range args {
			b[i] = []byte(a)
		}
		return tbl.Lookup(b[0]).KeyIndexes(b)
	}
	if got := keys("json.mget", "a", "b", "$"); len(got) != 2 || got[1] != 2 {
		t.Errorf("mget keys %v", got)
	}
	if got := keys("json.mset", "a", "$", "1", "b", "$", "2"); len(got) != 2 || got[1] != 4 {
		t.Errorf("mset keys %v", got)
	}
	if !tbl.Lookup([]byte("json.set")).Flags.Has(command.Write | command.DenyOOM) {
		t.Error("json.set flags")
	}
	if !tbl.Lookup([]byte("json.get")).Flags.Has(command.ReadOnly) {
		t.Error("json.get flags")
	}
}
