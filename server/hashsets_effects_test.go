package server

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/aikv/aikv/server/commands"
)

// TestRandomAndFloatCommandsLogTheirEffect checks that SPOP and
// HINCRBYFLOAT are logged as the deterministic commands Redis propagates
// (SREM / DEL, HSET with the final value), not as sent.
func TestRandomAndFloatCommandsLogTheirEffect(t *testing.T) {
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
	a.send("sadd s x")
	a.expect(1, ":1")
	a.send("spop s")
	a.expect(2, "$1|x")
	a.send("sadd s y z")
	a.expect(1, ":2")
	a.send("spop s 5")
	if got, err := a.readN(5, 5*time.Second); err != nil || (got != "*2|$1|y|$1|z" && got != "*2|$1|z|$1|y") {
		t.Fatalf("SPOP s 5 = %q, %v", got, err)
	}
	a.send("sadd s a b c")
	a.expect(1, ":3")
	a.send("spop s 2")
	got, err := a.readN(5, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	popped := strings.Split(got, "|") // "*2", "$1", m1, "$1", m2
	a.send("hincrbyfloat h f 0.1")
	a.expect(2, "$3|0.1")
	a.send("hincrbyfloat h f 0.2")
	a.expect(2, "$3|0.3")
	a.send("spop nokey")
	a.expect(1, "$-1")
	a.send("ping")
	a.expect(1, "+PONG")

	want := []string{
		"sadd s x", "SREM s x", "sadd s y z", "DEL s", "sadd s a b c",
		"SREM s " + popped[2] + " " + popped[4],
		"HSET h f 0.1", "HSET h f 0.3",
	}
	if got := log.dump(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
