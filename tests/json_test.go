package tests

import (
	"fmt"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestJSONGoRedis drives the JSON commands through go-redis's JSON API,
// the way RedisJSON users call them. Expected values are those of
// go-redis's own JSON test suite (written against Redis Stack).
func TestJSONGoRedis(t *testing.T) {
	h := StartServer(t, Options{})
	c := h.Client(t)
	ctx := Ctx(t)

	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	if s, err := c.JSONSet(ctx, "doc", "$", `{"a": 1, "b": 2, "hello": "world"}`).Result(); err != nil || s != "OK" {
		t.Fatalf("JSON.SET = %q, %v", s, err)
	}
	if s, err := c.JSONGet(ctx, "doc", "$.a").Result(); err != nil || s != "[1]" {
		t.Fatalf("JSON.GET = %q, %v", s, err)
	}
	if _, err := c.JSONGet(ctx, "nokey", "$").Result(); err != redis.Nil {
		t.Fatalf("JSON.GET of a missing key: %v", err)
	}
	if s, _ := c.JSONGet(ctx, "doc", "$.missing").Result(); s != "[]" {
		t.Fatalf("missing path: %q", s)
	}
	s, err := c.JSONGetWithArgs(ctx, "doc", &redis.JSONGetArgs{Indent: "-", Newline: "~", Space: "!"}).Result()
	must("JSON.GET INDENT", err)
	if s != `{~-"a":!1,~-"b":!2,~-"hello":!"world"~}` {
		t.Fatalf("formatted: %s", s)
	}
	if typ, _ := c.Type(ctx, "doc").Result(); typ != "ReJSON-RL" {
		t.Fatalf("TYPE = %s", typ)
	}
	if enc, _ := c.ObjectEncoding(ctx, "doc").Result(); enc != "raw" {
		t.Fatalf("OBJECT ENCODING = %s", enc)
	}

	must("set", c.JSONSet(ctx, "arr", "$", `{"a": [10], "b": {"a": [12, 13]}}`).Err())
	if n, err := c.JSONArrAppend(ctx, "arr", "$..a", 10).Result(); err != nil || fmt.Sprint(n) != "[2 3]" {
		t.Fatalf("JSON.ARRAPPEND = %v, %v", n, err)
	}
	if n, err := c.JSONArrLen(ctx, "arr", "$..a").Result(); err != nil || fmt.Sprint(n) != "[2 3]" {
		t.Fatalf("JSON.ARRLEN = %v, %v", n, err)
	}
	if n, err := c.JSONArrIndex(ctx, "arr", "$.b.a", 13).Result(); err != nil || fmt.Sprint(n) != "[1]" {
		t.Fatalf("JSON.ARRINDEX = %v, %v", n, err)
	}
	if n, err := c.JSONArrInsert(ctx, "arr", "$.a", -1, 1, 2).Result(); err != nil || fmt.Sprint(n) != "[4]" {
		t.Fatalf("JSON.ARRINSERT = %v, %v", n, err)
	}
	if v, err := c.JSONArrPop(ctx, "arr", "$.a", 0).Result(); err != nil || fmt.Sprint(v) != "[10]" {
		t.Fatalf("JSON.ARRPOP = %v, %v", v, err)
	}
	stop := 1
	if n, err := c.JSONArrTrimWithArgs(ctx, "arr", "$.a", &redis.JSONArrTrimArgs{Start: 0, Stop: &stop}).Result(); err != nil || fmt.Sprint(n) != "[2]" {
		t.Fatalf("JSON.ARRTRIM = %v, %v", n, err)
	}

	must("set", c.JSONSet(ctx, "num", "$", `{"a": "b", "b": [{"a": 2}, {"a": 5.0}, {"a": "c"}]}`).Err())
	if v, err := c.JSONNumIncrBy(ctx, "num", "$.b[1].a", 3.5).Result(); err != nil || v != "[8.5]" {
		t.Fatalf("JSON.NUMINCRBY = %v, %v", v, err)
	}
	if v, err := c.JSONNumIncrBy(ctx, "num", "$.b[0].a", 3).Result(); err != nil || v != "[5]" {
		t.Fatalf("JSON.NUMINCRBY int = %v, %v", v, err)
	}

	must("set", c.JSONSet(ctx, "str", "$", `{"a": "foo", "nested1": {"a": "hello"}, "nested2": {"a": 31}}`).Err())
	if n, err := c.JSONStrAppend(ctx, "str", "$.nested1.a", `"baz"`).Result(); err != nil || *n[0] != 8 {
		t.Fatalf("JSON.STRAPPEND = %v, %v", n, err)
	}
	if n, err := c.JSONStrLen(ctx, "str", "$..a").Result(); err != nil || len(n) != 3 || *n[0] != 3 || *n[1] != 8 || n[2] != nil {
		t.Fatalf("JSON.STRLEN = %v, %v", n, err)
	}
	if n, err := c.JSONObjLen(ctx, "str", "$").Result(); err != nil || *n[0] != 3 {
		t.Fatalf("JSON.OBJLEN = %v, %v", n, err)
	}
	if k, err := c.JSONObjKeys(ctx, "str", "$.nested1").Result(); err != nil || fmt.Sprint(k) != "[[a]]" {
		t.Fatalf("JSON.OBJKEYS = %v, %v", k, err)
	}
	if v, err := c.JSONType(ctx, "str", "$.nested2.a").Result(); err != nil || fmt.Sprint(v) != "[integer]" {
		t.Fatalf("JSON.TYPE = %v, %v", v, err)
	}

	must("set", c.JSONSet(ctx, "tog", "$", `[true]`).Err())
	if n, err := c.JSONToggle(ctx, "tog", "$[0]").Result(); err != nil || *n[0] != 0 {
		t.Fatalf("JSON.TOGGLE = %v, %v", n, err)
	}
	if n, err := c.JSONClear(ctx, "arr", "$").Result(); err != nil || n != 1 {
		t.Fatalf("JSON.CLEAR = %v, %v", n, err)
	}
	must("merge", c.JSONMerge(ctx, "doc", "$", `{"b": 3, "c": 4}`).Err())
	if s, _ := c.JSONGet(ctx, "doc", "$").Result(); s != `[{"a":1,"b":3,"hello":"world","c":4}]` {
		t.Fatalf("after MERGE: %s", s)
	}
	must("mset", c.JSONMSetArgs(ctx, []redis.JSONSetArgs{{Key: "m1", Path: "$", Value: `{"a": 1}`}, {Key: "m2", Path: "$", Value: 2}}).Err())
	if v, err := c.JSONMGet(ctx, "$", "m1", "m2", "nokey").Result(); err != nil || fmt.Sprint(v) != `[[{"a":1}] [2] <nil>]` {
		t.Fatalf("JSON.MGET = %v, %v", v, err)
	}
	if n, err := c.JSONDel(ctx, "doc", "$..a").Result(); err != nil || n != 1 {
		t.Fatalf("JSON.DEL = %v, %v", n, err)
	}
	if n, err := c.JSONForget(ctx, "doc", "$").Result(); err != nil || n != 1 {
		t.Fatalf("JSON.FORGET = %v, %v", n, err)
	}
	if n, _ := c.Exists(ctx, "doc").Result(); n != 0 {
		t.Fatal("JSON.FORGET $ kept the key")
	}
	// go-redis's JSONDebugMemory is a stub that panics; send it raw.
	if n, err := c.Do(ctx, "JSON.DEBUG", "MEMORY", "m2", ".").Int64(); err != nil || n != 8 {
		t.Fatalf("JSON.DEBUG MEMORY = %v, %v", n, err)
	}
	// Errors reach the client with RedisJSON's texts.
	if err := c.JSONSet(ctx, "nokey", "$.a", 1).Err(); err == nil || err.Error() != "ERR new objects must be created at the root" {
		t.Fatalf("JSON.SET on a missing key: %v", err)
	}
	if err := c.JSONSet(ctx, "doc2", "$", `{"a":`).Err(); err == nil || !strings.Contains(err.Error(), "EOF while parsing") {
		t.Fatalf("JSON.SET bad JSON: %v", err)
	}
	c.Set(ctx, "plain", "x", 0)
	// RedisJSON answers redis-module-rs's verify_type error, not WRONGTYPE.
	if err := c.JSONGet(ctx, "plain").Err(); err == nil || err.Error() != "Existing key has wrong Redis type" {
		t.Fatalf("JSON.GET of a string: %v", err)
	}
	// COPY, RENAME and expiry work on JSON keys like on any value.
	must("copy", c.Copy(ctx, "m1", "m1copy", 0, false).Err())
	must("rename", c.Rename(ctx, "m1copy", "m1moved").Err())
	if s, _ := c.JSONGet(ctx, "m1moved", "$.a").Result(); s != "[1]" {
		t.Fatalf("copied doc: %s", s)
	}
}

// TestJSONResp3 checks the replies that differ on RESP3.
func TestJSONResp3(t *testing.T) {
	h := StartServer(t, Options{})
	raw := h.Raw(t)
	raw.Do("HELLO", "3")
	raw.Do("JSON.SET", "d", "$", `{"a":1,"f":1.5}`)
	if got := raw.Do("JSON.NUMINCRBY", "d", "$.*", "1").String(); got != `*2[:"2", ,"2.5"]` {
		t.Fatalf("NUMINCRBY on RESP3 = %q", got)
	}
	if got := raw.Do("JSON.TYPE", "d", "$.a").String(); got != `*1[*1[$"integer"]]` {
		t.Fatalf("TYPE on RESP3 = %q", got)
	}
}

func BenchmarkJSON(b *testing.B) {
	for _, size := range []int{1 << 10, 100 << 10} {
		var sb strings.Builder
		sb.WriteString(`{"target":1`)
		for i := 0; sb.Len() < size; i++ {
			fmt.Fprintf(&sb, `,"f%d":{"n":%d,"s":"some text here","l":[1,2,3]}`, i, i)
		}
		sb.WriteString("}")
		doc := sb.String()
		b.Run(fmt.Sprintf("%dKB", size>>10), func(b *testing.B) {
			h := StartServer(b, Options{})
			c := h.Client(b)
			ctx := Ctx(b)
			if err := c.JSONSet(ctx, "doc", "$", doc).Err(); err != nil {
				b.Fatal(err)
			}
			b.Run("SET", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if err := c.JSONSet(ctx, "doc", "$.target", i).Err(); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("GET", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if err := c.JSONGet(ctx, "doc", "$.target").Err(); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
