package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The snapshot modes: -restart measures how fast each server loads its
// snapshot (dump.rdb / dump.aikv) at startup, -bgsave what a background
// save costs the clients of a loaded server. Both fill the two servers
// with the same dataset, alternate the servers round by round and print
// every round's figures with the load average.

// dataset is a named list of commands that fills a server.
type dataset struct {
	Name string
	Desc string
	// cmds calls emit for every command, in order.
	cmds func(emit func(args ...string))
}

// datasets returns the datasets of -dataset: strings (n string keys like
// the RSS-per-key figure, 16-byte values) and mixed (n/10 strings, a
// tenth of them with a TTL; n/50 each of small hashes, lists, sets and
// sorted sets of 10 elements; 20 each of 1000-element ones).
func datasets(n int) map[string]dataset {
	return map[string]dataset{
		"strings": {"strings", fmt.Sprintf("%d string keys key:%%010d -> 16-byte value", n), func(emit func(...string)) {
			for i := 0; i < n; i++ {
				emit("SET", memKey(i), memVal(i))
			}
		}},
		"mixed": {"mixed", fmt.Sprintf("%d strings (1 in 10 with a TTL), %d each of hashes, lists, sets, zsets of 10 elements, 20 each of 1000 elements", n/10, n/50), func(emit func(...string)) {
			for i := 0; i < n/10; i++ {
				if i%10 == 0 {
					emit("SET", memKey(i), memVal(i), "EX", "1000000")
				} else {
					emit("SET", memKey(i), memVal(i))
				}
			}
			coll := func(i, m int) {
				h := []string{"HSET", fmt.Sprintf("h:%d", i)}
				l := []string{"RPUSH", fmt.Sprintf("l:%d", i)}
				s := []string{"SADD", fmt.Sprintf("s:%d", i)}
				z := []string{"ZADD", fmt.Sprintf("z:%d", i)}
				for j := 0; j < m; j++ {
					f := fmt.Sprintf("field:%d", j)
					h = append(h, f, memVal(i+j))
					l = append(l, memVal(i+j))
					s = append(s, f)
					z = append(z, strconv.Itoa((i*31+j*7)%1000), f)
				}
				emit(h...)
				emit(l...)
				emit(s...)
				emit(z...)
			}
			for i := 0; i < n/50; i++ {
				coll(i, 10)
			}
			for i := 0; i < 20; i++ {
				coll(n+i, 1000)
			}
		}},
	}
}

// fill sends ds's commands pipelined over one connection, checks that no
// reply is an error, and returns DBSIZE.
func fill(s *server, ds dataset) (int, error) {
	c, err := net.DialTimeout("tcp", s.addr(), 5*time.Second)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	r := bufio.NewReaderSize(c, 64<<10)
	var req []byte
	pending := 0
	flush := func() error {
		c.SetDeadline(time.Now().Add(60 * time.Second))
		if _, err := c.Write(req); err != nil {
			return err
		}
		for ; pending > 0; pending-- {
			line, err := r.ReadString('\n')
			if err != nil {
				return err
			}
			if line[0] == '-' {
				return fmt.Errorf("%s: %s", s.Name, strings.TrimSpace(line))
			}
		}
		req = req[:0]
		return nil
	}
	ds.cmds(func(args ...string) {
		if err != nil {
			return
		}
		req = appendCmd(req, args...)
		if pending++; pending == 1000 {
			err = flush()
		}
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return 0, err
	}
	reply, err := s.do("DBSIZE")
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimPrefix(reply, ":"))
}

// snapFile is the snapshot file name each server writes.
func snapFile(name string) string {
	if name == "Redis" {
		return "dump.rdb"
	}
	return "dump.aikv"
}

// noPersist: no save points, no log; SAVE and BGSAVE still work.
var noPersist = []string{"--save", "", "--appendonly", "no"}

// restartResult is one restart of one server.
type restartResult struct {
	Ready   time.Duration // process start to first +PONG
	CPU     time.Duration // the process's CPU time when ready
	LogSecs float64       // the server's own "loaded" log line, -1 if absent
	Keys    int
	Load    string
}

type restartRow struct {
	Dataset   dataset
	Keys      int
	FileBytes [2]int64 // Redis, AiKv
	SaveTime  [2]time.Duration
	Runs      [2][]restartResult
}

var (
	redisLoaded = regexp.MustCompile(`DB loaded from disk: ([0-9.]+) seconds`)
	aikvLoaded  = regexp.MustCompile(`DB loaded from snapshot.* seconds=([0-9.e-]+)`)
)

// measureRestart fills both servers with ds, SAVEs, then restarts each
// o.restarts times (alternating) and times start-to-ready.
func measureRestart(o *options, ds dataset) (restartRow, error) {
	row := restartRow{Dataset: ds}
	bins := [2]string{o.redis, o.aikv}
	names := [2]string{"Redis", "AiKv"}
	var dirs [2]string
	for i := range names {
		d, err := tempDir("bench-restart-" + strings.ToLower(names[i]) + "-")
		if err != nil {
			return row, err
		}
		dirs[i] = d
		progress("restart %s: filling %s", ds.Name, names[i])
		s, err := startServerIn(names[i], bins[i], d, noPersist, 20*time.Second)
		if err != nil {
			return row, err
		}
		n, err := fill(s, ds)
		if err == nil {
			row.SaveTime[i], row.FileBytes[i], err = saveSnapshot(s)
		}
		s.stop()
		if err != nil {
			return row, err
		}
		if i == 1 && n != row.Keys {
			return row, fmt.Errorf("AiKv holds %d keys, Redis %d", n, row.Keys)
		}
		row.Keys = n
	}
	runs, errs := restartRounds("restart "+ds.Name, names, bins, dirs, o.restarts, row.Keys)
	row.Runs = runs
	return row, errors.Join(errs[0], errs[1])
}

// saveSnapshot sends SAVE to s and returns how long the reply took and
// the size of the snapshot file it wrote (snapFile in s.Dir).
func saveSnapshot(s *server) (time.Duration, int64, error) {
	t := time.Now()
	if err := s.must("SAVE", "+OK"); err != nil {
		return 0, -1, err
	}
	took := time.Since(t)
	st, err := os.Stat(filepath.Join(s.Dir, snapFile(s.Name)))
	if err != nil {
		return took, -1, fmt.Errorf("%s: after SAVE: %w", s.Name, err)
	}
	return took, st.Size(), nil
}

// restartTimeout bounds one restart: process start to loaded.
const restartTimeout = 300 * time.Second

// restartOnce starts bin on dir (holding a snapshot of want keys) with
// persistence off, waits until it answers +PONG with DBSIZE want, takes
// the figures, and stops it.
func restartOnce(name, bin, dir string, want int) (restartResult, error) {
	load := loadAvg()
	s, err := startLoaded(name, bin, dir, noPersist, restartTimeout, want)
	if err != nil {
		return restartResult{}, err
	}
	defer s.stop()
	res := restartResult{Ready: s.Ready.Sub(s.Started), LogSecs: -1, Keys: want, Load: load}
	res.CPU, _ = cpuTime(s.pid())
	re := redisLoaded
	if name == "AiKv" {
		re = aikvLoaded
	}
	if m := re.FindStringSubmatch(s.log.String()); m != nil {
		res.LogSecs, _ = strconv.ParseFloat(m[1], 64)
	}
	return res, nil
}

// restartRounds restarts each server whose dir is set rounds times,
// alternating (A B, then B A, …), each on its dir holding a snapshot of
// want keys. A server whose restart fails is not restarted again; its
// error is in errs.
func restartRounds(label string, names, bins, dirs [2]string, rounds, want int) (runs [2][]restartResult, errs [2]error) {
	for round := 0; round < rounds; round++ {
		for k := 0; k < 2; k++ {
			i := (k + round) % 2
			if dirs[i] == "" || errs[i] != nil {
				continue
			}
			res, err := restartOnce(names[i], bins[i], dirs[i], want)
			if err != nil {
				errs[i] = fmt.Errorf("restart: %w", err)
				progress("%s %s: %v", label, names[i], err)
				continue
			}
			progress("%s %s: ready in %v (cpu %v, log %.3fs), load %s", label, names[i], res.Ready.Round(time.Millisecond), res.CPU, res.LogSecs, res.Load)
			runs[i] = append(runs[i], res)
		}
	}
	return runs, errs
}

// cpuTime returns utime+stime of pid (all threads) from /proc/PID/stat.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// Fields after the parenthesised command name; utime and stime are
	// fields 14 and 15 (1-based), in clock ticks (USER_HZ = 100).
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+st) * 10 * time.Millisecond, nil
}

// pssKB is the proportional set size of pid and its children (Redis's
// fork child shares pages with its parent: PSS counts each shared page
// once over the two, so the sum is the physical memory they use).
func pssKB(pid int) int64 {
	total := int64(0)
	pids := []int{pid}
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid)); err == nil {
		for _, f := range strings.Fields(string(b)) {
			if c, err := strconv.Atoi(f); err == nil {
				pids = append(pids, c)
			}
		}
	}
	for _, p := range pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", p))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "Pss:"); ok {
				if f := strings.Fields(v); len(f) > 0 {
					n, _ := strconv.ParseInt(f[0], 10, 64)
					total += n
				}
				break
			}
		}
	}
	return total
}

// phase is what the load generator saw during one window.
type phase struct {
	Dur     time.Duration
	Ops     int64
	Lat     []time.Duration // sorted
	PeakKB  int64           // peak PSS (server + fork child) sampled every 10 ms
	StartMs float64         // BGSAVE's own reply time (save phase only)
}

func (p phase) rps() float64 { return float64(p.Ops) / p.Dur.Seconds() }
func (p phase) max() time.Duration {
	if len(p.Lat) == 0 {
		return 0
	}
	return p.Lat[len(p.Lat)-1]
}
func (p phase) pct(q float64) time.Duration {
	if len(p.Lat) == 0 {
		return 0
	}
	return p.Lat[min(len(p.Lat)-1, int(q*float64(len(p.Lat))))]
}

// bgsaveRound is one round on one server: a window without a save, then
// the window from BGSAVE until the save finished. Unless -base-window is
// given, the window without a save is as long as a calibration BGSAVE made
// under the same load at the start of the round (Calibration), so that both windows
// have about the same length: the longest latency of a longer window is
// larger by chance alone, and a Go heap under a write load keeps growing
// for a while after a fill, which a short early window does not show.
type bgsaveRound struct {
	Save, Base  phase
	Calibration time.Duration
	Load        string
}

// loadGen runs clients connections doing SET memKey(rand < keys) with a
// 16-byte value, unpipelined, recording every latency into the current
// window while recording is on.
type loadGen struct {
	mu   sync.Mutex
	lat  []time.Duration
	rec  atomic.Bool
	ops  atomic.Int64
	stop atomic.Bool
	wg   sync.WaitGroup
	err  atomic.Value
}

func startLoad(s *server, clients, keys int) (*loadGen, error) {
	g := &loadGen{}
	for c := 0; c < clients; c++ {
		conn, err := net.DialTimeout("tcp", s.addr(), 5*time.Second)
		if err != nil {
			g.halt()
			return nil, err
		}
		g.wg.Add(1)
		go func(seed uint64) {
			defer g.wg.Done()
			defer conn.Close()
			rnd := rand.New(rand.NewPCG(seed, 1))
			r := bufio.NewReader(conn)
			var req []byte
			local := make([]time.Duration, 0, 4096)
			flush := func() {
				g.mu.Lock()
				g.lat = append(g.lat, local...)
				g.mu.Unlock()
				local = local[:0]
			}
			for !g.stop.Load() {
				i := rnd.IntN(keys)
				req = appendCmd(req[:0], "SET", memKey(i), memVal(i+1))
				t := time.Now()
				conn.SetDeadline(t.Add(60 * time.Second))
				if _, err := conn.Write(req); err != nil {
					g.err.Store(err)
					return
				}
				line, err := r.ReadString('\n')
				if err != nil || line != "+OK\r\n" {
					g.err.Store(fmt.Errorf("SET: %q %v", line, err))
					return
				}
				d := time.Since(t)
				if g.rec.Load() {
					g.ops.Add(1)
					local = append(local, d)
					if len(local) == cap(local) {
						flush()
					}
				} else if len(local) > 0 {
					flush()
				}
			}
		}(uint64(c))
	}
	return g, nil
}

func (g *loadGen) halt() { g.stop.Store(true); g.wg.Wait() }

// window records for as long as body runs, sampling PSS every 10 ms.
func (g *loadGen) window(pid int, body func() error) (phase, error) {
	g.mu.Lock()
	g.lat = g.lat[:0]
	g.mu.Unlock()
	g.ops.Store(0)
	var peak atomic.Int64
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			if v := pssKB(pid); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	g.rec.Store(true)
	start := time.Now()
	err := body()
	dur := time.Since(start)
	g.rec.Store(false)
	close(done)
	<-sampled
	time.Sleep(50 * time.Millisecond) // let clients flush their samples
	g.mu.Lock()
	lat := append([]time.Duration(nil), g.lat...)
	g.mu.Unlock()
	sort.Slice(lat, func(a, b int) bool { return lat[a] < lat[b] })
	if e, ok := g.err.Load().(error); ok && err == nil {
		err = e
	}
	return phase{Dur: dur, Ops: int64(len(lat)), Lat: lat, PeakKB: peak.Load()}, err
}

// bgsaveDone polls INFO persistence until no background save runs.
func bgsaveDone(s *server) error {
	deadline := time.Now().Add(10 * time.Minute)
	for time.Now().Before(deadline) {
		info, err := s.info("persistence")
		if err != nil {
			return err
		}
		if strings.Contains(info, "rdb_bgsave_in_progress:0") {
			if !strings.Contains(info, "rdb_last_bgsave_status:ok") {
				return fmt.Errorf("%s: BGSAVE failed", s.Name)
			}
			return nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	return fmt.Errorf("%s: BGSAVE did not finish", s.Name)
}

// info returns the body of INFO section.
func (s *server) info(section string) (string, error) {
	c, err := net.DialTimeout("tcp", s.addr(), time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := c.Write(appendCmd(nil, "INFO", section)); err != nil {
		return "", err
	}
	r := bufio.NewReader(c)
	line, err := r.ReadString('\n')
	if err != nil || line[0] != '$' {
		return "", fmt.Errorf("INFO: %q %v", line, err)
	}
	n, _ := strconv.Atoi(strings.TrimSpace(line[1:]))
	b := make([]byte, n+2)
	_, err = io.ReadFull(r, b)
	return string(b), err
}

// measureBgsave fills each server with the strings dataset and runs
// o.restarts rounds (alternating servers) of: load for a second, a window
// without a save, the BGSAVE window.
func measureBgsave(o *options, ds dataset) ([2][]bgsaveRound, int, error) {
	var out [2][]bgsaveRound
	bins := [2]string{o.redis, o.aikv}
	names := [2]string{"Redis", "AiKv"}
	var srv [2]*server
	defer func() {
		for _, s := range srv {
			s.stop()
		}
	}()
	keys := 0
	for i := range names {
		d, err := tempDir("bench-bgsave-" + strings.ToLower(names[i]) + "-")
		if err != nil {
			return out, 0, err
		}
		progress("bgsave: filling %s", names[i])
		if srv[i], err = startServerIn(names[i], bins[i], d, noPersist, 20*time.Second); err != nil {
			return out, 0, err
		}
		if keys, err = fill(srv[i], ds); err != nil {
			return out, 0, err
		}
	}
	for round := 0; round < o.restarts; round++ {
		for k := 0; k < 2; k++ {
			i := (k + round) % 2
			s := srv[i]
			r := bgsaveRound{Load: loadAvg()}
			g, err := startLoad(s, o.clients, keys)
			if err != nil {
				return out, 0, err
			}
			base := o.baseWindow
			if base == 0 {
				t := time.Now()
				if err = s.must("BGSAVE", "+Background saving started"); err == nil {
					err = bgsaveDone(s)
				}
				r.Calibration = time.Since(t)
				base = r.Calibration
			}
			time.Sleep(o.warmup)
			if err == nil {
				r.Base, err = g.window(s.pid(), func() error { time.Sleep(base); return nil })
			}
			var startMs float64
			if err == nil {
				r.Save, err = g.window(s.pid(), func() error {
					t := time.Now()
					if err := s.must("BGSAVE", "+Background saving started"); err != nil {
						return err
					}
					startMs = float64(time.Since(t).Microseconds()) / 1000
					return bgsaveDone(s)
				})
			}
			r.Save.StartMs = startMs
			g.halt()
			if err != nil {
				return out, 0, err
			}
			progress("bgsave %s: save %v: %.0f ops/s max %v peak %d kB (start %.2f ms); no save: %.0f ops/s max %v peak %d kB; load %s",
				names[i], r.Save.Dur.Round(time.Millisecond), r.Save.rps(), r.Save.max(), r.Save.PeakKB, startMs,
				r.Base.rps(), r.Base.max(), r.Base.PeakKB, r.Load)
			out[i] = append(out[i], r)
		}
	}
	return out, keys, nil
}

// runSnapshotModes runs -restart and/or -bgsave and writes their report.
func runSnapshotModes(o *options) error {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# Snapshot benchmarks: AiKv vs Redis\n\n")
	fmt.Fprintf(&buf, "- Machine: %s\n- Redis: %s\n- AiKv: %s\n- Load average at start: %s\n- Command: compare %s\n\n",
		machine(), versionLine(o.redis), versionLine(o.aikv), loadAvg(), strings.Join(os.Args[1:], " "))
	all := datasets(o.keys)
	if o.restart {
		fmt.Fprintf(&buf, "## Load at startup (restart to ready)\n\n")
		fmt.Fprintf(&buf, "Each server is filled, SAVEs, and is restarted %d times (alternating). Ready = process start to the first +PONG (not -LOADING) after which DBSIZE is the key count; CPU = the process's CPU time when ready; log = the server's own load time.\n\n", o.restarts)
		for _, name := range o.datasets {
			ds, ok := all[name]
			if !ok {
				return fmt.Errorf("-dataset: unknown dataset %q (want strings, mixed)", name)
			}
			row, err := measureRestart(o, ds)
			if err != nil {
				return err
			}
			fmt.Fprintf(&buf, "### %s: %s (%d keys)\n\n", ds.Name, ds.Desc, row.Keys)
			fmt.Fprintf(&buf, "| server | file bytes | bytes/key | SAVE s | ready s (each run) | CPU s | log s | keys/s (median ready) | load avg |\n|---|---|---|---|---|---|---|---|---|\n")
			for i, name := range [2]string{"Redis", "AiKv"} {
				var ready, cpu, logs, loads []string
				var rs []float64
				for _, r := range row.Runs[i] {
					ready = append(ready, fmt.Sprintf("%.3f", r.Ready.Seconds()))
					cpu = append(cpu, fmt.Sprintf("%.2f", r.CPU.Seconds()))
					logs = append(logs, fmt.Sprintf("%.3f", r.LogSecs))
					loads = append(loads, r.Load)
					rs = append(rs, r.Ready.Seconds())
				}
				sort.Float64s(rs)
				med := rs[len(rs)/2]
				fmt.Fprintf(&buf, "| %s | %d | %.1f | %.3f | %s | %s | %s | %.0f | %s |\n", name, row.FileBytes[i],
					float64(row.FileBytes[i])/float64(row.Keys), row.SaveTime[i].Seconds(), strings.Join(ready, " "),
					strings.Join(cpu, " "), strings.Join(logs, " "), float64(row.Keys)/med, strings.Join(loads, "; "))
			}
			fmt.Fprintln(&buf)
		}
	}
	if o.bgsave {
		ds := all["strings"]
		rounds, keys, err := measureBgsave(o, ds)
		if err != nil {
			return err
		}
		fmt.Fprintf(&buf, "## BGSAVE under load (%d keys, %d clients doing SET on random existing keys)\n\n", keys, o.clients)
		if o.baseWindow > 0 {
			fmt.Fprintf(&buf, "Per round: after %v of load (so a garbage-collected heap reaches its steady size), a no-save window of %v, then the save window from BGSAVE until INFO says it finished (so the windows may differ in length: a longer window has more chances of a slow request). Memory is peak PSS of the server plus any fork child, sampled every 10 ms.\n\n", o.warmup, o.baseWindow)
		} else {
			fmt.Fprintf(&buf, "Per round: an unmeasured calibration BGSAVE under the load, then %v more of load (so a garbage-collected heap reaches its steady size), a no-save window as long as the calibration save took, then the save window from BGSAVE until INFO says it finished (windows of about equal length, so neither has more chances of a slow request). Memory is peak PSS of the server plus any fork child, sampled every 10 ms.\n\n", o.warmup)
		}
		fmt.Fprintf(&buf, "| server | round | BGSAVE reply ms | save s | ops/s save / none (ratio) | max latency ms save / none | p99.9 ms save / none | peak PSS MB save / none (extra) | load avg |\n|---|---|---|---|---|---|---|---|---|\n")
		for i, name := range [2]string{"Redis", "AiKv"} {
			for k, r := range rounds[i] {
				ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
				fmt.Fprintf(&buf, "| %s | %d | %.2f | %.2f | %.0f / %.0f (%.2f) | %.1f / %.1f | %.1f / %.1f | %.0f / %.0f (%+.1f%%) | %s |\n",
					name, k+1, r.Save.StartMs, r.Save.Dur.Seconds(), r.Save.rps(), r.Base.rps(), r.Save.rps()/r.Base.rps(),
					ms(r.Save.max()), ms(r.Base.max()), ms(r.Save.pct(0.999)), ms(r.Base.pct(0.999)),
					float64(r.Save.PeakKB)/1024, float64(r.Base.PeakKB)/1024,
					100*float64(r.Save.PeakKB-r.Base.PeakKB)/float64(r.Base.PeakKB), r.Load)
			}
		}
		fmt.Fprintln(&buf)
	}
	fmt.Fprintf(&buf, "Load average at end: %s\n", loadAvg())
	os.Stdout.Write(buf.Bytes())
	if o.out != "" {
		return os.WriteFile(o.out, buf.Bytes(), 0o644)
	}
	return nil
}
