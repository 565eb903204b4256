package tests

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The server serves ordinary clients from an epoll event loop and hands a
// client over to a goroutine of its own when it must wait (blocking
// commands, CLIENT PAUSE, a full socket, pub/sub...). These tests drive
// each hand-off in the middle of a pipeline and check what the client
// sees, with the loop on (the default) and off (AIKV_EVENT_LOOP=0).

func forEachIOModel(t *testing.T, opts Options, f func(t *testing.T, h *Handle)) {
	for _, mode := range []struct{ name, env string }{{"loop", ""}, {"goroutines", "AIKV_EVENT_LOOP=0"}} {
		t.Run(mode.name, func(t *testing.T) {
			o := opts
			if mode.env != "" {
				o.Env = append(append([]string(nil), o.Env...), mode.env)
			}
			f(t, StartServer(t, o))
		})
	}
}

// A blocking command in the middle of a pipeline: the replies before it
// arrive at once, the rest after it is served, in order.
func TestEventLoopBlockingMidPipeline(t *testing.T) {
	forEachIOModel(t, Options{}, func(t *testing.T, h *Handle) {
		c := h.Raw(t)
		c.SendRaw(EncodeCommand("SET", "k", "v") + EncodeCommand("BLPOP", "q", "30") + EncodeCommand("GET", "k"))
		if r := c.Read(); r.Str != "OK" {
			t.Fatalf("SET before BLPOP: %s", r)
		}
		other := h.Raw(t)
		// Wait until the BLPOP is parked, then serve it.
		deadline := time.Now().Add(20 * time.Second)
		for !strings.Contains(other.Do("CLIENT", "LIST").Str, "cmd=blpop") {
			if time.Now().After(deadline) {
				t.Fatal("BLPOP never blocked")
			}
			time.Sleep(10 * time.Millisecond)
		}
		if r := other.Do("LPUSH", "q", "x"); r.Str != "1" {
			t.Fatalf("LPUSH: %s", r)
		}
		if r := c.Read(); len(r.Elems) != 2 || r.Elems[0].Str != "q" || r.Elems[1].Str != "x" {
			t.Fatalf("BLPOP: %s", r)
		}
		if r := c.Read(); r.Str != "v" {
			t.Fatalf("GET after BLPOP: %s", r)
		}
		if r := c.Do("PING"); r.Str != "PONG" {
			t.Fatalf("PING after hand-off: %s", r)
		}
	})
}

// CLIENT PAUSE WRITE holds a write in the middle of a pipeline: the read
// before it is answered, the write and what follows after UNPAUSE.
func TestEventLoopPauseMidPipeline(t *testing.T) {
	forEachIOModel(t, Options{}, func(t *testing.T, h *Handle) {
		admin := h.Raw(t)
		if r := admin.Do("SET", "k", "1"); r.Str != "OK" {
			t.Fatal(r)
		}
		if r := admin.Do("CLIENT", "PAUSE", "100000", "WRITE"); r.Str != "OK" {
			t.Fatal(r)
		}
		c := h.Raw(t)
		c.SendRaw(EncodeCommand("GET", "k") + EncodeCommand("SET", "k", "2") + EncodeCommand("GET", "k"))
		if r := c.Read(); r.Str != "1" {
			t.Fatalf("GET before the paused SET: %s", r)
		}
		// The SET must still be held: nothing more arrives for a while.
		c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		if _, err := c.R.Peek(1); err == nil {
			t.Fatal("a reply arrived while the write was paused")
		}
		// Other clients are still served meanwhile.
		if r := h.Raw(t).Do("GET", "k"); r.Str != "1" {
			t.Fatalf("GET from another client during the pause: %s", r)
		}
		if r := admin.Do("CLIENT", "UNPAUSE"); r.Str != "OK" {
			t.Fatal(r)
		}
		if r := c.Read(); r.Str != "OK" {
			t.Fatalf("paused SET: %s", r)
		}
		if r := c.Read(); r.Str != "2" {
			t.Fatalf("GET after the paused SET: %s", r)
		}
	})
}

// Replies larger than the socket takes at once reach a client that reads
// late, complete and in order.
func TestEventLoopLargeRepliesToSlowReader(t *testing.T) {
	forEachIOModel(t, Options{}, func(t *testing.T, h *Handle) {
		c := h.Raw(t)
		big := strings.Repeat("abcdefgh", 1<<20) // 8 MB
		if r := c.Do("SET", "big", big); r.Str != "OK" {
			t.Fatal(r)
		}
		c.SendRaw(EncodeCommand("GET", "big") + EncodeCommand("STRLEN", "big") + EncodeCommand("GET", "big") + EncodeCommand("PING"))
		time.Sleep(200 * time.Millisecond) // let the server fill the socket
		for i, want := range []string{big, strconv.Itoa(len(big)), big, "PONG"} {
			if r := c.Read(); r.Str != want {
				t.Fatalf("reply %d: got %d bytes, want %d", i, len(r.Str), len(want))
			}
		}
	})
}

// CLIENT KILL, the idle timeout and shutdown close loop clients.
func TestEventLoopClosesClients(t *testing.T) {
	forEachIOModel(t, Options{Args: []string{"--timeout", "1"}}, func(t *testing.T, h *Handle) {
		victim := h.Raw(t)
		id := victim.Do("CLIENT", "ID").Str
		admin := h.Raw(t)
		if r := admin.Do("CLIENT", "KILL", "ID", id); r.Str != "1" {
			t.Fatalf("CLIENT KILL: %s", r)
		}
		waitServerClosed(t, victim.Conn, "killed client")

		idle := h.Raw(t)
		if r := idle.Do("PING"); r.Str != "PONG" {
			t.Fatal(r)
		}
		waitServerClosed(t, idle.Conn, "idle client")

		last := h.Raw(t)
		if r := last.Do("CONFIG", "SET", "timeout", "0"); r.Str != "OK" {
			t.Fatal(r)
		}
		h.Stop()
		waitServerClosed(t, last.Conn, "client at shutdown")
		if !strings.Contains(h.Logs(), "bye bye") {
			t.Fatalf("no clean shutdown:\n%s", h.Logs())
		}
	})
}

// waitServerClosed waits (generously) for the server to close nc.
func waitServerClosed(t *testing.T, nc net.Conn, what string) {
	t.Helper()
	nc.SetReadDeadline(time.Now().Add(30 * time.Second))
	var b [64]byte
	for {
		_, err := nc.Read(b[:])
		if err == nil {
			continue
		}
		if errors.Is(err, io.EOF) || strings.Contains(err.Error(), "reset") {
			return
		}
		t.Fatalf("%s: %v, want the connection closed", what, err)
	}
}

// Many clients pipelining at once, some of them subscribing midway: every
// reply arrives, in order, and publishes reach the subscribers.
func TestEventLoopManyClients(t *testing.T) {
	forEachIOModel(t, Options{}, func(t *testing.T, h *Handle) {
		const clients, rounds = 20, 50
		errc := make(chan error, clients)
		for i := 0; i < clients; i++ {
			go func(i int) {
				nc, err := net.Dial("tcp", h.Addr)
				if err != nil {
					errc <- err
					return
				}
				defer nc.Close()
				c := &RawConn{Conn: nc, R: bufio.NewReader(nc), t: t}
				key := "k" + strconv.Itoa(i)
				for r := 0; r < rounds; r++ {
					var req strings.Builder
					for j := 0; j < 5; j++ {
						req.WriteString(EncodeCommand("INCR", key))
					}
					req.WriteString(EncodeCommand("GET", key))
					nc.SetDeadline(time.Now().Add(30 * time.Second))
					if _, err := io.WriteString(nc, req.String()); err != nil {
						errc <- err
						return
					}
					for j := 1; j <= 5; j++ {
						rep, err := ReadReply(c.R)
						if err != nil {
							errc <- err
							return
						}
						if want := strconv.Itoa(r*5 + j); rep.Str != want {
							errc <- errors.New(key + ": INCR " + rep.Str + ", want " + want)
							return
						}
					}
					if rep, err := ReadReply(c.R); err != nil || rep.Str != strconv.Itoa(r*5+5) {
						errc <- errors.New(key + ": GET out of order")
						return
					}
				}
				errc <- nil
			}(i)
		}
		for i := 0; i < clients; i++ {
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
		}
	})
}

// Clients with client-side caching get invalidation messages, written by
// other clients' commands, while their own requests are being read: a
// connection the loop hands to a goroutine because such output is waiting
// may have requests read and not yet run, and they must run, in order,
// exactly once. Many short-lived tracking connections each read shared
// keys and pipeline INCRs of their own counter while writers keep changing
// the keys; every reply arrives and each counter counts 1, 2, 3… with no
// gap.
func TestEventLoopTrackingClientsKeepEveryRequest(t *testing.T) {
	forEachIOModel(t, Options{}, func(t *testing.T, h *Handle) {
		const readers, writers, conns, incrs = 16, 2, 25, 6
		stop := make(chan struct{})
		errs := make(chan error, readers+writers)
		var wg sync.WaitGroup
		for w := 0; w < writers; w++ {
			c := h.Raw(t)
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						errs <- nil
						return
					default:
					}
					c.SetDeadline(time.Now().Add(30 * time.Second))
					if _, err := io.WriteString(c.Conn, EncodeCommand("SET", "k"+strconv.Itoa(i%4), strconv.Itoa(i))); err != nil {
						errs <- err
						return
					}
					if _, err := ReadReply(c.R); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		// readReplies reads n replies that are not invalidation pushes.
		readReplies := func(c *RawConn, n int) ([]Reply, error) {
			var got []Reply
			for len(got) < n {
				rep, err := ReadReply(c.R)
				if err != nil {
					return got, err
				}
				if rep.Kind != '>' {
					got = append(got, rep)
				}
			}
			return got, nil
		}
		var readersWG sync.WaitGroup
		for r := 0; r < readers; r++ {
			readersWG.Add(1)
			go func() {
				defer readersWG.Done()
				errs <- func() error {
					for n := 0; n < conns; n++ {
						counter := "counter:" + strconv.Itoa(r) + ":" + strconv.Itoa(n)
						c := h.Raw(t)
						c.SetDeadline(time.Now().Add(60 * time.Second))
						io.WriteString(c.Conn, EncodeCommand("HELLO", "3")+EncodeCommand("CLIENT", "TRACKING", "on")+
							EncodeCommand("GET", "k0")+EncodeCommand("GET", "k1")+EncodeCommand("GET", "k2")+EncodeCommand("GET", "k3"))
						if _, err := readReplies(c, 6); err != nil {
							return err
						}
						for i := 1; i <= incrs; i++ {
							if _, err := io.WriteString(c.Conn, EncodeCommand("INCR", counter)+EncodeCommand("GET", "k"+strconv.Itoa(i%4))); err != nil {
								return err
							}
							got, err := readReplies(c, 2)
							if err != nil {
								return fmt.Errorf("%s INCR %d: %v", counter, i, err)
							}
							if got[0].Kind != ':' || got[0].Str != strconv.Itoa(i) {
								return fmt.Errorf("%s INCR %d replied %s", counter, i, got[0])
							}
						}
						c.Close()
					}
					return nil
				}()
			}()
		}
		readersWG.Wait()
		close(stop)
		wg.Wait()
		for i := 0; i < readers+writers; i++ {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
	})
}
