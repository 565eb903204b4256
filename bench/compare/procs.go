package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// procs tracks every child process so that they can all be killed on
// exit or on a signal. Children run in their own process group, so a
// terminal's Ctrl-C reaches only this tool, which then stops them.
var procs struct {
	// cleaning is held for the whole of cleanup, so a second caller
	// (main returning while the signal handler cleans) waits for it.
	cleaning sync.Mutex
	mu       sync.Mutex
	live     map[int]*exec.Cmd
	dirs     []string
	done     bool // cleanup ran; start nothing more
}

// errStopping is returned by start once cleanup has begun.
var errStopping = errors.New("stopping")

func track(cmd *exec.Cmd) error {
	procs.mu.Lock()
	defer procs.mu.Unlock()
	if procs.done {
		return errStopping
	}
	if procs.live == nil {
		procs.live = map[int]*exec.Cmd{}
	}
	procs.live[cmd.Process.Pid] = cmd
	return nil
}

func untrack(cmd *exec.Cmd) {
	procs.mu.Lock()
	defer procs.mu.Unlock()
	delete(procs.live, cmd.Process.Pid)
}

// tempDir makes a temporary directory removed by cleanup.
func tempDir(pattern string) (string, error) {
	d, err := os.MkdirTemp("", pattern)
	if err != nil {
		return "", err
	}
	procs.mu.Lock()
	procs.dirs = append(procs.dirs, d)
	procs.mu.Unlock()
	return d, nil
}

// cleanup kills every tracked process group (by the child's pid, which is
// its group id) and removes the temporary directories. Safe to call more
// than once and from the signal handler.
func cleanup() {
	procs.cleaning.Lock()
	defer procs.cleaning.Unlock()
	procs.mu.Lock()
	procs.done = true
	live := procs.live
	procs.live = nil
	dirs := procs.dirs
	procs.dirs = nil
	procs.mu.Unlock()
	for pid := range live {
		syscall.Kill(-pid, syscall.SIGKILL)
	}
	// Not waiting for the children: their own goroutines may be in
	// cmd.Wait. SIGKILL is delivered before the directories go.
	if len(live) > 0 {
		time.Sleep(100 * time.Millisecond)
	}
	for _, d := range dirs {
		os.RemoveAll(d)
	}
}

// start runs a tracked child in its own process group.
func start(cmd *exec.Cmd) error {
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return err
	}
	if err := track(cmd); err != nil {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
		return err
	}
	return nil
}

// server is one running redis-server or aikv-server.
type server struct {
	Name string // "Redis" or "AiKv"
	Port int
	Dir  string
	cmd  *exec.Cmd
	log  *lockedWriter
	// exited is closed once the process has exited and been waited for.
	exited chan struct{}
	// Started is when the process was started, Ready when it first
	// answered +PONG (not -LOADING): start-to-ready is Ready-Started.
	Started, Ready time.Time
}

// persistence is one persistence setting both servers run with: "off"
// (no AOF, no RDB) or an appendfsync policy with appendonly yes.
func persistenceArgs(p string) []string {
	if p == "off" {
		return []string{"--save", "", "--appendonly", "no"}
	}
	return []string{"--save", "", "--appendonly", "yes", "--appendfsync", p}
}

// freePort returns a loopback port that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// startServer starts bin (redis-server or aikv-server; both take Redis
// style --name value flags) with the given persistence setting, on a free
// loopback port in a fresh directory, and waits until it answers PING.
func startServer(name, bin, persist string) (*server, error) {
	dir, err := tempDir("bench-" + strings.ToLower(name) + "-")
	if err != nil {
		return nil, err
	}
	return startServerIn(name, bin, dir, persistenceArgs(persist), 20*time.Second)
}

// startServerIn is startServer in a given directory (where a restarted
// server finds its snapshot) with the given persistence arguments,
// waiting up to timeout for the first +PONG.
func startServerIn(name, bin, dir string, persistArgs []string, timeout time.Duration) (*server, error) {
	return startLoaded(name, bin, dir, persistArgs, timeout, -1)
}

// startLoaded is startServerIn that, when wantKeys >= 0, also waits for
// the dataset: the server is ready at the first +PONG after which DBSIZE
// answers wantKeys (a -LOADING reply to either means not ready yet). A
// start is retried on another port only if the process exited (another
// process may have taken the free port first).
func startLoaded(name, bin, dir string, persistArgs []string, timeout time.Duration, wantKeys int) (*server, error) {
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		args := []string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir}
		args = append(args, persistArgs...)
		if name == "Redis" {
			args = append(args, "--daemonize", "no", "--logfile", "")
		}
		cmd := exec.Command(bin, args...)
		log := &lockedWriter{}
		cmd.Stdout = log
		cmd.Stderr = log
		started := time.Now()
		if err := start(cmd); err != nil {
			return nil, err
		}
		s := &server{Name: name, Port: port, Dir: dir, cmd: cmd, log: log, Started: started, exited: make(chan struct{})}
		go func() { cmd.Wait(); close(s.exited) }()
		lastErr = s.waitReady(timeout, wantKeys)
		if lastErr == nil {
			return s, nil
		}
		exited := false
		select {
		case <-s.exited:
			exited = true
		default:
		}
		s.stop()
		if !exited {
			return nil, lastErr
		}
	}
	return nil, lastErr
}

func (s *server) addr() string { return "127.0.0.1:" + strconv.Itoa(s.Port) }

// pid is the server's process id (for /proc/PID/status).
func (s *server) pid() int { return s.cmd.Process.Pid }

// waitReady polls PING every 5 ms until +PONG and, if wantKeys >= 0,
// DBSIZE wantKeys; Ready is when that PONG arrived.
func (s *server) waitReady(timeout time.Duration, wantKeys int) error {
	deadline := time.Now().Add(timeout)
	lastSize := ""
	for time.Now().Before(deadline) {
		select {
		case <-s.exited:
			return fmt.Errorf("%s exited before answering PING on port %d; output:\n%s", s.Name, s.Port, s.log.String())
		default:
		}
		if reply, err := s.do("PING"); err == nil && strings.HasPrefix(reply, "+PONG") {
			pong := time.Now()
			if wantKeys < 0 {
				s.Ready = pong
				return nil
			}
			if lastSize, err = s.do("DBSIZE"); err == nil && lastSize == ":"+strconv.Itoa(wantKeys) {
				s.Ready = pong
				return nil
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	if lastSize != "" {
		return fmt.Errorf("%s answered PING on port %d but DBSIZE stayed %q (want %d) for %v", s.Name, s.Port, lastSize, wantKeys, timeout)
	}
	return fmt.Errorf("%s did not answer PING on port %d; output:\n%s", s.Name, s.Port, s.log.String())
}

// do sends one inline command and returns the first reply line (enough
// for PING, FLUSHALL and DBSIZE).
func (s *server) do(cmd string) (string, error) {
	c, err := net.DialTimeout("tcp", s.addr(), time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := c.Write([]byte(cmd + "\r\n")); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return strings.TrimRight(line, "\r\n"), err
}

// must runs cmd and checks the reply starts with want.
func (s *server) must(cmd, want string) error {
	reply, err := s.do(cmd)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", s.Name, cmd, err)
	}
	if !strings.HasPrefix(reply, want) {
		return fmt.Errorf("%s: %s: got %q, want %q", s.Name, cmd, reply, want)
	}
	return nil
}

// stop ends the server: SIGTERM, then SIGKILL after 10s.
func (s *server) stop() {
	if s == nil || s.cmd.Process == nil {
		return
	}
	pid := s.cmd.Process.Pid
	syscall.Kill(-pid, syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		syscall.Kill(-pid, syscall.SIGKILL)
		<-s.exited
	}
	untrack(s.cmd)
}

// rssKB reads VmRSS (in kB) from /proc/PID/status.
func rssKB(pid int) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(v)
			if len(f) == 0 {
				break
			}
			return strconv.ParseInt(f[0], 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// runTracked runs a tracked command to completion and returns its stdout;
// ctx cancels it (killing its process group).
func runTracked(ctx context.Context, cmd *exec.Cmd) ([]byte, error) {
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := start(cmd); err != nil {
		return nil, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		err = ctx.Err()
	}
	untrack(cmd)
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 500 {
			msg = msg[:500] + "…"
		}
		return stdout.Bytes(), fmt.Errorf("%s: %w: %s", cmd.Args[0], err, msg)
	}
	return stdout.Bytes(), nil
}

// lockedWriter keeps the first MiB of a server's output.
type lockedWriter struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len() < 1<<20 {
		l.b.Write(p)
	}
	return len(p), nil
}

func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
