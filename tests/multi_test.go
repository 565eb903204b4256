package tests

import (
	"errors"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Transactions end to end: go-redis's TxPipeline and Watch helpers, WATCH
// invalidation by other clients, atomicity under concurrency, and the
// interplay with blocked clients, CLIENT PAUSE and the append-only log.

func TestTxPipelineGoRedis(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	rdb := h.Client(t)
	ctx := Ctx(t)
	var incr *redis.IntCmd
	var get *redis.StringCmd
	cmds, err := rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, "n", "41", 0)
		incr = p.Incr(ctx, "n")
		get = p.Get(ctx, "n")
		return nil
	})
	if err != nil || len(cmds) != 3 || incr.Val() != 42 || get.Val() != "42" {
		t.Fatalf("TxPipelined: %v %v incr=%d get=%q", cmds, err, incr.Val(), get.Val())
	}
	// A runtime error is returned in place; the other commands ran.
	var bad *redis.IntCmd
	var after *redis.StatusCmd
	_, err = rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, "s", "text", 0)
		bad = p.Incr(ctx, "s")
		after = p.Set(ctx, "s2", "ran", 0)
		return nil
	})
	if err == nil || bad.Err() == nil || !strings.HasPrefix(bad.Err().Error(), "ERR value is not an integer") || after.Val() != "OK" {
		t.Fatalf("runtime error in place: err=%v bad=%v after=%v", err, bad.Err(), after.Val())
	}
	if v, _ := rdb.Get(ctx, "s2").Result(); v != "ran" {
		t.Fatalf("s2 = %q", v)
	}
	// A queuing error (arity) aborts the whole transaction.
	_, err = rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, "s3", "never", 0)
		p.Do(ctx, "get")
		return nil
	})
	if err == nil || !strings.HasPrefix(err.Error(), "EXECABORT") {
		t.Fatalf("queuing error: %v", err)
	}
	if n, _ := rdb.Exists(ctx, "s3").Result(); n != 0 {
		t.Fatal("a command of an aborted transaction ran")
	}
}

// TestWatchRace runs optimistic increments from 20 clients through
// go-redis's Watch helper (WATCH, GET, MULTI, SET, EXEC): the final
// counter must equal the number of EXECs that succeeded.
func TestWatchRace(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	ctx := Ctx(t)
	const clients, tries = 20, 50
	var mu sync.Mutex
	succeeded, failed := 0, 0
	var wg sync.WaitGroup
	errc := make(chan error, clients)
	for i := 0; i < clients; i++ {
		rdb := h.Client(t)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < tries; j++ {
				err := rdb.Watch(ctx, func(tx *redis.Tx) error {
					n, err := tx.Get(ctx, "counter").Int()
					if err != nil && !errors.Is(err, redis.Nil) {
						return err
					}
					_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
						p.Set(ctx, "counter", n+1, 0)
						return nil
					})
					return err
				}, "counter")
				mu.Lock()
				switch {
				case err == nil:
					succeeded++
				case errors.Is(err, redis.TxFailedErr):
					failed++
				default:
					mu.Unlock()
					errc <- err
					return
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	n, err := h.Client(t).Get(ctx, "counter").Int()
	if err != nil || n != succeeded {
		t.Fatalf("counter = %d (%v), successful EXECs = %d (failed %d)", n, err, succeeded, failed)
	}
	if succeeded+failed != clients*tries {
		t.Fatalf("%d + %d attempts, want %d", succeeded, failed, clients*tries)
	}
	t.Logf("%d EXECs succeeded, %d were aborted by a concurrent write", succeeded, failed)
}

// TestWatchInvalidatedByOtherClient checks each kind of change another
// client can make to a watched key.
func TestWatchInvalidatedByOtherClient(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	cases := []struct {
		name  string
		setup [][]string // by the watcher, before WATCH
		other [][]string // by the other client, after WATCH
		wait  time.Duration
		abort bool
	}{
		{name: "write", setup: [][]string{{"SET", "k", "1"}}, other: [][]string{{"SET", "k", "2"}}, abort: true},
		{name: "read", setup: [][]string{{"SET", "k", "1"}}, other: [][]string{{"GET", "k"}}, abort: false},
		{name: "other key", setup: [][]string{{"SET", "k", "1"}}, other: [][]string{{"SET", "k2", "2"}}, abort: false},
		{name: "same value", setup: [][]string{{"SET", "k", "1"}}, other: [][]string{{"SET", "k", "1"}}, abort: true},
		{name: "expiry", setup: [][]string{{"SET", "k", "1"}, {"PEXPIRE", "k", "50"}}, wait: 150 * time.Millisecond, abort: true},
		{name: "flushall", setup: [][]string{{"SET", "k", "1"}}, other: [][]string{{"FLUSHALL"}}, abort: true},
		{name: "flushdb", setup: [][]string{{"SET", "k", "1"}}, other: [][]string{{"FLUSHDB"}}, abort: true},
		{name: "flushall missing key", other: [][]string{{"SET", "x", "1"}, {"FLUSHALL"}}, abort: false},
		{name: "swapdb", setup: [][]string{{"SET", "k", "1"}}, other: [][]string{{"SWAPDB", "0", "1"}}, abort: true},
		{name: "swapdb brings key", other: [][]string{{"SELECT", "1"}, {"SET", "k", "1"}, {"SWAPDB", "0", "1"}}, abort: true},
		{name: "rename to", other: [][]string{{"SET", "src", "1"}, {"RENAME", "src", "k"}}, abort: true},
		{name: "rename from", setup: [][]string{{"SET", "k", "1"}}, other: [][]string{{"RENAME", "k", "dst"}}, abort: true},
		{name: "delete and recreate", setup: [][]string{{"SET", "k", "1"}}, other: [][]string{{"DEL", "k"}, {"SET", "k", "1"}}, abort: true},
		{name: "lpush", other: [][]string{{"LPUSH", "k", "x"}}, abort: true},
		{name: "move", setup: [][]string{{"SET", "k", "1"}}, other: [][]string{{"MOVE", "k", "5"}}, abort: true},
		{name: "copy", other: [][]string{{"SET", "src", "1"}, {"COPY", "src", "k"}}, abort: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w, o := h.Raw(t), h.Raw(t)
			w.Do("FLUSHALL")
			for _, c := range tc.setup {
				if r := w.Do(c...); r.IsError() {
					t.Fatalf("%v: %s", c, r)
				}
			}
			if r := w.Do("WATCH", "k"); r.Str != "OK" {
				t.Fatal(r)
			}
			for _, c := range tc.other {
				if r := o.Do(c...); r.IsError() {
					t.Fatalf("%v: %s", c, r)
				}
			}
			time.Sleep(tc.wait)
			w.Do("MULTI")
			if r := w.Do("PING"); r.Str != "QUEUED" {
				t.Fatal(r)
			}
			r := w.Do("EXEC")
			if aborted := r.Kind == 'N' && r.Str == "*"; aborted != tc.abort {
				t.Fatalf("EXEC = %s, want aborted=%v", r, tc.abort)
			}
		})
	}
}

// TestBlockedClientServedAfterExec checks that a client blocked on a key a
// transaction pushes to is served after the whole EXEC, not in between.
func TestBlockedClientServedAfterExec(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	a, b := h.Raw(t), h.Raw(t)
	b.Send("BLPOP", "q", "0")
	waitForBlocked(t, a, 1)
	a.Do("MULTI")
	a.Do("RPUSH", "q", "x", "y")
	a.Do("LLEN", "q")
	a.Do("LPOP", "q")
	a.Do("LLEN", "q")
	if r := a.Do("EXEC"); r.String() != `*4[:"2", :"2", $"x", :"1"]` {
		t.Fatalf("EXEC = %s (the blocked client ran inside the transaction?)", r)
	}
	if r := b.Read(); r.String() != `*2[$"q", $"y"]` {
		t.Fatalf("BLPOP = %s", r)
	}
	if r := a.Do("LLEN", "q"); r.Str != "0" {
		t.Fatalf("LLEN = %s", r)
	}
}

func waitForBlocked(t *testing.T, c *RawConn, n int) {
	t.Helper()
	re := regexp.MustCompile(`blocked_clients:(\d+)`)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		m := re.FindStringSubmatch(c.Do("INFO", "clients").Str)
		if m != nil && m[1] == strconv.Itoa(n) {
			return
		}
	}
	t.Fatalf("never saw %d blocked clients", n)
}

// TestClientPauseWriteHoldsExec: an EXEC whose queue writes waits for
// CLIENT PAUSE WRITE to end; a read-only one does not.
func TestClientPauseWriteHoldsExec(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	a, b, admin := h.Raw(t), h.Raw(t), h.Raw(t)
	a.Do("MULTI")
	a.Do("SET", "k", "v")
	b.Do("MULTI")
	b.Do("GET", "k")
	if r := admin.Do("CLIENT", "PAUSE", "20000", "WRITE"); r.Str != "OK" {
		t.Fatal(r)
	}
	if r := b.Do("EXEC"); r.String() != `*1[(nil$)]` {
		t.Fatalf("read-only EXEC = %s", r)
	}
	a.Send("EXEC")
	a.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if r, err := ReadReply(a.R); err == nil {
		t.Fatalf("EXEC with a write ran during CLIENT PAUSE WRITE: %s", r)
	}
	if r := admin.Do("GET", "k"); r.Kind != 'N' {
		t.Fatalf("k = %s during the pause", r)
	}
	admin.Do("CLIENT", "UNPAUSE")
	if r := a.Read(); r.String() != `*1[+"OK"]` {
		t.Fatalf("EXEC after unpause = %s", r)
	}
}

func TestClientListShowsTransaction(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	a, o := h.Raw(t), h.Raw(t)
	id := clientID(t, a)
	info := func() string { return o.Do("CLIENT", "LIST", "ID", id).Str }
	if got := info(); !strings.Contains(got, " flags=N ") || !strings.Contains(got, " multi=-1 ") {
		t.Fatalf("idle: %s", got)
	}
	a.Do("WATCH", "k")
	a.Do("MULTI")
	a.Do("SET", "a", "1")
	a.Do("GET", "a")
	if got := info(); !strings.Contains(got, " flags=x ") || !strings.Contains(got, " multi=2 ") {
		t.Fatalf("in MULTI: %s", got)
	}
	o.Do("SET", "k", "1")
	if got := info(); !strings.Contains(got, " flags=xd ") || !strings.Contains(got, " multi=2 ") {
		t.Fatalf("dirty: %s", got)
	}
	// Like Redis, a transaction bound to fail queues nothing more.
	a.Do("GET", "b")
	if got := info(); !strings.Contains(got, " multi=2 ") {
		t.Fatalf("dirty, queued more: %s", got)
	}
	if r := a.Do("EXEC"); r.Kind != 'N' {
		t.Fatalf("EXEC = %s", r)
	}
	if got := info(); !strings.Contains(got, " flags=N ") || !strings.Contains(got, " multi=-1 ") {
		t.Fatalf("after EXEC: %s", got)
	}
}

// TestExecErrorStatsMatchRedis: each failed command inside EXEC counts in
// errorstats and in its own commandstats, like in Redis.
func TestExecErrorStatsMatchRedis(t *testing.T) {
	redis := StartRedis(t)
	aikv := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	stats := func(h *Handle) string {
		c := h.Raw(t)
		c.Do("SET", "str", "x")
		c.Do("CONFIG", "RESETSTAT")
		c.Do("MULTI")
		c.Do("INCR", "str")
		c.Do("LPUSH", "str", "y")
		c.Do("INCR", "str")
		c.Do("GET", "str")
		c.Do("EXEC")
		var keep []string
		for _, line := range strings.Split(c.Do("INFO", "everything").Str, "\r\n") {
			switch {
			case strings.HasPrefix(line, "errorstat_"), strings.HasPrefix(line, "total_error_replies"):
				keep = append(keep, line)
			case strings.HasPrefix(line, "cmdstat_"):
				name, rest, _ := strings.Cut(line, ":")
				calls := regexp.MustCompile(`calls=\d+,|rejected_calls=\d+,failed_calls=\d+`).FindAllString(rest, -1)
				keep = append(keep, name+" "+strings.Join(calls, ""))
			}
		}
		sort.Strings(keep)
		return strings.Join(keep, "\n")
	}
	if a, r := stats(aikv), stats(redis); a != r {
		t.Fatalf("aikv:\n%s\nredis:\n%s", a, r)
	}
}

// TestExecSurvivesKill: an acknowledged transaction is in the log and is
// replayed whole after kill -9.
func TestExecSurvivesKill(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "yes", "--appendfsync", "always"}})
	c := h.Raw(t)
	c.Do("MULTI")
	c.Do("SET", "a", "1")
	c.Do("INCR", "a")
	c.Do("RPUSH", "l", "x", "y")
	c.Do("BLPOP", "l", "0")
	c.Do("SELECT", "2")
	c.Do("SET", "b", "in2")
	if r := c.Do("EXEC"); r.Kind != '*' || len(r.Elems) != 6 {
		t.Fatalf("EXEC = %s", r)
	}
	h.Kill()
	h.Restart(t)
	c = h.Raw(t)
	if r := c.Do("GET", "a"); r.Str != "2" {
		t.Fatalf("a = %s", r)
	}
	if r := c.Do("LRANGE", "l", "0", "-1"); r.String() != `*1[$"y"]` {
		t.Fatalf("l = %s", r)
	}
	c.Do("SELECT", "2")
	if r := c.Do("GET", "b"); r.Str != "in2" {
		t.Fatalf("b = %s", r)
	}
}
