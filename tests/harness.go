package tests

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// repoRoot finds the module root from this file's location.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

// ServerBinary builds cmd/aikv-server once per test process (with -race
// when the tests run with it) and returns its path.
func ServerBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "aikv-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "aikv-server")
		args := []string{"build", "-o", binPath}
		if raceEnabled {
			args = append(args, "-race")
		}
		args = append(args, "./cmd/aikv-server")
		cmd := exec.Command("go", args...)
		cmd.Dir = repoRoot()
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Handle is a running server process (AiKv or Redis) owned by a test.
type Handle struct {
	Addr string
	Port int
	Dir  string
	cmd  *exec.Cmd
	logs *logWriter
	t    testing.TB
}

// Options for StartServer.
type Options struct {
	// Args are extra flags (e.g. "--appendfsync", "always").
	Args []string
	// Dir is the data directory; empty means a fresh t.TempDir().
	Dir string
	// ConfigFile, when set, is passed first (before the flags).
	ConfigFile string
	// Env holds extra environment variables ("NAME=value").
	Env []string
}

// StartServer starts aikv-server on a free port with data in a temporary
// directory, waits until it answers PING, and stops it at test cleanup.
func StartServer(t testing.TB, opts Options) *Handle {
	t.Helper()
	bin := ServerBinary(t)
	dir := opts.Dir
	if dir == "" {
		dir = t.TempDir()
	}
	port := FreePort(t)
	args := append([]string{"--port", strconv.Itoa(port), "--dir", dir}, opts.Args...)
	if opts.ConfigFile != "" {
		args = append([]string{opts.ConfigFile}, args...)
	}
	return startProcess(t, bin, args, opts.Env, port, dir)
}

// Restart stops the process (SIGTERM, graceful) and starts it again with
// the same port, directory and arguments.
func (h *Handle) Restart(t testing.TB) {
	t.Helper()
	h.Stop()
	args := h.cmd.Args[1:]
	var env []string
	if h.cmd.Env != nil {
		env = h.cmd.Env[len(os.Environ()):]
	}
	nh := startProcess(t, h.cmd.Path, args, env, h.Port, h.Dir)
	*h = *nh
}

// Kill stops the process with SIGKILL (a crash).
func (h *Handle) Kill() {
	if h.cmd.Process != nil {
		h.cmd.Process.Kill()
		h.cmd.Wait()
	}
}

// Stop stops the process with SIGTERM and waits up to 10s, then kills it.
func (h *Handle) Stop() {
	if h.cmd.ProcessState != nil {
		return
	}
	h.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { h.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		h.cmd.Process.Kill()
		<-done
	}
}

// Logs returns what the process printed so far.
func (h *Handle) Logs() string { return h.logs.String() }

func startProcess(t testing.TB, bin string, args, env []string, port int, dir string) *Handle {
	t.Helper()
	cmd := exec.Command(bin, args...)
	if len(env) > 0 {
		cmd.Env = append(os.Environ(), env...)
	}
	lw := &logWriter{t: t}
	cmd.Stdout = lw
	cmd.Stderr = lw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := &Handle{Addr: "127.0.0.1:" + strconv.Itoa(port), Port: port, Dir: dir, cmd: cmd, logs: lw, t: t}
	t.Cleanup(h.Stop)
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", h.Addr, 200*time.Millisecond)
		if err == nil {
			c.SetDeadline(time.Now().Add(2 * time.Second))
			c.Write([]byte("PING\r\n"))
			line, _ := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if strings.HasPrefix(line, "+PONG") || strings.HasPrefix(line, "-NOAUTH") {
				return h
			}
		}
		if time.Now().After(deadline) {
			h.Kill()
			t.Fatalf("%s did not start on port %d; output:\n%s", filepath.Base(bin), port, lw.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Client returns a go-redis client for the server, closed at cleanup.
func (h *Handle) Client(t testing.TB, opts ...func(*redis.Options)) *redis.Client {
	t.Helper()
	// Generous timeouts: CI machines are small and loaded, and -race slows
	// the server several times; a test must not fail on go-redis's 3 s
	// default while a large reply is being built.
	o := &redis.Options{Addr: h.Addr, Protocol: 2, DisableIdentity: true,
		ReadTimeout: 60 * time.Second, WriteTimeout: 60 * time.Second, DialTimeout: 30 * time.Second}
	for _, f := range opts {
		f(o)
	}
	c := redis.NewClient(o)
	t.Cleanup(func() { c.Close() })
	return c
}

// Raw opens a raw TCP connection, closed at cleanup.
func (h *Handle) Raw(t testing.TB) *RawConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", h.Addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &RawConn{Conn: c, R: bufio.NewReader(c), t: t}
}

// Ctx is a context for test calls; its timeout only guards against hangs
// (tests often share one context across many calls on a slow machine).
func Ctx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// logWriter collects process output and, if the test fails, shows it.
type logWriter struct {
	mu  sync.Mutex
	buf strings.Builder
	t   testing.TB
}

func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.buf.Len() < 1<<20 {
		w.buf.Write(p)
	}
	return len(p), nil
}

func (w *logWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// RedisBinary returns the path of redis-server, or skips the test saying
// that the differential check needs it.
func RedisBinary(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server is not installed (apt-get install redis-server): skipping the comparison with real Redis")
	}
	return p
}

// StartRedis starts a real redis-server with persistence off on a free
// port, or skips when it is not installed.
func StartRedis(t testing.TB, extra ...string) *Handle {
	t.Helper()
	bin := RedisBinary(t)
	dir := t.TempDir()
	port := FreePort(t)
	args := append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
		"--save", "", "--appendonly", "no", "--daemonize", "no", "--enable-debug-command", "yes"}, extra...)
	return startProcess(t, bin, args, nil, port, dir)
}

// lookPathRedis finds redis-server without skipping the test.
func lookPathRedis() (string, error) { return exec.LookPath("redis-server") }
