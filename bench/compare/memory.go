package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"
)

// memStats are one server's memory figures. A negative value means the
// measurement failed (see Err).
type memStats struct {
	IdleKB       int64   // VmRSS right after start and one PING
	PerConnBytes float64 // VmRSS delta per idle connection
	PerKeyBytes  float64 // VmRSS delta per key after loading the keys
	Keys         int     // keys loaded (DBSIZE checked)
	// SnapshotBytes is the size of the file SAVE wrote with the Keys keys
	// (dump.rdb, dump.aikv), SaveTime how long SAVE took; Restarts are
	// the restarts on that file (each checked to hold Keys keys).
	SnapshotBytes int64
	SaveTime      time.Duration
	Restarts      []restartResult
	Err           error
}

// readySecs is the median start-to-ready time over m.Restarts in
// seconds, NaN if there were none.
func (m memStats) readySecs() float64 {
	v := make([]float64, len(m.Restarts))
	for i, r := range m.Restarts {
		v[i] = r.Ready.Seconds()
	}
	return median(v)
}

// settle is how long to wait before reading VmRSS, so the server has
// finished reacting (accepting connections, freeing buffers).
const settle = time.Second

// Key and value shapes for the per-key figure: 14-byte keys and 16-byte
// values, the same bytes on both servers.
func memKey(i int) string { return fmt.Sprintf("key:%010d", i) }
func memVal(i int) string { return fmt.Sprintf("val:%012d", i) }

func measureIdle(s *server) (int64, error) {
	if err := s.must("PING", "+PONG"); err != nil {
		return -1, err
	}
	time.Sleep(settle)
	return rssKB(s.pid())
}

// measureConns opens n connections, sends one PING on each (so the server
// has accepted and served every one), waits, and returns the VmRSS delta
// per connection in bytes. The connections are closed before returning.
func measureConns(s *server, n int) (float64, error) {
	time.Sleep(settle)
	before, err := rssKB(s.pid())
	if err != nil {
		return -1, err
	}
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; i < n; i++ {
		c, err := net.DialTimeout("tcp", s.addr(), 5*time.Second)
		if err != nil {
			return -1, fmt.Errorf("%s: connection %d: %w", s.Name, i, err)
		}
		conns = append(conns, c)
	}
	buf := make([]byte, 7)
	for i, c := range conns {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := c.Write([]byte("PING\r\n")); err != nil {
			return -1, fmt.Errorf("%s: connection %d: %w", s.Name, i, err)
		}
		if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "+PONG\r\n" {
			return -1, fmt.Errorf("%s: connection %d: PING: %q %v", s.Name, i, buf, err)
		}
	}
	time.Sleep(settle)
	after, err := rssKB(s.pid())
	if err != nil {
		return -1, err
	}
	return float64(after-before) * 1024 / float64(n), nil
}

// measureKeys flushes the server, loads n keys with pipelined SETs over
// one connection, checks DBSIZE, and returns the VmRSS delta per key in
// bytes.
func measureKeys(s *server, n int) (float64, error) {
	if err := s.must("FLUSHALL", "+OK"); err != nil {
		return -1, err
	}
	time.Sleep(settle)
	before, err := rssKB(s.pid())
	if err != nil {
		return -1, err
	}
	if err := loadKeys(s.addr(), n); err != nil {
		return -1, fmt.Errorf("%s: loading keys: %w", s.Name, err)
	}
	if err := s.must("DBSIZE", ":"+strconv.Itoa(n)); err != nil {
		return -1, err
	}
	time.Sleep(settle)
	after, err := rssKB(s.pid())
	if err != nil {
		return -1, err
	}
	return float64(after-before) * 1024 / float64(n), nil
}

// loadKeys sends SET memKey(i) memVal(i) for i in [0,n) in pipelined
// batches and checks every reply is +OK.
func loadKeys(addr string, n int) error {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	r := bufio.NewReaderSize(c, 64<<10)
	const batch = 1000
	var req []byte
	want := bytes.Repeat([]byte("+OK\r\n"), batch)
	got := make([]byte, len(want))
	for i := 0; i < n; i += batch {
		m := min(batch, n-i)
		req = req[:0]
		for j := i; j < i+m; j++ {
			k, v := memKey(j), memVal(j)
			req = fmt.Appendf(req, "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", len(k), k, len(v), v)
		}
		c.SetDeadline(time.Now().Add(30 * time.Second))
		if _, err := c.Write(req); err != nil {
			return err
		}
		if _, err := io.ReadFull(r, got[:5*m]); err != nil {
			return err
		}
		if !bytes.Equal(got[:5*m], want[:5*m]) {
			return fmt.Errorf("unexpected reply near key %d: %q", i, got[:min(5*m, 80)])
		}
	}
	return nil
}
