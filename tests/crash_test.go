package tests

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestCrashKeepsAcknowledgedWrites kills the server with SIGKILL while
// writers run, restarts it from the append-only log, and checks the
// durability contract: every acknowledged write is present, in order, with
// no gaps, and at most one unacknowledged (in-flight) write per writer
// appears. A process crash loses nothing acknowledged under any policy
// (everysec and no write to the OS before replying; only an OS crash could
// lose their last second).
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	iterations := 3
	if n, err := strconv.Atoi(os.Getenv("AIKV_CRASH_ITERATIONS")); err == nil && n > 0 {
		iterations = n // make torture
	}
	if testing.Short() {
		iterations = 1
	}
	for _, policy := range []string{"always", "everysec", "no"} {
		t.Run(policy, func(t *testing.T) {
			dir := t.TempDir()
			h := StartServer(t, Options{Dir: dir, Args: []string{"--appendonly", "yes", "--appendfsync", policy}})
			const writers = 8
			acked := make([]int, writers) // per writer: last acknowledged sequence number
			for it := 0; it < iterations; it++ {
				runWritersUntilKill(t, h, acked)
				h.Restart(t)
				checkAcked(t, h, acked)
			}
		})
	}
}

// runWritersUntilKill runs writers that RPUSH consecutive numbers to their
// own list (continuing from acked), then kills the server at a random
// moment.
func runWritersUntilKill(t *testing.T, h *Handle, acked []int) {
	t.Helper()
	runWritersUntil(t, h, acked, func() {
		time.Sleep(time.Duration(100+rand.IntN(300)) * time.Millisecond)
		h.Kill()
	})
}

// runWritersUntil runs the writers of runWritersUntilKill until kill
// (which must kill the server) returns.
func runWritersUntil(t *testing.T, h *Handle, acked []int, kill func()) {
	t.Helper()
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for w := range acked {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			c := redis.NewClient(&redis.Options{Addr: h.Addr, MaxRetries: -1, DisableIdentity: true})
			defer c.Close()
			key := "list:" + strconv.Itoa(w)
			for n := acked[w] + 1; ctx.Err() == nil; n++ {
				if err := c.RPush(ctx, key, n).Err(); err != nil {
					return // the server is gone
				}
				acked[w] = n
			}
		}(w)
	}
	kill()
	cancel()
	wg.Wait()
}

func checkAcked(t *testing.T, h *Handle, acked []int) {
	t.Helper()
	c := h.Client(t)
	ctx := Ctx(t)
	for w, last := range acked {
		key := "list:" + strconv.Itoa(w)
		vals, err := c.LRange(ctx, key, 0, -1).Result()
		if err != nil {
			t.Fatalf("LRANGE %s after restart: %v", key, err)
		}
		if len(vals) < last || len(vals) > last+1 {
			t.Fatalf("writer %d: %d elements after restart, acknowledged %d (logs:\n%s)", w, len(vals), last, h.Logs())
		}
		for i, v := range vals {
			if v != strconv.Itoa(i+1) {
				t.Fatalf("writer %d: element %d is %q, want %d (gap or reorder)", w, i, v, i+1)
			}
		}
		acked[w] = len(vals)
	}
	if testing.Verbose() {
		t.Logf("acknowledged per writer: %v", fmt.Sprint(acked))
	}
}

// fillKeys writes n keys "fill:<i>" with 100-byte values in pipelined
// batches, so a save of them takes a noticeable time.
func fillKeys(t *testing.T, c *redis.Client, n int) {
	t.Helper()
	val := strings.Repeat("x", 100)
	for i := 0; i < n; i += 1000 {
		args := []any{"MSET"}
		for j := i; j < min(i+1000, n); j++ {
			args = append(args, "fill:"+strconv.Itoa(j), val+strconv.Itoa(j))
		}
		if err := c.Do(Ctx(t), args...).Err(); err != nil {
			t.Fatal(err)
		}
	}
}

// killDuring starts a background job with start (BGSAVE or BGREWRITEAOF)
// and SIGKILLs the server as soon as INFO persistence shows field:1. If
// the job ended before it was seen running, it tries again (the data set
// grows meanwhile only through the caller's writers). It reports whether
// the kill happened mid-job.
func killDuring(t *testing.T, h *Handle, start func(c *redis.Client) error, field string) bool {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: h.Addr, DisableIdentity: true})
	defer c.Close()
	for try := 0; try < 20; try++ {
		waitNoSave(t, c)
		if err := start(c); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 10000; i++ {
			info := c.Info(Ctx(t), "persistence").Val()
			if strings.Contains(info, field+":1") {
				h.Kill()
				return true
			}
			if strings.Contains(info, field+":0") {
				break // finished before we saw it: again
			}
		}
	}
	h.Kill()
	return false
}

// TestKillDuringBGSave: SIGKILL in the middle of a BGSAVE leaves the
// previous snapshot intact; the restart loads it (not the half-written
// temporary file, which is removed).
func TestKillDuringBGSave(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no", "--save", ""}})
	c := h.Client(t)
	fillKeys(t, c, 100000)
	c.Set(Ctx(t), "generation", "1", 0)
	if err := c.Save(Ctx(t)).Err(); err != nil {
		t.Fatal(err)
	}
	// Change the data set, then kill the save of the changed one.
	c.Set(Ctx(t), "generation", "2", 0)
	c.Del(Ctx(t), "fill:7")
	if !killDuring(t, h, func(c *redis.Client) error { return c.BgSave(Ctx(t)).Err() }, "rdb_bgsave_in_progress") {
		t.Skip("every BGSAVE finished before INFO showed it running")
	}
	h.Restart(t)
	c = h.Client(t)
	if g := c.Get(Ctx(t), "generation").Val(); g != "1" {
		t.Fatalf("generation %q after the restart, want the previous snapshot's 1", g)
	}
	if n := c.DBSize(Ctx(t)).Val(); n != 100001 {
		t.Fatalf("DBSIZE %d after the restart, want 100001", n)
	}
	if v := c.Get(Ctx(t), "fill:7").Val(); v == "" {
		t.Fatal("fill:7 missing: the restart did not load the previous snapshot")
	}
	entries, _ := os.ReadDir(h.Dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left after the restart", e.Name())
		}
	}
}

// TestKillDuringBGRewriteAOF: SIGKILL in the middle of a BGREWRITEAOF
// under concurrent writers loses no acknowledged write: the restart uses
// the previous base and the whole log.
func TestKillDuringBGRewriteAOF(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "yes", "--save", ""}})
	fillKeys(t, h.Client(t), 100000)
	acked := make([]int, 4)
	var killedMid bool
	runWritersUntil(t, h, acked, func() {
		// Let the writers get going first.
		c := h.Client(t)
		for deadline := time.Now().Add(30 * time.Second); c.LLen(Ctx(t), "list:0").Val() < 200 && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
		killedMid = killDuring(t, h, func(c *redis.Client) error { return c.BgRewriteAOF(Ctx(t)).Err() }, "aof_rewrite_in_progress")
	})
	if !killedMid {
		t.Log("every BGREWRITEAOF finished before INFO showed it running; checked a kill after them instead")
	}
	h.Restart(t)
	checkAcked(t, h, acked)
	if n := h.Client(t).DBSize(Ctx(t)).Val(); n != 100000+int64(len(acked)) {
		t.Fatalf("DBSIZE %d after the restart", n)
	}
}
