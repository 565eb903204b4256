package main

import (
	"fmt"
	"io"
	"math"
	"runtime"
	"strings"
	"time"
)

// cell is one server's figures for one test: medians over the rounds.
// NaN means no successful run; a negative latency means redis-benchmark
// did not report it.
type cell struct {
	RPS, P50, P99 float64
	Rounds        int
	Err           string
}

type row struct {
	Test        string
	Redis, AiKv cell
}

// ratio is AiKv's requests/s over Redis's (NaN if either is missing).
func (r row) ratio() float64 {
	if !(r.Redis.RPS > 0) || math.IsNaN(r.AiKv.RPS) {
		return math.NaN()
	}
	return r.AiKv.RPS / r.Redis.RPS
}

// section is every test in one mode under one persistence setting.
type section struct {
	Persist string
	Mode    mode
	Rows    []row
}

func (s section) geomean() (float64, int) {
	var v []float64
	for _, r := range s.Rows {
		v = append(v, r.ratio())
	}
	return geomean(v)
}

type report struct {
	Began       time.Time
	Elapsed     time.Duration
	Options     *options
	Args        []string
	Machine     string
	Redis, AiKv string
	Sections    []section
	Mem         [2]memStats
	// LoadStart and LoadEnd are the load averages before and after.
	LoadStart, LoadEnd string
}

func numCPU() int { return runtime.NumCPU() }

func persistLabel(p string) string {
	if p == "off" {
		return `persistence off (save "", appendonly no)`
	}
	return "appendonly yes, appendfsync " + p
}

func fmtRPS(v float64) string {
	if math.IsNaN(v) {
		return "error"
	}
	return fmt.Sprintf("%.0f", v)
}

func fmtMs(v float64) string {
	switch {
	case math.IsNaN(v):
		return "error"
	case v < 0:
		return "n/a"
	}
	return fmt.Sprintf("%.3f", v)
}

func fmtRatio(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", v)
}

func fmtBytes(v float64) string {
	switch {
	case v < 0 || math.IsNaN(v):
		return "error"
	case v >= 1024*1024:
		return fmt.Sprintf("%.1f MB", v/(1024*1024))
	case v >= 1024:
		return fmt.Sprintf("%.1f KB", v/1024)
	}
	return fmt.Sprintf("%.1f B", v)
}

// fmtSecs formats a duration in seconds; NaN or negative is an error.
func fmtSecs(v float64) string {
	if v < 0 || math.IsNaN(v) {
		return "error"
	}
	return fmt.Sprintf("%.3f s", v)
}

func (rep *report) write(w io.Writer) {
	o := rep.Options
	kind := "full"
	if o.quick {
		kind = "quick"
	}
	fmt.Fprintf(w, "# AiKv vs Redis: bench-compare (%s)\n\n", kind)
	fmt.Fprintf(w, "- Date: %s; took %s\n", rep.Began.UTC().Format("2006-01-02 15:04 MST"), rep.Elapsed.Round(time.Second))
	fmt.Fprintf(w, "- Machine: %s\n", rep.Machine)
	fmt.Fprintf(w, "- Load average (1/5/15 min) at start: %s; at end: %s\n", rep.LoadStart, rep.LoadEnd)
	fmt.Fprintf(w, "- Redis: `%s`\n", rep.Redis)
	fmt.Fprintf(w, "- AiKv: `%s`\n", rep.AiKv)
	fmt.Fprintf(w, "- redis-benchmark -c %d; %d requests per test unpipelined, %d with -P 16 (scaled down for lrange_100, lrange_600, mset); %d round(s), medians shown; servers alternate test by test\n",
		o.clients, o.n1, o.n16, o.rounds)
	if len(rep.Args) > 0 {
		fmt.Fprintf(w, "- Flags: `%s`\n", strings.Join(rep.Args, " "))
	}
	fmt.Fprintln(w)

	for _, s := range rep.Sections {
		fmt.Fprintf(w, "## %s, %s\n\n", persistLabel(s.Persist), s.Mode)
		fmt.Fprintln(w, "| test | Redis req/s | AiKv req/s | AiKv/Redis | Redis p50 ms | AiKv p50 ms | Redis p99 ms | AiKv p99 ms |")
		fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|")
		var notes []string
		for _, r := range s.Rows {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", r.Test,
				fmtRPS(r.Redis.RPS), fmtRPS(r.AiKv.RPS), fmtRatio(r.ratio()),
				fmtMs(r.Redis.P50), fmtMs(r.AiKv.P50), fmtMs(r.Redis.P99), fmtMs(r.AiKv.P99))
			for i, c := range []cell{r.Redis, r.AiKv} {
				if c.Err != "" {
					notes = append(notes, fmt.Sprintf("%s on %s: %s", r.Test, [2]string{"Redis", "AiKv"}[i], oneLine(c.Err)))
				}
			}
		}
		g, n := s.geomean()
		fmt.Fprintf(w, "\nGeometric mean AiKv/Redis (%d tests): **%s**\n\n", n, fmtRatio(g))
		for _, n := range notes {
			fmt.Fprintf(w, "- error: %s\n", n)
		}
		if len(notes) > 0 {
			fmt.Fprintln(w)
		}
	}

	if len(rep.Sections) > 0 {
		fmt.Fprintln(w, "## Summary")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| persistence | mode | geomean AiKv/Redis | tests with ratio ≥ 1 | tests with AiKv p99 ≤ Redis p99 |")
		fmt.Fprintln(w, "|---|---|---:|---:|---:|")
		for _, s := range rep.Sections {
			g, _ := s.geomean()
			faster, p99ok := 0, 0
			for _, r := range s.Rows {
				if r.ratio() >= 1 {
					faster++
				}
				if r.AiKv.P99 >= 0 && r.Redis.P99 >= 0 && r.AiKv.P99 <= r.Redis.P99 {
					p99ok++
				}
			}
			fmt.Fprintf(w, "| %s | %s | %s | %d/%d | %d/%d |\n", s.Persist, s.Mode, fmtRatio(g),
				faster, len(s.Rows), p99ok, len(s.Rows))
		}
		fmt.Fprintln(w)
	}

	if !o.skipMemory {
		rm, am := rep.Mem[0], rep.Mem[1]
		fmt.Fprintln(w, "## Memory (persistence off, fresh servers, VmRSS from /proc/PID/status)")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| measure | Redis | AiKv | AiKv/Redis |")
		fmt.Fprintln(w, "|---|---:|---:|---:|")
		memRow := func(name string, r, a float64, format func(float64) string) {
			ratio := math.NaN()
			if r > 0 && a >= 0 {
				ratio = a / r
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s |\n", name, format(r), format(a), fmtRatio(ratio))
		}
		memRow("idle RSS", float64(rm.IdleKB)*1024, float64(am.IdleKB)*1024, fmtBytes)
		memRow(fmt.Sprintf("RSS per idle connection (%d connections)", o.conns), rm.PerConnBytes, am.PerConnBytes, fmtBytes)
		memRow(fmt.Sprintf("RSS per key (%d SETs, 14-byte keys, 16-byte values)", o.keys), rm.PerKeyBytes, am.PerKeyBytes, fmtBytes)
		memRow(fmt.Sprintf("restart-to-ready time (%d keys)", o.keys), rm.readySecs(), am.readySecs(), fmtSecs)
		memRow(fmt.Sprintf("snapshot file size (%d keys)", o.keys), float64(rm.SnapshotBytes), float64(am.SnapshotBytes), fmtBytes)
		fmt.Fprintln(w)
		names := [2]string{"Redis", "AiKv"}
		var runs, files []string
		for i, m := range rep.Mem {
			if len(m.Restarts) > 0 {
				var ready, cpu, load []string
				for _, r := range m.Restarts {
					ready = append(ready, fmt.Sprintf("%.3f", r.Ready.Seconds()))
					cpu = append(cpu, fmt.Sprintf("%.2f", r.CPU.Seconds()))
					load = append(load, r.Load)
				}
				runs = append(runs, fmt.Sprintf("%s %s s (CPU %s s, load avg %s)", names[i],
					strings.Join(ready, " "), strings.Join(cpu, " "), strings.Join(load, " / ")))
			}
			if m.SnapshotBytes >= 0 && m.Keys > 0 {
				files = append(files, fmt.Sprintf("%s %s %d bytes (%.1f B/key, SAVE took %.3f s)", names[i],
					snapFile(names[i]), m.SnapshotBytes, float64(m.SnapshotBytes)/float64(m.Keys), m.SaveTime.Seconds()))
			}
		}
		if len(runs) > 0 {
			fmt.Fprintf(w, "- restart-to-ready: the RSS-per-key keys are SAVEd, the server stopped and restarted on the same directory %d time(s), alternating servers; process start to the first +PONG after which DBSIZE is %d (median shown). Each run: %s\n",
				o.rounds, o.keys, strings.Join(runs, "; "))
		}
		if len(files) > 0 {
			fmt.Fprintf(w, "- snapshot files: %s\n", strings.Join(files, "; "))
		}
		for i, m := range rep.Mem {
			if m.Err != nil {
				fmt.Fprintf(w, "- error: %s: %s\n", names[i], oneLine(m.Err.Error()))
			}
		}
	}
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
