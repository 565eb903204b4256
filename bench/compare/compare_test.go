package main

import (
	"bytes"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Real redis-benchmark 7.0.15 output, including the helper LPUSH row the
// LRANGE tests print first.
const csv7 = `"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
"SET","74626.87","0.378","0.112","0.375","0.551","0.839","2.615"
"LPUSH (needed to benchmark LRANGE)","93457.95","0.277","0.072","0.271","0.327","0.479","1.623"
"LRANGE_100 (first 100 elements)","49751.24","0.620","0.056","0.431","1.191","2.567","5.975"
"MSET (10 keys)","34965.04","1.233","0.328","1.159","2.119","2.823","5.487"
`

func TestParseCSV(t *testing.T) {
	rows, err := parseCSV(strings.NewReader(csv7))
	if err != nil {
		t.Fatal(err)
	}
	want := []result{
		{"set", 74626.87, 0.375, 0.839},
		{"lpush", 93457.95, 0.271, 0.479},
		{"lrange_100", 49751.24, 0.431, 2.567},
		{"mset", 34965.04, 1.159, 2.823},
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v", len(rows), len(want), rows)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, rows[i], want[i])
		}
	}
	if r, ok := pick(rows, "lrange_100"); !ok || r.RPS != 49751.24 {
		t.Errorf("pick lrange_100 = %+v %v", r, ok)
	}
	if _, ok := pick(rows, "get"); ok {
		t.Error("pick found a test that did not run")
	}
}

// Columns are found by name: reordered columns and the latency-less
// output of redis-benchmark 6 both parse.
func TestParseCSVColumnsByName(t *testing.T) {
	rows, err := parseCSV(strings.NewReader("\"p99_latency_ms\",\"rps\",\"test\",\"p50_latency_ms\"\n\"1.5\",\"1000\",\"GET\",\"0.5\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0] != (result{"get", 1000, 0.5, 1.5}) {
		t.Errorf("reordered: %+v", rows)
	}
	rows, err = parseCSV(strings.NewReader("\"test\",\"rps\"\n\"INCR\",\"1234.5\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0] != (result{"incr", 1234.5, -1, -1}) {
		t.Errorf("v6 output: %+v", rows)
	}
}

func TestParseCSVErrors(t *testing.T) {
	for name, in := range map[string]string{
		"empty":     "",
		"no rps":    "\"test\",\"x\"\n\"SET\",\"1\"\n",
		"bad rps":   "\"test\",\"rps\"\n\"SET\",\"fast\"\n",
		"bad quote": "\"test\",\"rps\"\n\"SET,1\n",
	} {
		if _, err := parseCSV(strings.NewReader(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestMedianAndGeomean(t *testing.T) {
	if m := median([]float64{3, 1, 2}); m != 2 {
		t.Errorf("median odd = %v", m)
	}
	if m := median([]float64{4, 1, 2, 3}); m != 2.5 {
		t.Errorf("median even = %v", m)
	}
	if !math.IsNaN(median(nil)) {
		t.Error("median of nothing is not NaN")
	}
	g, n := geomean([]float64{0.5, 2, math.NaN(), 4, 0.25, math.Inf(1)})
	if n != 4 || math.Abs(g-1) > 1e-12 {
		t.Errorf("geomean = %v over %d, want 1 over 4", g, n)
	}
	if g, n := geomean([]float64{2, 8}); n != 2 || math.Abs(g-4) > 1e-12 {
		t.Errorf("geomean(2,8) = %v", g)
	}
}

func TestMedianCell(t *testing.T) {
	c := medianCell([]result{{"set", 100, 1, 9}, {"set", 300, 3, 7}, {"set", 200, 2, 8}}, "")
	if c.RPS != 200 || c.P50 != 2 || c.P99 != 8 || c.Rounds != 3 {
		t.Errorf("medianCell = %+v", c)
	}
	c = medianCell(nil, "boom")
	if !math.IsNaN(c.RPS) || c.Err != "boom" {
		t.Errorf("medianCell(nil) = %+v", c)
	}
}

func TestParseFlags(t *testing.T) {
	o, err := parseFlags([]string{"-quick"})
	if err != nil {
		t.Fatal(err)
	}
	if o.rounds != 1 || len(o.modes) != 2 || len(o.tests) != len(allTests) {
		t.Errorf("quick: %+v", o)
	}
	o, err = parseFlags([]string{"-tests", "get,LRANGE_600", "-persistence", "off,always", "-rounds", "5"})
	if err != nil {
		t.Fatal(err)
	}
	if len(o.tests) != 2 || o.tests[1].ID != "lrange_600" || len(o.persistence) != 2 || o.rounds != 5 || len(o.modes) != 4 {
		t.Errorf("full: %+v", o)
	}
	for _, bad := range [][]string{{"-tests", "nope"}, {"-persistence", "sometimes"}, {"extra"}} {
		if _, err := parseFlags(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestReportTable(t *testing.T) {
	o, _ := parseFlags([]string{"-quick"})
	rep := &report{Options: o, Began: time.Unix(0, 0), Sections: []section{{
		Persist: "off", Mode: mode{16, 100000},
		Rows: []row{
			{Test: "set", Redis: cell{RPS: 100, P50: 1, P99: 2}, AiKv: cell{RPS: 200, P50: 0.5, P99: 1}},
			{Test: "get", Redis: cell{RPS: 100, P50: 1, P99: 2}, AiKv: cell{RPS: 50, P50: 2, P99: 4}},
			{Test: "incr", Redis: cell{RPS: 100, P50: 1, P99: 2}, AiKv: cell{RPS: math.NaN(), P50: math.NaN(), P99: math.NaN(), Err: "exit status 1"}},
		},
	}}}
	rep.Mem[0] = memStats{IdleKB: 1024, PerConnBytes: 2048, PerKeyBytes: 100, Keys: 1000000,
		SnapshotBytes: 33 << 20, SaveTime: 500 * time.Millisecond,
		Restarts: []restartResult{{Ready: 700 * time.Millisecond, CPU: 650 * time.Millisecond, Load: "1.00 0.90 0.80"}}}
	rep.Mem[1] = memStats{IdleKB: 2048, PerConnBytes: 1024, PerKeyBytes: 125, Keys: 1000000,
		SnapshotBytes: 6 << 20, SaveTime: 250 * time.Millisecond,
		Restarts: []restartResult{{Ready: 350 * time.Millisecond, CPU: 400 * time.Millisecond, Load: "1.10 0.90 0.80"}}}
	var b bytes.Buffer
	rep.write(&b)
	out := b.String()
	for _, want := range []string{
		"## persistence off (save \"\", appendonly no), -P 16 -r 100000",
		"| set | 100 | 200 | 2.00 | 1.000 | 0.500 | 2.000 | 1.000 |",
		"| get | 100 | 50 | 0.50 |",
		"| incr | 100 | error | n/a |",
		"Geometric mean AiKv/Redis (2 tests): **1.00**",
		"- error: incr on AiKv: exit status 1",
		"| off | -P 16 -r 100000 | 1.00 | 1/3 | 1/3 |",
		"| idle RSS | 1.0 MB | 2.0 MB | 2.00 |",
		"| RSS per idle connection (1000 connections) | 2.0 KB | 1.0 KB | 0.50 |",
		"| RSS per key (1000000 SETs, 14-byte keys, 16-byte values) | 100.0 B | 125.0 B | 1.25 |",
		"| restart-to-ready time (1000000 keys) | 0.700 s | 0.350 s | 0.50 |",
		"| snapshot file size (1000000 keys) | 33.0 MB | 6.0 MB | 0.18 |",
		"restarted on the same directory 1 time(s)",
		"first +PONG after which DBSIZE is 1000000",
		"Redis 0.700 s (CPU 0.65 s, load avg 1.00 0.90 0.80)",
		"AiKv 0.350 s (CPU 0.40 s, load avg 1.10 0.90 0.80)",
		"Redis dump.rdb 34603008 bytes (34.6 B/key, SAVE took 0.500 s)",
		"AiKv dump.aikv 6291456 bytes (6.3 B/key, SAVE took 0.250 s)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "n/a (snapshots not built)") || strings.Contains(out, "- error:") && !strings.Contains(out, "- error: incr on AiKv") {
		t.Errorf("report has a stale or unexpected line:\n%s", out)
	}
}

// TestReportRestartMedianAndErrors: the restart row shows the median of
// the runs; a server without a snapshot or restarts shows "error" in
// both rows, no ratio, and its error below the table.
func TestReportRestartMedianAndErrors(t *testing.T) {
	o, _ := parseFlags([]string{"-rounds", "3"})
	o.skipThroughput = true
	rep := &report{Options: o, Began: time.Unix(0, 0)}
	rep.Mem[0] = memStats{IdleKB: 1024, PerConnBytes: 2048, PerKeyBytes: 100, Keys: 1000000, SnapshotBytes: 1 << 20,
		Restarts: []restartResult{{Ready: 900 * time.Millisecond}, {Ready: 500 * time.Millisecond}, {Ready: 600 * time.Millisecond}}}
	rep.Mem[1] = memStats{IdleKB: 2048, PerConnBytes: 1024, PerKeyBytes: 125, Keys: 1000000, SnapshotBytes: -1,
		Err: errors.New("AiKv: SAVE: got \"-ERR boom\", want \"+OK\"")}
	var b bytes.Buffer
	rep.write(&b)
	out := b.String()
	for _, want := range []string{
		"| restart-to-ready time (1000000 keys) | 0.600 s | error | n/a |",
		"| snapshot file size (1000000 keys) | 1.0 MB | error | n/a |",
		"restarted on the same directory 3 time(s)",
		"Redis 0.900 0.500 0.600 s",
		"- snapshot files: Redis dump.rdb 1048576 bytes",
		`- error: AiKv: AiKv: SAVE: got "-ERR boom", want "+OK"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "AiKv dump.aikv") {
		t.Errorf("report describes a snapshot AiKv did not write:\n%s", out)
	}
}

// TestKeyShapes pins the per-key measurement to 14-byte keys and 16-byte
// values.
func TestKeyShapes(t *testing.T) {
	for _, i := range []int{0, 999999, 9999999999} {
		if len(memKey(i)) != 14 || len(memVal(i)) != 16 {
			t.Errorf("%d: key %q value %q", i, memKey(i), memVal(i))
		}
	}
}

// redisServerBin returns the path of redis-server, or skips the test.
func redisServerBin(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not installed")
	}
	return bin
}

// TestServerLifecycle starts a real redis-server through the harness,
// loads keys, and checks the process is gone after cleanup.
func TestServerLifecycle(t *testing.T) {
	bin := redisServerBin(t)
	s, err := startServer("Redis", bin, "off")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cleanup)
	if err := loadKeys(s.addr(), 2500); err != nil {
		t.Fatal(err)
	}
	if err := s.must("DBSIZE", ":2500"); err != nil {
		t.Fatal(err)
	}
	if reply, _ := s.do("GET " + memKey(2499)); reply != "$16" {
		t.Errorf("GET reply header %q", reply)
	}
	if kb, err := rssKB(s.pid()); err != nil || kb <= 0 {
		t.Errorf("rssKB = %d, %v", kb, err)
	}
	per, err := measureConns(s, 20)
	if err != nil || math.IsNaN(per) {
		t.Errorf("measureConns = %v, %v", per, err)
	}
	s.stop()
	if _, err := s.do("PING"); err == nil {
		t.Error("server still answers after stop")
	}
}

// TestRestartOnSnapshot drives the restart path on a real redis-server:
// SAVE writes dump.rdb, a restart on the same directory is ready only
// with the dataset loaded, alternating rounds skip a server without a
// snapshot, and a DBSIZE that never matches is an error.
func TestRestartOnSnapshot(t *testing.T) {
	bin := redisServerBin(t)
	useProcs(t)
	s, err := startServer("Redis", bin, "off")
	if err != nil {
		t.Fatal(err)
	}
	if err := loadKeys(s.addr(), 3000); err != nil {
		t.Fatal(err)
	}
	_, size, err := saveSnapshot(s)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(s.Dir, "dump.rdb"))
	if err != nil || st.Size() != size || size <= 0 {
		t.Fatalf("saveSnapshot size %d, dump.rdb: %v %v", size, st, err)
	}
	s.stop()

	names := [2]string{"Redis", "AiKv"}
	bins := [2]string{bin, "/nonexistent/aikv-server"}
	dirs := [2]string{s.Dir, ""}
	runs, errs := restartRounds("test", names, bins, dirs, 2, 3000)
	if errs[0] != nil || errs[1] != nil {
		t.Fatal(errs)
	}
	if len(runs[0]) != 2 || len(runs[1]) != 0 {
		t.Fatalf("runs: %d Redis, %d AiKv; want 2, 0", len(runs[0]), len(runs[1]))
	}
	for _, r := range runs[0] {
		if r.Ready <= 0 || r.Keys != 3000 || r.LogSecs < 0 {
			t.Errorf("restart result %+v", r)
		}
	}

	// The dataset on disk has 3000 keys: waiting for 3001 must fail
	// (with a DBSIZE message), not report a ready time.
	if s2, err := startLoaded("Redis", bin, s.Dir, noPersist, 3*time.Second, 3001); err == nil {
		s2.stop()
		t.Fatal("startLoaded with the wrong key count succeeded")
	} else if !strings.Contains(err.Error(), `DBSIZE stayed ":3000"`) {
		t.Errorf("startLoaded error %v", err)
	}
}

// TestStartExitedServer: a server process that exits at once is reported
// as exited (with its output), not waited for until the timeout.
func TestStartExitedServer(t *testing.T) {
	bin, err := exec.LookPath("false")
	if err != nil {
		t.Skip("false not installed")
	}
	useProcs(t)
	deadline := 10 * time.Minute
	begin := time.Now()
	_, err = startLoaded("AiKv", bin, t.TempDir(), noPersist, deadline, -1)
	if err == nil || !strings.Contains(err.Error(), "exited before answering PING") {
		t.Fatalf("err = %v", err)
	}
	if time.Since(begin) >= deadline {
		t.Error("waited for the whole timeout")
	}
}

// useProcs lets a test start processes after an earlier test's cleanup
// marked the process registry done, and cleans up after the test.
func useProcs(t *testing.T) {
	procs.mu.Lock()
	procs.done = false
	procs.mu.Unlock()
	t.Cleanup(cleanup)
}
