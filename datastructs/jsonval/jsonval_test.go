package jsonval

import (
	"math"
	"strings"
	"testing"
)

func mustParse(t *testing.T, s string) *Node {
	t.Helper()
	n, err := Parse([]byte(s))
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return n
}

func TestRoundTrip(t *testing.T) {
	cases := []struct{ in, out string }{
		{`{"a": 1, "b": [true, false, null], "c": "x"}`, `{"a":1,"b":[true,false,null],"c":"x"}`},
		{`5.0`, `5.0`},
		{`7`, `7`},
		{`-0`, `0`},
		{`-0.0`, `-0.0`},
		{`0.1`, `0.1`},
		{`1e2`, `100.0`},
		{`1e16`, `1e16`},
		{`1e15`, `1000000000000000.0`},
		{`123456789012345678901234567890`, `1.2345678901234568e29`},
		{`1.5e-7`, `1.5e-7`},
		{`0.00001`, `0.00001`},
		{`0.000001`, `1e-6`},
		{`9223372036854775807`, `9223372036854775807`},
		{`-9223372036854775808`, `-9223372036854775808`},
		{`18446744073709551615`, `18446744073709551615`},
		{`18446744073709551616`, `1.8446744073709552e19`},
		{`3.14159`, `3.14159`},
		{`"a\"b\\c\n\u0001\u00e9/"`, `"a\"b\\c\n\u0001é/"`},
		{`"\ud83d\ude00"`, `"😀"`},
		{`{"a":1,"a":2}`, `{"a":2}`},
		{`[]`, `[]`},
		{`{}`, `{}`},
	}
	for _, tc := range cases {
		if got := string(Serialize(mustParse(t, tc.in))); got != tc.out {
			t.Errorf("%s: got %s want %s", tc.in, got, tc.out)
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ in, err string }{
		{``, "EOF while parsing a value at line 1 column 0"},
		{`x`, "expected value at line 1 column 1"},
		{`foo`, "expected ident at line 1 column 2"},
		{`{`, "EOF while parsing an object at line 1 column 1"},
		{`{"a":1,`, "EOF while parsing a value at line 1 column 7"},
		{`[`, "EOF while parsing a list at line 1 column 1"},
		{`[1,]`, "trailing comma at line 1 column 4"},
		{`{"a" 1}`, "expected `:` at line 1 column 6"},
		{`1 2`, "trailing characters at line 1 column 3"},
		{`{1:2}`, "key must be a string at line 1 column 2"},
		{`[1 2]`, "expected `,` or `]` at line 1 column 4"},
		{`01`, "invalid number at line 1 column 2"},
		{`1e999`, "number out of range at line 1 column 5"},
		{"\"a\nb\"", "control character (\\u0000-\\u001F) found while parsing a string at line 2 column 0"},
		{strings.Repeat("[", 129) + strings.Repeat("]", 129), "recursion limit exceeded at line 1 column 129"},
	}
	for _, tc := range cases {
		_, err := Parse([]byte(tc.in))
		if err == nil || err.Error() != tc.err {
			t.Errorf("%q: got %v want %s", tc.in, err, tc.err)
		}
	}
	if _, err := Parse([]byte(strings.Repeat("[", 128) + strings.Repeat("]", 128))); err != nil {
		t.Errorf("depth 128 must parse: %v", err)
	}
	if _, err := Parse([]byte{'"', 0xff, '"'}); err != ErrNotUTF8 {
		t.Errorf("invalid UTF-8: %v", err)
	}
}

func TestFormat(t *testing.T) {
	n := mustParse(t, `{"a":1,"b":[2,{"c":[]}]}`)
	got := string(Append(nil, n, &Format{Indent: "\t", Newline: "\n", Space: " "}))
	want := "{\n\t\"a\": 1,\n\t\"b\": [\n\t\t2,\n\t\t{\n\t\t\t\"c\": []\n\t\t}\n\t]\n}"
	if got != want {
		t.Errorf("got %q want %q", got, want)
	}
	// go-redis's documented examples.
	n = mustParse(t, `{"a": 1, "b": 2}`)
	if got := string(Append(nil, n, &Format{Indent: "-"})); got != `{-"a":1,-"b":2}` {
		t.Errorf("indent only: %s", got)
	}
	if got := string(Append(nil, n, &Format{Indent: "-", Newline: "~", Space: "!"})); got != `{~-"a":!1,~-"b":!2~}` {
		t.Errorf("all: %s", got)
	}
}

const storeDoc = `{
  "store": {
    "book": [
      {"category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95},
      {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99},
      {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99},
      {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99}
    ],
    "bicycle": {"color": "red", "price": 19.95}
  }
}`

func find(t *testing.T, doc *Node, path string) string {
	t.Helper()
	q, err := Compile(path)
	if err != nil {
		t.Fatalf("compile %s: %v", path, err)
	}
	arr := NewArray(nil)
	for _, m := range q.Find(doc) {
		arr.Arr = append(arr.Arr, m.Node)
	}
	return string(Serialize(arr))
}

func TestPaths(t *testing.T) {
	store := mustParse(t, storeDoc)
	cases := []struct {
		doc  *Node
		path string
		want string
	}{
		// The JSONPath examples of RedisJSON's documentation.
		{store, `$.store.book[*].author`, `["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]`},
		{store, `$..author`, `["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]`},
		{store, `$.store.*`, `[[{"category":"reference","author":"Nigel Rees","title":"Sayings of the Century","price":8.95},{"category":"fiction","author":"Evelyn Waugh","title":"Sword of Honour","price":12.99},{"category":"fiction","author":"Herman Melville","title":"Moby Dick","isbn":"0-553-21311-3","price":8.99},{"category":"fiction","author":"J. R. R. Tolkien","title":"The Lord of the Rings","isbn":"0-395-19395-8","price":22.99}],{"color":"red","price":19.95}]`},
		{store, `$.store..price`, `[8.95,12.99,8.99,22.99,19.95]`},
		{store, `$..book[2].title`, `["Moby Dick"]`},
		{store, `$..book[-1].title`, `["The Lord of the Rings"]`},
		{store, `$..book[0,1].title`, `["Sayings of the Century","Sword of Honour"]`},
		{store, `$..book[:2].title`, `["Sayings of the Century","Sword of Honour"]`},
		{store, `$..book[1:3].title`, `["Sword of Honour","Moby Dick"]`},
		{store, `$..book[::2].title`, `["Sayings of the Century","Moby Dick"]`},
		{store, `$..book[-2:].title`, `["Moby Dick","The Lord of the Rings"]`},
		{store, `$..book[?(@.isbn)].title`, `["Moby Dick","The Lord of the Rings"]`},
		{store, `$..book[?(@.price<10)].title`, `["Sayings of the Century","Moby Dick"]`},
		{store, `$..book[?(@.price < 10 && @.category == "fiction")].title`, `["Moby Dick"]`},
		{store, `$..book[?(@.category == 'reference' || @.price > 20)].title`, `["Sayings of the Century","The Lord of the Rings"]`},
		{store, `$..book[?(@.author =~ "(?i)^j\\.")].title`, `["The Lord of the Rings"]`},
		{store, `$..book[?(@.price >= 12.99 && (@.price <= 12.99 || @.isbn))].title`, `["Sword of Honour","The Lord of the Rings"]`},
		{store, `$..book[?(@.price != 8.95)].price`, `[12.99,8.99,22.99]`},
		{store, `$..book[?(@.price > $.store.bicycle.price)].title`, `["The Lord of the Rings"]`},
		{store, `$.store['bicycle']['color']`, `["red"]`},
		{store, `$.store["bicycle","book"].price`, `[19.95]`},
		{store, `$.nope`, `[]`},
		{store, `$`, `[` + string(Serialize(store)) + `]`},
		// Orders RedisJSON's replies show (go-redis's tests).
		{mustParse(t, `{"a": [1, 2], "b": {"a": [0, -1]}}`), `$..*`, `[[1,2],{"a":[0,-1]},1,2,[0,-1],0,-1]`},
		{mustParse(t, `{"a": 1, "b": 2, "nested": {"a": 3}, "c": "", "nested2": {"a": ""}}`), `$..a`, `[1,3,""]`},
		{mustParse(t, `[{"ciao":["x"],"nested":[{"ciao":[1]},{"e":2}]}]`), `$.[0]["nested"]..ciao`, `[[1]]`},
		{mustParse(t, `{"a":[10],"b":{"a":[12,13]}}`), `$..a[0]`, `[10,12]`},
		{mustParse(t, `[1,2,3]`), `$[5]`, `[]`},
		{mustParse(t, `[1,2,3]`), `$[-4]`, `[]`},
		{mustParse(t, `{"a":{"b":1}}`), `$.a[?(@ == 1)]`, `[1]`},
		{mustParse(t, `[1, 1.0, "1", true, null]`), `$[?(@ == 1)]`, `[1,1.0]`},
		{mustParse(t, `[1, "b", "a"]`), `$[?(@ > "a")]`, `["b"]`},
		{mustParse(t, `[true, false]`), `$[?(@ == true)]`, `[true]`},
		{mustParse(t, `[null, 0]`), `$[?(@ == null)]`, `[null]`},
	}
	for _, tc := range cases {
		if got := find(t, tc.doc, tc.path); got != tc.want {
			t.Errorf("%s:\n got  %s\n want %s", tc.path, got, tc.want)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	for _, p := range []string{"$.", "$[", "$..", "$[?(@.a ==)]", "$.a[1", "$x", `$['a`} {
		_, err := Compile(p)
		if err == nil || !strings.HasPrefix(err.Error(), "Error occurred on position ") {
			t.Errorf("%s: %v", p, err)
		}
	}
}

func TestNewPath(t *testing.T) {
	cases := []struct {
		in, text string
		legacy   bool
	}{
		{"$", "$", false}, {"$.a", "$.a", false}, {"$[0]", "$[0]", false},
		{".", "$", true}, {".a.b", "$.a.b", true}, {"a.b", "$.a.b", true},
		{"[0]", "$.[0]", true}, {"$a", "$.$a", true},
	}
	for _, tc := range cases {
		p := NewPath(tc.in)
		if p.Text != tc.text || p.Legacy != tc.legacy {
			t.Errorf("%s: %+v", tc.in, p)
		}
	}
}

func TestObjectSwapRemove(t *testing.T) {
	n := mustParse(t, `{"a":1,"b":2,"c":3}`)
	n.Remove("a")
	if got := string(Serialize(n)); got != `{"c":3,"b":2}` {
		t.Fatalf("got %s", got)
	}
	// Large objects use an index; it must follow the swaps.
	big := NewObject()
	for i := 0; i < 40; i++ {
		big.Set(string(rune('A'+i)), NewInt(int64(i)))
	}
	big.Remove("A")
	big.Remove("B")
	if v := big.Get(string(rune('A' + 39))); v == nil || v.I != 39 {
		t.Fatalf("index broken: %v", v)
	}
	if big.Get("A") != nil || big.Len() != 38 {
		t.Fatal("remove failed")
	}
}

func TestMemory(t *testing.T) {
	// RedisJSON's own get_memory expectations (ijson backend).
	cases := []struct {
		in   string
		want int64
	}{
		{"null", 8}, {"1", 8}, {"1.0", 24}, {"-1", 8}, {`"string"`, 14}, {"[]", 8}, {"{}", 8},
		{`"Olá"`, 12}, {"[1]", 64}, {"[1, 2]", 72}, {"[1, 2, 3]", 80}, {`[1, "string", {}]`, 86},
		// test_get_memory of RedisJSON's ivalue_manager.rs.
		{`{"a": 100.12, "b": "foo", "c": true, "d": 126, "e": -112, "f": 7388608, "g": -6388608,
		  "h": 9388608, "i": -9485608, "j": [], "k": {}, "l": [1, "asas", {"a": 1}], "m": {"t": "f"}}`, 903},
	}
	for _, tc := range cases {
		if got := Memory(mustParse(t, tc.in)); got != tc.want {
			t.Errorf("%s: %d want %d", tc.in, got, tc.want)
		}
	}
}

func TestEqual(t *testing.T) {
	if Equal(NewInt(1), NewFloat(1)) {
		t.Error("1 == 1.0")
	}
	if !Equal(mustParse(t, `{"a":[1,{"b":null}]}`), mustParse(t, `{"a":[1,{"b":null}]}`)) {
		t.Error("deep equal")
	}
	if Equal(NewUint(math.MaxUint64), NewInt(-1)) {
		t.Error("uint vs int")
	}
}
