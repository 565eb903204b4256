package tests

import (
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestFuzzCoversEveryCommand: every command AiKv and Redis 7.0 both have
// (COMMAND LIST, subcommands included) has a generator or a reason to be
// left out, so a new command cannot escape the fuzzer unnoticed.
func TestFuzzCoversEveryCommand(t *testing.T) {
	redis := StartRedis(t)
	aikv := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	list := func(h *Handle) map[string]bool {
		rep := h.Raw(t).Do("COMMAND", "LIST")
		out := map[string]bool{}
		for _, e := range rep.Elems {
			out[e.Str] = true
		}
		if len(out) < 100 {
			t.Fatalf("COMMAND LIST: %s", rep)
		}
		return out
	}
	a, r := list(aikv), list(redis)
	var missing []string
	for name := range a {
		if !r[name] {
			continue
		}
		_, gen := fuzzCommands[name]
		_, ex := fuzzExcluded[name]
		if !gen && !ex {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("commands with neither a generator (tests/fuzzgen.go fuzzCommands) nor a reason in fuzzExcluded: %s",
			strings.Join(missing, " "))
	}
	for name := range fuzzCommands {
		if !a[name] || !r[name] {
			t.Errorf("fuzzCommands has %q, which is not in both servers' COMMAND LIST", name)
		}
	}
}

// TestFuzzDifferential runs seeded random command streams over every
// shared command against AiKv and real Redis side by side and compares
// every reply. On a mismatch it shrinks the stream and prints the minimal
// reproducing sequence as redis-cli lines.
//
// The short run (fixed seeds, a few seconds) is part of `make test`. The
// long run is `make fuzz-diff SEED=n DURATION=10m`: seeds n, n+1, ... until
// the duration is up (AIKV_FUZZ_SEED, AIKV_FUZZ_DURATION; AIKV_FUZZ_LEN
// sets the stream length).
func TestFuzzDifferential(t *testing.T) {
	redis := StartRedis(t)
	aikv := StartServer(t, Options{Args: []string{"--appendonly", "no"}})

	first, last := uint64(1), uint64(8)
	var until time.Time
	if s := os.Getenv("AIKV_FUZZ_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("AIKV_FUZZ_SEED: %v", err)
		}
		first, last = n, n
	}
	if s := os.Getenv("AIKV_FUZZ_DURATION"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatalf("AIKV_FUZZ_DURATION: %v", err)
		}
		until = time.Now().Add(d)
		last = ^uint64(0)
	}
	length := 400
	if s := os.Getenv("AIKV_FUZZ_LEN"); s != "" {
		length, _ = strconv.Atoi(s)
	}

	maxFail := 5
	if s := os.Getenv("AIKV_FUZZ_MAXFAIL"); s != "" {
		maxFail, _ = strconv.Atoi(s)
	}
	failures, total := 0, 0
	for seed := first; seed <= last; seed++ {
		if !until.IsZero() && time.Now().After(until) {
			break
		}
		resp3 := seed%3 == 0
		g := newFuzzGen(seed)
		steps := make([]fuzzStep, length)
		for i := range steps {
			steps[i].name, steps[i].args = g.next()
		}
		p, err := fuzzSession(aikv.Addr, redis.Addr, resp3)
		if err != nil {
			t.Fatal(err)
		}
		m := p.run(steps)
		p.close()
		total += length
		if m == nil {
			continue
		}
		t.Logf("seed %d: mismatch at command %d (%s): aikv %s, redis %s; shrinking", seed, m.index+1,
			quoteCLI(steps[m.index].args), m.aikv, m.redis)
		sh := &fuzzShrinker{aikvAddr: aikv.Addr, redisAddr: redis.Addr, resp3: resp3,
			budget: 400, deadline: time.Now().Add(90 * time.Second)}
		min, mm := sh.shrink(steps, m)
		t.Error(fuzzReport(seed, resp3, min, mm))
		if failures++; failures >= maxFail {
			t.Fatal("too many mismatching seeds")
		}
		if m.note == "connection error" {
			t.Fatalf("a server stopped answering; AiKv's log:\n%s", aikv.Logs())
		}
	}
	t.Logf("%d commands compared over seeds %d..", total, first)
}
