package tests

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// jsonState is every JSON key of the selected database with its document,
// TTL bucket (none / set), MEMORY USAGE and JSON.DEBUG MEMORY.
func jsonState(t *testing.T, ctx context.Context, c *redis.Client) string {
	t.Helper()
	keys, err := c.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	sort.Strings(keys)
	for _, k := range keys {
		if typ := c.Type(ctx, k).Val(); typ != "ReJSON-RL" {
			continue
		}
		doc := c.Do(ctx, "JSON.GET", k).Val()
		ttl := "none"
		if c.PTTL(ctx, k).Val() > 0 {
			ttl = "set"
		}
		enc := c.ObjectEncoding(ctx, k).Val()
		mem := c.MemoryUsage(ctx, k).Val()
		dbg := c.Do(ctx, "JSON.DEBUG", "MEMORY", k).Val()
		fmt.Fprintf(&b, "%s ttl=%s enc=%s mem=%d debug=%v %v\n", k, ttl, enc, mem, dbg, doc)
	}
	return b.String()
}

// jsonWrites changes documents with every JSON write command, on single
// and multiple matches, legacy and JSONPath, including commands that fail
// part way (their earlier changes stay).
func jsonWrites(t *testing.T, ctx context.Context, c *redis.Client) {
	t.Helper()
	cmds := [][]any{
		{"JSON.SET", "j:a", "$", `{"s":"x","n":1,"f":1.5,"big":18446744073709551615,"arr":[1,[2,3],{"k":[4]}],"o":{"a":{"b":true}},"u":"é⭐"}`},
		{"JSON.SET", "j:b", "$", `[{"a":1},{"a":2},{"a":"three"}]`},
		{"JSON.SET", "j:c", ".", `{"x":{"y":{"z":[1,2,3]}}}`},
		{"JSON.STRAPPEND", "j:a", "$..s", `"yz"`},
		{"JSON.NUMINCRBY", "j:b", "$[*].a", "10"},
		{"JSON.NUMMULTBY", "j:a", "$.f", "3"},
		{"JSON.NUMINCRBY", "j:a", ".n", "2.5"},
		{"JSON.TOGGLE", "j:a", "$..b"},
		{"JSON.ARRAPPEND", "j:a", "$..arr", `"end"`, `{"q":null}`},
		{"JSON.ARRINSERT", "j:a", "$.arr", "1", `"ins"`},
		{"JSON.ARRPOP", "j:c", "$..z", "0"},
		{"JSON.ARRTRIM", "j:a", "$.arr", "0", "4"},
		{"JSON.MERGE", "j:c", "$.x", `{"y":{"w":1,"z":null},"v":[1]}`},
		{"JSON.MERGE", "j:b", "$[0].a", "null"},
		{"JSON.DEL", "j:a", "$.o.a.b", "extra-argument-ignored"},
		{"JSON.CLEAR", "j:b", "$[1]"},
		{"JSON.MSET", "j:d", "$", `{"m":1}`, "j:c", "$.x.v[0]", `"m"`},
		{"JSON.SET", "j:e", "$", `{"tmp":1}`},
		{"JSON.SET", "j:f", "$", `{"ttl":true}`},
		{"PEXPIRE", "j:f", "3600000"},
		{"JSON.FORGET", "j:e", "$"},
	}
	for _, cmd := range cmds {
		if err := c.Do(ctx, cmd...).Err(); err != nil && err != redis.Nil {
			t.Fatalf("%v: %v", cmd, err)
		}
	}
	// Fails on its second match after changing the first (RedisJSON keeps
	// the first change): the log must replay to the same state.
	c.Do(ctx, "JSON.SET", "j:g", "$", `[1, 1.7976931348623157e308]`)
	if err := c.Do(ctx, "JSON.NUMMULTBY", "j:g", "$[*]", "2").Err(); err == nil || err.Error() != "result is not a number" {
		t.Fatalf("NUMMULTBY overflow: %v", err)
	}
}

// TestJSONPersistence: JSON documents (and their TTLs, encoding and memory
// figures) are the same after SAVE and a restart, after replaying the
// append-only log (with a rewrite in the middle) after a crash, and after
// COPY, RENAME and MOVE; they expire like any key.
func TestJSONPersistence(t *testing.T) {
	t.Run("snapshot", func(t *testing.T) {
		h := StartServer(t, Options{Args: []string{"--appendonly", "no", "--save", ""}})
		c := h.Client(t)
		ctx := Ctx(t)
		jsonWrites(t, ctx, c)
		before := jsonState(t, ctx, c)
		if !strings.Contains(before, "j:f ttl=set enc=raw") {
			t.Fatalf("state before save:\n%s", before)
		}
		if err := c.Save(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		h.Kill() // the snapshot alone: no shutdown save, no log
		h.Restart(t)
		c = h.Client(t)
		if after := jsonState(t, ctx, c); after != before {
			t.Fatalf("after SAVE and restart:\n%s\nbefore:\n%s", after, before)
		}
	})
	t.Run("log", func(t *testing.T) {
		h := StartServer(t, Options{Args: []string{"--appendonly", "yes", "--save", ""}})
		c := h.Client(t)
		ctx := Ctx(t)
		jsonWrites(t, ctx, c)
		if err := c.BgRewriteAOF(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		waitNoSave(t, c)
		c.Do(ctx, "JSON.ARRAPPEND", "j:a", "$.arr", `"after rewrite"`)
		c.Do(ctx, "JSON.MERGE", "j:b", "$", `[{"replaced":true}]`)
		before := jsonState(t, ctx, c)
		h.Kill()
		h.Restart(t)
		c = h.Client(t)
		if after := jsonState(t, ctx, c); after != before {
			t.Fatalf("after log replay:\n%s\nbefore:\n%s", after, before)
		}
	})
	t.Run("keyspace", func(t *testing.T) {
		h := StartServer(t, Options{})
		c := h.Client(t)
		ctx := Ctx(t)
		jsonWrites(t, ctx, c)
		want := c.Do(ctx, "JSON.GET", "j:a").Val()
		mem := c.MemoryUsage(ctx, "j:a").Val()
		if n, err := c.Copy(ctx, "j:a", "copy", 2, false).Result(); err != nil || n != 1 {
			t.Fatalf("COPY DB 2: %v %v", n, err)
		}
		if err := c.Rename(ctx, "j:a", "renamed").Err(); err != nil {
			t.Fatal(err)
		}
		if n, err := c.Move(ctx, "renamed", 1).Result(); err != nil || !n {
			t.Fatalf("MOVE: %v %v", n, err)
		}
		c1 := h.Client(t, func(o *redis.Options) { o.DB = 1 })
		c2 := h.Client(t, func(o *redis.Options) { o.DB = 2 })
		if got := c1.Do(ctx, "JSON.GET", "renamed").Val(); got != want {
			t.Fatalf("moved: %v", got)
		}
		if got := c2.MemoryUsage(ctx, "copy").Val(); got < mem || got > mem+8 {
			t.Fatalf("MEMORY USAGE of the copy %d, of the original %d", got, mem)
		}
		if a, b := c2.Do(ctx, "JSON.DEBUG", "MEMORY", "copy").Val(), c1.Do(ctx, "JSON.DEBUG", "MEMORY", "renamed").Val(); a != b {
			t.Fatalf("JSON.DEBUG MEMORY of the copy %v, of the original %v", a, b)
		}
		// The copy is deep: changing it leaves the original alone.
		c2.Do(ctx, "JSON.SET", "copy", "$.s", `"changed"`)
		if got := c1.Do(ctx, "JSON.GET", "renamed").Val(); got != want {
			t.Fatalf("original changed with its copy: %v", got)
		}
		if typ := c2.Type(ctx, "copy").Val(); typ != "ReJSON-RL" {
			t.Fatalf("TYPE of the copy: %s", typ)
		}
		// Expiry: a JSON key goes like any other (polled, no fixed sleep).
		c.Do(ctx, "JSON.SET", "short", "$", `{"a":1}`)
		c.PExpire(ctx, "short", 20*time.Millisecond)
		deadline := time.Now().Add(30 * time.Second)
		for c.Exists(ctx, "short").Val() != 0 {
			if time.Now().After(deadline) {
				t.Fatal("JSON key did not expire")
			}
			time.Sleep(10 * time.Millisecond)
		}
		if err := c.Do(ctx, "JSON.GET", "short").Err(); err != redis.Nil {
			t.Fatalf("JSON.GET of an expired key: %v", err)
		}
		// An in-place change keeps the TTL; replacing the key with SET drops it.
		c.Do(ctx, "JSON.SET", "ttl", "$", `{"a":1}`)
		c.Expire(ctx, "ttl", time.Hour)
		c.Do(ctx, "JSON.SET", "ttl", "$.a", "2")
		c.Do(ctx, "JSON.SET", "ttl", "$", `{"b":1}`)
		c.Do(ctx, "JSON.MERGE", "ttl", "$", `{"c":1}`)
		if c.PTTL(ctx, "ttl").Val() <= 0 {
			t.Fatal("JSON write dropped the TTL")
		}
		// OBJECT ENCODING of a module value is "raw"; MEMORY USAGE follows
		// the document's size.
		if enc := c.ObjectEncoding(ctx, "ttl").Val(); enc != "raw" {
			t.Fatalf("OBJECT ENCODING %q", enc)
		}
		small := c.MemoryUsage(ctx, "ttl").Val()
		c.Do(ctx, "JSON.SET", "ttl", "$.big", `"`+strings.Repeat("x", 1000)+`"`)
		if big := c.MemoryUsage(ctx, "ttl").Val(); big < small+1000 {
			t.Fatalf("MEMORY USAGE %d after adding 1000 bytes to %d", big, small)
		}
	})
}
