package tests

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// rdbDataset renders every key of every database as "type encoding value
// expireat", keyed by "db key", reading with pipelines. Stream keys are
// rendered as their type only.
func rdbDataset(t *testing.T, h *Handle) map[string]string {
	t.Helper()
	out := map[string]string{}
	for db := 0; db < 16; db++ {
		c := h.Client(t, func(o *redis.Options) { o.DB = db })
		ctx := Ctx(t)
		var keys []string
		var cursor uint64
		for {
			ks, next, err := c.Scan(ctx, cursor, "*", 1000).Result()
			if err != nil {
				t.Fatal(err)
			}
			keys = append(keys, ks...)
			if cursor = next; cursor == 0 {
				break
			}
		}
		for len(keys) > 0 {
			batch := keys[:min(len(keys), 500)]
			keys = keys[len(batch):]
			types := make([]*redis.StatusCmd, len(batch))
			_, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
				for i, k := range batch {
					types[i] = p.Type(ctx, k)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			vals := make([]redis.Cmder, len(batch))
			encs := make([]*redis.StringCmd, len(batch))
			ats := make([]*redis.Cmd, len(batch))
			_, err = c.Pipelined(ctx, func(p redis.Pipeliner) error {
				for i, k := range batch {
					switch types[i].Val() {
					case "string":
						vals[i] = p.Get(ctx, k)
					case "list":
						vals[i] = p.LRange(ctx, k, 0, -1)
					case "hash":
						vals[i] = p.HGetAll(ctx, k)
					case "set":
						vals[i] = p.SMembers(ctx, k)
					case "zset":
						vals[i] = p.ZRangeWithScores(ctx, k, 0, -1)
					case "ReJSON-RL":
						vals[i] = p.Do(ctx, "JSON.GET", k)
					}
					encs[i] = p.ObjectEncoding(ctx, k)
					ats[i] = p.Do(ctx, "PEXPIRETIME", k)
				}
				return nil
			})
			if err != nil && err != redis.Nil {
				t.Fatal(err)
			}
			for i, k := range batch {
				typ := types[i].Val()
				var val string
				switch v := vals[i].(type) {
				case *redis.StringCmd:
					val = strconv.Quote(v.Val())
				case *redis.StringSliceCmd:
					ms := v.Val()
					if typ == "set" {
						ms = append([]string(nil), ms...)
						sort.Strings(ms)
					}
					val = fmt.Sprintf("%q", ms)
				case *redis.MapStringStringCmd:
					var fs []string
					for f, x := range v.Val() {
						fs = append(fs, strconv.Quote(f)+"="+strconv.Quote(x))
					}
					sort.Strings(fs)
					val = strings.Join(fs, ",")
				case *redis.ZSliceCmd:
					for _, z := range v.Val() {
						val += fmt.Sprintf("%q:%v,", z.Member, z.Score)
					}
				case *redis.Cmd:
					val = fmt.Sprint(v.Val())
				}
				enc := encs[i].Val()
				if typ == "string" || typ == "stream" || typ == "ReJSON-RL" {
					enc = "" // embstr/raw depend on allocation details
				}
				out[fmt.Sprintf("%d %q", db, k)] = fmt.Sprintf("%s %s %s expireat=%v", typ, enc, val, ats[i].Val())
			}
		}
	}
	return out
}

// compareDatasets reports every key that differs (at most 20).
func compareDatasets(t *testing.T, want, got map[string]string, skip func(key, val string) bool) {
	t.Helper()
	if len(want) < 10000 {
		t.Fatalf("the reference dataset has only %d keys", len(want))
	}
	bad := 0
	for k, w := range want {
		if skip != nil && skip(k, w) {
			continue
		}
		if g, ok := got[k]; !ok || g != w {
			if bad++; bad <= 20 {
				t.Errorf("key %s:\n want %.300s\n  got %.300s", k, w, g)
			}
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			if bad++; bad <= 20 {
				t.Errorf("unexpected key %s: %.300s", k, g)
			}
		}
	}
	if bad > 20 {
		t.Errorf("... %d differences in all", bad)
	}
}

func isStream(_, val string) bool { return strings.HasPrefix(val, "stream ") }

// populateEveryEncoding writes every type in every encoding Redis 7.0 has,
// with expiries and several databases.
func populateEveryEncoding(t *testing.T, h *Handle, streams bool) {
	t.Helper()
	ctx := Ctx(t)
	c := h.Client(t)
	do := func(args ...any) {
		t.Helper()
		if err := c.Do(ctx, args...).Err(); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	// Strings: int encodings of every width, LZF-compressible,
	// incompressible, empty, binary, large.
	for i, v := range []string{"hello", "0", "-1", "127", "-128", "128", "32767", "-32768", "65536",
		"2147483647", "-2147483648", "2147483648", "9223372036854775807", "-9223372036854775808",
		"007", "+1", " 1", "12345678901", "", "\x00\xff\r\n", strings.Repeat("a", 10000),
		strings.Repeat("abcdefghij", 3), "1.5", strings.Repeat("x", 21), strings.Repeat("xy", 1000000)} {
		do("SET", fmt.Sprintf("str:%d", i), v)
	}
	// Lists: listpack, multi-node quicklist, ints, a big element.
	do("RPUSH", "list:small", "a", "1", "-5", "100000", "x")
	big := []any{"RPUSH", "list:big"}
	for i := 0; i < 5000; i++ {
		big = append(big, fmt.Sprintf("element-%d", i), i)
	}
	do(big...)
	do("RPUSH", "list:huge-elem", "a", strings.Repeat("z", 20000), "b")
	// Hashes: listpack, hashtable by count and by value length.
	do("HSET", "hash:small", "f1", "v1", "f2", "2", "num", "-123456789")
	hb := []any{"HSET", "hash:big"}
	for i := 0; i < 1000; i++ {
		hb = append(hb, fmt.Sprintf("field%d", i), fmt.Sprintf("value%d", i))
	}
	do(hb...)
	do("HSET", "hash:longval", "f", strings.Repeat("v", 100))
	// Sets: intset (16/32/64-bit), hashtable, big intset -> hashtable.
	do("SADD", "set:int16", 1, 2, 3, -4)
	do("SADD", "set:int32", 1, 100000, -100000)
	do("SADD", "set:int64", 1, "9223372036854775807", "-9223372036854775808")
	do("SADD", "set:str", "a", "b", "c", "1")
	sb := []any{"SADD", "set:bigint"}
	for i := 0; i < 1000; i++ {
		sb = append(sb, i)
	}
	do(sb...)
	// Sorted sets: listpack (int, float, inf scores), skiplist.
	do("ZADD", "zset:small", 1, "a", 2.5, "b", "-inf", "c", "+inf", "d", -3, "e", 0.1, "f", 1e300, "g")
	zb := []any{"ZADD", "zset:big"}
	for i := 0; i < 500; i++ {
		zb = append(zb, float64(i)/7, fmt.Sprintf("m%d", i))
	}
	do(zb...)
	do("ZADD", "zset:longmember", 1, strings.Repeat("m", 100), math.Copysign(0, -1), "negzero")
	// Expiries.
	future := time.Now().Add(time.Hour).UnixMilli()
	for _, k := range []string{"str:0", "list:small", "hash:small", "set:int16", "zset:small", "list:big"} {
		do("PEXPIREAT", k, future)
	}
	// Other databases, and DEBUG POPULATE.
	for db := 1; db <= 3; db++ {
		cd := h.Client(t, func(o *redis.Options) { o.DB = db })
		if err := cd.Set(ctx, fmt.Sprintf("db%d", db), db, 0).Err(); err != nil {
			t.Fatal(err)
		}
		cd.RPush(ctx, "l", "x", db)
		cd.PExpireAt(ctx, "l", time.UnixMilli(future+int64(db)))
	}
	c5 := h.Client(t, func(o *redis.Options) { o.DB = 5 })
	if err := c5.Do(ctx, "DEBUG", "POPULATE", 10000, "pop", 20).Err(); err != nil {
		// AiKv has no DEBUG POPULATE: the same keys by hand.
		p := c5.Pipeline()
		for i := 0; i < 10000; i++ {
			p.Set(ctx, fmt.Sprintf("pop:%d", i), fmt.Sprintf("value:%d", i), 0)
		}
		if _, err := p.Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if streams {
		do("XADD", "stream:1", "*", "f", "v")
		do("XGROUP", "CREATE", "stream:1", "g", "0")
		do("XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "stream:1", ">")
		do("FUNCTION", "LOAD", "#!lua name=rdblib\nredis.register_function('rdbf', function(keys, args) return 1 end)")
	}
}

// redisSave makes a Redis handle write its RDB file and returns the path.
func redisSave(t *testing.T, h *Handle) string {
	t.Helper()
	if err := h.Client(t).Save(Ctx(t)).Err(); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(h.Dir, "dump.rdb")
}

// TestImportRDBFromRedis: a real Redis writes every type and encoding,
// AiKv starts from its RDB file, every key compares equal, the stream is
// reported, and the import survives a restart (it went into the log).
func TestImportRDBFromRedis(t *testing.T) {
	r := StartRedis(t)
	populateEveryEncoding(t, r, true)
	path := redisSave(t, r)
	want := rdbDataset(t, r)

	a := StartServer(t, Options{Args: []string{"--import-rdb", path}})
	got := rdbDataset(t, a)
	compareDatasets(t, want, got, isStream)
	if !strings.Contains(a.Logs(), "stream:1") {
		t.Errorf("the skipped stream key is not named in the log:\n%s", a.Logs())
	}
	ctx := Ctx(t)
	if v, err := a.Client(t).Do(ctx, "FCALL", "rdbf", 0).Result(); err != nil || v != int64(1) {
		t.Errorf("function from the RDB file: %v %v", v, err)
	}
	a.Restart(t) // same flag: the dataset is not empty any more, nothing is imported twice
	compareDatasets(t, want, rdbDataset(t, a), isStream)
	if !strings.Contains(a.Logs(), "import-rdb ignored") {
		t.Errorf("restart with --import-rdb did not say it was ignored")
	}
}

// TestExportRDBToRedis: AiKv's export loads in a real Redis with every key
// equal.
func TestExportRDBToRedis(t *testing.T) {
	a := StartServer(t, Options{})
	populateEveryEncoding(t, a, false)
	want := rdbDataset(t, a)
	a.Stop()
	out := filepath.Join(t.TempDir(), "export.rdb")
	cmd := exec.Command(ServerBinary(t), "--port", strconv.Itoa(FreePort(t)), "--dir", a.Dir, "--export-rdb", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("export: %v\n%s", err, b)
	}
	r := StartRedis(t, "--dir", filepath.Dir(out), "--dbfilename", filepath.Base(out))
	compareDatasets(t, want, rdbDataset(t, r), nil)
	if !strings.Contains(r.Logs(), "DB loaded from disk") {
		t.Errorf("Redis did not load the file:\n%s", r.Logs())
	}
}

// TestDumpRestoreBothWays moves every key of every encoding from Redis to
// AiKv and back with DUMP/RESTORE, and checks that the payloads AiKv
// writes are byte for byte Redis's where the encoding is deterministic.
func TestDumpRestoreBothWays(t *testing.T) {
	r := StartRedis(t)
	a := StartServer(t, Options{})
	populateEveryEncoding(t, r, false)
	want := rdbDataset(t, r)
	ctx := Ctx(t)
	for db := 0; db < 16; db++ {
		rc := r.Client(t, func(o *redis.Options) { o.DB = db })
		ac := a.Client(t, func(o *redis.Options) { o.DB = db })
		keys, err := rc.Keys(ctx, "*").Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			p, err := rc.Dump(ctx, k).Result()
			if err != nil {
				t.Fatal(err)
			}
			ttl := rc.PTTL(ctx, k).Val()
			if ttl < 0 {
				ttl = 0
			}
			at := rc.Do(ctx, "PEXPIRETIME", k).Val().(int64)
			if at < 0 {
				at = 0
			}
			if err := ac.Do(ctx, "RESTORE", k, at, p, "ABSTTL").Err(); err != nil {
				t.Fatalf("RESTORE %q into AiKv: %v", k, err)
			}
			mine := ac.Dump(ctx, k).Val()
			enc := rc.ObjectEncoding(ctx, k).Val()
			if (enc == "int" || enc == "embstr" || enc == "raw" || enc == "intset" || enc == "listpack" && !strings.HasPrefix(k, "list")) && mine != p {
				t.Errorf("DUMP %q (%s) differs from Redis's:\n redis %q\n  aikv %q", k, enc, trim(p), trim(mine))
			}
		}
	}
	compareDatasets(t, want, rdbDataset(t, a), nil)

	// And back: AiKv's payloads into an empty Redis.
	r2 := StartRedis(t)
	for db := 0; db < 16; db++ {
		ac := a.Client(t, func(o *redis.Options) { o.DB = db })
		rc := r2.Client(t, func(o *redis.Options) { o.DB = db })
		keys, _ := ac.Keys(ctx, "*").Result()
		for _, k := range keys {
			p := ac.Dump(ctx, k).Val()
			at := ac.Do(ctx, "PEXPIRETIME", k).Val().(int64)
			if at < 0 {
				at = 0
			}
			if err := rc.Do(ctx, "RESTORE", k, at, p, "ABSTTL").Err(); err != nil {
				t.Fatalf("RESTORE %q into Redis: %v", k, err)
			}
		}
	}
	compareDatasets(t, want, rdbDataset(t, r2), nil)
}

func trim(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// TestRestoreJSONRoundTrip: JSON documents DUMP as RedisJSON module values
// and RESTORE in AiKv; Redis without the module refuses them like any
// unknown module type.
func TestRestoreJSONRoundTrip(t *testing.T) {
	a := StartServer(t, Options{})
	r := StartRedis(t)
	ctx := Ctx(t)
	c := a.Client(t)
	doc := `{"a":[1,2.5,"x",null,true],"b":{"c":"d"}}`
	if err := c.Do(ctx, "JSON.SET", "j", "$", doc).Err(); err != nil {
		t.Fatal(err)
	}
	p := c.Dump(ctx, "j").Val()
	if err := c.Do(ctx, "RESTORE", "j2", 0, p).Err(); err != nil {
		t.Fatal(err)
	}
	if got := c.Do(ctx, "JSON.GET", "j2").Val(); got != c.Do(ctx, "JSON.GET", "j").Val() {
		t.Errorf("JSON after RESTORE: %v", got)
	}
	err := r.Client(t).Do(ctx, "RESTORE", "j", 0, p).Err()
	if err == nil || err.Error() != "ERR Bad data format" {
		t.Errorf("Redis without RedisJSON: %v", err)
	}
}

// TestRestoreLogsAbsoluteTTL: RESTORE with a relative TTL survives a
// restart with the same absolute expiry.
func TestRestoreLogsAbsoluteTTL(t *testing.T) {
	a := StartServer(t, Options{Args: []string{"--appendfsync", "always"}})
	ctx := Ctx(t)
	c := a.Client(t)
	c.Set(ctx, "k", "v", 0)
	p := c.Dump(ctx, "k").Val()
	if err := c.Do(ctx, "RESTORE", "k2", 100000, p).Err(); err != nil {
		t.Fatal(err)
	}
	at := c.Do(ctx, "PEXPIRETIME", "k2").Val()
	time.Sleep(20 * time.Millisecond)
	a.Restart(t)
	c = a.Client(t)
	if got := c.Do(ctx, "PEXPIRETIME", "k2").Val(); got != at {
		t.Errorf("expiry after restart %v, want %v", got, at)
	}
	if got := c.Get(ctx, "k2").Val(); got != "v" {
		t.Errorf("value after restart %q", got)
	}
}

// TestMigrate moves keys between AiKv and Redis in both directions, and
// between two AiKv servers with KEYS, COPY, REPLACE and AUTH.
func TestMigrate(t *testing.T) {
	ctx := Ctx(t)
	a := StartServer(t, Options{})
	r := StartRedis(t, "--requirepass", "secret")
	ac := a.Client(t)
	rc := r.Client(t, func(o *redis.Options) { o.Password = "secret"; o.DB = 2 })
	ac.Set(ctx, "s", "v", time.Hour)
	ac.RPush(ctx, "l", "a", "b")
	ac.HSet(ctx, "h", "f", "v")
	mig := func(c *redis.Client, args ...any) (any, error) {
		return c.Do(ctx, append([]any{"MIGRATE"}, args...)...).Result()
	}
	// AiKv -> Redis, KEYS form with AUTH.
	if v, err := mig(ac, "127.0.0.1", r.Port, "", 2, 5000, "AUTH", "secret", "KEYS", "s", "l", "nokey"); err != nil || v != "OK" {
		t.Fatalf("MIGRATE to Redis: %v %v", v, err)
	}
	if n := ac.Exists(ctx, "s", "l").Val(); n != 0 {
		t.Errorf("migrated keys still in the source: %d", n)
	}
	if rc.Get(ctx, "s").Val() != "v" || rc.LLen(ctx, "l").Val() != 2 || rc.PTTL(ctx, "s").Val() <= 0 {
		t.Errorf("keys in Redis: %v %v %v", rc.Get(ctx, "s").Val(), rc.LLen(ctx, "l").Val(), rc.PTTL(ctx, "s").Val())
	}
	// Target already has the key: BUSYKEY comes back; REPLACE overwrites.
	ac.Set(ctx, "s", "new", 0)
	_, err := mig(ac, "127.0.0.1", r.Port, "s", 2, 5000, "AUTH2", "default", "secret")
	if err == nil || err.Error() != "ERR Target instance replied with error: BUSYKEY Target key name already exists." {
		t.Errorf("MIGRATE onto an existing key: %v", err)
	}
	if v, err := mig(ac, "127.0.0.1", r.Port, "s", 2, 5000, "COPY", "REPLACE", "AUTH", "secret"); err != nil || v != "OK" {
		t.Fatalf("MIGRATE COPY REPLACE: %v %v", v, err)
	}
	if rc.Get(ctx, "s").Val() != "new" || ac.Get(ctx, "s").Val() != "new" {
		t.Errorf("COPY REPLACE: redis %q aikv %q", rc.Get(ctx, "s").Val(), ac.Get(ctx, "s").Val())
	}
	// Wrong password: the target's error.
	if _, err := mig(ac, "127.0.0.1", r.Port, "h", 0, 5000, "AUTH", "bad"); err == nil ||
		!strings.HasPrefix(err.Error(), "ERR Target instance replied with error: WRONGPASS") {
		t.Errorf("MIGRATE with a bad password: %v", err)
	}
	// Redis -> AiKv.
	if v, err := mig(rc, "127.0.0.1", a.Port, "l", 3, 5000); err != nil || v != "OK" {
		t.Fatalf("MIGRATE from Redis: %v %v", v, err)
	}
	a3 := a.Client(t, func(o *redis.Options) { o.DB = 3 })
	if got := a3.LRange(ctx, "l", 0, -1).Val(); fmt.Sprint(got) != "[a b]" {
		t.Errorf("list migrated from Redis: %v", got)
	}
	// AiKv -> AiKv.
	b := StartServer(t, Options{})
	if v, err := mig(ac, "127.0.0.1", b.Port, "h", 0, 5000); err != nil || v != "OK" {
		t.Fatalf("MIGRATE AiKv to AiKv: %v %v", v, err)
	}
	if b.Client(t).HGet(ctx, "h", "f").Val() != "v" || ac.Exists(ctx, "h").Val() != 0 {
		t.Errorf("hash not moved")
	}
	// Nothing listening.
	if _, err := mig(ac, "127.0.0.1", FreePort(t), "s", 0, 500); err == nil ||
		err.Error() != "IOERR error or timeout writing to target instance" {
		t.Errorf("MIGRATE to a closed port: %v", err)
	}
}

var loadedRe = regexp.MustCompile(`DB loaded from disk: ([0-9.]+) seconds`)

// TestImportSpeed reports how fast AiKv imports a 1M-key file compared
// with Redis loading the same file (not a pass/fail check). Run with
// AIKV_RDB_SPEED=1.
func TestImportSpeed(t *testing.T) {
	if os.Getenv("AIKV_RDB_SPEED") == "" {
		t.Skip("set AIKV_RDB_SPEED=1 to measure import speed")
	}
	r := StartRedis(t)
	ctx := context.Background()
	n := 1000000
	if err := r.Client(t).Do(ctx, "DEBUG", "POPULATE", n, "key", 20).Err(); err != nil {
		t.Fatal(err)
	}
	path := redisSave(t, r)
	r.Stop()
	r2 := StartRedis(t, "--dir", filepath.Dir(path), "--dbfilename", filepath.Base(path))
	m := loadedRe.FindStringSubmatch(r2.Logs())
	a := StartServer(t, Options{Args: []string{"--import-rdb", path, "--appendonly", "no"}})
	am := regexp.MustCompile(`msg="DB loaded from RDB file".* seconds=([0-9.e-]+)`).FindStringSubmatch(a.Logs())
	if m == nil || am == nil {
		t.Fatalf("no load times in the logs:\n%s\n%s", r2.Logs(), a.Logs())
	}
	rs, _ := strconv.ParseFloat(m[1], 64)
	as, _ := strconv.ParseFloat(am[1], 64)
	t.Logf("%d keys: Redis loads in %.3fs (%.0f keys/s), AiKv imports in %.3fs (%.0f keys/s)",
		n, rs, float64(n)/rs, as, float64(n)/as)
}

// checkBinary builds aikv-check once per test binary.
func checkBinary(t *testing.T) string {
	t.Helper()
	checkOnce.Do(func() {
		dir, err := os.MkdirTemp("", "aikv-check-bin-")
		if err != nil {
			checkErr = err
			return
		}
		checkPath = filepath.Join(dir, "aikv-check")
		cmd := exec.Command("go", "build", "-o", checkPath, "./cmd/aikv-check")
		cmd.Dir = repoRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			checkErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if checkErr != nil {
		t.Fatal(checkErr)
	}
	return checkPath
}

var (
	checkOnce sync.Once
	checkPath string
	checkErr  error
)

// TestCheckImportExportRDB: aikv-check converts a Redis RDB file into a
// snapshot AiKv starts from, and that snapshot back into an RDB file
// Redis loads; every key compares equal along the way.
func TestCheckImportExportRDB(t *testing.T) {
	r := StartRedis(t)
	populateEveryEncoding(t, r, true)
	path := redisSave(t, r)
	want := rdbDataset(t, r)

	dir := t.TempDir()
	snap := filepath.Join(dir, "snap.aikv")
	out, err := exec.Command(checkBinary(t), "import", path, "--out", snap).CombinedOutput()
	if code := exitCode(err); code != 1 || !strings.Contains(string(out), `skipping key "stream:1" in db 0`) {
		t.Fatalf("aikv-check import: status %d\n%s", code, out)
	}
	a := StartServer(t, Options{Dir: dir, Args: []string{"--appendonly", "no", "--dbfilename", "snap.aikv"}})
	compareDatasets(t, want, rdbDataset(t, a), isStream)
	if v, err := a.Client(t).Do(Ctx(t), "FCALL", "rdbf", 0).Result(); err != nil || v != int64(1) {
		t.Errorf("function through the snapshot: %v %v", v, err)
	}
	a.Stop()

	rdbOut := filepath.Join(t.TempDir(), "back.rdb")
	if out, err := exec.Command(checkBinary(t), "export", snap, "--format", "rdb", "--out", rdbOut).CombinedOutput(); err != nil {
		t.Fatalf("aikv-check export: %v\n%s", err, out)
	}
	r2 := StartRedis(t, "--dir", filepath.Dir(rdbOut), "--dbfilename", filepath.Base(rdbOut))
	compareDatasets(t, want, rdbDataset(t, r2), isStream)
	if v, err := r2.Client(t).Do(Ctx(t), "FCALL", "rdbf", 0).Result(); err != nil || v != int64(1) {
		t.Errorf("function back in Redis: %v %v", v, err)
	}
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}
