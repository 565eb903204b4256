package tests

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startWithFile starts aikv-server with a config file as its first
// argument, followed by flags.
func startWithFile(t *testing.T, file string, port int, dir string, flags ...string) *Handle {
	t.Helper()
	args := append([]string{file, "--port", strconv.Itoa(port), "--dir", dir}, flags...)
	return startProcess(t, ServerBinary(t), args, nil, port, dir)
}

func configGet(t *testing.T, c *RawConn, name string) string {
	t.Helper()
	r := c.Do("CONFIG", "GET", name)
	if r.Kind != '*' || len(r.Elems) != 2 {
		t.Fatalf("CONFIG GET %s: %s", name, r)
	}
	return r.Elems[1].Str
}

func TestConfigFileAndFlags(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(t.TempDir(), "aikv.toml")
	text := `# test config
[server]
port = 1 # overridden by --port

[storage]
max_memory = "1GB"

[logging]
level = "verbose"

[redis]
appendfsync = "always"
hz = 20
`
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	port := FreePort(t)
	h := startWithFile(t, file, port, dir, "--hz", "30", "--appendonly", "no")
	c := h.Raw(t)
	for name, want := range map[string]string{
		"port":        strconv.Itoa(port),
		"hz":          "30", // flag over file
		"appendfsync": "always",
		"maxmemory":   "1073741824",
		"loglevel":    "verbose",
		"appendonly":  "no",
		"dir":         dir,
	} {
		if got := configGet(t, c, name); got != want {
			t.Errorf("CONFIG GET %s = %q, want %q", name, got, want)
		}
	}
	if r := c.Do("CONFIG", "SET", "maxclients", "77", "maxmemory", "2gb"); r.String() != `+"OK"` {
		t.Fatalf("CONFIG SET: %s", r)
	}
	if r := c.Do("CONFIG", "REWRITE"); r.String() != `+"OK"` {
		t.Fatalf("CONFIG REWRITE: %s", r)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, want := range []string{"# test config\n", "port = " + strconv.Itoa(port) + "\n", `max_memory = "2gb"`,
		`level = "verbose"`, `maxclients = "77"`, `hz = "30"`, `appendonly = "no"`} {
		if !strings.Contains(got, want) {
			t.Errorf("rewritten file lacks %q:\n%s", want, got)
		}
	}
	// The rewritten file alone gives back the running configuration.
	h.Stop()
	h2 := startProcess(t, ServerBinary(t), []string{file}, nil, port, dir)
	c2 := h2.Raw(t)
	for name, want := range map[string]string{"maxclients": "77", "maxmemory": "2147483648", "hz": "30", "dir": dir} {
		if got := configGet(t, c2, name); got != want {
			t.Errorf("after restart CONFIG GET %s = %q, want %q", name, got, want)
		}
	}
}

func TestConfigFileErrors(t *testing.T) {
	bin := ServerBinary(t)
	for _, tt := range []struct{ text, want string }{
		{"[server]\nhostt = \"x\"\n", `unknown key "hostt" in [server]`},
		{"[redis]\nnosuch = 1\n", `unknown Redis configuration parameter "nosuch"`},
		{"[redis]\ncluster-enabled = true\n", "not supported by AiKv yet"},
	} {
		file := filepath.Join(t.TempDir(), "bad.toml")
		os.WriteFile(file, []byte(tt.text), 0o644)
		out, err := exec.Command(bin, file).CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(string(out), tt.want) {
			t.Errorf("%q: exit %v, output %q; want exit 1 and %q", tt.text, err, out, tt.want)
		}
	}
	out, err := exec.Command(bin, "--replicaof", "127.0.0.1", "6379").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "--replicaof: not supported by AiKv yet") {
		t.Errorf("--replicaof: %v %q", err, out)
	}
}

func TestVersionAndHelp(t *testing.T) {
	bin := ServerBinary(t)
	for _, arg := range []string{"--version", "-v"} {
		out, err := exec.Command(bin, arg).Output()
		if err != nil || !strings.Contains(string(out), "redis_version=7.0.15") {
			t.Errorf("%s: %v %q", arg, err, out)
		}
	}
	out, err := exec.Command(bin, "--help").Output()
	if err != nil || !strings.Contains(string(out), "Usage: aikv-server") {
		t.Errorf("--help: %v %q", err, out)
	}
}

func TestConfigSetRequirePass(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	admin := h.Raw(t)
	if r := admin.Do("CONFIG", "SET", "requirepass", "s3cret"); r.String() != `+"OK"` {
		t.Fatalf("CONFIG SET requirepass: %s", r)
	}
	// The connection that set it stays authenticated.
	if r := admin.Do("PING"); r.String() != `+"PONG"` {
		t.Errorf("existing connection: %s", r)
	}
	c := h.Raw(t)
	for _, step := range []struct {
		args []string
		want string
	}{
		{[]string{"PING"}, `-"NOAUTH Authentication required."`},
		{[]string{"CONFIG", "GET", "requirepass"}, `-"NOAUTH Authentication required."`},
		{[]string{"AUTH", "wrong"}, `-"WRONGPASS invalid username-password pair or user is disabled."`},
		{[]string{"AUTH", "s3cret"}, `+"OK"`},
		{[]string{"PING"}, `+"PONG"`},
	} {
		if r := c.Do(step.args...); r.String() != step.want {
			t.Errorf("%v: %s, want %s", step.args, r, step.want)
		}
	}
	admin.Do("CONFIG", "SET", "requirepass", "")
	if r := h.Raw(t).Do("PING"); r.String() != `+"PONG"` {
		t.Errorf("after clearing requirepass: %s", r)
	}
}

func TestConfigSetMaxClients(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	admin := h.Raw(t)
	// The harness's readiness probes may not have been reaped yet: wait
	// until admin is the only client, so the limit counts what we think.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if r := admin.Do("INFO", "clients"); strings.Contains(r.Str, "connected_clients:1\r\n") {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("other clients stay connected: %s", r.Str)
		}
	}
	if r := admin.Do("CONFIG", "SET", "maxclients", "2"); r.String() != `+"OK"` {
		t.Fatalf("CONFIG SET maxclients: %s", r)
	}
	second := h.Raw(t)
	if r := second.Do("PING"); r.String() != `+"PONG"` {
		t.Fatalf("second client: %s", r)
	}
	third := h.Raw(t)
	if r := third.Read(); r.String() != `-"ERR max number of clients reached"` {
		t.Fatalf("third client: %s", r)
	}
	second.Close()
	admin.Do("CONFIG", "SET", "maxclients", "10000")
	if r := h.Raw(t).Do("PING"); r.String() != `+"PONG"` {
		t.Errorf("after raising maxclients: %s", r)
	}
}

func TestTimeoutClosesIdleClients(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	c := h.Raw(t)
	if r := c.Do("CONFIG", "SET", "timeout", "1"); r.String() != `+"OK"` {
		t.Fatalf("CONFIG SET timeout: %s", r)
	}
	idle := h.Raw(t)
	idle.Do("PING")
	idle.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := idle.R.ReadByte(); err == nil {
		t.Fatal("idle client got data instead of being closed")
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("idle client was not closed within 10s of a 1s timeout")
	}
}

func TestSIGTERMGracefulExit(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	c := h.Raw(t)
	c.Do("PING")
	if err := h.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- h.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, h.Logs())
		}
	case <-time.After(15 * time.Second):
		h.Kill()
		t.Fatal("server did not exit after SIGTERM")
	}
	if !strings.Contains(h.Logs(), "shutting down") {
		t.Errorf("no shutdown message in the log:\n%s", h.Logs())
	}
}

func TestLogFileAndLevel(t *testing.T) {
	logfile := filepath.Join(t.TempDir(), "aikv.log")
	h := StartServer(t, Options{Args: []string{"--appendonly", "no", "--logfile", logfile, "--loglevel", "warning"}})
	c := h.Raw(t)
	c.Do("CONFIG", "SET", "loglevel", "notice")
	c.Do("CONFIG", "REWRITE") // logs at notice level (and fails: no config file)
	h.Stop()
	b, err := os.ReadFile(logfile)
	if err != nil {
		t.Fatal(err)
	}
	log := string(b)
	if strings.Contains(log, "ready to accept connections") {
		t.Errorf("notice message logged at loglevel warning:\n%s", log)
	}
	if !strings.Contains(log, "shutting down") || !strings.Contains(log, "server stopped") {
		t.Errorf("log file lacks messages after CONFIG SET loglevel notice:\n%s", log)
	}
}

// nonLoopbackIPv4 returns a local address that is not loopback, or "".
// Protected mode's decision (which clients are refused) is unit-tested in
// server/conn_test.go. An end-to-end test would have to connect through a
// non-loopback address, and tests here only ever talk to loopback.
