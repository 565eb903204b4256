package server

import (
	"bufio"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/aikv/aikv/server/command"
	"github.com/aikv/aikv/server/config"
)

// testTable is a tiny command table so server mechanics can be tested
// without the real handlers.
func testTable() *command.Table {
	t := command.NewTable()
	t.Add(
		&command.Spec{Name: "ping", Arity: -1, Handler: func(c *command.Context) { c.W.SimpleString("PONG") }},
		&command.Spec{Name: "set", Arity: 3, Flags: command.Write, FirstKey: 1, LastKey: 1, Step: 1,
			Handler: func(c *command.Context) {
				c.DB.SetString(c.Args[1], c.Args[2], 0, false)
				c.W.OK()
			}},
		// bpop key [key...] timeout: pops (deletes and returns) the first
		// existing key's string, or blocks.
		&command.Spec{Name: "bpop", Arity: -3, Flags: command.Write | command.Blocking, FirstKey: 1, LastKey: -2, Step: 1,
			Handler: func(c *command.Context) {
				keys := c.Args[1 : len(c.Args)-1]
				for _, k := range keys {
					if e := c.DB.LookupWrite(k); e != nil {
						v, _ := e.Str()
						c.DB.Delete(k)
						c.W.Array(2)
						c.W.Bulk(k)
						c.W.BulkString(v)
						return
					}
				}
				d, err := time.ParseDuration(string(c.Args[len(c.Args)-1]))
				if err != nil {
					c.W.Error("ERR bad timeout")
					return
				}
				c.Block(keys, d, true)
			}},
	)
	return t
}

func startTestServer(t *testing.T) (*Server, string) {
	t.Helper()
	srv := New(defaultTestConfig(), testTable(), nil)
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

func defaultTestConfig() *config.Config {
	cfg := config.Default()
	cfg.AppendOnly = false
	return cfg
}

type testConn struct {
	t  *testing.T
	nc net.Conn
	r  *bufio.Reader
}

func dial(t *testing.T, addr string) *testConn {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return &testConn{t: t, nc: nc, r: bufio.NewReader(nc)}
}

func (c *testConn) send(line string) {
	c.t.Helper()
	if _, err := c.nc.Write([]byte(line + "\r\n")); err != nil {
		c.t.Fatal(err)
	}
}

// readN reads n raw lines (joined with '|').
func (c *testConn) readN(n int, timeout time.Duration) (string, error) {
	c.nc.SetReadDeadline(time.Now().Add(timeout))
	var parts []string
	for i := 0; i < n; i++ {
		line, err := c.r.ReadString('\n')
		if err != nil {
			return strings.Join(parts, "|"), err
		}
		parts = append(parts, strings.TrimRight(line, "\r\n"))
	}
	return strings.Join(parts, "|"), nil
}

func (c *testConn) expect(n int, want string) {
	c.t.Helper()
	got, err := c.readN(n, 5*time.Second)
	if err != nil || got != want {
		c.t.Fatalf("got %q (err %v), want %q", got, err, want)
	}
}

func TestBlockedClientIsServedByWrite(t *testing.T) {
	_, addr := startTestServer(t)
	a, b := dial(t, addr), dial(t, addr)
	a.send("bpop k 0s")
	if got, err := a.readN(1, 100*time.Millisecond); err == nil {
		t.Fatalf("blocked client got a reply early: %q", got)
	}
	b.send("set k v")
	b.expect(1, "+OK")
	a.expect(5, "*2|$1|k|$1|v")
}

func TestBlockedClientTimesOut(t *testing.T) {
	_, addr := startTestServer(t)
	a := dial(t, addr)
	a.send("bpop k 50ms")
	a.expect(1, "*-1")
	a.send("ping")
	a.expect(1, "+PONG")
}

func TestBlockedClientsAreServedInArrivalOrder(t *testing.T) {
	srv, addr := startTestServer(t)
	a, b, w := dial(t, addr), dial(t, addr), dial(t, addr)
	a.send("bpop k 0s")
	waitBlocked(t, srv, 1)
	b.send("bpop k 0s")
	waitBlocked(t, srv, 2)
	w.send("set k first")
	w.expect(1, "+OK")
	a.expect(5, "*2|$1|k|$5|first")
	w.send("set k second")
	w.expect(1, "+OK")
	b.expect(5, "*2|$1|k|$6|second")
}

func TestPipelineAfterBlockingCommandRunsAfterWakeup(t *testing.T) {
	srv, addr := startTestServer(t)
	a, w := dial(t, addr), dial(t, addr)
	a.send("ping\r\nbpop k 0s\r\nping")
	a.expect(1, "+PONG")
	waitBlocked(t, srv, 1)
	w.send("set k v")
	w.expect(1, "+OK")
	a.expect(6, "*2|$1|k|$1|v|+PONG")
}

func TestDisconnectedBlockedClientDoesNotConsume(t *testing.T) {
	srv, addr := startTestServer(t)
	a, b, w := dial(t, addr), dial(t, addr), dial(t, addr)
	a.send("bpop k 0s")
	waitBlocked(t, srv, 1)
	b.send("bpop k 0s")
	waitBlocked(t, srv, 2)
	a.nc.Close()
	waitBlocked(t, srv, 1)
	w.send("set k v")
	w.expect(1, "+OK")
	b.expect(5, "*2|$1|k|$1|v")
}

func TestUnblockClient(t *testing.T) {
	srv, addr := startTestServer(t)
	a := dial(t, addr)
	a.send("bpop k 0s")
	waitBlocked(t, srv, 1)
	srv.mu.Lock()
	var id int64
	for cid := range srv.clients {
		id = cid
	}
	ok := srv.UnblockClient(id, true)
	srv.mu.Unlock()
	if !ok {
		t.Fatal("UnblockClient reported the client was not blocked")
	}
	a.expect(1, "-UNBLOCKED client unblocked via CLIENT UNBLOCK")
}

func waitBlocked(t *testing.T, srv *Server, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		srv.mu.Lock()
		got := srv.blocking.count
		srv.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("blocked clients = %d, want %d", got, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
