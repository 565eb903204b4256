package tests

import (
	"fmt"
	"strings"
	"testing"
)

// TestJSONNotifications checks the keyspace events of the JSON commands
// through go-redis: RedisJSON sends module events (class d) named after
// the command ("json.set", "json.del" for JSON.DEL and JSON.FORGET...),
// only when the command changed something; a read that misses sends
// "keymiss" (class m).
func TestJSONNotifications(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	c := h.Client(t)
	ctx := Ctx(t)
	if err := c.ConfigSet(ctx, "notify-keyspace-events", "KEdgnm").Err(); err != nil {
		t.Fatal(err)
	}
	ps := c.PSubscribe(ctx, "__key*__:*")
	defer ps.Close()
	if _, err := ps.Receive(ctx); err != nil { // the subscription reply
		t.Fatal(err)
	}
	marker := 0
	// events runs a command and returns the keyevent notifications it
	// caused, as "event key", up to a marker published after it.
	events := func(args ...any) string {
		t.Helper()
		c.Do(ctx, args...) // replies are checked by the JSON tests
		marker++
		m := fmt.Sprintf("__keyevent@0__:~marker%d", marker)
		if err := c.Publish(ctx, m, "x").Err(); err != nil {
			t.Fatal(err)
		}
		var out []string
		for {
			msg, err := ps.ReceiveMessage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if msg.Channel == m {
				return strings.Join(out, ",")
			}
			if ev, ok := strings.CutPrefix(msg.Channel, "__keyevent@0__:"); ok {
				out = append(out, ev+" "+msg.Payload)
			}
		}
	}
	cases := []struct {
		args []any
		want string
	}{
		{[]any{"JSON.SET", "doc", "$", `{"a":1,"s":"x","arr":[1,2,3],"b":true,"o":{"k":1},"n":{"a":[]}}`}, "new doc,json.set doc"},
		{[]any{"JSON.SET", "doc", "$.a", "2"}, "json.set doc"},
		{[]any{"JSON.SET", "doc", "$.a", "3", "NX"}, ""},
		{[]any{"JSON.SET", "doc", "$.nope.x", "3"}, ""},
		{[]any{"JSON.SET", "doc", "$", "{}", "NX"}, ""},
		{[]any{"JSON.SET", "doc", "$", `{"a":1,"s":"x","arr":[1,2,3],"b":true,"o":{"k":1},"n":{"a":[]}}`, "XX"}, "json.set doc"},
		{[]any{"JSON.SET", "nokey", "$", "1", "XX"}, ""},
		{[]any{"JSON.NUMINCRBY", "doc", "$.a", "1"}, "json.numincrby doc"},
		{[]any{"JSON.NUMMULTBY", "doc", "$.a", "2"}, "json.nummultby doc"},
		{[]any{"JSON.NUMPOWBY", "doc", "$.a", "2"}, "json.numpowby doc"},
		{[]any{"JSON.NUMINCRBY", "doc", "$.s", "1"}, ""},
		{[]any{"JSON.NUMINCRBY", "doc", ".a", "1"}, "json.numincrby doc"},
		{[]any{"JSON.TOGGLE", "doc", "$.b"}, "json.toggle doc"},
		{[]any{"JSON.TOGGLE", "doc", "$.a"}, ""},
		{[]any{"JSON.STRAPPEND", "doc", "$.s", `"y"`}, "json.strappend doc"},
		{[]any{"JSON.STRAPPEND", "doc", "$.a", `"y"`}, ""},
		{[]any{"JSON.ARRAPPEND", "doc", "$.arr", "4"}, "json.arrappend doc"},
		{[]any{"JSON.ARRAPPEND", "doc", "$.a", "4"}, ""},
		{[]any{"JSON.ARRINSERT", "doc", "$.arr", "0", "0"}, "json.arrinsert doc"},
		{[]any{"JSON.ARRINSERT", "doc", "$.arr", "99", "0"}, ""},
		{[]any{"JSON.ARRPOP", "doc", "$.arr"}, "json.arrpop doc"},
		{[]any{"JSON.ARRPOP", "doc", "$.n.a"}, ""},
		{[]any{"JSON.ARRPOP", "doc", ".n.a"}, "json.arrpop doc"}, // legacy path: any array
		{[]any{"JSON.ARRTRIM", "doc", "$.arr", "0", "1"}, "json.arrtrim doc"},
		{[]any{"JSON.ARRTRIM", "doc", "$.a", "0", "1"}, ""},
		{[]any{"JSON.MERGE", "doc", "$", `{"m":1}`}, "json.merge doc"},
		{[]any{"JSON.MERGE", "doc", "$.o", `{"k":null}`}, "json.merge doc"},
		{[]any{"JSON.MERGE", "doc2", "$", `{"m":1}`}, "new doc2,json.merge doc2"},
		{[]any{"JSON.MSET", "doc", "$.m", "2", "doc3", "$", "[]"}, "json.mset doc,new doc3,json.mset doc3"},
		{[]any{"JSON.CLEAR", "doc", "$.arr"}, "json.clear doc"},
		{[]any{"JSON.CLEAR", "doc", "$.arr"}, ""},
		{[]any{"JSON.DEL", "doc", "$.m"}, "json.del doc"},
		{[]any{"JSON.DEL", "doc", "$.m"}, ""},
		{[]any{"JSON.FORGET", "doc", "$.s"}, "json.del doc"},
		{[]any{"JSON.DEL", "doc2"}, "json.del doc2"},
		{[]any{"JSON.DEL", "doc2"}, ""},
		{[]any{"JSON.GET", "doc", "$.a"}, ""},
		{[]any{"JSON.GET", "nokey", "$"}, "keymiss nokey"},
		{[]any{"JSON.MGET", "doc", "nokey", "$"}, "keymiss nokey"},
		{[]any{"JSON.TYPE", "nokey"}, "keymiss nokey"},
		{[]any{"JSON.NUMINCRBY", "nokey", "$", "1"}, ""}, // a write lookup: no keymiss
		{[]any{"DEL", "doc"}, "del doc"},
	}
	for _, tc := range cases {
		if got := events(tc.args...); got != tc.want {
			t.Errorf("%v: events %q, want %q", tc.args, got, tc.want)
		}
	}
}
