package tests

import (
	"os"
	"path/filepath"
	"testing"
)

// renameArgs disable FLUSHALL and DEBUG and hide CONFIG and SET behind
// other names, the way an operator locks a server down.
var renameArgs = []string{
	"--rename-command", "FLUSHALL", "",
	"--rename-command", "DEBUG", "",
	"--rename-command", "config", "cfg-7f3a",
	"--rename-command", "SET", "put",
}

// TestRenameCommandLikeRedis: the same rename-command settings give the
// same replies on AiKv and Redis (disabled and old names are unknown
// commands, new names work, COMMAND INFO knows only the new names).
func TestRenameCommandLikeRedis(t *testing.T) {
	redis := StartRedis(t, renameArgs...)
	aikv := StartServer(t, Options{Args: append([]string{"--appendonly", "no"}, renameArgs...)})
	a, r := aikv.Raw(t), redis.Raw(t)
	for _, cmd := range [][]string{
		{"FLUSHALL"},
		{"flushall", "ASYNC"},
		{"DEBUG", "SLEEP", "0"},
		{"CONFIG", "GET", "maxclients"},
		{"CFG-7F3A", "GET", "maxclients"},
		{"cfg-7f3a", "SET", "maxclients", "5000"},
		{"cfg-7f3a", "GET", "maxclients"},
		{"SET", "k", "v"},
		{"PUT", "k", "v"},
		{"put", "k2", "v2", "EX", "100"},
		{"GET", "k"},
		{"DBSIZE"},
		{"COMMAND", "INFO", "flushall", "debug", "config"},
		{"COMMAND", "GETKEYS", "SET", "k", "v"},
		{"EVAL", "return redis.pcall('FLUSHALL')", "0"},
		{"EVAL", "return redis.call('put', 'k3', 'v3')", "0"},
		{"FLUSHDB"},
		{"DBSIZE"},
	} {
		ga, gr := a.Do(cmd...).String(), r.Do(cmd...).String()
		if ga != gr {
			t.Errorf("%q:\n  aikv:  %s\n  redis: %s", cmd, ga, gr)
		}
	}
}

// TestRenameCommandFileAndLog: renames from the TOML file apply, and the
// log is written with the registered names, so a restart replays writes
// made through renamed commands (also after the renames change).
func TestRenameCommandFileAndLog(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "aikv.toml")
	os.WriteFile(conf, []byte("[rename-command]\nFLUSHALL = \"\"\nSET = \"put\"\nINCRBYFLOAT = \"fincr\"\nRPUSH = \"rp\"\n"), 0o644)
	data := t.TempDir()
	h := StartServer(t, Options{Dir: data, ConfigFile: conf, Args: []string{"--appendonly", "yes", "--appendfsync", "always"}})
	c := h.Raw(t)
	if r := c.Do("FLUSHALL"); !r.IsError() {
		t.Fatalf("FLUSHALL not disabled: %v", r)
	}
	if r := c.Do("SET", "a", "1"); !r.IsError() {
		t.Fatalf("SET not renamed: %v", r)
	}
	for _, cmd := range [][]string{{"PUT", "a", "1"}, {"fincr", "f", "1.5"}, {"rp", "l", "x", "y"}} {
		if r := c.Do(cmd...); r.IsError() {
			t.Fatalf("%q: %v", cmd, r)
		}
	}
	h.Kill()
	h.Restart(t)
	c = h.Raw(t)
	if r := c.Do("MGET", "a", "f"); r.String() != `*2[$"1", $"1.5"]` {
		t.Fatalf("after restart: %v\n%s", r, h.Logs())
	}
	if r := c.Do("LRANGE", "l", "0", "-1"); r.String() != `*2[$"x", $"y"]` {
		t.Fatalf("after restart: %v\n%s", r, h.Logs())
	}
	// The same log under no renames at all.
	h.Stop()
	h2 := StartServer(t, Options{Dir: data, Args: []string{"--appendonly", "yes"}})
	if r := h2.Raw(t).Do("MGET", "a", "f", "l"); r.String() != `*3[$"1", $"1.5", (nil$)]` {
		t.Fatalf("after restart without renames: %v\n%s", r, h2.Logs())
	}
	if r := h2.Raw(t).Do("LRANGE", "l", "0", "-1"); r.String() != `*2[$"x", $"y"]` {
		t.Fatalf("after restart without renames: %v\n%s", r, h2.Logs())
	}
}

// TestConfigSetDirIsProtected: CONFIG SET dir and dbfilename (where
// snapshots and the log are written) are refused by default, with
// Redis's error, as is a dbfilename that is a path when protected
// configs are enabled.
func TestConfigSetDirIsProtected(t *testing.T) {
	for _, extra := range [][]string{nil, {"--enable-protected-configs", "yes"}} {
		redis := StartRedis(t, extra...)
		aikv := StartServer(t, Options{Args: append([]string{"--appendonly", "no"}, extra...)})
		a, r := aikv.Raw(t), redis.Raw(t)
		for _, cmd := range [][]string{
			{"CONFIG", "SET", "dir", "/tmp"},
			{"CONFIG", "SET", "dir", "/nonexistent/aikv"},
			{"CONFIG", "SET", "dbfilename", "../../etc/x.rdb"},
			{"CONFIG", "SET", "dbfilename", "/tmp/x.rdb"},
			{"CONFIG", "SET", "dbfilename", "ok.rdb"},
			{"CONFIG", "SET", "appendfilename", "x.aof"},
			{"CONFIG", "SET", "appenddirname", "../x"},
			{"CONFIG", "SET", "logfile", "/tmp/x.log"},
			{"CONFIG", "SET", "pidfile", "/tmp/x.pid"},
		} {
			ga, gr := a.Do(cmd...).String(), r.Do(cmd...).String()
			if ga != gr {
				t.Errorf("%v %q:\n  aikv:  %s\n  redis: %s", extra, cmd, ga, gr)
			}
		}
	}
}
