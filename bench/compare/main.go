package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// benchTest is one redis-benchmark -t test. Scale1 and Scale16 multiply
// the request count unpipelined and pipelined, so the slow tests (LRANGE_600
// moves 600 elements per request) take about as long as the others.
type benchTest struct {
	ID              string
	Scale1, Scale16 float64
}

// allTests is the list, in redis-benchmark's own order (which
// matters: LPOP/RPOP pop what LPUSH/RPUSH pushed, SPOP and ZPOPMIN what
// SADD and ZADD added).
var allTests = []benchTest{
	{"set", 1, 1}, {"get", 1, 1}, {"incr", 1, 1},
	{"lpush", 1, 1}, {"rpush", 1, 1}, {"lpop", 1, 1}, {"rpop", 1, 1},
	{"sadd", 1, 1}, {"hset", 1, 1}, {"spop", 1, 1},
	{"zadd", 1, 1}, {"zpopmin", 1, 1},
	{"lrange_100", 1, 0.3}, {"lrange_600", 0.5, 0.05}, {"mset", 1, 0.3},
}

// mode is one way of running every test: pipeline depth and key range.
type mode struct {
	Pipeline int
	Random   int // -r value; 0: fixed keys
}

func (m mode) String() string {
	s := "-P " + strconv.Itoa(m.Pipeline)
	if m.Random > 0 {
		s += " -r " + strconv.Itoa(m.Random)
	}
	return s
}

type options struct {
	quick          bool
	out            string
	aikv           string
	redis          string
	redisBenchmark string
	repo           string
	persistence    []string
	rounds         int
	n1, n16        int
	clients        int
	tests          []benchTest
	modes          []mode
	keys, conns    int
	skipMemory     bool
	skipThroughput bool
	// restart and bgsave select the snapshot modes (persist.go);
	// restarts is their rounds, datasets -restart's datasets.
	restart, bgsave bool
	restarts        int
	datasets        []string
	baseWindow      time.Duration
	warmup          time.Duration
	// shapes, when set, runs only the per-shape memory figures (see
	// shapes.go) for shapes whose name contains it ("all": every shape).
	shapes string
	// ps are the -pubsub* flags (pubsub.go).
	ps pubsubOptions
}

func main() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	var interrupted atomic.Bool
	go func() {
		s := <-sig
		interrupted.Store(true)
		fmt.Fprintf(os.Stderr, "\ncompare: %v: stopping every process it started\n", s)
		cleanup()
		os.Exit(130)
	}()
	err := run(os.Args[1:])
	if interrupted.Load() {
		select {} // the signal handler cleans up and exits
	}
	cleanup()
	if err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.BoolVar(&o.quick, "quick", false, "short run (under 3 minutes): one round, -r 100000 only, fewer requests")
	fs.StringVar(&o.out, "out", "", "also write the Markdown report to this file")
	fs.StringVar(&o.aikv, "aikv", "", "aikv-server binary (default: go build ./cmd/aikv-server from -repo)")
	fs.StringVar(&o.redis, "redis", "redis-server", "redis-server binary")
	fs.StringVar(&o.redisBenchmark, "redis-benchmark", "redis-benchmark", "redis-benchmark binary")
	fs.StringVar(&o.repo, "repo", ".", "AiKv repository root (for building the server)")
	persist := fs.String("persistence", "off", "comma-separated settings to run: off (save \"\", appendonly no) and/or always, everysec, no (appendonly yes with that appendfsync)")
	fs.IntVar(&o.rounds, "rounds", 0, "rounds per mode, and restarts per server in the memory section; each figure is the median over rounds (default 3, quick 1)")
	fs.IntVar(&o.n1, "n", 0, "requests per unpipelined test (default 100000, quick 50000)")
	fs.IntVar(&o.n16, "n16", 0, "requests per pipelined test (default 1000000, quick 500000)")
	fs.IntVar(&o.clients, "c", 50, "redis-benchmark clients")
	testList := fs.String("tests", "", "comma-separated subset of tests (default: all)")
	fs.IntVar(&o.keys, "keys", 1000000, "keys loaded for the RSS-per-key figure (also the keys SAVEd for the snapshot size and restart figures)")
	fs.IntVar(&o.conns, "conns", 1000, "idle connections for the RSS-per-connection figure")
	fs.BoolVar(&o.skipMemory, "skip-memory", false, "skip the memory figures")
	fs.BoolVar(&o.skipThroughput, "skip-throughput", false, "skip the redis-benchmark runs")
	fs.StringVar(&o.shapes, "shapes", "", "only measure RSS per key for the issue's data shapes (strings, hashes, lists, sorted set) whose name contains this word, or \"all\"")
	fs.BoolVar(&o.restart, "restart", false, "only measure snapshot load at startup: fill, SAVE, restart each server -rounds times and time start to ready (see -dataset, -keys)")
	fs.BoolVar(&o.bgsave, "bgsave", false, "only measure BGSAVE under load at -keys keys with -c clients: latency, throughput, memory with and without a save, -rounds rounds")
	dsList := fs.String("dataset", "strings,mixed", "datasets for -restart: strings, mixed")
	fs.DurationVar(&o.baseWindow, "base-window", 0, "-bgsave: length of the window without a save (default: as long as an unmeasured BGSAVE made under the same load just before)")
	fs.DurationVar(&o.warmup, "warmup", 5*time.Second, "-bgsave: load before the windows of each round")
	finishPubSub := addPubSubFlags(fs, &o.ps)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if err := finishPubSub(); err != nil {
		return nil, err
	}
	for _, d := range strings.Split(*dsList, ",") {
		o.datasets = append(o.datasets, strings.TrimSpace(d))
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	for _, p := range strings.Split(*persist, ",") {
		switch p = strings.TrimSpace(p); p {
		case "off", "always", "everysec", "no":
			o.persistence = append(o.persistence, p)
		default:
			return nil, fmt.Errorf("-persistence: unknown setting %q (want off, always, everysec, no)", p)
		}
	}
	if *testList == "" {
		o.tests = allTests
	} else {
		for _, id := range strings.Split(*testList, ",") {
			id = strings.ToLower(strings.TrimSpace(id))
			found := false
			for _, t := range allTests {
				if t.ID == id {
					o.tests = append(o.tests, t)
					found = true
				}
			}
			if !found {
				return nil, fmt.Errorf("-tests: unknown test %q", id)
			}
		}
	}
	def := func(v *int, full, quick int) {
		if *v <= 0 {
			*v = full
			if o.quick {
				*v = quick
			}
		}
	}
	def(&o.rounds, 3, 1)
	def(&o.n1, 100000, 50000)
	def(&o.n16, 1000000, 500000)
	if o.quick {
		o.modes = []mode{{1, 100000}, {16, 100000}}
	} else {
		o.modes = []mode{{1, 0}, {16, 0}, {1, 100000}, {16, 100000}}
	}
	return o, nil
}

func run(args []string) error {
	o, err := parseFlags(args)
	if err != nil {
		return err
	}
	began := time.Now()
	for _, bin := range []*string{&o.redis, &o.redisBenchmark} {
		p, err := exec.LookPath(*bin)
		if err != nil {
			return err
		}
		*bin = p
	}
	if o.aikv == "" {
		dir, err := tempDir("bench-bin-")
		if err != nil {
			return err
		}
		o.aikv = filepath.Join(dir, "aikv-server")
		progress("building %s", o.aikv)
		build := exec.Command("go", "build", "-o", o.aikv, "./cmd/aikv-server")
		build.Dir = o.repo
		if out, err := build.CombinedOutput(); err != nil {
			return fmt.Errorf("go build: %v\n%s", err, out)
		}
	}

	if o.restart || o.bgsave {
		o.restarts = o.rounds
		return runSnapshotModes(o)
	}
	if o.shapes != "" {
		only := o.shapes
		if only == "all" {
			only = ""
		}
		return measureShapes(o, only)
	}
	if o.ps.enabled {
		return runPubSub(o)
	}

	rep := &report{
		LoadStart: loadAvg(),
		Began:     began,
		Options:   o,
		Args:      args,
		Machine:   machine(),
		Redis:     versionLine(o.redis),
		AiKv:      versionLine(o.aikv),
	}
	if !o.skipThroughput {
		for _, p := range o.persistence {
			secs, err := throughput(o, p)
			if err != nil {
				return err
			}
			rep.Sections = append(rep.Sections, secs...)
		}
	}
	if !o.skipMemory {
		rep.Mem = memory(o)
	}
	rep.Elapsed = time.Since(began)
	rep.LoadEnd = loadAvg()

	var buf bytes.Buffer
	rep.write(&buf)
	os.Stdout.Write(buf.Bytes())
	if o.out != "" {
		if err := os.WriteFile(o.out, buf.Bytes(), 0o644); err != nil {
			return err
		}
		progress("report written to %s", o.out)
	}
	return nil
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// throughput starts both servers with persistence setting p and runs every
// mode, returning one section per mode.
func throughput(o *options, p string) ([]section, error) {
	redis, err := startServer("Redis", o.redis, p)
	if err != nil {
		return nil, err
	}
	defer redis.stop()
	aikv, err := startServer("AiKv", o.aikv, p)
	if err != nil {
		return nil, err
	}
	defer aikv.stop()
	servers := [2]*server{redis, aikv}

	var out []section
	for _, m := range o.modes {
		for _, s := range servers {
			if err := s.must("FLUSHALL", "+OK"); err != nil {
				return nil, err
			}
		}
		// samples[test][server] collects one result per round.
		samples := make([][2][]result, len(o.tests))
		errs := make([][2]string, len(o.tests))
		for r := 0; r < o.rounds; r++ {
			order := []int{0, 1}
			if r%2 == 1 {
				order = []int{1, 0}
			}
			for ti, t := range o.tests {
				for _, si := range order {
					s := servers[si]
					res, err := benchOnce(o, s, m, t)
					if errors.Is(err, errStopping) {
						return nil, err
					}
					if err != nil {
						progress("[%s %s] round %d/%d %s on %s: %v", p, m, r+1, o.rounds, t.ID, s.Name, err)
						errs[ti][si] = err.Error()
						continue
					}
					samples[ti][si] = append(samples[ti][si], res)
					progress("[%s %s] round %d/%d %-10s %-5s %10.0f req/s  p50 %.3f  p99 %.3f",
						p, m, r+1, o.rounds, t.ID, s.Name, res.RPS, res.P50, res.P99)
				}
			}
		}
		sec := section{Persist: p, Mode: m}
		for ti, t := range o.tests {
			row := row{Test: t.ID}
			row.Redis = medianCell(samples[ti][0], errs[ti][0])
			row.AiKv = medianCell(samples[ti][1], errs[ti][1])
			sec.Rows = append(sec.Rows, row)
		}
		out = append(out, sec)
	}
	return out, nil
}

// benchOnce runs one redis-benchmark test against s.
func benchOnce(o *options, s *server, m mode, t benchTest) (result, error) {
	n := float64(o.n1) * t.Scale1
	if m.Pipeline > 1 {
		n = float64(o.n16) * t.Scale16
	}
	args := []string{"-h", "127.0.0.1", "-p", strconv.Itoa(s.Port),
		"-c", strconv.Itoa(o.clients), "-n", strconv.Itoa(max(int(n), 1000)),
		"-t", t.ID, "--csv"}
	if m.Pipeline > 1 {
		args = append(args, "-P", strconv.Itoa(m.Pipeline))
	}
	if m.Random > 0 {
		args = append(args, "-r", strconv.Itoa(m.Random))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	out, err := runTracked(ctx, exec.Command(o.redisBenchmark, args...))
	if err != nil {
		return result{}, err
	}
	rows, err := parseCSV(bytes.NewReader(out))
	if err != nil {
		return result{}, err
	}
	res, ok := pick(rows, t.ID)
	if !ok {
		return result{}, fmt.Errorf("no %q row in redis-benchmark output:\n%s", t.ID, out)
	}
	return res, nil
}

// memory measures both servers, each freshly started with persistence
// off; then, with the RSS-per-key keys saved, restarts each o.rounds times
// (alternating) for the restart-to-ready figure.
func memory(o *options) [2]memStats {
	var ms [2]memStats
	names := [2]string{"Redis", "AiKv"}
	bins := [2]string{o.redis, o.aikv}
	var dirs [2]string
	for i := range names {
		ms[i], dirs[i] = measureMemory(o, names[i], bins[i])
	}
	runs, errs := restartRounds("[memory] restart", names, bins, dirs, o.rounds, o.keys)
	for i := range ms {
		ms[i].Restarts = runs[i]
		ms[i].Err = errors.Join(ms[i].Err, errs[i])
	}
	return ms
}

// measureMemory takes one server's RSS figures, then SAVEs the keys of
// the per-key figure and stops the server. dir is where the snapshot is,
// "" if there is none.
func measureMemory(o *options, name, bin string) (m memStats, dir string) {
	m = memStats{IdleKB: -1, PerConnBytes: -1, PerKeyBytes: -1, SnapshotBytes: -1}
	s, err := startServer(name, bin, "off")
	if err != nil {
		m.Err = err
		return m, ""
	}
	defer s.stop()
	var errs []error
	if m.IdleKB, err = measureIdle(s); err != nil {
		errs = append(errs, err)
	}
	progress("[memory] %s idle RSS %d kB", name, m.IdleKB)
	if m.PerConnBytes, err = measureConns(s, o.conns); err != nil {
		errs = append(errs, err)
	}
	progress("[memory] %s %.0f B per idle connection", name, m.PerConnBytes)
	m.PerKeyBytes, err = measureKeys(s, o.keys)
	progress("[memory] %s %.1f B per key", name, m.PerKeyBytes)
	if err != nil {
		errs = append(errs, err)
	} else {
		m.Keys = o.keys
		if m.SaveTime, m.SnapshotBytes, err = saveSnapshot(s); err != nil {
			errs = append(errs, err)
		} else {
			dir = s.Dir
			progress("[memory] %s SAVE of %d keys: %v, %s is %d bytes", name, o.keys, m.SaveTime.Round(time.Millisecond), snapFile(name), m.SnapshotBytes)
		}
	}
	m.Err = errors.Join(errs...)
	return m, dir
}

// medianCell summarises one server's rounds for one test: the median of
// each figure taken separately. errMsg is the last failure, if any.
func medianCell(rs []result, errMsg string) cell {
	if len(rs) == 0 {
		return cell{RPS: math.NaN(), P50: math.NaN(), P99: math.NaN(), Err: errMsg}
	}
	pickf := func(f func(result) float64) float64 {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = f(r)
		}
		return median(v)
	}
	return cell{
		RPS:    pickf(func(r result) float64 { return r.RPS }),
		P50:    pickf(func(r result) float64 { return r.P50 }),
		P99:    pickf(func(r result) float64 { return r.P99 }),
		Rounds: len(rs),
		Err:    errMsg,
	}
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// geomean is the geometric mean of the positive finite values in v, and
// how many there were.
func geomean(v []float64) (float64, int) {
	sum, n := 0.0, 0
	for _, x := range v {
		if x > 0 && !math.IsInf(x, 0) && !math.IsNaN(x) {
			sum += math.Log(x)
			n++
		}
	}
	if n == 0 {
		return math.NaN(), 0
	}
	return math.Exp(sum / float64(n)), n
}

// loadAvg is /proc/loadavg's 1, 5 and 15 minute load averages: other
// work on the machine skews the figures, so the report shows them.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func versionLine(bin string) string {
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		return bin + " (version unknown: " + err.Error() + ")"
	}
	return strings.TrimSpace(string(out))
}

// machine describes the host: CPU model, cores, kernel.
func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	kernel := ""
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel = ", Linux " + strings.TrimSpace(string(b))
	}
	host, _ := os.Hostname()
	return fmt.Sprintf("%s: %s, %d CPUs%s", host, model, numCPU(), kernel)
}
