package tests

import (
	"context"
	"reflect"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestJSONGoRedisSuite points go-redis v9's JSON API at AiKv. The cases
// are those of go-redis's own json_test.go ("JSON Commands", v9.23.0),
// which its CI runs against Redis with RedisJSON; each sub-test is named
// after the It() it ports. go-redis registers that suite's BeforeEach once
// per protocol in the same container, so the RESP3 client is the one its
// expectations were written against (its UnstableResp3 option is a no-op
// in this go-redis version: JSON replies need no opt-in on RESP3); they
// are checked here
// on RESP3 and on RESP2, where the few replies that differ by protocol
// (a JSON.GET of the whole document, a float result of JSON.NUMINCRBY,
// JSON.TYPE's extra array) take RedisJSON's RESP2 form.
func TestJSONGoRedisSuite(t *testing.T) {
	h := StartServer(t, Options{})
	for _, proto := range []int{3, 2} {
		client := h.Client(t, func(o *redis.Options) { o.Protocol = proto })
		ctx := Ctx(t)
		resp3 := proto == 3
		// pick returns the RESP3 or the RESP2 form of an expectation.
		pick := func(r3, r2 any) any {
			if resp3 {
				return r3
			}
			return r2
		}
		for _, tc := range goRedisJSONCases {
			t.Run(tc.name+"/resp"+string(rune('0'+proto)), func(t *testing.T) {
				if err := client.FlushAll(ctx).Err(); err != nil {
					t.Fatal(err)
				}
				tc.run(&grT{T: t}, ctx, client, pick)
			})
		}
	}
}

// grT is Gomega's Expect in miniature.
type grT struct{ *testing.T }

func (t *grT) ok(err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

func (t *grT) eq(got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v, want %#v", got, want)
	}
}

func (t *grT) set(ctx context.Context, c *redis.Client, key, path, doc string) {
	t.Helper()
	res, err := c.JSONSet(ctx, key, path, doc).Result()
	t.ok(err)
	t.eq(res, "OK")
}

func i64(v int64) *int64 { return &v }

type goRedisJSONCase struct {
	name string
	run  func(t *grT, ctx context.Context, c *redis.Client, pick func(r3, r2 any) any)
}

var goRedisJSONCases = []goRedisJSONCase{
	{"should JSONArrAppend", func(t *grT, ctx context.Context, c *redis.Client, _ func(any, any) any) {
		t.set(ctx, c, "append2", "$", `{"a": [10], "b": {"a": [12, 13]}}`)
		res, err := c.JSONArrAppend(ctx, "append2", "$..a", 10).Result()
		t.ok(err)
		t.eq(res, []int64{2, 3})
	}},
	{"should JSONArrIndex and JSONArrIndexWithArgs", func(t *grT, ctx context.Context, c *redis.Client, _ func(any, any) any) {
		t.set(ctx, c, "index1", "$", `{"a": [10], "b": {"a": [12, 10]}}`)
		res, err := c.JSONArrIndex(ctx, "index1", "$.b.a", 10).Result()
		t.ok(err)
		t.eq(res, []int64{1})
		t.set(ctx, c, "index2", "$", `[0,1,2,3,4]`)
		for _, x := range []struct {
			args []any
			want int64
		}{{[]any{1}, 1}, {[]any{1, 2}, -1}, {[]any{4}, 4}} {
			res, err = c.JSONArrIndex(ctx, "index2", "$", x.args...).Result()
			t.ok(err)
			t.eq(res[0], x.want)
		}
		res, err = c.JSONArrIndexWithArgs(ctx, "index2", "$", &redis.JSONArrIndexArgs{}, 4).Result()
		t.ok(err)
		t.eq(res[0], int64(4))
		stop := 5000
		res, err = c.JSONArrIndexWithArgs(ctx, "index2", "$", &redis.JSONArrIndexArgs{Stop: &stop}, 4).Result()
		t.ok(err)
		t.eq(res[0], int64(4))
		stop = -1
		res, err = c.JSONArrIndexWithArgs(ctx, "index2", "$", &redis.JSONArrIndexArgs{Stop: &stop}, 4).Result()
		t.ok(err)
		t.eq(res[0], int64(-1))
	}},
	{"should JSONArrIndex and JSONArrIndexWithArgs with $", func(t *grT, ctx context.Context, c *redis.Client, _ func(any, any) any) {
		t.set(ctx, c, "doc1", "$", `{"store": {"book": [
			{"category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95, "size": [10, 20, 30, 40]},
			{"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99, "size": [50, 60, 70, 80]},
			{"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99, "size": [5, 10, 20, 30]},
			{"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99, "size": [5, 6, 7, 8]}],
			"bicycle": {"color": "red", "price": 19.95}}}`)
		get, err := c.JSONGet(ctx, "doc1", "$.store.book[?(@.price<10)].size").Result()
		t.ok(err)
		t.eq(get, "[[10,20,30,40],[5,10,20,30]]")
		res, err := c.JSONArrIndex(ctx, "doc1", "$.store.book[?(@.price<10)].size", 20).Result()
		t.ok(err)
		t.eq(res, []int64{1, 2})
		_, err = c.JSONGet(ctx, "this-key-does-not-exist", "$").Result()
		t.eq(err, redis.Nil)
	}},
	{"should JSONArrInsert", func(t *grT, ctx context.Context, c *redis.Client, pick func(any, any) any) {
		t.set(ctx, c, "insert2", "$", `[100, 200, 300, 200]`)
		res, err := c.JSONArrInsert(ctx, "insert2", "$", -1, 1, 2).Result()
		t.ok(err)
		t.eq(res, []int64{6})
		get, err := c.JSONGet(ctx, "insert2").Result()
		t.ok(err)
		// go-redis accepts either form; RedisJSON's default (FORMAT STRING)
		// is the same bulk string on both protocols.
		t.eq(get, `[100,200,300,1,2,200]`)
	}},
	{"should JSONArrLen", func(t *grT, ctx context.Context, c *redis.Client, _ func(any, any) any) {
		t.set(ctx, c, "length2", "$", `{"a": [10], "b": {"a": [12, 10, 20, 12, 90, 10]}}`)
		res, err := c.JSONArrLen(ctx, "length2", "$..a").Result()
		t.ok(err)
		t.eq(res, []int64{1, 6})
	}},
	{"should JSONArrPop", func(t *grT, ctx context.Context, c *redis.Client, _ func(any, any) any) {
		t.set(ctx, c, "pop4", "$", `[100, 200, 300, 200]`)
		res, err := c.JSONArrPop(ctx, "pop4", "$", 2).Result()
		t.ok(err)
		t.eq(res, []string{"300"})
		get, err := c.JSONGet(ctx, "pop4", "$").Result()
		t.ok(err)
		t.eq(get, "[[100,200,200]]")
	}},
	{"should JSONArrTrim", func(t *grT, ctx context.Context, c *redis.Client, _ func(any, any) any) {
		for i, x := range []struct {
			start, stop int
			want        int64
			after       string
		}{{1, 3, 3, `[[1,2,3]]`}, {-1, 3, 0, ""}, {3, 99, 2, ""}, {9, 1, 0, ""}, {9, 11, 0, ""}} {
			key := "trim" + string(rune('1'+i))
			t.set(ctx, c, key, "$", `[0,1,2,3,4]`)
			stop := x.stop
			res, err := c.JSONArrTrimWithArgs(ctx, key, "$", &redis.JSONArrTrimArgs{Start: x.start, Stop: &stop}).Result()
			t.ok(err)
			t.eq(res, []int64{x.want})
			if x.after != "" {
				get, err := c.JSONGet(ctx, key, "$").Result()
				t.ok(err)
				t.eq(get, x.after)
			}
		}
	}},
	{"should JSONSet", func(t *grT, ctx context.Context, c *redis.Client, _ func(any, any) any) {
		t.set(ctx, c, "set1", "$", `{"a": 1, "b": 2, "hello": "world"}`)
	}},
	{"should JSONGet", func(t *grT, ctx context.Context, c *redis.Client, _ func(any, any) any) {
		t.set(ctx, c, "get3", "$", `{"a": 1, "b": 2}`)
		res, err := c.JSONGetWithArgs(ctx, "get3", &redis.JSONGetArgs{Indent: "-"}).Result()
		t.ok(err)
		t.eq(res, `{-"a":1,-"b":2}`)
		res, err = c.JSONGetWithArgs(ctx, "get3", &redis.JSONGetArgs{Indent: "-", Newline: `~`, Space: `!`}).Result()
		t.ok(err)
		t.eq(res, `{~-"a":!1,~-"b":!2~}`)
	}},
	{"should JSONMerge", func(t *grT, ctx context.Context, c *redis.Client, _ func(any, any) any) {
		t.set(ctx, c, "merge1", "$", `{"a": 1, "b": 2}`)
		res, err := c.JSONMerge(ctx, "merge1", "$", `{"b": 3, "c": 4}`).Result()
		t.ok(err)
		t.eq(res, "OK")
		res, err = c.JSONGet(ctx, "merge1", "$").Result()
		t.ok(err)
		t.eq(res, `[{"a":1,"b":3,"c":4}]`)
	}},
	{"should JSONMSet", func(t *grT, ctx context.Context, c *redis.Client, _ func(any, any) any) {
		res, err := c.JSONMSetArgs(ctx, []redis.JSONSetArgs{{Key: "mset1", Path: "$", Value: `{"a": 1}`}, {Key: "mset2", Path: "$", Value: 2}}).Result()
		t.ok(err)
		t.eq(res, "OK")
		got, err := c.JSONMGet(ctx, "$", "mset1").Result()
		t.ok(err)
		t.eq(got, []interface{}{`[{"a":1}]`})
		got, err = c.JSONMGet(ctx, "$", "mset1", "mset2").Result()
		t.ok(err)
		t.eq(got, []interface{}{`[{"a":1}]`, "[2]"})
		_, err = c.JSONMSet(ctx, "mset1", "$.a", 2, "mset3", "$", `[1]`).Result()
		t.ok(err)
	}},
	{"should JSONMGet", func(t *grT, ctx context.Context, c *redis.Client, _ func(any, any) any) {
		t.set(ctx, c, "mget2a", "$", `{"a": ["aa", "ab", "ac", "ad"], "b": {"a": ["ba", "bb", "bc", "bd"]}}`)
		t.set(ctx, c, "mget2b", "$", `{"a": [100, 200, 300, 200], "b": {"a": [100, 200, 300, 200]}}`)
		got, err := c.JSONMGet(ctx, "$..a", "mget2a", "mget2b").Result()
		t.ok(err)
		t.eq(got, []interface{}{`[["aa","ab","ac","ad"],["ba","bb","bc","bd"]]`, `[[100,200,300,200],[100,200,300,200]]`})
	}},
	{"should JSONMget with $", func(t *grT, ctx context.Context, c *redis.Client, _ func(any, any) any) {
		t.set(ctx, c, "doc1", "$", `{"a": 1, "b": 2, "nested": {"a": 3}, "c": "", "nested2": {"a": ""}}`)
		t.set(ctx, c, "doc2", "$", `{"a": 4, "b": 5, "nested": {"a": 6}, "c": "", "nested2": {"a": [""]}}`)
		got, err := c.JSONMGet(ctx, "$..a", "doc1").Result()
		t.ok(err)
		t.eq(got, []interface{}{`[1,3,""]`})
		got, err = c.JSONMGet(ctx, "$..a", "doc1", "doc2").Result()
		t.ok(err)
		t.eq(got, []interface{}{`[1,3,""]`, `[4,6,[""]]`})
		got, err = c.JSONMGet(ctx, "$..a", "non_existing_doc", "non_existing_doc1").Result()
		t.ok(err)
		t.eq(got, []interface{}{nil, nil})
	}},
	{"should JSONClear", func(t *grT, ctx context.Context, c *redis.Client, _ func(any, any) any) {
		t.set(ctx, c, "clear1", "$", `[1]`)
		n, err := c.JSONClear(ctx, "clear1", "$").Result()
		t.ok(err)
		t.eq(n, int64(1))
		get, err := c.JSONGet(ctx, "clear1", "$").Result()
		t.ok(err)
		t.eq(get, `[[]]`)
	}},
	{"should JSONClear with $", func(t *grT, ctx context.Context, c *redis.Client, _ func(any, any) any) {
		doc := `{"nested1": {"a": {"foo": 10, "bar": 20}}, "a": ["foo"], "nested2": {"a": "claro"}, "nested3": {"a": {"baz": 50}}}`
		t.set(ctx, c, "doc1", "$", doc)
		n, err := c.JSONClear(ctx, "doc1", "$..a").Result()
		t.ok(err)
		t.eq(n, int64(3))
		get, err := c.JSONGet(ctx, "doc1", `$`).Result()
		t.ok(err)
		t.eq(get, `[{"nested1":{"a":{}},"a":[],"nested2":{"a":"claro"},"nested3":{"a":{}}}]`)
		t.set(ctx, c, "doc1", "$", doc)
		n, err = c.JSONClear(ctx, "doc1", "$.nested1.a").Result()
		t.ok(err)
		t.eq(n, int64(1))
		get, err = c.JSONGet(ctx, "doc1", `$`).Result()
		t.ok(err)
		t.eq(get, `[{"nested1":{"a":{}},"a":["foo"],"nested2":{"a":"claro"},"nested3":{"a":{"baz":50}}}]`)
	}},
	{"should JSONDel", func(t *grT, ctx context.Context, c *redis.Client, _ func(any, any) any) {
		t.set(ctx, c, "del1", "$", `[1]`)
		n, err := c.JSONDel(ctx, "del1", "$").Result()
		t.ok(err)
		t.eq(n, int64(1))
		get, err := c.JSONGet(ctx, "del1", "$").Result()
		t.eq(err, redis.Nil)
		t.eq(get, "")
	}},
	{"should JSONDel with $", func(t *grT, ctx context.Context, c *redis.Client, _ func(any, any) any) {
		jsonDelCase(t, ctx, c, c.JSONDel)
	}},
	{"should JSONForget", func(t *grT, ctx context.Context, c *redis.Client, _ func(any, any) any) {
		t.set(ctx, c, "forget3", "$", `{"a": [1,2,3], "b": {"a": [1,2,3], "b": "annie"}}`)
		n, err := c.JSONForget(ctx, "forget3", "$..a").Result()
		t.ok(err)
		t.eq(n, int64(2))
		get, err := c.JSONGet(ctx, "forget3", "$").Result()
		t.ok(err)
		t.eq(get, `[{"b":{"b":"annie"}}]`)
	}},
	{"should JSONForget with $", func(t *grT, ctx context.Context, c *redis.Client, _ func(any, any) any) {
		jsonDelCase(t, ctx, c, c.JSONForget)
	}},
	{"should JSONNumIncrBy", func(t *grT, ctx context.Context, c *redis.Client, _ func(any, any) any) {
		t.set(ctx, c, "incr3", "$", `{"a": [1, 2], "b": {"a": [0, -1]}}`)
		res, err := c.JSONNumIncrBy(ctx, "incr3", "$..a[1]", float64(1)).Result()
		t.ok(err)
		t.eq(res, `[3,0]`)
	}},
	{"should JSONNumIncrBy with $", func(t *grT, ctx context.Context, c *redis.Client, pick func(any, any) any) {
		t.set(ctx, c, "doc1", "$", `{"a": "b", "b": [{"a": 2}, {"a": 5.0}, {"a": "c"}]}`)
		// On RESP3 go-redis re-encodes the array of doubles (7.0 -> 7);
		// on RESP2 the reply is RedisJSON's own JSON text (serde_json
		// keeps the float's ".0").
		res, err := c.JSONNumIncrBy(ctx, "doc1", "$.b[1].a", 2).Result()
		t.ok(err)
		t.eq(res, pick(`[7]`, `[7.0]`))
		res, err = c.JSONNumIncrBy(ctx, "doc1", "$.b[1].a", 3.5).Result()
		t.ok(err)
		t.eq(res, `[10.5]`)
		t.set(ctx, c, "doc2", "$", `{"a": "b", "b": [{"a": 2}, {"a": 5.0}, {"a": "c"}]}`)
		res, err = c.JSONNumIncrBy(ctx, "doc2", "$.b[0].a", 3).Result()
		t.ok(err)
		t.eq(res, `[5]`)
	}},
	{"should JSONObjKeys", func(t *grT, ctx context.Context, c *redis.Client, _ func(any, any) any) {
		t.set(ctx, c, "objkeys1", "$", `{"a": [1, 2], "b": {"a": [0, -1]}}`)
		res, err := c.JSONObjKeys(ctx, "objkeys1", "$..*").Result()
		t.ok(err)
		t.eq(res, []interface{}{nil, []interface{}{"a"}, nil, nil, nil, nil, nil})
	}},
	{"should JSONObjKeys with $", func(t *grT, ctx context.Context, c *redis.Client, _ func(any, any) any) {
		t.set(ctx, c, "objkeys1", "$", `{"nested1": {"a": {"foo": 10, "bar": 20}}, "a": ["foo"], "nested2": {"a": {"baz": 50}}}`)
		res, err := c.JSONObjKeys(ctx, "objkeys1", "$.nested1.a").Result()
		t.ok(err)
		t.eq(res, []interface{}{[]interface{}{"foo", "bar"}})
		res, err = c.JSONObjKeys(ctx, "objkeys1", ".*.a").Result()
		t.ok(err)
		t.eq(res, []interface{}{"foo", "bar"})
		res, err = c.JSONObjKeys(ctx, "objkeys1", ".nested2.a").Result()
		t.ok(err)
		t.eq(res, []interface{}{"baz"})
		_, err = c.JSONObjKeys(ctx, "non_existing_doc", "..a").Result()
		t.eq(err, redis.Nil)
	}},
	{"should JSONObjLen", func(t *grT, ctx context.Context, c *redis.Client, _ func(any, any) any) {
		t.set(ctx, c, "objlen2", "$", `{"a": [1, 2], "b": {"a": [0, -1]}}`)
		res, err := c.JSONObjLen(ctx, "objlen2", "$..*").Result()
		t.ok(err)
		t.eq(res, []*int64{nil, i64(1), nil, nil, nil, nil, nil})
	}},
	{"should JSONStrLen", func(t *grT, ctx context.Context, c *redis.Client, _ func(any, any) any) {
		t.set(ctx, c, "strlen2", "$", `{"a": "alice", "b": "bob", "c": {"a": "alice", "b": "bob"}}`)
		res, err := c.JSONStrLen(ctx, "strlen2", "$..*").Result()
		t.ok(err)
		t.eq(res, []*int64{i64(5), i64(3), nil, i64(5), i64(3)})
	}},
	{"should JSONStrAppend", func(t *grT, ctx context.Context, c *redis.Client, _ func(any, any) any) {
		t.set(ctx, c, "strapp1", "$", `"foo"`)
		res, err := c.JSONStrAppend(ctx, "strapp1", "$", `"bar"`).Result()
		t.ok(err)
		t.eq(res, []*int64{i64(6)})
		get, err := c.JSONGet(ctx, "strapp1", "$").Result()
		t.ok(err)
		t.eq(get, `["foobar"]`)
	}},
	{"should JSONStrAppend and JSONStrLen with $", func(t *grT, ctx context.Context, c *redis.Client, _ func(any, any) any) {
		t.set(ctx, c, "doc1", "$", `{"a": "foo", "nested1": {"a": "hello"}, "nested2": {"a": 31}}`)
		res, err := c.JSONStrAppend(ctx, "doc1", "$.nested1.a", `"baz"`).Result()
		t.ok(err)
		t.eq(res, []*int64{i64(8)})
		t.set(ctx, c, "doc2", "$", `{"a": "foo", "nested1": {"a": "hello"}, "nested2": {"a": 31}}`)
		res, err = c.JSONStrLen(ctx, "doc2", "$.nested1.a").Result()
		t.ok(err)
		t.eq(res, []*int64{i64(5)})
	}},
	{"should JSONToggle", func(t *grT, ctx context.Context, c *redis.Client, _ func(any, any) any) {
		t.set(ctx, c, "toggle1", "$", `[true]`)
		res, err := c.JSONToggle(ctx, "toggle1", "$[0]").Result()
		t.ok(err)
		t.eq(res, []*int64{i64(0)})
	}},
	{"should JSONType", func(t *grT, ctx context.Context, c *redis.Client, pick func(any, any) any) {
		t.set(ctx, c, "type1", "$", `[true]`)
		res, err := c.JSONType(ctx, "type1", "$[0]").Result()
		t.ok(err)
		// RedisJSON wraps the reply in one more array on RESP3.
		t.eq(res, []interface{}{pick([]interface{}{"boolean"}, "boolean")})
	}},
	{"JSON Nil Handling", func(t *grT, ctx context.Context, c *redis.Client, _ func(any, any) any) {
		_, err := c.JSONGet(ctx, "non-existent-key", "$").Result()
		t.eq(err, redis.Nil)
		t.set(ctx, c, "test-key", "$", `{"arr": [], "obj": {}, "a": 1}`)
		for path, want := range map[string]string{"$.nonexistent": "[]", "$.arr": "[[]]", "$.a": "[1]"} {
			got, err := c.JSONGet(ctx, "test-key", path).Result()
			t.ok(err)
			t.eq(got, want)
		}
	}},
	// Not in go-redis's suite: the legacy-path replies and errors reach
	// go-redis as RedisJSON sends them.
	{"legacy paths and errors", func(t *grT, ctx context.Context, c *redis.Client, pick func(any, any) any) {
		t.set(ctx, c, "doc", "$", `{"a":"foo","n":{"a":"hello"},"arr":[1,2],"num":1}`)
		v, err := c.Do(ctx, "JSON.STRAPPEND", "doc", "..a", `"!"`).Int64()
		t.ok(err)
		t.eq(v, int64(6))
		s, err := c.JSONNumIncrBy(ctx, "doc", ".num", 1.5).Result()
		t.ok(err)
		// RESP3 answers an array even for a legacy path (commands.rs
		// json_num_op checks the protocol first); RESP2 the number alone.
		t.eq(s, pick("[2.5]", "2.5"))
		t.eq(c.Do(ctx, "JSON.ARRAPPEND", "doc", ".num", "1").Err().Error(), "ERR Path '.num' does not exist or not an array")
		c.Set(ctx, "plain", "x", 0)
		t.eq(c.JSONGet(ctx, "plain").Err().Error(), "Existing key has wrong Redis type")
		t.eq(c.JSONSet(ctx, "nokey", "$.a", 1).Err().Error(), "ERR new objects must be created at the root")
	}},
}

// jsonDelCase is go-redis's "should JSONDel with $" and "should
// JSONForget with $" (the same steps with either command).
func jsonDelCase(t *grT, ctx context.Context, c *redis.Client, del func(ctx context.Context, key, path string) *redis.IntCmd) {
	t.set(ctx, c, "del1", "$", `{"a": 1, "nested": {"a": 2, "b": 3}}`)
	n, err := del(ctx, "del1", "$..a").Result()
	t.ok(err)
	t.eq(n, int64(2))
	get, err := c.JSONGet(ctx, "del1", "$").Result()
	t.ok(err)
	t.eq(get, `[{"nested":{"b":3}}]`)
	t.set(ctx, c, "del2", "$", `{"a": {"a": 2, "b": 3}, "b": ["a", "b"], "nested": {"b": [true, "a", "b"]}}`)
	n, err = del(ctx, "del2", "$..a").Result()
	t.ok(err)
	t.eq(n, int64(1))
	get, err = c.JSONGet(ctx, "del2", "$").Result()
	t.ok(err)
	t.eq(get, `[{"nested":{"b":[true,"a","b"]},"b":["a","b"]}]`)
	t.set(ctx, c, "del3", "$", `[{"ciao": ["non ancora"], "nested": [{"ciao": [1, "a"]}, {"ciao": [2, "a"]}, {"ciaoc": [3, "non", "ciao"]}, {"ciao": [4, "a"]}, {"e": [5, "non", "ciao"]}]}]`)
	n, err = del(ctx, "del3", `$.[0]["nested"]..ciao`).Result()
	t.ok(err)
	t.eq(n, int64(3))
	get, err = c.JSONGet(ctx, "del3", "$").Result()
	t.ok(err)
	t.eq(get, `[[{"ciao":["non ancora"],"nested":[{},{},{"ciaoc":[3,"non","ciao"]},{},{"e":[5,"non","ciao"]}]}]]`)
}
