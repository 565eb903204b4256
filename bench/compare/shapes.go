package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// A shape is one data layout of the memory goals: how many keys
// it creates and the commands that load them (the same bytes on both
// servers). -shapes measures the VmRSS delta per key of each shape on a
// fresh server of each kind.
type shape struct {
	Name string
	Keys int // keys the shape creates (DBSIZE is checked)
	// Per is what "per key" means in the report ("key", "list", "member").
	Per string
	// Units is the count the RSS delta is divided by.
	Units int
	// Cmds is the number of commands; Cmd appends command i as RESP.
	Cmds int
	Cmd  func(b []byte, i int) []byte
}

// appendCmd appends args as a RESP array.
func appendCmd(b []byte, args ...string) []byte {
	b = fmt.Appendf(b, "*%d\r\n", len(args))
	for _, a := range args {
		b = fmt.Appendf(b, "$%d\r\n%s\r\n", len(a), a)
	}
	return b
}

// shapes are the four layouts, scaled by n (1M by default): n
// 16-byte strings, n 5-field hashes (6-byte fields, 10-byte values), n/100
// lists of 100 elements of 10 bytes, one sorted set of n members.
func shapes(n int) []shape {
	nl := max(n/100, 1)
	return []shape{
		{Name: "strings", Keys: n, Per: "key", Units: n, Cmds: n, Cmd: func(b []byte, i int) []byte {
			return appendCmd(b, "SET", memKey(i), memVal(i))
		}},
		{Name: "hashes (5 fields)", Keys: n, Per: "key", Units: n, Cmds: n, Cmd: func(b []byte, i int) []byte {
			v := func(j int) string { return fmt.Sprintf("v:%08d", (i*5+j)%100000000) }
			return appendCmd(b, "HSET", fmt.Sprintf("hash:%010d", i),
				"field1", v(1), "field2", v(2), "field3", v(3), "field4", v(4), "field5", v(5))
		}},
		{Name: "lists (100 elements)", Keys: nl, Per: "list", Units: nl, Cmds: nl * 10, Cmd: func(b []byte, i int) []byte {
			// Ten RPUSHes of ten elements per list, so growth is
			// incremental as in real use.
			l := i / 10
			args := []string{"RPUSH", fmt.Sprintf("list:%06d", l)}
			for j := 0; j < 10; j++ {
				args = append(args, fmt.Sprintf("e:%08d", (i*10+j)%100000000))
			}
			return appendCmd(b, args...)
		}},
		{Name: "sorted set (1 key)", Keys: 1, Per: "member", Units: n, Cmds: n / 100, Cmd: func(b []byte, i int) []byte {
			args := []string{"ZADD", "zset"}
			for j := i * 100; j < (i+1)*100; j++ {
				args = append(args, strconv.Itoa(j), fmt.Sprintf("member:%010d", j))
			}
			return appendCmd(b, args...)
		}},
	}
}

// shapeResult is one shape's figures on both servers.
type shapeResult struct {
	Shape       shape
	Redis, AiKv float64 // bytes of RSS per unit; negative on failure
	Errs        []error
}

// measureShapes runs every shape on a fresh Redis and a fresh AiKv and
// prints a Markdown table.
func measureShapes(o *options, only string) error {
	var res []shapeResult
	for _, sh := range shapes(o.keys) {
		if only != "" && !strings.Contains(sh.Name, only) {
			continue
		}
		r := shapeResult{Shape: sh, Redis: -1, AiKv: -1}
		for _, sv := range []struct {
			name, bin string
			out       *float64
		}{{"Redis", o.redis, &r.Redis}, {"AiKv", o.aikv, &r.AiKv}} {
			v, err := measureShape(sv.name, sv.bin, sh)
			if err != nil {
				r.Errs = append(r.Errs, err)
			}
			*sv.out = v
			progress("[shapes] %s %s: %.1f B per %s", sv.name, sh.Name, v, sh.Per)
		}
		res = append(res, r)
	}
	w := os.Stdout
	fmt.Fprintf(w, "| shape | Redis B | AiKv B | AiKv/Redis |\n|---|---:|---:|---:|\n")
	for _, r := range res {
		fmt.Fprintf(w, "| %s (per %s) | %.0f | %.0f | %.2f× |\n", r.Shape.Name, r.Shape.Per, r.Redis, r.AiKv, r.AiKv/r.Redis)
		for _, e := range r.Errs {
			fmt.Fprintf(w, "|   error: %v | | | |\n", e)
		}
	}
	fmt.Fprintf(w, "\nload average before/after: see /proc/loadavg (now %s)\n", loadAvg())
	return nil
}

// measureShape starts a server, loads sh and returns the VmRSS delta per
// unit in bytes.
func measureShape(name, bin string, sh shape) (float64, error) {
	s, err := startServer(name, bin, "off")
	if err != nil {
		return -1, err
	}
	defer s.stop()
	if err := s.must("PING", "+PONG"); err != nil {
		return -1, err
	}
	time.Sleep(settle)
	before, err := rssKB(s.pid())
	if err != nil {
		return -1, err
	}
	if err := loadShape(s.addr(), sh); err != nil {
		return -1, fmt.Errorf("%s: loading %s: %w", name, sh.Name, err)
	}
	if err := s.must("DBSIZE", ":"+strconv.Itoa(sh.Keys)); err != nil {
		return -1, err
	}
	time.Sleep(settle)
	after, err := rssKB(s.pid())
	if err != nil {
		return -1, err
	}
	return float64(after-before) * 1024 / float64(sh.Units), nil
}

// loadShape sends sh's commands in pipelined batches and checks that no
// reply is an error.
func loadShape(addr string, sh shape) error {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	r := bufio.NewReaderSize(c, 64<<10)
	const batch = 500
	var req []byte
	for i := 0; i < sh.Cmds; i += batch {
		m := min(batch, sh.Cmds-i)
		req = req[:0]
		for j := i; j < i+m; j++ {
			req = sh.Cmd(req, j)
		}
		c.SetDeadline(time.Now().Add(60 * time.Second))
		if _, err := c.Write(req); err != nil {
			return err
		}
		for j := 0; j < m; j++ {
			line, err := r.ReadString('\n')
			if err != nil {
				return err
			}
			if line == "" || (line[0] != ':' && line[0] != '+') {
				return fmt.Errorf("unexpected reply to command %d: %q", i+j, line)
			}
		}
	}
	return nil
}
