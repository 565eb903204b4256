package tests

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// waitNoSave polls INFO persistence until no background save runs.
func waitNoSave(t *testing.T, c *redis.Client) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		info := c.Info(Ctx(t), "persistence").Val()
		if strings.Contains(info, "rdb_bgsave_in_progress:0") && strings.Contains(info, "aof_rewrite_in_progress:0") {
			return info
		}
		if time.Now().After(deadline) {
			t.Fatalf("background save still running:\n%s", info)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestBGSaveAndRestartWithoutLog: with the log off, BGSAVE writes a
// snapshot that the next start loads alone, TTLs and every type included.
func TestBGSaveAndRestartWithoutLog(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no", "--save", ""}})
	c := h.Client(t)
	randomWrites(t, c, 11, 2000)
	c.Do(Ctx(t), "JSON.SET", "doc", "$", `{"a":[1,2]}`)
	c.FunctionLoad(Ctx(t), "#!lua name=snaplib\nredis.register_function('snapf', function() return 7 end)")
	before := dumpDataset(t, c)
	if v := c.BgSave(Ctx(t)).Val(); v != "Background saving started" {
		t.Fatalf("BGSAVE: %q", v)
	}
	info := waitNoSave(t, c)
	if !strings.Contains(info, "rdb_last_bgsave_status:ok") || !strings.Contains(info, "rdb_saves:1") {
		t.Fatalf("INFO after BGSAVE:\n%s", info)
	}
	if last := c.LastSave(Ctx(t)).Val(); time.Since(time.Unix(last, 0)) > time.Minute {
		t.Fatalf("LASTSAVE %d", last)
	}
	if _, err := os.Stat(filepath.Join(h.Dir, "dump.aikv")); err != nil {
		t.Fatal(err)
	}
	h.Kill()
	h.Restart(t)
	c = h.Client(t)
	if after := dumpDataset(t, c); after != before {
		t.Fatalf("dataset differs after loading the snapshot:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if v := c.Do(Ctx(t), "FCALL", "snapf", 0).Val(); v != int64(7) {
		t.Fatalf("function after snapshot load: %v", v)
	}
}

// TestBGRewriteAOFUnderWrites: writers keep going while BGREWRITEAOF
// writes the new base and drops the log records it covers; after a
// SIGKILL the restart (base + the log's tail) equals the dataset.
func TestBGRewriteAOFUnderWrites(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "yes", "--save", ""}})
	c := h.Client(t)
	for i := 0; i < 20000; i++ {
		c.Set(Ctx(t), "pre"+strconv.Itoa(i), i, 0)
	}
	sizeBefore := aofSize(t, c)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			wc := redis.NewClient(&redis.Options{Addr: h.Addr, DisableIdentity: true})
			defer wc.Close()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				k := "pre" + strconv.Itoa((w*7919+i)%20000)
				wc.Incr(Ctx(t), k)
				wc.RPush(Ctx(t), "list"+strconv.Itoa(w), i)
			}
		}(w)
	}
	time.Sleep(100 * time.Millisecond)
	if v := c.BgRewriteAOF(Ctx(t)).Val(); v != "Background append only file rewriting started" {
		t.Fatalf("BGREWRITEAOF: %q", v)
	}
	waitNoSave(t, c)
	time.Sleep(100 * time.Millisecond)
	close(stop)
	wg.Wait()
	if after := aofSize(t, c); after >= sizeBefore {
		t.Logf("log size %d -> %d (writers kept appending)", sizeBefore, after)
	}
	before := dumpDataset(t, c)
	h.Kill()
	h.Restart(t)
	if after := dumpDataset(t, h.Client(t)); after != before {
		t.Fatal("dataset differs after restart from the rewritten base and the log tail")
	}
}

func aofSize(t *testing.T, c *redis.Client) int64 {
	t.Helper()
	for _, line := range strings.Split(c.Info(Ctx(t), "persistence").Val(), "\r\n") {
		if v, ok := strings.CutPrefix(line, "aof_current_size:"); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	t.Fatal("no aof_current_size in INFO")
	return 0
}

// TestSaveErrors: SAVE during a BGSAVE, BGSAVE twice, SCHEDULE.
func TestSaveCommands(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no", "--save", ""}})
	c := h.Raw(t)
	if r := c.Do("SAVE"); r.Str != "OK" {
		t.Fatalf("SAVE: %v", r)
	}
	if r := c.Do("BGSAVE", "NOW"); r.Str != "ERR syntax error" {
		t.Fatalf("BGSAVE NOW: %v", r)
	}
	if r := c.Do("LASTSAVE"); r.Kind != ':' {
		t.Fatalf("LASTSAVE: %v", r)
	}
}

// TestShutdownSavesWithSavePoints: SHUTDOWN (and SIGTERM) save a snapshot
// when save points are configured; SHUTDOWN NOSAVE does not.
func TestShutdownSavesWithSavePoints(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no", "--save", "3600", "1"}})
	c := h.Client(t)
	c.Set(Ctx(t), "k", "v", 0)
	h.Stop() // SIGINT: like SIGTERM
	h.Restart(t)
	if v := h.Client(t).Get(Ctx(t), "k").Val(); v != "v" {
		t.Fatalf("key after a graceful stop with save points: %q", v)
	}
}
