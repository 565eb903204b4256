package server

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/aikv/aikv/server/commands"
)

// TestSortAndMoveEffects checks what SORT and a served BLMOVE log: SORT
// STORE is logged as sent (it is deterministic: a set sorted BY a
// constant is sorted ALPHA when stored), SORT without STORE and a
// STORE of an empty result onto a missing key log nothing, and a parked
// BLMOVE served while its destination has the wrong type replies
// WRONGTYPE and logs nothing.
func TestSortAndMoveEffects(t *testing.T) {
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
	log := &memLog{}
	srv.mu.Lock()
	srv.persist.log = log
	srv.mu.Unlock()

	a := dial(t, ln.Addr().String())
	a.send("rpush l 3 1 2")
	a.expect(1, ":3")
	a.send("sort l")
	a.expect(7, "*3|$1|1|$1|2|$1|3")
	a.send("sort l store dst")
	a.expect(1, ":3")
	a.send("sort nokey store none")
	a.expect(1, ":0")
	a.send("sort nokey store dst")
	a.expect(1, ":0")
	a.send("set str x")
	a.expect(1, "+OK")

	b := dial(t, ln.Addr().String())
	b.send("blmove src str left right 0")
	deadline := time.Now().Add(5 * time.Second)
	for {
		srv.mu.Lock()
		n := srv.blocking.count
		srv.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("BLMOVE did not block")
		}
		time.Sleep(5 * time.Millisecond)
	}
	a.send("rpush src x")
	a.expect(1, ":1")
	b.expect(1, "-WRONGTYPE Operation against a key holding the wrong kind of value")
	a.send("get str")
	a.expect(2, "$1|x")

	want := []string{"rpush l 3 1 2", "sort l store dst", "sort nokey store dst", "SET str x", "rpush src x"}
	if got := log.dump(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
