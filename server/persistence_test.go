package server

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aikv/aikv/aof"
)

// memLog is an in-memory commandLog.
type memLog struct {
	mu      sync.Mutex
	records []aof.Record
	waited  uint64
	failErr error
}

func (m *memLog) Append(rec aof.Record) uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	// Like the real log, Append copies: the arguments alias buffers
	// that are reused after the batch.
	cp := aof.Record{Time: rec.Time}
	for _, c := range rec.Cmds {
		var args [][]byte
		for _, a := range c.Args {
			args = append(args, append([]byte(nil), a...))
		}
		cp.Cmds = append(cp.Cmds, aof.Cmd{DB: c.DB, Args: args})
	}
	m.records = append(m.records, cp)
	return uint64(len(m.records))
}

func (m *memLog) Wait(seq uint64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failErr != nil {
		return m.failErr
	}
	if seq > m.waited {
		m.waited = seq
	}
	return nil
}

func (m *memLog) Replay(from uint64, fn func(uint64, aof.Record) error) error {
	m.mu.Lock()
	recs := append([]aof.Record(nil), m.records...)
	m.mu.Unlock()
	for i, r := range recs {
		if uint64(i+1) < from {
			continue
		}
		if err := fn(uint64(i+1), r); err != nil {
			return err
		}
	}
	return nil
}

func (m *memLog) Close() error { return nil }

func (m *memLog) Sync() error { return m.Wait(uint64(len(m.records))) }

func (m *memLog) dump() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, r := range m.records {
		var cmds []string
		for _, c := range r.Cmds {
			var args []string
			for _, a := range c.Args {
				args = append(args, string(a))
			}
			cmds = append(cmds, strings.Join(args, " "))
		}
		out = append(out, strings.Join(cmds, "; "))
	}
	return out
}

func TestEffectsAreLoggedPerBatch(t *testing.T) {
	srv, addr := startTestServer(t)
	log := &memLog{}
	srv.mu.Lock()
	srv.persist.log = log
	srv.mu.Unlock()

	a := dial(t, addr)
	a.send("set a 1\r\nset b 2\r\nping")
	a.expect(3, "+OK|+OK|+PONG")
	a.send("ping")
	a.expect(1, "+PONG")
	got := log.dump()
	if len(got) != 1 || got[0] != "set a 1; set b 2" {
		t.Fatalf("records = %q, want one record with both SETs", got)
	}
	if log.waited != 1 {
		t.Fatalf("reply sent without waiting for the record (waited %d)", log.waited)
	}
}

func TestServedBlockedClientIsLoggedAndWaits(t *testing.T) {
	srv, addr := startTestServer(t)
	log := &memLog{}
	srv.mu.Lock()
	srv.persist.log = log
	srv.mu.Unlock()
	a, w := dial(t, addr), dial(t, addr)
	a.send("bpop k 0s")
	waitBlocked(t, srv, 1)
	w.send("set k v")
	w.expect(1, "+OK")
	a.expect(5, "*2|$1|k|$1|v")
	got := log.dump()
	if len(got) != 1 || got[0] != "set k v; bpop k 0s" {
		t.Fatalf("records = %q", got)
	}
}

func TestWriteFailureRefusesWritesAndDropsReplies(t *testing.T) {
	srv, addr := startTestServer(t)
	log := &memLog{failErr: errDiskFull}
	srv.mu.Lock()
	srv.persist.log = log
	srv.mu.Unlock()
	a := dial(t, addr)
	a.send("set k v")
	if got, err := a.readN(1, 2*time.Second); err == nil {
		t.Fatalf("write acknowledged although the log failed: %q", got)
	}
	log.mu.Lock()
	log.failErr = nil
	log.mu.Unlock()
	b := dial(t, addr)
	b.send("set k2 v")
	b.expect(1, "-MISCONF Errors writing to the AOF file: no space left on device")
	// Redis refuses PING too in this state (processCommand).
	b.send("ping")
	b.expect(1, "-MISCONF Errors writing to the AOF file: no space left on device")
}

var errDiskFull = diskFullError{}

type diskFullError struct{}

func (diskFullError) Error() string { return "no space left on device" }

func TestReplayRebuildsKeyspace(t *testing.T) {
	log := &memLog{}
	log.Append(aof.Record{Cmds: []aof.Cmd{
		{DB: 0, Args: [][]byte{[]byte("set"), []byte("a"), []byte("1")}},
		{DB: 3, Args: [][]byte{[]byte("set"), []byte("b"), []byte("2")}},
	}})
	srv := New(defaultTestConfig(), testTable(), nil)
	srv.persist.log = log
	srv.persist.needReplay = true
	srv.persist.startup.replayFrom = 1
	if err := srv.loadPersisted(); err != nil {
		t.Fatal(err)
	}
	if e := srv.ks.DB(3).Peek("b"); e == nil {
		t.Fatal("key b not in db 3 after replay")
	}
	if srv.ks.Loading {
		t.Fatal("still loading after replay")
	}
}

// gatedLog is a memLog whose Replay waits for a signal, so a test can
// look at the server while it is loading.
type gatedLog struct {
	memLog
	started, release chan struct{}
}

func (g *gatedLog) Replay(from uint64, fn func(uint64, aof.Record) error) error {
	close(g.started)
	<-g.release
	return g.memLog.Replay(from, fn)
}

func TestClientsGetLOADINGWhileReplaying(t *testing.T) {
	log := &gatedLog{started: make(chan struct{}), release: make(chan struct{})}
	log.Append(aof.Record{Cmds: []aof.Cmd{{DB: 0, Args: [][]byte{[]byte("set"), []byte("k"), []byte("v")}}}})
	srv := New(defaultTestConfig(), testTable(), nil)
	srv.persist.log = log
	srv.persist.needReplay = true
	srv.persist.startup.replayFrom = 1
	srv.ks.Loading = true
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
	<-log.started
	c := dial(t, ln.Addr().String())
	c.send("set a b")
	c.expect(1, "-LOADING Redis is loading the dataset in memory")
	close(log.release)
	deadline := time.Now().Add(5 * time.Second)
	for {
		c.send("set a b")
		got, _ := c.readN(1, 2*time.Second)
		if got == "+OK" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still %q after the replay finished", got)
		}
		time.Sleep(10 * time.Millisecond)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.ks.DB(0).Peek("k") == nil {
		t.Fatal("replayed key missing")
	}
}
