package server

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"testing"
	"time"

	"github.com/aikv/aikv/server/command"
	"github.com/aikv/aikv/server/commands"
)

// Dispatch benchmarks: a pipelined batch of GET/SET through the real
// command table and dispatcher. BenchmarkDispatch runs the in-memory half
// of the request path (parse the batch, take the lock once, run every
// handler, write the replies) with no socket, so allocs/op counts only the
// server's allocations; BenchmarkLoopbackPipeline adds a real TCP
// connection and the connection loop. ns/cmd divides by the batch size.

// benchBatch builds n requests of the given kind ("set", "get" or
// "setget": SET then GET of the same key) on 14-byte keys with 16-byte
// values, and the replies they must produce once the keys exist.
func benchBatch(kind string, n int) (req, reply []byte) {
	for i := 0; i < n; i++ {
		k := fmt.Sprintf("key:%010d", i)
		v := fmt.Sprintf("val:%012d", i)
		if kind == "set" || kind == "setget" {
			req = fmt.Appendf(req, "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", len(k), k, len(v), v)
			reply = append(reply, "+OK\r\n"...)
		}
		if kind == "get" || kind == "setget" {
			req = fmt.Appendf(req, "*2\r\n$3\r\nGET\r\n$%d\r\n%s\r\n", len(k), k)
			reply = fmt.Appendf(reply, "$%d\r\n%s\r\n", len(v), v)
		}
	}
	return req, reply
}

// benchConn is a connection set up as serveConn does, without a socket.
func benchConn(s *Server) *conn {
	c := &conn{s: s}
	now := time.Now()
	c.client = command.Client{ID: s.nextClientID.Add(1), Addr: "bench", Proto: 2, Created: now, LastActive: now, Authed: true, User: s.acl.Default}
	c.ctx = command.Context{W: &c.w, Client: &c.client, KS: s.ks, Server: s}
	c.rd.Authenticated = true
	return c
}

// runBatch feeds req to c as one read and executes it as the connection
// loop does, leaving the replies in c.w.B.
func runBatch(tb testing.TB, c *conn, src *bytes.Reader, req []byte) {
	src.Reset(req)
	if err := c.rd.Fill(src); err != nil {
		tb.Fatal(err)
	}
	for {
		batch, err := c.parseBatch()
		if err != nil {
			tb.Fatal(err)
		}
		if len(batch) == 0 {
			return
		}
		c.s.execBatch(c, batch)
	}
}

func BenchmarkDispatch(b *testing.B) {
	for _, kind := range []string{"get", "set", "setget"} {
		for _, n := range []int{1, 16} {
			b.Run(fmt.Sprintf("%s/P%d", kind, n), func(b *testing.B) {
				s := New(defaultTestConfig(), commands.NewTable(), nil)
				c := benchConn(s)
				src := bytes.NewReader(nil)
				// Create the keys, then check the batch's replies once.
				set, _ := benchBatch("set", n)
				runBatch(b, c, src, set)
				c.w.Reset()
				req, want := benchBatch(kind, n)
				runBatch(b, c, src, req)
				if !bytes.Equal(c.w.B, want) {
					b.Fatalf("replies %q, want %q", c.w.B, want)
				}
				c.w.Reset()
				b.ReportAllocs()
				b.SetBytes(int64(len(req)))
				b.ResetTimer()
				for b.Loop() {
					runBatch(b, c, src, req)
					c.w.Reset()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(cmdCount(kind, n)), "ns/cmd")
			})
		}
	}
}

// BenchmarkLoopbackPipeline sends a pipelined batch over one loopback TCP
// connection to a served Server and reads every reply. allocs/op includes
// the (allocation-free) client side.
func BenchmarkLoopbackPipeline(b *testing.B) {
	for _, n := range []int{1, 16} {
		b.Run(fmt.Sprintf("setget/P%d", n), func(b *testing.B) {
			s := New(defaultTestConfig(), commands.NewTable(), slog.New(slog.NewTextHandler(io.Discard, nil)))
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			go s.Serve(ln)
			defer func() {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				s.Shutdown(ctx)
			}()
			nc, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				b.Fatal(err)
			}
			defer nc.Close()
			r := bufio.NewReaderSize(nc, 64<<10)
			req, want := benchBatch("setget", n)
			got := make([]byte, len(want))
			roundTrip := func() {
				if _, err := nc.Write(req); err != nil {
					b.Fatal(err)
				}
				if _, err := io.ReadFull(r, got); err != nil {
					b.Fatal(err)
				}
			}
			roundTrip()
			if !bytes.Equal(got, want) {
				b.Fatalf("replies %q, want %q", got, want)
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(req)))
			b.ResetTimer()
			for b.Loop() {
				roundTrip()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(2*n), "ns/cmd")
		})
	}
}

func cmdCount(kind string, n int) int {
	if kind == "setget" {
		return 2 * n
	}
	return n
}

// TestBenchBatch keeps the benchmarks honest: the batch they time gets the
// replies Redis would send.
func TestBenchBatch(t *testing.T) {
	s := New(defaultTestConfig(), commands.NewTable(), nil)
	c := benchConn(s)
	src := bytes.NewReader(nil)
	req, want := benchBatch("setget", 3)
	runBatch(t, c, src, req)
	if !bytes.Equal(c.w.B, want) {
		t.Fatalf("replies %q, want %q", c.w.B, want)
	}
	if string(want[:5]) != "+OK\r\n" || !bytes.Contains(want, []byte("$16\r\nval:000000000002\r\n")) {
		t.Fatalf("unexpected expected replies %q", want)
	}
}

// redisBenchCmd renders one request of redis-benchmark's test kind with
// __rand_int__ replaced by r (12 digits, as redis-benchmark does).
func redisBenchCmd(b []byte, kind string, r func() int) []byte {
	ri := func() string { return fmt.Sprintf("%012d", r()) }
	var args []string
	switch kind {
	case "set":
		args = []string{"SET", "key:" + ri(), "xxx"}
	case "get":
		args = []string{"GET", "key:" + ri()}
	case "incr":
		args = []string{"INCR", "counter:" + ri()}
	case "sadd":
		args = []string{"SADD", "myset", "element:" + ri()}
	case "hset":
		args = []string{"HSET", "myhash", "element:" + ri(), "xxx"}
	case "spop":
		args = []string{"SPOP", "myset"}
	case "zadd":
		args = []string{"ZADD", "myzset", fmt.Sprint(r()), "element:" + ri()}
	case "zpopmin":
		args = []string{"ZPOPMIN", "myzset"}
	case "mset":
		args = []string{"MSET"}
		for i := 0; i < 10; i++ {
			args = append(args, "key:"+ri(), "xxx")
		}
	default:
		panic(kind)
	}
	b = fmt.Appendf(b, "*%d\r\n", len(args))
	for _, a := range args {
		b = fmt.Appendf(b, "$%d\r\n%s\r\n", len(a), a)
	}
	return b
}

// BenchmarkRedisBench runs redis-benchmark's tests the way `-P 16 -r
// 100000` sends them (batches of 16 requests on random keys/members out of
// 100000) through the parser, dispatcher and handlers, with no socket.
// The dataset is populated first so lookups miss the CPU caches as they
// do in a real run. 256 different batches are cycled. ns/cmd is per
// request; allocs/op is per batch of 16. The spop and zpopmin batches
// alternate each pop with an add of a random member (sadd, zadd), so the
// collection keeps its size however long the benchmark runs.
func BenchmarkRedisBench(b *testing.B) {
	const space, perBatch, batches = 100000, 16, 256
	for _, kind := range []string{"set", "get", "incr", "sadd", "hset", "spop", "zadd", "zpopmin", "mset"} {
		b.Run(kind, func(b *testing.B) {
			s := New(defaultTestConfig(), commands.NewTable(), nil)
			c := benchConn(s)
			src := bytes.NewReader(nil)
			rnd := rand.New(rand.NewPCG(1, 2))
			r := func() int { return rnd.IntN(space) }
			// Populate what the test touches: every key, member or field
			// of the space once.
			fill := map[string]string{"get": "set", "mset": "set", "spop": "sadd", "zpopmin": "zadd"}[kind]
			if fill == "" {
				fill = kind
			}
			seq := 0
			next := func() int { seq++; return (seq - 1) % space }

			for i := 0; i < space/perBatch+1; i++ {
				var req []byte
				for j := 0; j < perBatch; j++ {
					req = redisBenchCmd(req, fill, next)
				}
				runBatch(b, c, src, req)
				c.w.Reset()
			}
			reqs := make([][]byte, batches)
			for i := range reqs {
				for j := 0; j < perBatch; j++ {
					k := kind
					if j%2 == 1 && (kind == "spop" || kind == "zpopmin") {
						// Pops alternate with adds of random members
						// so the collection keeps its size.
						k = map[string]string{"spop": "sadd", "zpopmin": "zadd"}[kind]
					}
					reqs[i] = redisBenchCmd(reqs[i], k, r)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			i := 0
			for b.Loop() {
				runBatch(b, c, src, reqs[i%batches])
				c.w.Reset()
				i++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/perBatch, "ns/cmd")
		})
	}
}
