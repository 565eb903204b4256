package tests

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestRedisCliRDB: redis-cli --rdb against AiKv saves an RDB file that a
// real redis-server loads with every key equal, and that aikv-check
// import reads; --functions-rdb saves the libraries alone.
func TestRedisCliRDB(t *testing.T) {
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		t.Skip("redis-cli not installed")
	}
	RedisBinary(t) // skips without redis-server
	a := StartServer(t, Options{})
	populateEveryEncoding(t, a, false)
	if err := a.Client(t).FunctionLoad(Ctx(t), "#!lua name=rdblib\nredis.register_function('rdbf', function(keys, args) return 1 end)").Err(); err != nil {
		t.Fatal(err)
	}
	want := rdbDataset(t, a)
	dir := t.TempDir()
	out := filepath.Join(dir, "cli.rdb")
	if b, err := exec.Command(cli, "-p", strconv.Itoa(a.Port), "--rdb", out).CombinedOutput(); err != nil ||
		!strings.Contains(string(b), "Transfer finished with success") {
		t.Fatalf("redis-cli --rdb: %v\n%s", err, b)
	}
	r := StartRedis(t, "--dir", dir, "--dbfilename", "cli.rdb")
	compareDatasets(t, want, rdbDataset(t, r), nil)
	if v, err := r.Client(t).Do(Ctx(t), "FCALL", "rdbf", 0).Result(); err != nil || v != int64(1) {
		t.Errorf("function through redis-cli --rdb: %v %v", v, err)
	}
	if b, err := exec.Command(checkBinary(t), "import", out, "--out", filepath.Join(dir, "cli.aikv")).CombinedOutput(); err != nil {
		t.Fatalf("aikv-check import of redis-cli's file: %v\n%s", err, b)
	}

	fn := filepath.Join(dir, "functions.rdb")
	if b, err := exec.Command(cli, "-p", strconv.Itoa(a.Port), "--functions-rdb", fn).CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --functions-rdb: %v\n%s", err, b)
	}
	r2 := StartRedis(t, "--dir", dir, "--dbfilename", "functions.rdb")
	c2 := r2.Client(t)
	if n := c2.DBSize(Ctx(t)).Val(); n != 0 {
		t.Errorf("--functions-rdb file holds %d keys", n)
	}
	if v, err := c2.Do(Ctx(t), "FCALL", "rdbf", 0).Result(); err != nil || v != int64(1) {
		t.Errorf("function through redis-cli --functions-rdb: %v %v", v, err)
	}
}

// TestSyncProtocol: the REPLCONF/SYNC/PSYNC replies a client sees.
func TestSyncProtocol(t *testing.T) {
	a := StartServer(t, Options{})
	c := a.Raw(t)
	for _, tc := range []struct{ args, want string }{
		{"REPLCONF", "OK"},
		{"REPLCONF capa", "ERR syntax error"},
		{"REPLCONF foo bar", "ERR Unrecognized REPLCONF option: foo"},
		{"REPLCONF rdb-only 2", "ERR value is out of range, value must between 0 and 1"},
		{"REPLCONF rdb-only x", "ERR value is not an integer or out of range"},
		{"REPLCONF rdb-filter-only bad", "ERR Unsupported rdb-filter-only option: bad"},
		{"REPLCONF listening-port x", "ERR value is not an integer or out of range"},
		{"PSYNC ? -1", "ERR AiKv does not support replication: SYNC only sends one point-in-time snapshot (REPLCONF rdb-only 1, as redis-cli --rdb does) and closes the connection"},
		{"SYNC x", "ERR wrong number of arguments for 'sync' command"},
	} {
		if r := c.Do(strings.Fields(tc.args)...); r.Str != tc.want {
			t.Errorf("%s: %v, want %q", tc.args, r, tc.want)
		}
	}
	// A replica (listening-port without rdb-only) is refused: AiKv would
	// drop it after the snapshot.
	c.Do("REPLCONF", "listening-port", "6380")
	if r := c.Do("SYNC"); r.Str != "ERR AiKv does not support replication: SYNC only sends one point-in-time snapshot (REPLCONF rdb-only 1, as redis-cli --rdb does) and closes the connection" {
		t.Errorf("SYNC from a replica: %v", r)
	}
	// Pipelined behind another command, as Redis.
	c2 := a.Raw(t)
	c2.SendRaw("PING\r\nSYNC\r\n")
	if r := c2.Read(); r.Str != "PONG" {
		t.Fatalf("PING: %v", r)
	}
	if r := c2.Read(); r.Str != "ERR SYNC and PSYNC are invalid with pending output" {
		t.Errorf("pipelined SYNC: %v", r)
	}
	// Plain SYNC (no capa eof): "$<len>\r\n", an RDB file, then close.
	a.Client(t).Set(Ctx(t), "k", "v", 0)
	c3 := a.Raw(t)
	c3.SendRaw("SYNC\r\n")
	line, err := c3.R.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "$") {
		t.Fatalf("SYNC: %q %v", line, err)
	}
	n, _ := strconv.Atoi(strings.TrimSpace(line[1:]))
	rest := make([]byte, 0, n)
	buf := make([]byte, 4096)
	for {
		m, err := c3.R.Read(buf)
		rest = append(rest, buf[:m]...)
		if err != nil {
			break
		}
	}
	if len(rest) != n || !strings.HasPrefix(string(rest), "REDIS0010") {
		t.Errorf("SYNC payload: %d bytes (announced %d), starts %q", len(rest), n, rest[:min(len(rest), 9)])
	}
}

// TestBackupRestoreUnderWrites: aikv-check backup takes a point-in-time
// snapshot of a server under writes; aikv-check snapshot verifies it;
// aikv-server --restore installs it on a second instance whose dataset is
// then identical to the backup's (every key, value and TTL), also after a
// crash and restart (the restore gave it a fresh log); restoring over
// existing data is refused without --restore-force.
func TestBackupRestoreUnderWrites(t *testing.T) {
	a := StartServer(t, Options{Args: []string{"--appendonly", "yes"}})
	populateEveryEncoding(t, a, false)
	// Writers keep a pair of keys in step inside MULTI: a snapshot that is
	// not one instant would catch them apart.
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			c := redis.NewClient(&redis.Options{Addr: a.Addr, DisableIdentity: true})
			defer c.Close()
			ws := strconv.Itoa(w)
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				_, err := c.TxPipelined(Ctx(t), func(p redis.Pipeliner) error {
					p.Incr(Ctx(t), "pair:n:"+ws)
					p.RPush(Ctx(t), "pair:l:"+ws, i)
					p.Set(Ctx(t), "pair:ttl:"+ws, i, 0)
					p.PExpireAt(Ctx(t), "pair:ttl:"+ws, timeIn(3600+i))
					return nil
				})
				if err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
			}
		}(w)
	}
	// Wait until every writer is going (polling, generous deadline).
	wc := a.Client(t)
	for w := 0; w < 3; w++ {
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			if n, _ := wc.Get(Ctx(t), "pair:n:"+strconv.Itoa(w)).Int(); n >= 20 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("writer %d did not start", w)
			}
		}
	}
	dir := t.TempDir()
	backup := filepath.Join(dir, "backup.aikv")
	b, err := exec.Command(checkBinary(t), "backup", "--addr", a.Addr, "--out", backup).CombinedOutput()
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("aikv-check backup: %v\n%s", err, b)
	}
	if b, err := exec.Command(checkBinary(t), "snapshot", backup).CombinedOutput(); err != nil {
		t.Fatalf("aikv-check snapshot on the backup: %v\n%s", err, b)
	}
	// The reference: the backup file loaded alone by a server.
	ref := StartServer(t, Options{Dir: dir, Args: []string{"--appendonly", "no", "--save", "", "--dbfilename", "backup.aikv"}})
	want := rdbDataset(t, ref)
	ref.Stop()
	for w := 0; w < 3; w++ {
		ws := strconv.Itoa(w)
		n, l := want[`0 "pair:n:`+ws+`"`], want[`0 "pair:l:`+ws+`"`]
		if n == "" || l == "" {
			t.Fatalf("writer %d wrote nothing before the backup", w)
		}
		count := strings.Fields(n)[1] // `string  "N" expireat=-1`
		if got := strconv.Itoa(strings.Count(l, `"`) / 2); `"`+got+`"` != count {
			t.Errorf("writer %d: counter %s but list of %s elements: not one instant", w, count, got)
		}
	}

	bdir := t.TempDir()
	bh := StartServer(t, Options{Dir: bdir, Args: []string{"--appendonly", "yes", "--restore", backup}})
	compareDatasets(t, want, rdbDataset(t, bh), nil)
	bh.Kill()
	bh = StartServer(t, Options{Dir: bdir, Args: []string{"--appendonly", "yes"}})
	compareDatasets(t, want, rdbDataset(t, bh), nil)
	bh.Stop()

	// The data dir holds data now: a restore is refused unless forced.
	cmd := exec.Command(ServerBinary(t), "--port", strconv.Itoa(FreePort(t)), "--dir", bdir, "--restore", backup)
	out, err := cmd.CombinedOutput()
	if exitCode(err) == 0 || !strings.Contains(string(out), "already holds data") {
		t.Fatalf("restore over data: status %d\n%s", exitCode(err), out)
	}
}

// timeIn returns the Unix time s seconds from now.
func timeIn(s int) time.Time { return time.Now().Add(time.Duration(s) * time.Second) }
