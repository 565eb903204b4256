package server

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/aikv/aikv/server/commands"
)

func startFullServer(t *testing.T) (*Server, string) {
	t.Helper()
	srv := New(defaultTestConfig(), commands.NewTable(), nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	return srv, ln.Addr().String()
}

// TestExecIsOneRecord: the queued commands log nothing while queued;
// EXEC logs their effects (as rewritten by the handlers, in their
// databases) as one record, which replays to the same dataset.
func TestExecIsOneRecord(t *testing.T) {
	srv, addr := startFullServer(t)
	log := &memLog{}
	srv.mu.Lock()
	srv.persist.log = log
	srv.mu.Unlock()

	a := dial(t, addr)
	a.send("multi")
	a.expect(1, "+OK")
	for _, cmd := range []string{"set a 1", "incr a", "get a", "select 2", "rpush l x y", "blpop l 0", "expire l 100", "incr l"} {
		a.send(cmd)
		a.expect(1, "+QUEUED")
	}
	if got := log.dump(); len(got) != 0 {
		t.Fatalf("queued commands were logged: %q", got)
	}
	a.send("exec")
	got, err := a.readN(14, 5*time.Second)
	want := "*8|+OK|:2|$1|2|+OK|:2|*2|$1|l|$1|x|:1|-WRONGTYPE Operation against a key holding the wrong kind of value"
	if err != nil || got != want {
		t.Fatalf("EXEC = %q (%v), want %q", got, err, want)
	}
	recs := log.dump()
	if len(recs) != 1 {
		t.Fatalf("records = %q, want one", recs)
	}
	// BLPOP is logged as LPOP and EXPIRE with an absolute time, as
	// outside a transaction.
	cmds := strings.Split(strings.ToLower(recs[0]), "; ")
	if len(cmds) != 5 || cmds[0] != "set a 1" || cmds[1] != "incr a" || cmds[2] != "rpush l x y" ||
		!strings.HasPrefix(cmds[3], "lpop l") || !strings.HasPrefix(cmds[4], "pexpireat l ") {
		t.Fatalf("record = %q", recs[0])
	}
	log.mu.Lock()
	rec := log.records[0]
	log.mu.Unlock()
	if rec.Cmds[0].DB != 0 || rec.Cmds[2].DB != 2 {
		t.Fatalf("databases %d, %d; want 0, 2", rec.Cmds[0].DB, rec.Cmds[2].DB)
	}

	// Replay into a fresh server gives the same data.
	fresh := New(defaultTestConfig(), commands.NewTable(), nil)
	if err := fresh.replayLog(log, 1); err != nil {
		t.Fatal(err)
	}
	if e := fresh.ks.DB(0).Peek("a"); e == nil {
		t.Fatal("a missing after replay")
	} else if v, _ := e.Str(); v != "2" {
		t.Fatalf("a = %q after replay", v)
	}
	if e := fresh.ks.DB(2).Peek("l"); e == nil || e.ExpireAt == 0 {
		t.Fatal("l missing or without TTL after replay")
	}
}

// TestAbortedExecLogsNothing: EXECABORT and a WATCH failure run nothing.
func TestAbortedExecLogsNothing(t *testing.T) {
	srv, addr := startFullServer(t)
	log := &memLog{}
	srv.mu.Lock()
	srv.persist.log = log
	srv.mu.Unlock()
	a := dial(t, addr)
	a.send("multi\r\nset a 1\r\nset b\r\nexec")
	a.expect(4, "+OK|+QUEUED|-ERR wrong number of arguments for 'set' command|-EXECABORT Transaction discarded because of previous errors.")
	a.send("watch w\r\nset w 1\r\nmulti\r\nset a 1\r\nexec")
	a.expect(5, "+OK|+OK|+OK|+QUEUED|*-1")
	if got := log.dump(); len(got) != 1 || strings.ToLower(got[0]) != "set w 1" {
		t.Fatalf("records = %q", got)
	}
}

// TestWatchRegistryIsCleanedUp: EXEC, DISCARD, UNWATCH, invalidation and
// disconnection all remove a client's watches.
func TestWatchRegistryIsCleanedUp(t *testing.T) {
	srv, addr := startFullServer(t)
	watchers := func() int {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		return len(srv.watchers)
	}
	a, b := dial(t, addr), dial(t, addr)
	steps := []struct {
		send  string
		n     int
		reply string
	}{
		{"watch k1 k2 k1", 1, "+OK"},
		{"multi\r\nexec", 2, "+OK|*0"},
		{"watch k1 k2", 1, "+OK"},
		{"multi\r\ndiscard", 2, "+OK|+OK"},
		{"watch k1 k2", 1, "+OK"},
		{"unwatch", 1, "+OK"},
		{"watch k1 k2", 1, "+OK"},
		{"set k2 x", 1, "+OK"}, // dirty: watches dropped at once
	}
	for _, st := range steps {
		a.send(st.send)
		a.expect(st.n, st.reply)
		if strings.HasPrefix(st.send, "watch") {
			if n := watchers(); n != 2 {
				t.Fatalf("after %q: %d watched keys, want 2", st.send, n)
			}
			continue
		}
		if n := watchers(); n != 0 {
			t.Fatalf("after %q: %d watched keys left", st.send, n)
		}
	}
	a.send("unwatch\r\nwatch k3")
	a.expect(2, "+OK|+OK")
	b.send("watch k3")
	b.expect(1, "+OK")
	a.nc.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		srv.mu.Lock()
		n := len(srv.watchers[blockKey{0, "k3"}])
		srv.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("k3 has %d watchers after a disconnect, want 1", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestExecMisconf: with the log failing, a queued write aborts the
// transaction, and an EXEC whose queue writes is refused with EXECABORT
// naming the reason, as in Redis; a read-only EXEC still runs.
func TestExecMisconf(t *testing.T) {
	srv, addr := startFullServer(t)
	a := dial(t, addr)
	a.send("multi\r\nset k v")
	a.expect(2, "+OK|+QUEUED")
	srv.mu.Lock()
	srv.persist.writeErr = errDiskFull
	srv.mu.Unlock()
	a.send("exec")
	a.expect(1, "-EXECABORT Transaction discarded because of: MISCONF Errors writing to the AOF file: no space left on device")
	a.send("multi\r\nset k v\r\nexec")
	a.expect(3, "+OK|-MISCONF Errors writing to the AOF file: no space left on device|-EXECABORT Transaction discarded because of previous errors.")
	a.send("multi\r\nget k\r\nexec")
	a.expect(4, "+OK|+QUEUED|*1|$-1")
}
