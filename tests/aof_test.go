package tests

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestWaitAOF(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "yes", "--appendfsync", "no"}})
	c := h.Raw(t)
	c.Do("SET", "k", "v")
	if r := c.Do("WAITAOF", "1", "0", "0"); r.String() != `*2[:"1", :"0"]` {
		t.Fatalf("WAITAOF: %v", r)
	}
	off := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	if r := off.Raw(t).Do("WAITAOF", "1", "0", "0"); !strings.HasPrefix(r.Str, "ERR WAITAOF cannot be used") {
		t.Fatalf("WAITAOF without AOF: %v", r)
	}
}

// TestConfigSetAppendonlyWritesBase: switching the log on at runtime
// writes the current dataset as its base, so a restart from the log alone
// brings everything back.
func TestConfigSetAppendonlyWritesBase(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	c := h.Client(t)
	randomWrites(t, c, 7, 1500)
	before := dumpDataset(t, c)
	if err := c.ConfigSet(Ctx(t), "appendonly", "yes").Err(); err != nil {
		t.Fatal(err)
	}
	if v := c.Info(Ctx(t), "persistence").Val(); !strings.Contains(v, "aof_enabled:1") {
		t.Fatalf("INFO after CONFIG SET appendonly yes:\n%s", v)
	}
	if now := dumpDataset(t, c); now != before {
		t.Fatalf("dataset changed by CONFIG SET appendonly yes:\nbefore:\n%s\nafter:\n%s", before, now)
	}
	c.Set(Ctx(t), "after", "switch", 0)
	c.ConfigSet(Ctx(t), "appendfsync", "always")
	c.Set(Ctx(t), "after2", "always", 0)
	before = dumpDataset(t, c)
	h.Kill()
	// Restart with the log on (the flags still say no: override).
	h2 := startProcess(t, ServerBinary(t), []string{"--port", strconv.Itoa(h.Port), "--dir", h.Dir, "--appendonly", "yes"}, nil, h.Port, h.Dir)
	if after := dumpDataset(t, h2.Client(t)); after != before {
		t.Fatalf("dataset after restart differs:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// TestFullDiskRefusesWrites runs the server with its data directory on a
// 2 MB tmpfs: once the log cannot be written, writes get MISCONF errors
// and are not acknowledged, reads still work, and after space comes back
// writes are accepted again and nothing acknowledged is lost.
func TestFullDiskRefusesWrites(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to mount a small tmpfs")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v: %s): skipping the full-disk test", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	h := StartServer(t, Options{Dir: dir, Args: []string{"--appendonly", "yes", "--appendfsync", "always"}})
	c := h.Raw(t)
	val := strings.Repeat("x", 16<<10)
	acked := 0
	var refused Reply
	for i := 0; i < 1000; i++ {
		c.Send("SET", "k"+strconv.Itoa(i), val)
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		r, err := ReadReply(c.R)
		if err != nil {
			// The write could not be logged: the server dropped the
			// connection instead of acknowledging it.
			c = h.Raw(t)
			refused = c.Do("SET", "probe", "v")
			break
		}
		if r.IsError() {
			refused = r
			break
		}
		acked++
	}
	if acked == 0 || acked == 1000 {
		t.Fatalf("acknowledged %d writes on a 2 MB disk", acked)
	}
	if !strings.HasPrefix(refused.Str, "MISCONF") {
		t.Fatalf("write on a full disk: %v, want MISCONF", refused)
	}
	if r := c.Do("GET", "k0"); r.Str != val {
		t.Fatal("reads fail while the disk is full")
	}
	// Free space: delete the acknowledged keys' worth of disk by growing
	// the tmpfs.
	if out, err := exec.Command("mount", "-o", "remount,size=64m", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot grow the tmpfs (%v: %s)", err, out)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := c.Do("SET", "after", "ok")
		if r.Str == "OK" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("writes still refused after space came back: %v", r)
		}
		time.Sleep(100 * time.Millisecond)
	}
	h.Kill()
	h.Restart(t)
	c2 := h.Client(t)
	for i := 0; i < acked; i++ {
		if v := c2.Get(Ctx(t), "k"+strconv.Itoa(i)).Val(); v != val {
			t.Fatalf("acknowledged key k%d lost after the disk filled and the server was killed", i)
		}
	}
	if v := c2.Get(Ctx(t), "after").Val(); v != "ok" {
		t.Fatal("write after recovery lost")
	}
}

// TestJSONSurvivesRestart: JSON documents are logged and replayed, and
// written into the base of a log switched on at runtime.
func TestJSONSurvivesRestart(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	c := h.Raw(t)
	c.Do("JSON.SET", "before", "$", `{"a":[1,2,{"b":"x"}],"n":1.5}`)
	if r := c.Do("CONFIG", "SET", "appendonly", "yes"); r.Str != "OK" {
		t.Fatalf("CONFIG SET appendonly yes: %v", r)
	}
	c.Do("JSON.SET", "after", "$", `{"k":[true,null]}`)
	c.Do("JSON.NUMINCRBY", "before", "$.n", "2")
	c.Do("JSON.ARRAPPEND", "after", "$.k", `"s"`)
	want1, want2 := c.Do("JSON.GET", "before").Str, c.Do("JSON.GET", "after").Str
	h.Kill()
	h2 := startProcess(t, ServerBinary(t), []string{"--port", strconv.Itoa(h.Port), "--dir", h.Dir, "--appendonly", "yes"}, nil, h.Port, h.Dir)
	c2 := h2.Raw(t)
	if got := c2.Do("JSON.GET", "before").Str; got != want1 {
		t.Fatalf("before: %q, want %q", got, want1)
	}
	if got := c2.Do("JSON.GET", "after").Str; got != want2 {
		t.Fatalf("after: %q, want %q", got, want2)
	}
}
