package tests

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Hostile and malformed input: the server answers like Redis (or closes
// the connection like Redis), keeps serving everybody else, keeps its
// memory bounded and leaves the dataset alone.

// vmRSS is the server process's resident memory in bytes.
func vmRSS(t *testing.T, h *Handle) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", h.cmd.Process.Pid))
	if err != nil {
		t.Skipf("cannot read the server's memory: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024
		}
	}
	t.Skip("no VmRSS in /proc status")
	return 0
}

// seedCanary writes a small dataset and returns a function checking that
// it is unchanged and that the server still answers a fresh client.
func seedCanary(t *testing.T, h *Handle) func() {
	t.Helper()
	c := h.Raw(t)
	c.Do("FLUSHALL")
	for i := 0; i < 50; i++ {
		c.Do("SET", "canary:"+strconv.Itoa(i), strings.Repeat("v", i))
	}
	c.Do("RPUSH", "canary:list", "a", "b", "c")
	return func() {
		t.Helper()
		c := h.Raw(t)
		if r := c.Do("DBSIZE"); r.Str != "51" {
			t.Errorf("DBSIZE after hostile input = %s, want 51", r)
		}
		if r := c.Do("GET", "canary:49"); r.Str != strings.Repeat("v", 49) {
			t.Errorf("canary value changed: %s", r)
		}
		if r := c.Do("LRANGE", "canary:list", "0", "-1"); r.String() != `*3[$"a", $"b", $"c"]` {
			t.Errorf("canary list changed: %s", r)
		}
	}
}

// rawExchange sends in on a fresh connection and returns everything the
// server sent until it closed the connection or went quiet for quiet.
func rawExchange(t *testing.T, addr, in string, quiet time.Duration) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte(in))
	var out bytes.Buffer
	buf := make([]byte, 4096)
	for {
		c.SetReadDeadline(time.Now().Add(quiet))
		n, err := c.Read(buf)
		out.Write(buf[:n])
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				out.WriteString("<open>")
			} else {
				out.WriteString("<closed>")
			}
			return out.String()
		}
	}
}

// TestMalformedRequestsLikeRedis sends malformed requests to AiKv and to
// Redis and compares what comes back, including whether the connection
// was closed or left waiting for the rest of the request.
func TestMalformedRequestsLikeRedis(t *testing.T) {
	redis := StartRedis(t)
	aikv := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	check := seedCanary(t, aikv)
	cases := []string{
		"*-5\r\nPING\r\n",                      // negative multibulk count: ignored
		"*0\r\nPING\r\n",                       // empty multibulk
		"*99999999999\r\n",                     // absurd multibulk count
		"*1048577\r\n",                         // just over Redis's limit
		"*1048576\r\n",                         // at the limit: waits for the elements
		"*1\r\n$99999999999\r\n",               // absurd bulk length
		"*1\r\n$536870913\r\n",                 // over proto-max-bulk-len
		"*1\r\n$-3\r\n",                        // negative bulk length
		"*1\r\n$3\r\nab",                       // unterminated bulk
		"*2\r\n$3\r\nGET\r\n",                  // missing element
		"*1\r\nfoo\r\n",                        // not a bulk
		"*1\r\n$4\r\nPING",                     // no CRLF after the bulk
		"*1\r\n$4\r\nPINGxx",                   // garbage instead of CRLF
		"\x00\xff\xfe\x80garbage\r\n",          // binary garbage inline
		"SET a \"unterminated\r\n",             // unbalanced quotes
		"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n", // final bulk missing
		strings.Repeat("x", 70000),             // long inline line without newline
		"*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\n*1\r\n+x\r\n",
		"PING\r\n*abc\r\n",
	}
	for _, in := range cases {
		quiet := 300 * time.Millisecond
		ga := rawExchange(t, aikv.Addr, in, quiet)
		gr := rawExchange(t, redis.Addr, in, quiet)
		if ga != gr {
			t.Errorf("%q:\n  aikv:  %q\n  redis: %q", trunc(in), trunc(ga), trunc(gr))
		}
	}
	check()
}

func trunc(s string) string {
	if len(s) > 120 {
		return s[:120] + "..."
	}
	return s
}

// TestHalfClosedConnection: a client that sends requests and shuts its
// write side still gets every reply, as from Redis.
func TestHalfClosedConnection(t *testing.T) {
	redis := StartRedis(t)
	aikv := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	got := map[string]string{}
	for name, h := range map[string]*Handle{"aikv": aikv, "redis": redis} {
		c, err := net.Dial("tcp", h.Addr)
		if err != nil {
			t.Fatal(err)
		}
		c.Write([]byte("SET hc 1\r\nINCR hc\r\nGET hc\r\n"))
		c.(*net.TCPConn).CloseWrite()
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		b, err := io.ReadAll(c)
		c.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got[name] = string(b)
	}
	if got["aikv"] != got["redis"] || got["aikv"] != "+OK\r\n:2\r\n$1\r\n2\r\n" {
		t.Fatalf("half-closed client: aikv %q, redis %q", got["aikv"], got["redis"])
	}
}

// TestSlowLorisDoesNotHoldOthers: a client sending its request one byte
// every 100 ms does not hold up other clients: they complete many
// commands while the slow request is still incomplete.
func TestSlowLorisDoesNotHoldOthers(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	check := seedCanary(t, h)
	slow, err := net.Dial("tcp", h.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	req := EncodeCommand("SET", "slow", "loris")
	var sent sync.WaitGroup
	sent.Add(1)
	var slowDone time.Time
	go func() {
		defer sent.Done()
		for i := 0; i < len(req); i++ {
			slow.Write([]byte{req[i]})
			time.Sleep(100 * time.Millisecond)
		}
		slowDone = time.Now()
	}()
	time.Sleep(300 * time.Millisecond) // the slow request is under way
	fast := h.Raw(t)
	for i := 0; i < 200; i++ {
		if r := fast.Do("INCR", "fast"); r.Str != strconv.Itoa(i+1) {
			t.Fatalf("INCR: %v", r)
		}
	}
	fastDone := time.Now()
	sent.Wait()
	if !fastDone.Before(slowDone) {
		t.Fatal("the other client finished only after the slow request was complete")
	}
	slow.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, _ := bufio.NewReader(slow).ReadString('\n')
	if line != "+OK\r\n" {
		t.Fatalf("slow client's reply %q", line)
	}
	fast.Do("DEL", "slow", "fast")
	check()
}

// raiseNoFile raises the open-files limit to at least n (the server
// inherits it), or skips.
func raiseNoFile(t *testing.T, n uint64) {
	t.Helper()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Skipf("getrlimit: %v", err)
	}
	if lim.Cur >= n {
		return
	}
	want := lim
	want.Cur = n
	if want.Max < n {
		want.Max = n
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want); err != nil {
		t.Skipf("need %d open files, limit is %d and cannot be raised: %v", n, lim.Cur, err)
	}
}

// TestTenThousandConnections: 10k clients connected at once are all
// served.
func TestTenThousandConnections(t *testing.T) {
	const n = 10000
	raiseNoFile(t, n+1000) // each side (test, server) holds n sockets
	h := StartServer(t, Options{Args: []string{"--appendonly", "no", "--maxclients", strconv.Itoa(n + 100)}})
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; i < n; i++ {
		c, err := net.DialTimeout("tcp", h.Addr, 10*time.Second)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		conns = append(conns, c)
	}
	for i, c := range conns {
		c.Write([]byte(EncodeCommand("INCR", "conns") + EncodeCommand("ECHO", strconv.Itoa(i))))
	}
	for i, c := range conns {
		c.SetReadDeadline(time.Now().Add(60 * time.Second))
		rd := bufio.NewReader(c)
		if _, err := ReadReply(rd); err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		r, err := ReadReply(rd)
		if err != nil || r.Str != strconv.Itoa(i) {
			t.Fatalf("connection %d: ECHO %v %v", i, r, err)
		}
	}
	if r := h.Raw(t).Do("GET", "conns"); r.Str != strconv.Itoa(n) {
		t.Fatalf("conns = %v, want %d", r, n)
	}
}

// TestMillionCommandPipeline: one client pipelines a million commands
// while another is served meanwhile; every reply arrives in order.
func TestMillionCommandPipeline(t *testing.T) {
	n := 1000000
	if testing.Short() {
		n = 100000
	}
	h := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	check := seedCanary(t, h)
	c, err := net.Dial("tcp", h.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	go func() {
		w := bufio.NewWriterSize(c, 1<<16)
		cmd := EncodeCommand("INCR", "pipe")
		for i := 0; i < n; i++ {
			w.WriteString(cmd)
		}
		w.Flush()
	}()
	rd := bufio.NewReaderSize(c, 1<<16)
	other := h.Raw(t)
	for i := 1; i <= n; i++ {
		c.SetReadDeadline(time.Now().Add(60 * time.Second))
		r, err := ReadReply(rd)
		if err != nil || r.Kind != ':' || r.Str != strconv.Itoa(i) {
			t.Fatalf("reply %d: %v %v", i, r, err)
		}
		if i%(n/10) == 0 {
			if r := other.Do("PING"); r.Str != "PONG" {
				t.Fatalf("other client: %v", r)
			}
		}
	}
	other.Do("DEL", "pipe")
	check()
}

// neverReader pipelines GETs of a large value and never reads a reply.
func neverReader(t *testing.T, addr string, key string, requests int) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		cmd := []byte(EncodeCommand("GET", key))
		for i := 0; i < requests; i++ {
			c.SetWriteDeadline(time.Now().Add(20 * time.Second))
			if _, err := c.Write(cmd); err != nil {
				return
			}
		}
	}()
	return c
}

// TestClientThatNeverReads: with the default limits (none for normal
// clients, as in Redis) a client that never reads its replies costs the
// server at most one batch of replies, not everything it asked for; the
// others are served and the dataset is unchanged.
func TestClientThatNeverReads(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	check := seedCanary(t, h)
	c := h.Raw(t)
	big := strings.Repeat("x", 64<<10)
	c.Do("SET", "canary:big", big)
	before := vmRSS(t, h)
	// 3 x 50000 x 64 KB = 9.8 GB of replies asked for, none read.
	const clients, requests = 3, 50000
	var bad []net.Conn
	for i := 0; i < clients; i++ {
		bad = append(bad, neverReader(t, h.Addr, "canary:big", requests))
	}
	defer func() {
		for _, b := range bad {
			b.Close()
		}
	}()
	time.Sleep(2 * time.Second)
	for i := 0; i < 50; i++ {
		if r := c.Do("PING"); r.Str != "PONG" {
			t.Fatalf("PING while others do not read: %v", r)
		}
	}
	grown := vmRSS(t, h) - before
	// One batch (1024 replies of 64 KB) per client is 64 MB, twice that
	// in buffer capacity, twice again for the garbage collector's slack;
	// the race detector's shadow memory multiplies it again.
	limit := int64(1 << 30)
	if raceEnabled {
		limit = 4 << 30
	}
	if asked := int64(clients * requests * len(big)); grown > limit || grown > asked/2 {
		t.Fatalf("server memory grew by %d MB for %d clients that never read (%d MB of replies asked)",
			grown>>20, clients, asked>>20)
	}
	t.Logf("server memory grew by %d MB", grown>>20)
	c.Do("DEL", "canary:big")
	check()
}

// TestOutputBufferLimitDisconnects: with client-output-buffer-limit
// normal set, a client whose pending replies pass the hard limit is
// disconnected; so is one above the soft limit for soft-seconds; the
// others are served.
func TestOutputBufferLimitDisconnects(t *testing.T) {
	// Each reply alone passes the limit: the server stops reading from a
	// client whose replies are not taken, so the pending replies of one
	// batch are what a limit can see.
	for _, tc := range []struct {
		limit string
		size  int
	}{{"normal 1mb 0 0", 1536 << 10}, {"normal 0 512kb 1", 600 << 10}} {
		limit, size := tc.limit, tc.size
		t.Run(limit, func(t *testing.T) {
			h := StartServer(t, Options{Args: []string{"--appendonly", "no", "--client-output-buffer-limit", limit}})
			c := h.Raw(t)
			if r := c.Do("CONFIG", "GET", "client-output-buffer-limit"); !strings.Contains(r.String(), "normal ") {
				t.Fatalf("CONFIG GET: %v", r)
			}
			c.Do("SET", "big", strings.Repeat("x", size))
			bad := neverReader(t, h.Addr, "big", 5000)
			defer bad.Close()
			// A small receive buffer: the server's writes block after a
			// few replies instead of after tens of megabytes.
			bad.(*net.TCPConn).SetReadBuffer(16 << 10)
			// The server closes the connection: reading (after the
			// kernel buffers) ends with EOF or a reset well before all
			// 5000 replies arrive.
			bad.SetReadDeadline(time.Now().Add(30 * time.Second))
			// Not reading for longer than the soft limit's seconds: once the
			// socket buffers are full a write stays blocked that long.
			time.Sleep(5 * time.Second)
			nread, err := io.Copy(io.Discard, bad)
			if err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("connection still open after %d bytes; server log:\n%s", nread, h.Logs())
			}
			if nread >= 5000*int64(size) {
				t.Fatalf("all %d bytes delivered: the limit did nothing", nread)
			}
			if r := c.Do("PING"); r.Str != "PONG" {
				t.Fatalf("PING: %v", r)
			}
			if r := c.Do("STRLEN", "big"); r.Str != strconv.Itoa(size) {
				t.Fatalf("STRLEN: %v", r)
			}
			if !strings.Contains(h.Logs(), "output buffer limits") {
				t.Errorf("no log line about the limit:\n%s", h.Logs())
			}
		})
	}
}
