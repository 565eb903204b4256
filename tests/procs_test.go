package tests

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestMaxProcsFollowAppendfsync: without a GOMAXPROCS environment variable
// the server runs on half the CPUs (at least one); without the event loop
// (AIKV_EVENT_LOOP=0) on at least two while appendfsync always is in
// effect, where the event loop waits for the fsync on its one P
// (server/procs.go), switching as CONFIG SET changes the policy. INFO
// go_maxprocs shows the setting.
func TestMaxProcsFollowAppendfsync(t *testing.T) {
	if os.Getenv("GOMAXPROCS") != "" {
		t.Skip("GOMAXPROCS is set: the server inherits it and does not tune")
	}
	t.Run("event loop", func(t *testing.T) { testMaxProcsFollowAppendfsync(t, nil, false) })
	t.Run("goroutines", func(t *testing.T) {
		testMaxProcsFollowAppendfsync(t, []string{"AIKV_EVENT_LOOP=0"}, true)
	})
}

func testMaxProcsFollowAppendfsync(t *testing.T, env []string, alwaysAddsP bool) {
	cpus := runtime.GOMAXPROCS(0) // the runtime's default here, as in the server
	other := max(1, cpus/2)
	always := other
	if alwaysAddsP && cpus >= 2 && always < 2 {
		always = 2
	}
	h := StartServer(t, Options{Args: []string{"--appendonly", "yes", "--appendfsync", "always"}, Env: env})
	c := h.Raw(t)
	check := func(step string, want int) {
		t.Helper()
		if got := infoSectionValue(t, c, "memory", "go_maxprocs"); got != strconv.Itoa(want) {
			t.Fatalf("%s: go_maxprocs %s, want %d (%d CPUs)", step, got, want, cpus)
		}
	}
	check("started with appendfsync always", always)
	c.Do("CONFIG", "SET", "appendfsync", "everysec")
	check("appendfsync everysec", other)
	c.Do("CONFIG", "SET", "appendfsync", "always")
	check("appendfsync always again", always)
	c.Do("CONFIG", "SET", "appendonly", "no")
	check("appendonly no", other)
	if r := c.Do("SET", "k", "v"); r.Str != "OK" {
		t.Fatalf("SET: %v", r)
	}
}

// TestMaxProcsDuringBackgroundSave: a background save gets a P of its own
// while it runs (server/procs.go) and gives it back when it ends. INFO
// reports go_maxprocs and rdb_bgsave_in_progress from one consistent
// state, so every reply taken during the save must show the extra P.
func TestMaxProcsDuringBackgroundSave(t *testing.T) {
	if os.Getenv("GOMAXPROCS") != "" {
		t.Skip("GOMAXPROCS is set: the server inherits it and does not tune")
	}
	cpus := runtime.GOMAXPROCS(0)
	normal := max(1, cpus/2)
	saving := min(normal+1, cpus)
	h := StartServer(t, Options{Args: []string{"--save", ""}})
	c := h.Raw(t)
	// Enough keys that a save lasts long enough for INFO to see it.
	const keys, batch = 200000, 1000
	for i := 0; i < keys; i += batch {
		args := []string{"MSET"}
		for j := i; j < i+batch; j++ {
			args = append(args, "key:"+strconv.Itoa(j), "value:"+strconv.Itoa(j))
		}
		if r := c.Do(args...); r.Str != "OK" {
			t.Fatalf("MSET: %v", r)
		}
	}
	info := func() (inProgress bool, procs string) {
		r := c.Do("INFO", "all")
		for _, line := range strings.Split(r.Str, "\r\n") {
			if v, ok := strings.CutPrefix(line, "rdb_bgsave_in_progress:"); ok {
				inProgress = v == "1"
			}
			if v, ok := strings.CutPrefix(line, "go_maxprocs:"); ok {
				procs = v
			}
		}
		if procs == "" {
			t.Fatalf("INFO all has no go_maxprocs:\n%s", r.Str)
		}
		return inProgress, procs
	}
	if _, procs := info(); procs != strconv.Itoa(normal) {
		t.Fatalf("before any save: go_maxprocs %s, want %d (%d CPUs)", procs, normal, cpus)
	}
	seen := 0
	deadline := time.Now().Add(60 * time.Second)
	for attempt := 0; attempt < 20 && seen == 0; attempt++ {
		if r := c.Do("BGSAVE"); r.Str != "Background saving started" {
			t.Fatalf("BGSAVE: %v", r)
		}
		for {
			inProgress, procs := info()
			if !inProgress {
				// Ended: the P is given back in the same step.
				if procs != strconv.Itoa(normal) {
					t.Fatalf("after the save: go_maxprocs %s, want %d (%d CPUs)", procs, normal, cpus)
				}
				break
			}
			seen++
			if procs != strconv.Itoa(saving) {
				t.Fatalf("during the save: go_maxprocs %s, want %d (%d CPUs)", procs, saving, cpus)
			}
			if time.Now().After(deadline) {
				t.Fatal("the save did not end within 60 s")
			}
		}
	}
	if seen == 0 {
		t.Fatal("no INFO reply caught a save in progress in 20 saves")
	}
}
