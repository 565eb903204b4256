package server

import (
	"testing"
	"time"

	"github.com/aikv/aikv/server/command"
	"github.com/aikv/aikv/server/config"
)

func testServer(t *testing.T) *Server {
	t.Helper()
	tab := command.NewTable()
	nop := func(c *command.Context) { c.W.OK() }
	tab.Add(
		&command.Spec{Name: "set", Arity: 3, Flags: command.Write, Handler: nop},
		&command.Spec{Name: "get", Arity: 2, Flags: command.ReadOnly, Handler: nop},
	)
	return New(config.Default(), tab, nil)
}

func args(s ...string) [][]byte {
	out := make([][]byte, len(s))
	for i, a := range s {
		out[i] = []byte(a)
	}
	return out
}

func TestPauseWhoWaits(t *testing.T) {
	s := testServer(t)
	c := &conn{s: s}
	future := time.Now().Add(time.Hour)
	s.Pause(command.PauseWrite, future)
	if !s.mustWaitLocked(c, args("SET", "k", "v")) || s.mustWaitLocked(c, args("get", "k")) ||
		s.mustWaitLocked(c, args("nosuch")) {
		t.Fatal("PAUSE WRITE must hold back writes only")
	}
	s.Pause(command.PauseAll, time.Now()) // a shorter, stronger pause widens but keeps the end
	if !s.mustWaitLocked(c, args("get", "k")) || !s.pause.until.Equal(future) {
		t.Fatal("pauses must combine to the stronger mode and later end")
	}
	c.client.Monitor = true
	if s.mustWaitLocked(c, args("set", "k", "v")) {
		t.Fatal("monitors are never paused")
	}
	c.client.Monitor = false
	s.Unpause()
	if s.mustWaitLocked(c, args("set", "k", "v")) {
		t.Fatal("still paused after Unpause")
	}
	s.Pause(command.PauseAll, time.Now().Add(-time.Second))
	if s.mustWaitLocked(c, args("set", "k", "v")) {
		t.Fatal("an expired pause holds commands")
	}
}

// TestPauseWaitsWithoutLock runs a paused batch and checks that it waits
// without holding the server lock, and runs once unpaused.
func TestPauseWaitsWithoutLock(t *testing.T) {
	s := testServer(t)
	c := &conn{s: s, wake: make(chan struct{}, 1)}
	c.client.Authed = true
	c.ctx = command.Context{W: &c.w, Client: &c.client, KS: s.ks, Server: s}
	s.Pause(command.PauseWrite, time.Now().Add(time.Hour))
	done := make(chan struct{})
	go func() {
		s.execBatch(c, [][][]byte{args("set", "k", "v")})
		close(done)
	}()
	time.Sleep(50 * time.Millisecond)
	s.mu.Lock() // would deadlock if the waiter held the lock
	select {
	case <-done:
		t.Fatal("write ran during the pause")
	default:
	}
	s.Unpause()
	s.mu.Unlock()
	<-done
	if string(c.w.B) != "+OK\r\n" {
		t.Fatalf("reply %q", c.w.B)
	}
}

func TestLatencyMonitor(t *testing.T) {
	s := testServer(t)
	spec := s.table.Lookup([]byte("get"))
	start := time.Unix(1000, 0)
	s.recordLatencyLocked(spec, start, 50*time.Millisecond)
	if len(s.LatencyLatest()) != 0 {
		t.Fatal("recorded with the monitor off")
	}
	s.latencyThreshold = 10
	s.recordLatencyLocked(spec, start, 5*time.Millisecond) // under the threshold
	s.recordLatencyLocked(spec, start, 50*time.Millisecond)
	s.recordLatencyLocked(spec, start, 30*time.Millisecond) // same second: keeps the max
	s.recordLatencyLocked(spec, start.Add(time.Second), 20*time.Millisecond)
	got := s.LatencyLatest()
	if len(got) != 1 || got[0] != (command.LatencyEvent{Name: "command", Time: 1001, Latest: 20, Max: 50}) {
		t.Fatalf("LATEST %+v", got)
	}
	if h := s.LatencyHistory("command"); len(h) != 2 || h[0].Latency != 50 || h[1].Latency != 20 {
		t.Fatalf("HISTORY %+v", h)
	}
	if n := s.LatencyReset([]string{"nosuch", "command"}); n != 1 || len(s.LatencyLatest()) != 0 {
		t.Fatalf("RESET %d", n)
	}
}

func TestAppendRepr(t *testing.T) {
	got := string(appendRepr(nil, []byte("a\"b\\\n\r\t\x00é")))
	if want := `"a\"b\\\n\r\t\x00\xc3\xa9"`; got != want {
		t.Fatalf("got %s want %s", got, want)
	}
}
