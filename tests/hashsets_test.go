package tests

import (
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestHScanSScanComplete checks that a full HSCAN/SSCAN returns every
// element of a large (hashtable-encoded) collection, including while the
// collection grows between calls (elements present for the whole scan
// must all be returned).
func TestHScanSScanComplete(t *testing.T) {
	h := StartServer(t, Options{})
	c := h.Client(t)
	ctx := Ctx(t)
	const n = 20000
	pipe := c.Pipeline()
	for i := 0; i < n; i += 500 {
		var fields []any
		var members []any
		for j := i; j < i+500; j++ {
			fields = append(fields, "f"+strconv.Itoa(j), strconv.Itoa(j))
			members = append(members, "m"+strconv.Itoa(j))
		}
		pipe.HSet(ctx, "hash", fields...)
		pipe.SAdd(ctx, "set", members...)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}

	for _, count := range []int64{1, 10, 1000} {
		// HSCAN, growing the hash as we go.
		seen := map[string]string{}
		var cursor uint64
		added := 0
		for calls := 0; ; calls++ {
			kv, next, err := c.HScan(ctx, "hash", cursor, "", count).Result()
			if err != nil {
				t.Fatal(err)
			}
			if len(kv)%2 != 0 {
				t.Fatalf("odd HSCAN reply length %d", len(kv))
			}
			for i := 0; i < len(kv); i += 2 {
				seen[kv[i]] = kv[i+1]
			}
			if calls%5 == 0 && added < 2000 {
				var fields []any
				for j := 0; j < 100; j++ {
					fields = append(fields, "new"+strconv.FormatInt(count, 10)+"-"+strconv.Itoa(added), "x")
					added++
				}
				c.HSet(ctx, "hash", fields...)
			}
			cursor = next
			if cursor == 0 {
				break
			}
			if calls > 10*n {
				t.Fatal("HSCAN does not terminate")
			}
		}
		for i := 0; i < n; i++ {
			if v, ok := seen["f"+strconv.Itoa(i)]; !ok || v != strconv.Itoa(i) {
				t.Fatalf("COUNT %d: HSCAN missed f%d (got %q)", count, i, v)
			}
		}

		// SSCAN, shrinking the set of elements that are not checked.
		got := map[string]bool{}
		cursor = 0
		for calls := 0; ; calls++ {
			keys, next, err := c.SScan(ctx, "set", cursor, "", count).Result()
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range keys {
				got[k] = true
			}
			cursor = next
			if cursor == 0 {
				break
			}
			if calls > 10*n {
				t.Fatal("SSCAN does not terminate")
			}
		}
		for i := 0; i < n; i++ {
			if !got["m"+strconv.Itoa(i)] {
				t.Fatalf("COUNT %d: SSCAN missed m%d", count, i)
			}
		}
	}

	// MATCH filters but still walks the whole table.
	var cursor uint64
	matched := map[string]bool{}
	for {
		keys, next, err := c.SScan(ctx, "set", cursor, "m1?", 100).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			matched[k] = true
		}
		if cursor = next; cursor == 0 {
			break
		}
	}
	if len(matched) != 10 {
		t.Fatalf("SSCAN MATCH m1? found %d members, want 10: %v", len(matched), matched)
	}
}

// TestSetRandomDistributions checks SRANDMEMBER, SPOP and HRANDFIELD:
// distinctness for positive counts, and that every element is reachable
// with a roughly even spread (loose bounds: the hashtable's bucket-then-
// chain pick is slightly biased, as in Redis).
func TestSetRandomDistributions(t *testing.T) {
	h := StartServer(t, Options{})
	c := h.Client(t)
	ctx := Ctx(t)
	for _, tc := range []struct {
		name    string
		members []any
	}{
		{"intset", intMembers(100, "")},
		{"hashtable", intMembers(100, "m")},
		{"large", intMembers(5000, "m")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := "s:" + tc.name
			if err := c.SAdd(ctx, key, tc.members...).Err(); err != nil {
				t.Fatal(err)
			}
			size := len(tc.members)
			// Negative count: repetitions, exactly |count| elements.
			draws := size * 100
			vals, err := c.SRandMemberN(ctx, key, int64(-draws)).Result()
			if err != nil {
				t.Fatal(err)
			}
			if len(vals) != draws {
				t.Fatalf("SRANDMEMBER -%d returned %d", draws, len(vals))
			}
			freq := map[string]int{}
			for _, v := range vals {
				freq[v]++
			}
			if len(freq) != size {
				t.Fatalf("SRANDMEMBER reached %d of %d members", len(freq), size)
			}
			for m, n := range freq {
				// Expected 100. dictGetFairRandomKey (Redis's algorithm)
				// still leaves some bias on hashtables: in practice
				// 20..300 over thousands of members.
				if n < 8 || n > 500 {
					t.Fatalf("member %s drawn %d times (expected ~100)", m, n)
				}
			}
			// Positive counts: distinct members, whole set when count >= size.
			for _, n := range []int{1, 5, size / 3, size/3 + 1, size - 1, size, size + 10} {
				vals, err := c.SRandMemberN(ctx, key, int64(n)).Result()
				if err != nil {
					t.Fatal(err)
				}
				want := min(n, size)
				if len(vals) != want || len(distinct(vals)) != want {
					t.Fatalf("SRANDMEMBER %d: %d values, %d distinct, want %d", n, len(vals), len(distinct(vals)), want)
				}
			}
			// SPOP count pops distinct members and shrinks the set.
			popped, err := c.SPopN(ctx, key, 10).Result()
			if err != nil {
				t.Fatal(err)
			}
			if len(distinct(popped)) != 10 || c.SCard(ctx, key).Val() != int64(size-10) {
				t.Fatalf("SPOP 10: %v, card %d", popped, c.SCard(ctx, key).Val())
			}
			for _, p := range popped {
				if c.SIsMember(ctx, key, p).Val() {
					t.Fatalf("popped %s still a member", p)
				}
			}
			// Pop the rest: every member comes out exactly once.
			rest, err := c.SPopN(ctx, key, int64(size)).Result()
			if err != nil {
				t.Fatal(err)
			}
			all := distinct(append(popped, rest...))
			if len(all) != size || c.SCard(ctx, key).Val() != 0 {
				t.Fatalf("after popping all: %d distinct, card=%d", len(all), c.SCard(ctx, key).Val())
			}
		})
	}

	// SPOP without count: the first pop from a fresh 10-member set is
	// spread over all members.
	first := map[string]int{}
	for i := 0; i < 1000; i++ {
		pipe := c.Pipeline()
		// (Popping all ten empties and so deletes the key for the next round.)
		pipe.SAdd(ctx, "s:pop", intMembers(10, "p")...)
		pop := pipe.SPop(ctx, "s:pop")
		pipe.SPopN(ctx, "s:pop", 9)
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatal(err)
		}
		first[pop.Val()]++
	}
	if len(first) != 10 {
		t.Fatalf("SPOP reached %d of 10 members: %v", len(first), first)
	}
	for m, n := range first {
		if n < 30 || n > 250 { // expected 100
			t.Fatalf("SPOP picked %s %d times of 1000", m, n)
		}
	}

	// HRANDFIELD: pairs are real field/value pairs; positive counts are
	// distinct.
	var fields []any
	for i := 0; i < 300; i++ {
		fields = append(fields, "f"+strconv.Itoa(i), "v"+strconv.Itoa(i))
	}
	c.HSet(ctx, "h:rand", fields...)
	kvs, err := c.HRandFieldWithValues(ctx, "h:rand", -3000).Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(kvs) != 3000 {
		t.Fatalf("HRANDFIELD -3000 WITHVALUES: %d pairs", len(kvs))
	}
	reached := map[string]bool{}
	for _, kv := range kvs {
		if "v"+kv.Key[1:] != kv.Value {
			t.Fatalf("pair %s=%s is not the hash's", kv.Key, kv.Value)
		}
		reached[kv.Key] = true
	}
	if len(reached) < 280 { // expected ~300 (each field missed with p ~ e^-10)
		t.Fatalf("HRANDFIELD reached only %d of 300 fields", len(reached))
	}
	for _, n := range []int{10, 150, 300, 500} {
		fs, err := c.HRandField(ctx, "h:rand", n).Result()
		if err != nil {
			t.Fatal(err)
		}
		if want := min(n, 300); len(fs) != want || len(distinct(fs)) != want {
			t.Fatalf("HRANDFIELD %d: %d fields, %d distinct", n, len(fs), len(distinct(fs)))
		}
	}

	// RESP3: HRANDFIELD WITHVALUES is an array of [field, value] pairs.
	c3 := h.Client(t, func(o *redis.Options) { o.Protocol = 3 })
	res, err := c3.Do(ctx, "HRANDFIELD", "h:rand", "-2", "WITHVALUES").Slice()
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 {
		t.Fatalf("RESP3 HRANDFIELD -2 WITHVALUES: %v", res)
	}
	for _, p := range res {
		pair, ok := p.([]any)
		if !ok || len(pair) != 2 {
			t.Fatalf("RESP3 pair %#v", p)
		}
	}
}

func intMembers(n int, prefix string) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = prefix + strconv.Itoa(i)
	}
	return out
}

func distinct(vals []string) map[string]bool {
	m := map[string]bool{}
	for _, v := range vals {
		m[v] = true
	}
	return m
}
