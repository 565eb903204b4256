package tests

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Disk faults injected into the real server binary: AIKV_FAULT_INJECTION=1
// in its environment enables DEBUG AOF-FAULT / RDB-FAULT write|fsync|off
// (server/faults.go), which make every later write (ENOSPC, after a partial
// frame) or fsync (EIO) of the log or of snapshot files fail. The full-disk
// variant on a real tmpfs is TestFullDiskRefusesWrites.

// Redis 7.0's texts (server.c: writeCommandsGetDiskErrorMessage with
// strerror, shared.bgsaveerr).
const (
	misconfAOFWrite = "MISCONF Errors writing to the AOF file: No space left on device"
	misconfAOFFsync = "MISCONF Errors writing to the AOF file: Input/output error"
	misconfRDB      = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. " +
		"Commands that may modify the data set are disabled, because this instance is configured to report errors " +
		"during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs " +
		"for details about the RDB error."
)

// startFaultServer starts the server with fault injection enabled (also
// for restarts within the test).
func startFaultServer(t *testing.T, args ...string) *Handle {
	t.Helper()
	t.Setenv("AIKV_FAULT_INJECTION", "1")
	return StartServer(t, Options{Args: args})
}

// infoValue returns one field of INFO persistence.
func infoValue(t *testing.T, c *RawConn, name string) string {
	t.Helper()
	return infoSectionValue(t, c, "persistence", name)
}

// infoSectionValue returns one field of an INFO section.
func infoSectionValue(t *testing.T, c *RawConn, section, name string) string {
	t.Helper()
	r := c.Do("INFO", section)
	for _, line := range strings.Split(r.Str, "\r\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return v
		}
	}
	t.Fatalf("INFO %s has no %s:\n%s", section, name, r.Str)
	return ""
}

// pollReply sends args until the reply satisfies ok, failing after a
// generous deadline (the server clears and sets error states from a
// 100 ms cron, the log retries once a second). A connection the server
// closes (a write it could not log) is replaced.
func pollReply(t *testing.T, h *Handle, what string, ok func(Reply) bool, args ...string) Reply {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var c *fuzzConn
	defer func() {
		if c != nil {
			c.close()
		}
	}()
	for {
		var r Reply
		var err error
		if c == nil {
			c, err = dialFuzz(h.Addr)
		}
		if err == nil {
			if r, err = c.do(args...); err == nil && ok(r) {
				return r
			}
		}
		if err != nil && c != nil {
			c.close()
			c = nil
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %s still replies %v (%v); logs:\n%s", what, strings.Join(args, " "), r, err, h.Logs())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestAOFFaults: with the log failing to write or to fsync, a write that
// needs it is not acknowledged, later writes (and PING, as in Redis) get
// Redis's MISCONF text, reads keep working, INFO says
// aof_last_write_status:err; once the fault clears the log catches up by
// itself and writes are accepted again; after SIGKILL and a restart every
// acknowledged write is there.
func TestAOFFaults(t *testing.T) {
	cases := []struct{ policy, fault, want string }{
		{"always", "fsync", misconfAOFFsync},
		{"always", "write", misconfAOFWrite},
		{"everysec", "write", misconfAOFWrite},
		{"everysec", "fsync", misconfAOFFsync},
	}
	for _, tc := range cases {
		t.Run(tc.policy+"/"+tc.fault, func(t *testing.T) {
			h := startFaultServer(t, "--appendonly", "yes", "--appendfsync", tc.policy, "--save", "")
			c := h.Raw(t)
			acked := map[string]string{}
			set := func(c *RawConn, k, v string) Reply {
				r := c.Do("SET", k, v)
				if r.Str == "OK" {
					acked[k] = v
				}
				return r
			}
			for i := 0; i < 50; i++ {
				if r := set(c, "k"+strconv.Itoa(i), strconv.Itoa(i)); r.Str != "OK" {
					t.Fatalf("SET before the fault: %v", r)
				}
			}
			if r := c.Do("DEBUG", "AOF-FAULT", tc.fault); r.Str != "OK" {
				t.Fatalf("DEBUG AOF-FAULT %s: %v", tc.fault, r)
			}
			if tc.policy == "always" || tc.fault == "write" {
				// This write needs the failing operation before its
				// reply: it must not be acknowledged. The server closes
				// the connection instead of replying (its reply may
				// already be batched with others); an error is fine too.
				c.Send("SET", "unacked", "x")
				c.SetReadDeadline(time.Now().Add(30 * time.Second))
				if r, err := ReadReply(c.R); err == nil && !r.IsError() {
					t.Fatalf("a write whose %s failed was acknowledged: %v", tc.fault, r)
				}
			}
			// everysec fsync: the background fsync fails and the cron
			// reports it; with the others the state is already set.
			want := func(r Reply) bool { return r.Str == tc.want }
			pollReply(t, h, "writes refused", want, "SET", "refused", "x")
			c = h.Raw(t)
			if r := c.Do("PING"); r.Str != tc.want {
				t.Fatalf("PING while the log fails: %v, want %q", r, tc.want)
			}
			// Refused, so k1 is still 1 after the restart (checked below).
			if r := c.Do("INCR", "k1"); r.Str != tc.want {
				t.Fatalf("INCR while the log fails: %v", r)
			}
			if r := c.Do("GET", "k7"); r.Str != "7" {
				t.Fatalf("GET while the log fails: %v", r)
			}
			if r := c.Do("DBSIZE"); r.IsError() {
				t.Fatalf("DBSIZE while the log fails: %v", r)
			}
			if v := infoValue(t, c, "aof_last_write_status"); v != "err" {
				t.Fatalf("aof_last_write_status while the log fails: %s", v)
			}
			if r := c.Do("DEBUG", "AOF-FAULT", "off"); r.Str != "OK" {
				t.Fatalf("DEBUG AOF-FAULT off: %v", r)
			}
			pollReply(t, h, "writes accepted after the fault cleared", func(r Reply) bool { return r.Str == "OK" }, "SET", "after", "ok")
			acked["after"] = "ok"
			c = h.Raw(t)
			for i := 50; i < 80; i++ {
				if r := set(c, "k"+strconv.Itoa(i), strconv.Itoa(i)); r.Str != "OK" {
					t.Fatalf("SET after recovery: %v", r)
				}
			}
			if r := c.Do("PING"); r.Str != "PONG" {
				t.Fatalf("PING after recovery: %v", r)
			}
			if v := infoValue(t, c, "aof_last_write_status"); v != "ok" {
				t.Fatalf("aof_last_write_status after recovery: %s", v)
			}
			h.Kill()
			h.Restart(t)
			c = h.Raw(t)
			for k, v := range acked {
				if r := c.Do("GET", k); r.Str != v {
					t.Fatalf("acknowledged %s=%s lost after the fault and SIGKILL: %v; logs:\n%s", k, v, r, h.Logs())
				}
			}
		})
	}
}

// TestAOFFaultThenLogOff: switching the log off while it fails ends the
// MISCONF state (as in Redis, where only a log that is on refuses writes).
func TestAOFFaultThenLogOff(t *testing.T) {
	h := startFaultServer(t, "--appendonly", "yes", "--appendfsync", "always", "--save", "")
	c := h.Raw(t)
	c.Do("SET", "k", "v")
	c.Do("DEBUG", "AOF-FAULT", "write")
	pollReply(t, h, "writes refused", func(r Reply) bool { return r.Str == misconfAOFWrite }, "SET", "k", "w")
	c = h.Raw(t)
	if r := c.Do("CONFIG", "SET", "appendonly", "no"); r.Str != "OK" {
		t.Fatalf("CONFIG SET appendonly no: %v", r)
	}
	pollReply(t, h, "writes accepted with the log off", func(r Reply) bool { return r.Str == "OK" }, "SET", "k", "x")
	if r := c.Do("PING"); r.Str != "PONG" {
		t.Fatalf("PING with the log off: %v", r)
	}
}

// TestRDBFaults: a BGSAVE whose write or fsync fails keeps the previous
// snapshot and leaves no temporary file, sets rdb_last_bgsave_status:err,
// and with save points and stop-writes-on-bgsave-error refuses writes and
// PING with Redis's MISCONF text (reads work); the next good BGSAVE clears
// it. A failed SAVE replies a bare ERR and, as in Redis, changes neither
// the status nor whether writes are accepted.
func TestRDBFaults(t *testing.T) {
	for _, fault := range []string{"write", "fsync"} {
		t.Run(fault, func(t *testing.T) {
			h := startFaultServer(t, "--appendonly", "no", "--save", "3600 1000000")
			c := h.Raw(t)
			for i := 0; i < 200; i++ {
				c.Do("RPUSH", "l"+strconv.Itoa(i%10), strconv.Itoa(i))
			}
			bgsave := func() string {
				t.Helper()
				if r := c.Do("BGSAVE"); r.Str != "Background saving started" {
					t.Fatalf("BGSAVE: %v", r)
				}
				deadline := time.Now().Add(30 * time.Second)
				for infoValue(t, c, "rdb_bgsave_in_progress") != "0" {
					if time.Now().After(deadline) {
						t.Fatal("BGSAVE never finished")
					}
					time.Sleep(20 * time.Millisecond)
				}
				return infoValue(t, c, "rdb_last_bgsave_status")
			}
			if st := bgsave(); st != "ok" {
				t.Fatalf("first BGSAVE status %s", st)
			}
			path := filepath.Join(h.Dir, "dump.aikv")
			good, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			c.Do("SET", "newer", "v")

			// A failed SAVE: bare ERR, status and writes unchanged.
			c.Do("DEBUG", "RDB-FAULT", fault)
			if r := c.Do("SAVE"); r.Kind != '-' || r.Str != "ERR" {
				t.Fatalf("SAVE with a failing disk: %v, want a bare ERR", r)
			}
			if st := infoValue(t, c, "rdb_last_bgsave_status"); st != "ok" {
				t.Fatalf("rdb_last_bgsave_status after a failed SAVE: %s (Redis leaves it)", st)
			}
			if r := c.Do("SET", "afterSave", "v"); r.Str != "OK" {
				t.Fatalf("SET after a failed SAVE: %v", r)
			}

			if st := bgsave(); st != "err" {
				t.Fatalf("BGSAVE with a failing %s: status %s", fault, st)
			}
			if now, err := os.ReadFile(path); err != nil || !bytes.Equal(now, good) {
				t.Fatalf("the previous snapshot changed after a failed BGSAVE (err %v)", err)
			}
			if tmps, _ := filepath.Glob(filepath.Join(h.Dir, "*.tmp*")); len(tmps) != 0 {
				t.Fatalf("temporary files left by the failed save: %v", tmps)
			}
			for _, args := range [][]string{{"SET", "x", "1"}, {"LPUSH", "l1", "y"}, {"PING"}} {
				if r := c.Do(args...); r.Str != misconfRDB {
					t.Fatalf("%v after a failed BGSAVE: %v", args, r)
				}
			}
			if r := c.Do("LLEN", "l1"); r.Str != "20" {
				t.Fatalf("LLEN after a failed BGSAVE: %v", r)
			}
			// The switch Redis offers.
			c.Do("CONFIG", "SET", "stop-writes-on-bgsave-error", "no")
			if r := c.Do("SET", "x", "1"); r.Str != "OK" {
				t.Fatalf("SET with stop-writes-on-bgsave-error no: %v", r)
			}
			c.Do("CONFIG", "SET", "stop-writes-on-bgsave-error", "yes")
			if r := c.Do("SET", "x", "2"); r.Str != misconfRDB {
				t.Fatalf("SET with stop-writes-on-bgsave-error yes again: %v", r)
			}

			c.Do("DEBUG", "RDB-FAULT", "off")
			if st := bgsave(); st != "ok" {
				t.Fatalf("BGSAVE after the fault cleared: status %s", st)
			}
			if r := c.Do("SET", "x", "3"); r.Str != "OK" {
				t.Fatalf("SET after a good BGSAVE: %v", r)
			}
			if r := c.Do("SAVE"); r.Str != "OK" {
				t.Fatalf("SAVE after the fault cleared: %v", r)
			}
			h.Kill()
			h.Restart(t)
			c = h.Raw(t)
			for k, v := range map[string]string{"newer": "v", "afterSave": "v", "x": "3"} {
				if r := c.Do("GET", k); r.Str != v {
					t.Fatalf("GET %s after restart from the snapshot: %v", k, r)
				}
			}
		})
	}
}

// TestRewriteFaultKeepsLog: a BGREWRITEAOF whose snapshot cannot be written
// reports aof_last_bgrewrite_status:err, keeps the log whole (a restart
// has everything) and, as in Redis, does not stop writes.
func TestRewriteFaultKeepsLog(t *testing.T) {
	h := startFaultServer(t, "--appendonly", "yes", "--appendfsync", "always", "--save", "3600 1000000")
	c := h.Raw(t)
	for i := 0; i < 100; i++ {
		c.Do("SET", "k"+strconv.Itoa(i), strconv.Itoa(i))
	}
	c.Do("DEBUG", "RDB-FAULT", "write")
	if r := c.Do("BGREWRITEAOF"); !strings.HasPrefix(r.Str, "Background append only file rewriting") {
		t.Fatalf("BGREWRITEAOF: %v", r)
	}
	deadline := time.Now().Add(30 * time.Second)
	for infoValue(t, c, "aof_rewrite_in_progress") != "0" || infoValue(t, c, "rdb_bgsave_in_progress") != "0" {
		if time.Now().After(deadline) {
			t.Fatal("BGREWRITEAOF never finished")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if st := infoValue(t, c, "aof_last_bgrewrite_status"); st != "err" {
		t.Fatalf("aof_last_bgrewrite_status after a failed rewrite: %s", st)
	}
	if r := c.Do("SET", "after", "ok"); r.Str != "OK" {
		t.Fatalf("SET after a failed rewrite: %v", r)
	}
	h.Kill()
	h.Restart(t)
	c = h.Raw(t)
	if r := c.Do("DBSIZE"); r.Str != "101" {
		t.Fatalf("DBSIZE after a failed rewrite and SIGKILL: %v; logs:\n%s", r, h.Logs())
	}
}

// TestFaultInjectionNeedsEnv: without AIKV_FAULT_INJECTION=1 at startup
// the fault subcommands do not exist.
func TestFaultInjectionNeedsEnv(t *testing.T) {
	t.Setenv("AIKV_FAULT_INJECTION", "")
	h := StartServer(t, Options{Args: []string{"--appendonly", "yes"}})
	c := h.Raw(t)
	for _, sub := range []string{"AOF-FAULT", "RDB-FAULT"} {
		want := "ERR unknown subcommand or wrong number of arguments for '" + sub + "'. Try DEBUG HELP."
		if r := c.Do("DEBUG", sub, "fsync"); r.Str != want {
			t.Fatalf("DEBUG %s without the environment: %v", sub, r)
		}
	}
	if r := c.Do("SET", "k", "v"); r.Str != "OK" {
		t.Fatalf("SET: %v", r)
	}
}
