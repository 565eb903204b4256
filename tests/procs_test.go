package tests

import (
	"os"
	"runtime"
	"strconv"
	"testing"
)

// TestMaxProcsFollowAppendfsync: without a GOMAXPROCS environment variable
// the server runs on half the CPUs (at least one), and on at least two
// while appendfsync always is in effect (server/procs.go), switching as
// CONFIG SET changes the policy. INFO go_maxprocs shows the setting.
func TestMaxProcsFollowAppendfsync(t *testing.T) {
	if os.Getenv("GOMAXPROCS") != "" {
		t.Skip("GOMAXPROCS is set: the server inherits it and does not tune")
	}
	cpus := runtime.GOMAXPROCS(0) // the runtime's default here, as in the server
	other := max(1, cpus/2)
	always := other
	if cpus >= 2 && always < 2 {
		always = 2
	}
	h := StartServer(t, Options{Args: []string{"--appendonly", "yes", "--appendfsync", "always"}})
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
