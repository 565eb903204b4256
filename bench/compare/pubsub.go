package main

// Pub/Sub fan-out throughput (-pubsub): issue 7's goal "PUBLISH to one
// channel with 50 subscribers delivers at least as many messages per
// second as real Redis, measured side by side".
//
// Per case (publisher count × payload size) and round, against each
// server in turn (the first server flips every round), the tool:
//
//  1. connects the subscribers (raw TCP, RESP2) and has each SUBSCRIBE to
//     one channel, checking the confirmation byte for byte;
//  2. connects the publishers, each sending PUBLISH ch <payload> in
//     batches of -pubsub-pipeline commands and reading the batch's
//     replies before sending the next (as redis-benchmark -P does), each
//     reply checked to be :<subscribers>;
//  3. after -pubsub-warmup, counts for -pubsub-time: messages delivered
//     (summed over subscribers; every message frame has the same size,
//     so a subscriber counts bytes), PUBLISH replies received, and the
//     server's CPU time (utime+stime from /proc/PID/stat);
//  4. stops the publishers and waits until every subscriber has received
//     subscribers × PUBLISHes sent: a lost, duplicated or malformed
//     message (a byte count that is not a whole number of frames, or a
//     frame that differs from the expected one) fails the run.
//
// A fresh set of connections is used per run, so no state carries over
// between servers or rounds.

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// pubsubOptions are the -pubsub* flags.
type pubsubOptions struct {
	enabled  bool
	subs     int
	pubs     []int
	sizes    []int
	pipeline int
	warmup   time.Duration
	window   time.Duration
	channel  string
}

// addPubSubFlags registers the -pubsub* flags; finish parses the lists.
func addPubSubFlags(fs *flag.FlagSet, p *pubsubOptions) (finish func() error) {
	fs.BoolVar(&p.enabled, "pubsub", false, "only measure PUBLISH fan-out: messages/s delivered to -pubsub-subs subscribers of one channel")
	fs.IntVar(&p.subs, "pubsub-subs", 50, "subscribers of the channel")
	pubs := fs.String("pubsub-pubs", "1,4", "comma-separated publisher connection counts to run")
	sizes := fs.String("pubsub-sizes", "16,256", "comma-separated payload sizes in bytes to run")
	fs.IntVar(&p.pipeline, "pubsub-pipeline", 64, "PUBLISH commands each publisher sends per batch before reading the replies")
	fs.DurationVar(&p.warmup, "pubsub-warmup", time.Second, "time each run publishes before counting")
	fs.DurationVar(&p.window, "pubsub-time", 5*time.Second, "time each run counts for")
	fs.StringVar(&p.channel, "pubsub-channel", "bench:ch", "channel name")
	return func() error {
		var err error
		if p.pubs, err = intList("-pubsub-pubs", *pubs); err != nil {
			return err
		}
		if p.sizes, err = intList("-pubsub-sizes", *sizes); err != nil {
			return err
		}
		if p.subs < 1 || p.pipeline < 1 || p.window <= 0 || p.warmup < 0 {
			return errors.New("-pubsub-subs and -pubsub-pipeline must be positive, -pubsub-time positive, -pubsub-warmup not negative")
		}
		return nil
	}
}

func intList(flagName, s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%s: %q is not a positive integer", flagName, f)
		}
		out = append(out, n)
	}
	return out, nil
}

// pubsubCase is one configuration measured on both servers.
type pubsubCase struct{ pubs, size int }

// pubsubResult is one run's figures.
type pubsubResult struct {
	Delivered float64 // messages/s summed over subscribers
	Published float64 // PUBLISH replies/s summed over publishers
	CPU       float64 // server CPU seconds per second of the window
	// Writes and Reads are the server's write and read system calls per
	// second of the window (/proc/PID/io syscw, syscr; -1 if unknown).
	Writes, Reads float64
}

// runPubSub measures every case on both servers (persistence off) and
// prints a Markdown report.
func runPubSub(o *options) error {
	began := time.Now()
	loadStart := loadAvg()
	redis, err := startServer("Redis", o.redis, "off")
	if err != nil {
		return err
	}
	defer redis.stop()
	aikv, err := startServer("AiKv", o.aikv, "off")
	if err != nil {
		return err
	}
	defer aikv.stop()
	servers := [2]*server{redis, aikv}
	p := &o.ps

	var cases []pubsubCase
	for _, n := range p.pubs {
		for _, sz := range p.sizes {
			cases = append(cases, pubsubCase{n, sz})
		}
	}
	samples := make([][2][]pubsubResult, len(cases))
	errs := make([][2]string, len(cases))
	for r := 0; r < o.rounds; r++ {
		order := []int{0, 1}
		if r%2 == 1 {
			order = []int{1, 0}
		}
		for ci, c := range cases {
			for _, si := range order {
				s := servers[si]
				res, err := pubsubOnce(p, s, c)
				if err != nil {
					progress("[pubsub] round %d/%d pubs=%d size=%d %-5s: %v", r+1, o.rounds, c.pubs, c.size, s.Name, err)
					errs[ci][si] = err.Error()
					continue
				}
				samples[ci][si] = append(samples[ci][si], res)
				progress("[pubsub] round %d/%d pubs=%d size=%-4d %-5s delivered %10.0f msg/s  published %9.0f/s  cpu %.2f  writes %.0f/s reads %.0f/s  load %s",
					r+1, o.rounds, c.pubs, c.size, s.Name, res.Delivered, res.Published, res.CPU, res.Writes, res.Reads, loadAvg())
			}
		}
	}

	var b bytes.Buffer
	fmt.Fprintf(&b, "# Pub/Sub fan-out: AiKv vs Redis\n\n")
	fmt.Fprintf(&b, "- Machine: %s\n- %s\n- AiKv: %s\n", machine(), versionLine(o.redis), versionLine(o.aikv))
	fmt.Fprintf(&b, "- Command: `bench-compare %s`\n", strings.Join(os.Args[1:], " "))
	fmt.Fprintf(&b, "- %d subscribers (RESP2) of one channel; publishers send PUBLISH in batches of %d; "+
		"%v warm-up, then %v counted; %d round(s), medians shown; persistence off\n",
		p.subs, p.pipeline, p.warmup, p.window, o.rounds)
	fmt.Fprintf(&b, "- Load average at start %s, at end %s; took %v\n\n", loadStart, loadAvg(), time.Since(began).Round(time.Second))
	fmt.Fprintf(&b, "| publishers | payload | Redis delivered/s | AiKv delivered/s | AiKv/Redis | Redis PUBLISH/s | AiKv PUBLISH/s | Redis CPU | AiKv CPU |\n")
	fmt.Fprintf(&b, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	var notes []string
	for ci, c := range cases {
		var med [2]pubsubResult
		for si := range servers {
			med[si] = medianPubSub(samples[ci][si])
			if errs[ci][si] != "" {
				notes = append(notes, fmt.Sprintf("- %s, %d publisher(s), %d B: %s", servers[si].Name, c.pubs, c.size, errs[ci][si]))
			}
		}
		ratio := med[1].Delivered / med[0].Delivered
		fmt.Fprintf(&b, "| %d | %d B | %s | %s | %s | %s | %s | %s | %s |\n", c.pubs, c.size,
			fmtRate(med[0].Delivered), fmtRate(med[1].Delivered), fmtRatio(ratio),
			fmtRate(med[0].Published), fmtRate(med[1].Published), fmtCPU(med[0].CPU), fmtCPU(med[1].CPU))
	}
	if len(notes) > 0 {
		fmt.Fprintf(&b, "\nFailed runs:\n\n%s\n", strings.Join(notes, "\n"))
	}
	fmt.Fprintf(&b, "\nCPU is the server's CPU seconds per second of the counted window (2.00 = two cores busy).\n")
	os.Stdout.Write(b.Bytes())
	if o.out != "" {
		if err := os.WriteFile(o.out, b.Bytes(), 0o644); err != nil {
			return err
		}
		progress("report written to %s", o.out)
	}
	return nil
}

// fmtRate and fmtCPU show "n/a" for a missing (NaN or negative) figure.
func fmtRate(v float64) string {
	if !(v >= 0) {
		return "n/a"
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

func fmtCPU(v float64) string {
	if !(v >= 0) {
		return "n/a"
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// medianPubSub takes the median of each figure separately (NaN if none).
func medianPubSub(rs []pubsubResult) pubsubResult {
	pick := func(f func(pubsubResult) float64) float64 {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = f(r)
		}
		return median(v)
	}
	return pubsubResult{
		Delivered: pick(func(r pubsubResult) float64 { return r.Delivered }),
		Published: pick(func(r pubsubResult) float64 { return r.Published }),
		CPU:       pick(func(r pubsubResult) float64 { return r.CPU }),
		Writes:    pick(func(r pubsubResult) float64 { return r.Writes }),
		Reads:     pick(func(r pubsubResult) float64 { return r.Reads }),
	}
}

// respCommand encodes args as a RESP array.
func respCommand(args ...string) []byte {
	b := []byte("*" + strconv.Itoa(len(args)) + "\r\n")
	for _, a := range args {
		b = append(b, "$"+strconv.Itoa(len(a))+"\r\n"+a+"\r\n"...)
	}
	return b
}

// pubsubOnce runs one measurement of case c against s.
func pubsubOnce(p *pubsubOptions, s *server, c pubsubCase) (res pubsubResult, err error) {
	payload := strings.Repeat("x", c.size)
	frame := respCommand("message", p.channel, payload) // a RESP2 message is the same array
	confirm := []byte("*3\r\n$9\r\nsubscribe\r\n$" + strconv.Itoa(len(p.channel)) + "\r\n" + p.channel + "\r\n:1\r\n")

	var conns []net.Conn
	var connsMu sync.Mutex
	closeAll := func() {
		connsMu.Lock()
		defer connsMu.Unlock()
		for _, nc := range conns {
			nc.Close()
		}
		conns = nil
	}
	defer closeAll()
	dial := func() (net.Conn, error) {
		nc, err := net.DialTimeout("tcp", s.addr(), 5*time.Second)
		if err != nil {
			return nil, err
		}
		connsMu.Lock()
		conns = append(conns, nc)
		connsMu.Unlock()
		return nc, nil
	}

	// Subscribers.
	received := make([]atomic.Int64, p.subs) // bytes after the confirmation
	subErr := make(chan error, p.subs)
	var subsDone sync.WaitGroup
	for i := 0; i < p.subs; i++ {
		nc, err := dial()
		if err != nil {
			return res, err
		}
		nc.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := nc.Write(respCommand("SUBSCRIBE", p.channel)); err != nil {
			return res, err
		}
		got := make([]byte, len(confirm))
		if _, err := io.ReadFull(nc, got); err != nil {
			return res, fmt.Errorf("subscriber %d: %w", i, err)
		}
		if !bytes.Equal(got, confirm) {
			return res, fmt.Errorf("subscriber %d: SUBSCRIBE answered %q", i, got)
		}
		nc.SetDeadline(time.Time{})
		subsDone.Add(1)
		go func(i int, nc net.Conn) {
			defer subsDone.Done()
			buf := make([]byte, 256<<10)
			checked := false
			var first []byte // the start of the stream, checked once
			for {
				n, err := nc.Read(buf)
				if n > 0 {
					if !checked {
						first = append(first, buf[:min(n, len(frame)-len(first))]...)
						if len(first) == len(frame) {
							checked = true
							if !bytes.Equal(first, frame) {
								subErr <- fmt.Errorf("subscriber %d: first message is %q, want %q", i, first, frame)
								return
							}
						}
					}
					received[i].Add(int64(n))
				}
				if err != nil {
					if !errors.Is(err, net.ErrClosed) {
						subErr <- fmt.Errorf("subscriber %d: %w", i, err)
					}
					return
				}
			}
		}(i, nc)
	}

	// Publishers.
	batch := bytes.Repeat(respCommand("PUBLISH", p.channel, payload), p.pipeline)
	replies := bytes.Repeat([]byte(":"+strconv.Itoa(p.subs)+"\r\n"), p.pipeline)
	var stop atomic.Bool
	published := make([]atomic.Int64, c.pubs)
	pubErr := make(chan error, c.pubs)
	var pubsDone sync.WaitGroup
	for i := 0; i < c.pubs; i++ {
		nc, err := dial()
		if err != nil {
			return res, err
		}
		pubsDone.Add(1)
		go func(i int, nc net.Conn) {
			defer pubsDone.Done()
			got := make([]byte, len(replies))
			for !stop.Load() {
				nc.SetDeadline(time.Now().Add(30 * time.Second))
				if _, err := nc.Write(batch); err != nil {
					pubErr <- fmt.Errorf("publisher %d: %w", i, err)
					return
				}
				if _, err := io.ReadFull(nc, got); err != nil {
					pubErr <- fmt.Errorf("publisher %d: %w", i, err)
					return
				}
				if !bytes.Equal(got, replies) {
					pubErr <- fmt.Errorf("publisher %d: replies %.80q, want :%d each", i, got, p.subs)
					return
				}
				published[i].Add(int64(p.pipeline))
			}
		}(i, nc)
	}

	sum := func(a []atomic.Int64) int64 {
		t := int64(0)
		for i := range a {
			t += a[i].Load()
		}
		return t
	}
	failed := func() error {
		select {
		case err := <-subErr:
			return err
		case err := <-pubErr:
			return err
		default:
			return nil
		}
	}
	stopPublishers := func() { stop.Store(true); pubsDone.Wait() }

	time.Sleep(p.warmup)
	if err := failed(); err != nil {
		stopPublishers()
		return res, err
	}
	cpu0, _ := cpuSeconds(s.pid())
	io0, _ := syscallCounts(s.pid())
	t0 := time.Now()
	del0, pub0 := sum(received), sum(published)
	time.Sleep(p.window)
	del1, pub1 := sum(received), sum(published)
	elapsed := time.Since(t0).Seconds()
	cpu1, cpuErr := cpuSeconds(s.pid())
	io1, ioErr := syscallCounts(s.pid())
	stopPublishers()
	if err := failed(); err != nil {
		return res, err
	}

	// Every subscriber must end with exactly one frame per PUBLISH.
	want := sum(published) * int64(len(frame))
	deadline := time.Now().Add(60 * time.Second)
	for i := range received {
		for received[i].Load() < want && time.Now().Before(deadline) {
			if err := failed(); err != nil {
				return res, err
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	time.Sleep(50 * time.Millisecond) // let a surplus show up
	for i := range received {
		if got := received[i].Load(); got != want {
			return res, fmt.Errorf("subscriber %d received %d bytes, want %d (%d messages of %d bytes)",
				i, got, want, want/int64(len(frame)), len(frame))
		}
	}
	closeAll()
	subsDone.Wait()

	res.Delivered = float64(del1-del0) / float64(len(frame)) / elapsed
	res.Published = float64(pub1-pub0) / elapsed
	res.CPU = -1
	if cpuErr == nil {
		res.CPU = (cpu1 - cpu0) / elapsed
	}
	res.Writes, res.Reads = -1, -1
	if ioErr == nil {
		res.Writes = float64(io1[1]-io0[1]) / elapsed
		res.Reads = float64(io1[0]-io0[0]) / elapsed
	}
	return res, nil
}

// cpuSeconds is a process's user+system CPU time from /proc/PID/stat.
func cpuSeconds(pid int) (float64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// Fields after the command name, which is in parentheses and may
	// contain spaces: state is field 3, utime 14, stime 15.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, errors.New("malformed /proc/PID/stat")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, errors.New("malformed /proc/PID/stat")
	}
	ut, err1 := strconv.ParseFloat(f[11], 64)
	st, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, errors.New("malformed /proc/PID/stat")
	}
	return (ut + st) / clockTicks, nil
}

// syscallCounts is a process's read and write system call counts from
// /proc/PID/io (syscr, syscw).
func syscallCounts(pid int) ([2]int64, error) {
	var out [2]int64
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/io")
	if err != nil {
		return out, err
	}
	found := 0
	for _, line := range strings.Split(string(b), "\n") {
		for i, key := range []string{"syscr:", "syscw:"} {
			if v, ok := strings.CutPrefix(line, key); ok {
				if out[i], err = strconv.ParseInt(strings.TrimSpace(v), 10, 64); err != nil {
					return out, err
				}
				found++
			}
		}
	}
	if found != 2 {
		return out, errors.New("no syscr/syscw in /proc/PID/io")
	}
	return out, nil
}

// clockTicks is USER_HZ, 100 on every Linux configuration Go supports.
const clockTicks = 100
