package server

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aikv/aikv/server/commands"
)

func startRealServer(t *testing.T) (*Server, string) {
	t.Helper()
	srv := New(defaultTestConfig(), commands.NewTable(), nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() {
		srv.mu.Lock()
		srv.ConfigSet([][2]string{{"maxmemory", "0"}}, true) // drop the process-wide Go memory limit
		srv.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	return srv, ln.Addr().String()
}

// limitBelowUsage sets maxmemory to `below` bytes under the current
// usage, with policy.
func limitBelowUsage(t *testing.T, srv *Server, policy string, below int64) {
	t.Helper()
	srv.mu.Lock()
	defer srv.mu.Unlock()
	max := srv.usedMemory() - below
	if err := srv.ConfigSet([][2]string{{"maxmemory-policy", policy}, {"maxmemory", strconv.FormatInt(max, 10)}}, true); err != nil {
		t.Fatal(err)
	}
}

// TestEvictionsAreLoggedAsDEL checks that evicted keys reach the log as
// DEL, in the record of the command whose arrival caused the eviction,
// before that command, and that INFO counts them.
func TestEvictionsAreLoggedAsDEL(t *testing.T) {
	srv, addr := startRealServer(t)
	a := dial(t, addr)
	for i := 0; i < 100; i++ {
		a.send(fmt.Sprintf("set key:%d %s", i, strings.Repeat("v", 100)))
		a.expect(1, "+OK")
	}
	log := &memLog{}
	srv.mu.Lock()
	srv.persist.log = log
	srv.mu.Unlock()
	limitBelowUsage(t, srv, "allkeys-random", 1000)
	a.send("set new x")
	a.expect(1, "+OK")
	got := log.dump()
	if len(got) != 1 {
		t.Fatalf("records = %q, want one", got)
	}
	cmds := strings.Split(got[0], "; ")
	if len(cmds) < 2 || !strings.EqualFold(cmds[len(cmds)-1], "set new x") {
		t.Fatalf("record = %q, want evictions then the SET", got[0])
	}
	for _, c := range cmds[:len(cmds)-1] {
		if !strings.HasPrefix(c, "DEL key:") {
			t.Fatalf("record = %q: %q is not an eviction", got[0], c)
		}
	}
	srv.mu.Lock()
	info := srv.Info([]string{"stats"})
	srv.mu.Unlock()
	if want := fmt.Sprintf("evicted_keys:%d\r\n", len(cmds)-1); !strings.Contains(info, want) {
		t.Fatalf("INFO stats lacks %q", want)
	}
}

// TestOOMRefusesDenyOOMCommandsOnly checks noeviction over the limit:
// commands flagged denyoom get Redis's OOM error, reads and deletes run.
func TestOOMRefusesDenyOOMCommandsOnly(t *testing.T) {
	srv, addr := startRealServer(t)
	a := dial(t, addr)
	a.send("set k v")
	a.expect(1, "+OK")
	a.send("rpush l a b")
	a.expect(1, ":2")
	limitBelowUsage(t, srv, "noeviction", 1)
	const oom = "-OOM command not allowed when used memory > 'maxmemory'."
	for _, cmd := range []string{"set k2 v", "incr n", "rpush l c", "sadd s m", "hset h f v", "zadd z 1 m", "append k x"} {
		a.send(cmd)
		a.expect(1, oom)
	}
	a.send("get k")
	a.expect(2, "$1|v")
	a.send("lpop l")
	a.expect(2, "$1|a")
	a.send("del k")
	a.expect(1, ":1")
	// volatile-* with no volatile key: nothing evictable, same result.
	limitBelowUsage(t, srv, "volatile-lru", 1)
	a.send("set k3 v")
	a.expect(1, oom)
	// allkeys-lru frees what it needs; evicting everything is not
	// enough when the limit is below the empty server's usage.
	limitBelowUsage(t, srv, "allkeys-lru", 1)
	a.send("set k4 v")
	a.expect(1, "+OK")
	srv.mu.Lock()
	n := srv.ks.DB(0).Len()
	srv.mu.Unlock()
	if n != 1 {
		t.Fatalf("%d keys after the eviction, want only k4", n)
	}
	srv.mu.Lock()
	srv.ConfigSet([][2]string{{"maxmemory", strconv.FormatInt(srv.startupMemory/2, 10)}}, true)
	srv.mu.Unlock()
	a.send("set k5 v")
	a.expect(1, oom)
	a.send("dbsize")
	a.expect(1, ":0")
}
