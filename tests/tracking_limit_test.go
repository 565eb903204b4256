package tests

import (
	"fmt"
	"slices"
	"strconv"
	"testing"
)

// TestTrackingTableMaxKeys lowers tracking-table-max-keys under a table
// of 10 remembered keys, on AiKv and Redis: the server evicts random keys
// until 3 remain, sending an invalidation for each (Redis's
// trackingLimitUsedSlots, run from the cron so it happens while idle).
// Modifying every key afterwards invalidates exactly the 3 survivors: each
// key is invalidated once in all.
func TestTrackingTableMaxKeys(t *testing.T) {
	for _, srv := range []struct {
		name  string
		start func(t *testing.T) *Handle
	}{
		{"aikv", func(t *testing.T) *Handle { return StartServer(t, Options{Args: []string{"--appendonly", "no"}}) }},
		{"redis", func(t *testing.T) *Handle { return StartRedis(t) }},
	} {
		t.Run(srv.name, func(t *testing.T) {
			h := srv.start(t)
			tc, other := h.Raw(t), h.Raw(t)
			if r := tc.Do("HELLO", "3"); r.IsError() {
				t.Fatal(r)
			}
			if r := tc.Do("CLIENT", "TRACKING", "ON"); r.IsError() {
				t.Fatal(r)
			}
			const n, limit = 10, 3
			for i := range n {
				if r := tc.Do("GET", "k"+strconv.Itoa(i)); r.Kind != '_' {
					t.Fatalf("GET: %s", r)
				}
			}
			// invalidated reads pushes until want keys were invalidated.
			seen := map[string]int{}
			invalidated := func(want int) {
				t.Helper()
				for got := 0; got < want; {
					r := tc.Read() // fails the test after 10s without one
					if r.Kind != '>' || len(r.Elems) != 2 || r.Elems[0].Str != "invalidate" {
						t.Fatalf("unexpected %s", r)
					}
					for _, k := range r.Elems[1].Elems {
						seen[k.Str]++
						got++
					}
				}
			}
			if r := other.Do("CONFIG", "SET", "tracking-table-max-keys", strconv.Itoa(limit)); r.IsError() {
				t.Fatal(r)
			}
			invalidated(n - limit)
			if r := other.Do("CONFIG", "SET", "tracking-table-max-keys", "0"); r.IsError() {
				t.Fatal(r)
			}
			for i := range n {
				other.Do("SET", "k"+strconv.Itoa(i), "v")
			}
			invalidated(limit)
			// Nothing more: a PING's reply comes next.
			if r := tc.Do("PING"); r.String() != `+"PONG"` {
				t.Fatalf("after the invalidations: %s", r)
			}
			var keys []string
			for k, c := range seen {
				if c != 1 {
					t.Errorf("%s invalidated %d times", k, c)
				}
				keys = append(keys, k)
			}
			slices.Sort(keys)
			if fmt.Sprint(keys) != "[k0 k1 k2 k3 k4 k5 k6 k7 k8 k9]" {
				t.Errorf("invalidated keys %v", keys)
			}
		})
	}
}

// TestTrackingTableMaxKeysBeforeCommand checks the limit Redis applies
// before each command: with tracking-table-max-keys 1, a pipelined GET of a
// third key first evicts one of the two remembered keys, and the client's
// own invalidation goes out at once, before that GET's reply (Redis 7.0
// defers a client's own invalidations only while its command executes).
func TestTrackingTableMaxKeysBeforeCommand(t *testing.T) {
	for _, srv := range []struct {
		name  string
		start func(t *testing.T) *Handle
	}{
		{"aikv", func(t *testing.T) *Handle { return StartServer(t, Options{Args: []string{"--appendonly", "no"}}) }},
		{"redis", func(t *testing.T) *Handle { return StartRedis(t) }},
	} {
		t.Run(srv.name, func(t *testing.T) {
			h := srv.start(t)
			tc := h.Raw(t)
			for _, c := range [][]string{{"HELLO", "3"}, {"CONFIG", "SET", "tracking-table-max-keys", "1"}, {"CLIENT", "TRACKING", "ON"}} {
				if r := tc.Do(c...); r.IsError() {
					t.Fatal(r)
				}
			}
			// One write: the server runs the three GETs without its cron
			// in between.
			tc.SendRaw(EncodeCommand("GET", "k1") + EncodeCommand("GET", "k2") + EncodeCommand("GET", "k3"))
			for i := 0; i < 2; i++ {
				if r := tc.Read(); r.Kind != '_' {
					t.Fatalf("GET reply %d: %s", i, r)
				}
			}
			r := tc.Read()
			if r.Kind != '>' || len(r.Elems) != 2 || r.Elems[0].Str != "invalidate" || len(r.Elems[1].Elems) != 1 {
				t.Fatalf("after the replies: %s", r)
			}
			first := r.Elems[1].Elems[0].Str
			if first != "k1" && first != "k2" {
				t.Fatalf("evicted %q before GET k3, want k1 or k2", first)
			}
			if r := tc.Read(); r.Kind != '_' {
				t.Fatalf("GET k3 reply: %s", r)
			}
			// Two keys remain over the limit of 1: the cron evicts one more.
			r = tc.Read()
			if r.Kind != '>' || len(r.Elems) != 2 || len(r.Elems[1].Elems) != 1 {
				t.Fatalf("second invalidation: %s", r)
			}
			if second := r.Elems[1].Elems[0].Str; second == first {
				t.Fatalf("%s invalidated twice", first)
			}
		})
	}
}
