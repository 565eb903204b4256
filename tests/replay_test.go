package tests

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// dumpDataset renders every key of every database (type, value, absolute
// expiry in ms) canonically, for before/after comparisons. Every type is
// rendered, JSON documents by JSON.GET key $; an unknown type fails.
func dumpDataset(t *testing.T, c *redis.Client) string {
	t.Helper()
	ctx := Ctx(t)
	var lines []string
	for db := 0; db < 16; db++ {
		if err := c.Do(ctx, "SELECT", db).Err(); err != nil {
			t.Fatal(err)
		}
		keys, err := c.Keys(ctx, "*").Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			typ := c.Type(ctx, k).Val()
			var val string
			switch typ {
			case "string":
				val = c.Get(ctx, k).Val()
			case "list":
				val = strings.Join(c.LRange(ctx, k, 0, -1).Val(), ",")
			case "hash":
				m := c.HGetAll(ctx, k).Val()
				var fs []string
				for f, v := range m {
					fs = append(fs, f+"="+v)
				}
				sort.Strings(fs)
				val = strings.Join(fs, ",")
			case "set":
				ms := c.SMembers(ctx, k).Val()
				sort.Strings(ms)
				val = strings.Join(ms, ",")
			case "zset":
				for _, z := range c.ZRangeWithScores(ctx, k, 0, -1).Val() {
					val += fmt.Sprintf("%v:%v,", z.Member, z.Score)
				}
			case "ReJSON-RL":
				val = fmt.Sprint(c.Do(ctx, "JSON.GET", k, "$").Val())
			default:
				t.Fatalf("dumpDataset: key %q has type %q, which it cannot render", k, typ)
			}
			at := c.Do(ctx, "PEXPIRETIME", k).Val()
			lines = append(lines, fmt.Sprintf("%d %q %s %q expireat=%v", db, k, typ, val, at))
		}
	}
	c.Do(ctx, "SELECT", 0)
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// randomWrites applies a seeded random stream of writes over every type,
// including commands that are logged in another form (SET EX, EXPIRE,
// INCRBYFLOAT, SPOP, blocking pops with data present, SETRANGE...).
func randomWrites(t *testing.T, c *redis.Client, seed uint64, n int) {
	t.Helper()
	ctx := Ctx(t)
	r := rand.New(rand.NewPCG(seed, seed^0x9e37))
	key := func(prefix string) string { return prefix + strconv.Itoa(r.IntN(20)) }
	val := func() string { return strconv.Itoa(r.IntN(1000)) }
	for i := 0; i < n; i++ {
		var args []any
		switch r.IntN(24) {
		case 0:
			args = []any{"SET", key("s"), val()}
		case 1:
			args = []any{"SET", key("s"), val(), "EX", 100 + r.IntN(1000)}
		case 2:
			args = []any{"INCRBYFLOAT", key("f"), "1.5"}
		case 3:
			args = []any{"APPEND", key("s"), val()}
		case 4:
			args = []any{"SETRANGE", key("s"), r.IntN(10), val()}
		case 5:
			args = []any{"RPUSH", key("l"), val(), val()}
		case 6:
			args = []any{"LPOP", key("l")}
		case 7:
			args = []any{"LMOVE", key("l"), key("l"), "LEFT", "RIGHT"}
		case 8:
			args = []any{"HSET", key("h"), val(), val()}
		case 9:
			args = []any{"HINCRBYFLOAT", key("h"), "f", "0.25"}
		case 10:
			args = []any{"HDEL", key("h"), val()}
		case 11:
			args = []any{"SADD", key("t"), val(), val(), val()}
		case 12:
			args = []any{"SPOP", key("t")}
		case 13:
			args = []any{"SPOP", key("t"), 2}
		case 14:
			args = []any{"ZADD", key("z"), r.Float64() * 100, val()}
		case 15:
			args = []any{"ZINCRBY", key("z"), "2.5", val()}
		case 16:
			args = []any{"ZPOPMIN", key("z")}
		case 17:
			args = []any{"EXPIRE", key("l"), 500 + r.IntN(500)}
		case 18:
			args = []any{"PERSIST", key("l")}
		case 19:
			args = []any{"DEL", key("s")}
		case 20:
			args = []any{"RENAME", key("h"), key("h")}
		case 21:
			args = []any{"SELECT", r.IntN(3)}
		case 22:
			args = []any{"BLPOP", key("l"), "0.01"}
		case 23:
			args = []any{"INCRBY", key("i"), r.IntN(100)}
		}
		c.Do(ctx, args...) // errors (wrong type, no such key) are part of the stream
	}
	c.Do(ctx, "SELECT", 0)
}

// TestReplayRoundTrip: the dataset after a restart from the log equals the
// dataset before, for a random stream over every type, after a graceful
// stop and after SIGKILL.
func TestReplayRoundTrip(t *testing.T) {
	for _, stop := range []string{"graceful", "kill"} {
		t.Run(stop, func(t *testing.T) {
			h := StartServer(t, Options{Args: []string{"--appendonly", "yes", "--appendfsync", "everysec"}})
			c := redis.NewClient(&redis.Options{Addr: h.Addr, PoolSize: 1, DisableIdentity: true})
			randomWrites(t, c, 42, 3000)
			before := dumpDataset(t, c)
			c.Close()
			if stop == "kill" {
				h.Kill()
			}
			h.Restart(t)
			after := dumpDataset(t, h.Client(t))
			if before != after {
				t.Fatalf("dataset differs after restart:\nbefore:\n%s\nafter:\n%s", before, after)
			}
			if len(before) == 0 {
				t.Fatal("random stream produced an empty dataset")
			}
		})
	}
}

// TestTornTailIsRepaired: junk after the last whole record (a crash in the
// middle of a write) is cut with a warning, and the server starts with
// everything before it.
func TestTornTailIsRepaired(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "yes"}})
	c := h.Client(t)
	for i := 0; i < 100; i++ {
		c.Set(Ctx(t), "k"+strconv.Itoa(i), i, 0)
	}
	h.Stop()
	segs, _ := filepath.Glob(filepath.Join(h.Dir, "appendonlydir", "0*"))
	if len(segs) == 0 {
		t.Fatal("no log segments written")
	}
	sort.Strings(segs)
	f, err := os.OpenFile(segs[len(segs)-1], os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte{0x40, 1, 2, 3}) // a record header promising 64 bytes, then nothing
	f.Close()
	h.Restart(t)
	c = h.Client(t)
	if n := c.DBSize(Ctx(t)).Val(); n != 100 {
		t.Fatalf("DBSIZE after repair = %d, want 100; logs:\n%s", n, h.Logs())
	}
	if !strings.Contains(h.Logs(), "torn") && !strings.Contains(strings.ToLower(h.Logs()), "truncat") {
		t.Logf("logs:\n%s", h.Logs())
		t.Fatal("no warning about the cut tail in the logs")
	}
}
