package tests

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
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
	time.Sleep(time.Duration(100+rand.IntN(300)) * time.Millisecond)
	h.Kill()
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
