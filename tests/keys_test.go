package tests

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// fill creates n string keys named prefix0..prefix(n-1) with a pipeline.
func fill(t *testing.T, c *redis.Client, prefix string, n int) {
	t.Helper()
	ctx := Ctx(t)
	for start := 0; start < n; start += 1000 {
		p := c.Pipeline()
		for i := start; i < n && i < start+1000; i++ {
			p.Set(ctx, prefix+strconv.Itoa(i), i, 0)
		}
		if _, err := p.Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// TestScanReturnsEveryKey checks SCAN's guarantee on a keyspace large
// enough to rehash: every key present for the whole iteration is
// returned, whatever COUNT is, and MATCH / TYPE filter correctly, even
// while other keys are added and deleted between calls.
func TestScanReturnsEveryKey(t *testing.T) {
	h := StartServer(t, Options{})
	c := h.Client(t)
	ctx := Ctx(t)
	const n = 10000
	fill(t, c, "key:", n)

	for _, count := range []int64{1, 10, 97, 1000} {
		t.Run(fmt.Sprintf("count=%d", count), func(t *testing.T) {
			seen := make(map[string]bool, n)
			var cursor uint64
			calls := 0
			for {
				keys, next, err := c.Scan(ctx, cursor, "", count).Result()
				if err != nil {
					t.Fatal(err)
				}
				for _, k := range keys {
					seen[k] = true
				}
				calls++
				// Churn: add and remove other keys mid-iteration so the
				// table grows and shrinks under the cursor.
				if calls%5 == 0 {
					tmp := fmt.Sprintf("churn:%d:%d", count, calls)
					c.Set(ctx, tmp, 1, 0)
					if calls%10 == 0 {
						c.Del(ctx, fmt.Sprintf("churn:%d:%d", count, calls-5))
					}
				}
				cursor = next
				if cursor == 0 {
					break
				}
			}
			for i := 0; i < n; i++ {
				if !seen["key:"+strconv.Itoa(i)] {
					t.Fatalf("key:%d never returned (%d calls)", i, calls)
				}
			}
		})
	}

	t.Run("match", func(t *testing.T) {
		var got []string
		var cursor uint64
		for {
			keys, next, err := c.Scan(ctx, cursor, "key:12?", 50).Result()
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, keys...)
			if cursor = next; cursor == 0 {
				break
			}
		}
		slices.Sort(got)
		got = slices.Compact(got)
		if len(got) != 10 || got[0] != "key:120" || got[9] != "key:129" {
			t.Fatalf("SCAN MATCH key:12? returned %v", got)
		}
	})

	t.Run("type", func(t *testing.T) {
		keys, err := scanAll(t, c, "key:1*", "string")
		if err != nil || len(keys) != 1111 {
			t.Fatalf("SCAN TYPE string returned %d keys (%v), want 1111", len(keys), err)
		}
		keys, err = scanAll(t, c, "", "list")
		if err != nil || len(keys) != 0 {
			t.Fatalf("SCAN TYPE list returned %d keys (%v)", len(keys), err)
		}
	})
}

func scanAll(t *testing.T, c *redis.Client, match, typ string) ([]string, error) {
	t.Helper()
	ctx := Ctx(t)
	set := map[string]bool{}
	var cursor uint64
	for {
		keys, next, err := c.ScanType(ctx, cursor, match, 100, typ).Result()
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			set[k] = true
		}
		if cursor = next; cursor == 0 {
			break
		}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	return out, nil
}

// poll waits up to 5s for cond, failing the test otherwise.
func poll(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestExpiry(t *testing.T) {
	h := StartServer(t, Options{})
	c := h.Client(t)
	ctx := Ctx(t)

	t.Run("lazy", func(t *testing.T) {
		c.Set(ctx, "k", "v", 0)
		if ok, err := c.PExpire(ctx, "k", 50*time.Millisecond).Result(); err != nil || !ok {
			t.Fatalf("PEXPIRE: %v %v", ok, err)
		}
		if ttl := c.PTTL(ctx, "k").Val(); ttl <= 0 || ttl > 50*time.Millisecond {
			t.Fatalf("PTTL = %v, want (0, 50ms]", ttl)
		}
		poll(t, "k to expire", func() bool { return c.Exists(ctx, "k").Val() == 0 })
		if v, err := c.Get(ctx, "k").Result(); err != redis.Nil {
			t.Fatalf("GET after expiry = %q, %v", v, err)
		}
		if ttl := c.TTL(ctx, "k").Val(); ttl != -2 {
			t.Fatalf("TTL after expiry = %v, want -2", ttl)
		}
	})

	t.Run("active", func(t *testing.T) {
		// Keys nobody reads are reclaimed by the active cycle.
		c.FlushAll(ctx)
		fill(t, c, "vol:", 200)
		fill(t, c, "keep:", 10)
		p := c.Pipeline()
		for i := 0; i < 200; i++ {
			p.PExpire(ctx, "vol:"+strconv.Itoa(i), 50*time.Millisecond)
		}
		if _, err := p.Exec(ctx); err != nil {
			t.Fatal(err)
		}
		poll(t, "DBSIZE to drop to 10", func() bool { return c.DBSize(ctx).Val() == 10 })
	})

	t.Run("rename keeps ttl", func(t *testing.T) {
		c.Set(ctx, "a", "v", time.Hour)
		c.Rename(ctx, "a", "b")
		if ttl := c.TTL(ctx, "b").Val(); ttl < 59*time.Minute {
			t.Fatalf("TTL after RENAME = %v", ttl)
		}
		c.PExpire(ctx, "b", 30*time.Millisecond)
		c.Copy(ctx, "b", "copy", 0, false)
		c.Move(ctx, "b", 1)
		c2 := h.Client(t, func(o *redis.Options) { o.DB = 1 })
		poll(t, "moved key to expire", func() bool { return c2.Exists(ctx, "b").Val() == 0 })
		poll(t, "copied key to expire", func() bool { return c.Exists(ctx, "copy").Val() == 0 })
	})
}

// TestGlobMatchesRedis runs KEYS with random patterns against AiKv and
// real Redis over the same keys and compares the results.
func TestGlobMatchesRedis(t *testing.T) {
	redisH := StartRedis(t)
	aikvH := StartServer(t, Options{})
	a, r := aikvH.Client(t), redisH.Client(t)
	ctx := Ctx(t)
	rnd := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("ab*?[]^-\\Az\x80\xff")
	randStr := func(max int) string {
		n := rnd.IntN(max + 1)
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[rnd.IntN(len(alphabet))]
		}
		return string(b)
	}
	var keys []any
	for i := 0; i < 300; i++ {
		k := randStr(6)
		keys = append(keys, k, "1")
	}
	for _, c := range []*redis.Client{a, r} {
		c.FlushAll(ctx)
		p := c.Pipeline()
		for i := 0; i < len(keys); i += 2 {
			p.Set(ctx, keys[i].(string), "1", 0)
		}
		if _, err := p.Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	nonEmpty := 0
	for i := 0; i < 2000; i++ {
		pat := randStr(8)
		ga, err := a.Keys(ctx, pat).Result()
		if err != nil {
			t.Fatal(err)
		}
		gr, err := r.Keys(ctx, pat).Result()
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(ga)
		slices.Sort(gr)
		if !slices.Equal(ga, gr) {
			t.Fatalf("KEYS %q:\n aikv:  %q\n redis: %q", pat, ga, gr)
		}
		if len(gr) > 0 && pat != "*" {
			nonEmpty++
		}
	}
	if nonEmpty < 200 {
		t.Fatalf("only %d patterns matched anything: the comparison is too weak", nonEmpty)
	}
}

// TestCommandInfoMatchesRedis compares the key commands' COMMAND INFO
// (arity, flags, key positions, ACL categories) with real Redis.
func TestCommandInfoMatchesRedis(t *testing.T) {
	redisH := StartRedis(t)
	aikvH := StartServer(t, Options{})
	a, r := aikvH.Raw(t), redisH.Raw(t)
	if rep := a.Do("COMMAND", "INFO", "get"); rep.IsError() {
		t.Skip("COMMAND is not implemented yet: " + rep.Str)
	}
	names := strings.Fields("del unlink exists type keys scan randomkey rename renamenx copy move touch " +
		"expire pexpire expireat pexpireat ttl pttl persist expiretime pexpiretime object " +
		"dbsize flushdb flushall swapdb")
	for _, name := range names {
		ra, rr := a.Do("COMMAND", "INFO", name), r.Do("COMMAND", "INFO", name)
		if len(ra.Elems) != 1 || len(rr.Elems) != 1 || len(ra.Elems[0].Elems) < 7 || len(rr.Elems[0].Elems) < 7 {
			t.Fatalf("%s: unexpected replies %s / %s", name, ra, rr)
		}
		ea, er := ra.Elems[0].Elems, rr.Elems[0].Elems
		for i := 0; i < 7; i++ {
			ga, gr := ea[i].Sorted().String(), er[i].Sorted().String()
			if ga != gr {
				t.Errorf("%s field %d:\n aikv:  %s\n redis: %s", name, i, ga, gr)
			}
		}
	}
}
