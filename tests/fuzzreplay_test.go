package tests

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

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

// TestFuzzReplayMetamorphic: the fuzz stream (every shared command, plus
// JSON) run live on AiKv with the log on, then the server restarted from
// the log only (after a graceful stop and after SIGKILL with appendfsync
// always), yields the identical dataset: every key, type, value and
// absolute expiry in every database.
func TestFuzzReplayMetamorphic(t *testing.T) {
	seeds := []uint64{101, 102}
	length := 1500
	if s := os.Getenv("AIKV_FUZZ_SEED"); s != "" {
		n, _ := strconv.ParseUint(s, 10, 64)
		seeds = []uint64{n}
	}
	for _, seed := range seeds {
		for _, stop := range []string{"graceful", "kill"} {
			t.Run(strconv.FormatUint(seed, 10)+"/"+stop, func(t *testing.T) {
				h := StartServer(t, Options{Args: []string{"--appendonly", "yes", "--appendfsync", "always"}})
				c, err := dialFuzz(h.Addr)
				if err != nil {
					t.Fatal(err)
				}
				defer c.close()
				if _, err := c.do("FUNCTION", "LOAD", fuzzLibrary); err != nil {
					t.Fatal(err)
				}
				g := newFuzzGen(seed)
				var applied []string
				for i := 0; i < length; i++ {
					var args []string
					if g.chance(8) {
						args = g.fuzzJSON()
					} else {
						var name string
						name, args = g.next()
						if name == "flushall" || name == "flushdb" {
							continue // keep the dataset large
						}
					}
					if _, err := c.do(args...); err != nil {
						t.Fatalf("%s: %v", quoteCLI(args), err)
					}
					applied = append(applied, quoteCLI(args))
				}
				c.do("SELECT", "0")
				rc := redis.NewClient(&redis.Options{Addr: h.Addr, PoolSize: 1, DisableIdentity: true})
				before := dumpDataset(t, rc)
				rc.Close()
				if strings.Count(before, "\n") < 5 {
					t.Fatalf("the stream left too small a dataset:\n%s", before)
				}
				if !strings.Contains(before, "ReJSON-RL") || !regexp.MustCompile(`expireat=\d`).MatchString(before) {
					t.Fatalf("the stream left no JSON document or no expiry:\n%s", before)
				}
				if stop == "kill" {
					h.Kill()
				}
				h.Restart(t)
				after := dumpDataset(t, h.Client(t))
				if before != after {
					t.Errorf("dataset differs after restart from the log (%s):\n%s", stop, diffLines(before, after))
					t.Logf("the stream (redis-cli lines):\n%s", strings.Join(applied, "\n"))
				}
			})
		}
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
