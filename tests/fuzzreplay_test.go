package tests

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// fuzzJSON generates JSON commands for the metamorphic stream (AiKv
// only: Redis 7.0 has no JSON without the module).
func (g *fuzzGen) fuzzJSON() []string {
	key := g.pick("k0", "k1", "j0", "j1", "j2")
	switch g.n(8) {
	case 0, 1:
		doc := g.pick(`{"a":1,"b":[1,2,3],"c":{"d":"x"}}`, `[1,"two",null,true,2.5]`, `"str"`, `{"n":-0.5e3}`, `{}`)
		return cat("JSON.SET", key, "$", doc, g.opt(20, g.pick("NX", "XX")))
	case 2:
		return cat("JSON.SET", key, g.pick("$.a", "$.e", "$.c.d"), g.pick("7", `"v"`, `[1]`, `{"z":null}`))
	case 3:
		return cat("JSON.NUMINCRBY", key, g.pick("$.a", "$..n", "$[4]"), g.pick("1", "-2.5", "1e3"))
	case 4:
		return cat("JSON.ARRAPPEND", key, g.pick("$.b", "$"), g.pick("4", `"s"`, `{"k":1}`))
	case 5:
		return cat("JSON.DEL", key, g.pick("$.a", "$.b[0]", "$"))
	case 6:
		return cat("JSON.STRAPPEND", key, g.pick("$.c.d", "$"), `"++"`)
	}
	return cat("JSON.TOGGLE", key, "$[3]")
}

// replayArm is one way of persisting and reloading the metamorphic stream.
type replayArm struct {
	name string
	args []string // server flags
	// mid is sent (on a second connection) after half of the stream,
	// end after all of it; background jobs are waited for before the
	// dataset is dumped.
	mid, end string
	kill     bool // stop with SIGKILL instead of SIGTERM
	// snapshot and log say what the restart must load (its log lines).
	snapshot, log bool
	// info lists INFO persistence fields the run must end with.
	info []string
}

var replayArms = []replayArm{
	{name: "log/graceful", args: []string{"--appendonly", "yes", "--appendfsync", "always"}, log: true},
	{name: "log/kill", args: []string{"--appendonly", "yes", "--appendfsync", "always"}, kill: true, log: true},
	// BGSAVE with the log on writes the log's base; the records after it
	// stay in the log: restart = base + the rest of the log.
	{name: "bgsave-mid/kill", args: []string{"--appendonly", "yes", "--appendfsync", "always"}, mid: "BGSAVE",
		kill: true, snapshot: true, log: true, info: []string{"rdb_last_bgsave_status:ok"}},
	// BGREWRITEAOF drops the records its base covers: base + log tail.
	{name: "rewrite-mid/kill", args: []string{"--appendonly", "yes", "--appendfsync", "everysec"}, mid: "BGREWRITEAOF",
		kill: true, snapshot: true, log: true, info: []string{"aof_last_bgrewrite_status:ok", "aof_rewrites:1"}},
	// Rewritten at the end: the base alone, an empty tail.
	{name: "rewrite-end/graceful", args: []string{"--appendonly", "yes", "--appendfsync", "always"}, end: "BGREWRITEAOF",
		snapshot: true, log: true, info: []string{"aof_last_bgrewrite_status:ok", "aof_rewrites:1"}},
	// No log: the snapshot SAVE wrote, alone.
	{name: "save-nolog/kill", args: []string{"--appendonly", "no"}, end: "SAVE", kill: true, snapshot: true,
		info: []string{"rdb_last_bgsave_status:ok", "aof_enabled:0"}},
}

// TestFuzzReplayMetamorphic: the fuzz stream (every shared command, plus
// JSON) run live on AiKv, then the server restarted from what it
// persisted, yields the identical dataset (every key, type, value and
// absolute expiry in every database, and the function libraries) whatever the path: the log only
// (after a graceful stop and after SIGKILL), a snapshot taken in the
// middle of the stream plus the log after it (BGSAVE, BGREWRITEAOF), the
// log rewritten into a base at the end, and a snapshot alone without the
// log (SAVE). Save points are off so only the stream's own saves happen.
//
// By default each arm runs one seed (the arms alternate 101 and 102);
// AIKV_REPLAY_SEEDS=N runs every arm with N seeds from AIKV_FUZZ_SEED
// (default 101), AIKV_REPLAY_LEN sets the stream length (default 1500):
// make torture runs a longer version.
func TestFuzzReplayMetamorphic(t *testing.T) {
	first, nseeds, length := uint64(101), 0, 1500
	if s := os.Getenv("AIKV_FUZZ_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("AIKV_FUZZ_SEED: %v", err)
		}
		first, nseeds = n, 1
	}
	if s := os.Getenv("AIKV_REPLAY_SEEDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("AIKV_REPLAY_SEEDS=%q: want a positive count", s)
		}
		nseeds = n
	}
	if s := os.Getenv("AIKV_REPLAY_LEN"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 10 {
			t.Fatalf("AIKV_REPLAY_LEN=%q: want a length of at least 10", s)
		}
		length = n
	}
	for i, arm := range replayArms {
		seeds := []uint64{first + uint64(i%2)}
		if nseeds > 0 {
			seeds = seeds[:0]
			for j := 0; j < nseeds; j++ {
				seeds = append(seeds, first+uint64(j))
			}
		}
		for _, seed := range seeds {
			t.Run(arm.name+"/"+strconv.FormatUint(seed, 10), func(t *testing.T) {
				runReplayArm(t, arm, seed, length)
			})
		}
	}
}

func runReplayArm(t *testing.T, arm replayArm, seed uint64, length int) {
	h := StartServer(t, Options{Args: append([]string{"--save", ""}, arm.args...)})
	c, err := dialFuzz(h.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	// Persistence commands go on their own connection: the stream's
	// may be inside MULTI.
	admin := h.Raw(t)
	if _, err := c.do("FUNCTION", "LOAD", fuzzLibrary); err != nil {
		t.Fatal(err)
	}
	sendAdmin := func(cmd string) {
		if cmd == "" {
			return
		}
		r := admin.Do(cmd)
		if r.IsError() {
			t.Fatalf("%s: %v", cmd, r)
		}
	}
	g := newFuzzGen(seed)
	var applied []string
	for i := 0; i < length; i++ {
		if i == length/2 {
			sendAdmin(arm.mid)
			applied = append(applied, "# "+arm.mid+" (another connection)")
		}
		var args []string
		if g.chance(8) {
			args = g.fuzzJSON()
		} else {
			var name string
			name, args = g.next()
			switch name {
			case "flushall", "flushdb", "function|flush", "function|delete":
				continue // keep the dataset large and the library loaded
			case "subscribe", "psubscribe", "ssubscribe":
				continue // a RESP2 subscriber can run no more writes
			}
		}
		if _, err := c.do(args...); err != nil {
			t.Fatalf("%s: %v", quoteCLI(args), err)
		}
		applied = append(applied, quoteCLI(args))
	}
	sendAdmin(arm.end)
	// Wait for background saves and rewrites (also one scheduled behind
	// another) to end.
	deadline := time.Now().Add(60 * time.Second)
	var info string
	for {
		info = admin.Do("INFO", "persistence").Str
		if strings.Contains(info, "rdb_bgsave_in_progress:0") && strings.Contains(info, "aof_rewrite_in_progress:0") &&
			strings.Contains(info, "aof_rewrite_scheduled:0") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("background save still running after 60s:\n%s", info)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, f := range arm.info {
		if !strings.Contains(info, f+"\r\n") {
			t.Fatalf("INFO persistence lacks %s:\n%s", f, info)
		}
	}
	funcsBefore := admin.Do("FUNCTION", "LIST", "WITHCODE").String()
	rc := redis.NewClient(&redis.Options{Addr: h.Addr, PoolSize: 1, DisableIdentity: true})
	before := dumpDataset(t, rc)
	rc.Close()
	if strings.Count(before, "\n") < 5 {
		t.Fatalf("the stream left too small a dataset:\n%s", before)
	}
	if !strings.Contains(before, "ReJSON-RL") || !regexp.MustCompile(`expireat=\d`).MatchString(before) {
		t.Fatalf("the stream left no JSON document or no expiry:\n%s", before)
	}
	if arm.kill {
		h.Kill()
	} else {
		h.Stop()
	}
	h.Restart(t)
	after := dumpDataset(t, h.Client(t))
	logs := h.Logs()
	if got := strings.Contains(logs, "DB loaded from snapshot"); got != arm.snapshot {
		t.Errorf("restart loaded a snapshot: %v, want %v; logs:\n%s", got, arm.snapshot, logs)
	}
	if got := strings.Contains(logs, "DB loaded from append only file"); got != arm.log {
		t.Errorf("restart replayed the log: %v, want %v; logs:\n%s", got, arm.log, logs)
	}
	if funcs := h.Raw(t).Do("FUNCTION", "LIST", "WITHCODE").String(); funcs != funcsBefore {
		t.Errorf("function libraries differ after restart:\nbefore: %s\nafter:  %s", funcsBefore, funcs)
	}
	if before != after {
		t.Errorf("dataset differs after restart (%s):\n%s", arm.name, diffLines(before, after))
		t.Logf("the stream (redis-cli lines):\n%s", strings.Join(applied, "\n"))
	}
}

// diffLines lists the lines only in a or only in b.
func diffLines(a, b string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	ma, mb := in(a), in(b)
	var out []string
	for _, l := range strings.Split(a, "\n") {
		if !mb[l] {
			out = append(out, "- "+l)
		}
	}
	for _, l := range strings.Split(b, "\n") {
		if !ma[l] {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}
