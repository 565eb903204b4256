package tests

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestOOMMatchesRedis runs one command of every family that grows memory
// (denyoom), and reads and deletes, on AiKv and on Redis with maxmemory
// far below what either uses under noeviction, and compares the replies.
func TestOOMMatchesRedis(t *testing.T) {
	redis := StartRedis(t)
	aikv := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	setup := [][]string{
		{"SET", "s", "10"}, {"RPUSH", "l", "a", "b"}, {"SADD", "set", "x"}, {"HSET", "h", "f", "v"},
		{"ZADD", "z", "1", "m"}, {"SET", "gone", "x"},
		{"CONFIG", "SET", "maxmemory-policy", "noeviction"}, {"CONFIG", "SET", "maxmemory", "1"},
	}
	cmds := [][]string{
		{"SET", "k", "v"}, {"SETNX", "k", "v"}, {"MSET", "a", "1"}, {"APPEND", "s", "x"}, {"INCR", "s"},
		{"INCRBYFLOAT", "s", "1.5"}, {"SETRANGE", "s", "1", "x"}, {"SETBIT", "bits", "1", "1"}, {"GETSET", "s", "1"},
		{"LPUSH", "l", "c"}, {"RPUSHX", "l", "c"}, {"LINSERT", "l", "BEFORE", "a", "z"}, {"LSET", "l", "0", "q"},
		{"LMOVE", "l", "l2", "LEFT", "RIGHT"}, {"SADD", "set", "y"}, {"SUNIONSTORE", "d", "set"},
		{"HSET", "h", "g", "v"}, {"HINCRBY", "h", "n", "1"}, {"ZADD", "z", "2", "n"}, {"ZINCRBY", "z", "1", "m"},
		{"ZUNIONSTORE", "d", "1", "z"}, {"COPY", "s", "s2"}, {"SORT", "l", "ALPHA", "STORE", "d"},
		{"EXPIRE", "s", "100"}, {"PERSIST", "s"}, {"RENAME", "s", "s3"},
		{"GET", "s3"}, {"LRANGE", "l", "0", "-1"}, {"SMEMBERS", "set"}, {"HGETALL", "h"}, {"ZRANGE", "z", "0", "-1"},
		{"LPOP", "l"}, {"SREM", "set", "x"}, {"HDEL", "h", "f"}, {"ZREM", "z", "m"}, {"DEL", "gone"},
		{"EXISTS", "s3"}, {"DBSIZE"},
		{"EVAL", "return redis.call('set','x','y')", "0"}, {"EVAL", "return redis.pcall('set','x','y')", "0"},
		{"EVAL", "return redis.call('get','s3')", "0"}, {"EVAL", "redis.call('del','s3'); return redis.call('set','x','y')", "0"},
		{"EVAL", "#!lua\nreturn redis.call('get','x')", "0"}, {"EVAL", "#!lua\nreturn 1", "0"},
		{"EVAL", "#!lua flags=no-writes\nreturn 1", "0"}, {"EVAL", "#!lua flags=allow-oom\nreturn redis.call('set','y','1')", "0"},
	}
	run := func(h *Handle) []string {
		c := h.Raw(t)
		for _, s := range setup {
			if r := c.Do(s...); r.Kind == '-' {
				t.Fatalf("%s: %v: %s", h.Addr, s, r)
			}
		}
		var out []string
		for _, cmd := range cmds {
			out = append(out, strings.Join(cmd, " ")+" -> "+c.Do(cmd...).String())
		}
		c.Do("CONFIG", "SET", "maxmemory", "0")
		return out
	}
	want, got := run(redis), run(aikv)
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("AiKv: %q\n    Redis: %q", got[i], want[i])
		}
	}
}

// rssOf returns a process's resident set size from /proc.
func rssOf(t *testing.T, pid int) int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// TestRSSStaysWithinMaxmemoryUnderFlood floods a durable cache (AOF on,
// allkeys-lru) with several times maxmemory worth of writes and checks
// that RSS stays within the bound the README documents: the Go memory
// limit (maxmemory + maxmemory/4 + 32 MB + twice the log's segment size,
// maxmemory/8) plus 16 MB for the binary and what the runtime does not
// count.
func TestRSSStaysWithinMaxmemoryUnderFlood(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("the race detector multiplies memory use; long test")
	}
	const maxmemory = 64 << 20
	h := StartServer(t, Options{Args: []string{"--maxmemory", strconv.Itoa(maxmemory), "--maxmemory-policy", "allkeys-lru"}})
	pid := h.cmd.Process.Pid
	bound := int64(maxmemory + maxmemory/4 + 32<<20 + 2*maxmemory/8 + 16<<20)

	var peak int64
	var mu sync.Mutex
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			r := rssOf(t, pid)
			mu.Lock()
			peak = max(peak, r)
			mu.Unlock()
		}
	}()
	val := strings.Repeat("v", 200)
	var wg sync.WaitGroup
	const writers, perWriter, pipeline = 4, 250000, 100
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			c := h.Raw(t)
			var b strings.Builder
			for i := 0; i < perWriter; i += pipeline {
				b.Reset()
				for j := i; j < i+pipeline; j++ {
					b.WriteString(EncodeCommand("SET", fmt.Sprintf("key:%d:%d", w, j), val))
				}
				c.SendRaw(b.String())
				for j := 0; j < pipeline; j++ {
					if r := c.Read(); r.Kind != '+' {
						t.Errorf("SET: %s", r)
						return
					}
				}
			}
		}(w)
	}
	wg.Wait()
	close(stop)
	<-sampled
	c := h.Raw(t)
	info := c.Do("INFO", "all").Str
	field := func(name string) int64 {
		for _, line := range strings.Split(info, "\r\n") {
			if v, ok := strings.CutPrefix(line, name+":"); ok {
				n, _ := strconv.ParseInt(v, 10, 64)
				return n
			}
		}
		t.Fatalf("INFO has no %s", name)
		return 0
	}
	t.Logf("wrote %d MB of values; peak RSS %.1f MB (bound %.1f MB); used_memory %.1f MB; evicted %d; keys %s",
		writers*perWriter*len(val)>>20, float64(peak)/(1<<20), float64(bound)/(1<<20),
		float64(field("used_memory"))/(1<<20), field("evicted_keys"), c.Do("DBSIZE").Str)
	if field("evicted_keys") == 0 {
		t.Fatal("nothing was evicted: the flood did not reach maxmemory")
	}
	if used := field("used_memory"); used > maxmemory {
		t.Errorf("used_memory %d above maxmemory %d after the flood", used, maxmemory)
	}
	if peak > bound {
		t.Errorf("peak RSS %d above the documented bound %d", peak, bound)
	}
}
