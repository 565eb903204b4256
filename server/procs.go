package server

import (
	"runtime"
	"strings"
)

// Processor count (GOMAXPROCS).
//
// Commands run one batch at a time under Server.mu, so Ps beyond the first
// mostly add cross-thread wake-ups to the command path, and every core
// they take is one the kernel's network stack and the clients on the same
// host do not get. Measured on a 2-core VM with redis-benchmark on the same
// host (docs/benchmarks.md, "GOMAXPROCS"): one P instead of two raised
// unpipelined throughput by 15–25% and the -P 16 geometric mean against
// Redis from 0.90 to 1.00.
//
// The exception is appendfsync always without the event loop: the
// group-commit leader keeps its P through fdatasync (aof.datasync), which
// needs a second P to serve clients meanwhile; with one P the fsync would
// enter the scheduler's syscall state and stall every client until sysmon
// hands the P over (measured: 40k → 5–10k writes/s). So while always is in
// effect a goroutine-per-connection server keeps at least two Ps. The
// event loop instead waits for the fsync on its one P, as Redis's loop
// does (aof.Options.InlineSync), and the clients' next requests gather in
// their sockets meanwhile: a second P there only adds idle threads waking
// and spinning (measured on 2 cores, redis-benchmark SET -c 50: 25–30k
// writes/s and 0.5 context switches per request with two Ps, 60–66k and
// 0.13 with one, Redis 60–68k and 0.12).
//
// A background save (BGSAVE, BGREWRITEAOF, a SYNC transfer) gets a P of
// its own while it runs, as Redis's fork child gets its own CPU: its walk,
// encoding and compression then run beside the command path instead of
// taking turns with it on the only P, so the save finishes in a few
// seconds (and the copy-on-write values it keeps are few) without pacing
// the clients' throughput down. The P is given back when the save ends.
//
// The main program opts in (EnableProcTuning) unless the GOMAXPROCS
// environment variable is set, which always wins; tests that embed a
// Server leave their process's setting alone.
type procTuning struct {
	on   bool
	cpus int // GOMAXPROCS the runtime chose at start (CPUs, or the cgroup quota)
}

// autoProcs is the P count for cpus usable CPUs: half of them, at least
// one, and at least two under appendfsync always when there are two; one
// more (up to cpus) while a background save runs.
func autoProcs(cpus int, alwaysFsync, saving bool) int {
	n := max(1, cpus/2)
	if alwaysFsync && n < 2 && cpus >= 2 {
		n = 2
	}
	if saving {
		n = min(n+1, max(cpus, 1))
	}
	return n
}

// EnableProcTuning lets the server set GOMAXPROCS from the CPU count, the
// persistence settings and whether a background save runs (see
// procTuning), now and whenever these change.
func (s *Server) EnableProcTuning() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.procs = procTuning{on: true, cpus: runtime.GOMAXPROCS(0)}
	s.tuneProcsLocked()
}

// tuneProcsLocked applies autoProcs to the current settings. Call it
// after a change to appendonly, appendfsync or s.save.job. Caller holds
// s.mu.
func (s *Server) tuneProcsLocked() {
	if !s.procs.on {
		return
	}
	always := s.cfg.AppendOnly && strings.EqualFold(s.cfg.AppendFsync, "always") && !s.useEventLoop
	saving := s.save.job != nil
	if n := autoProcs(s.procs.cpus, always, saving); n != runtime.GOMAXPROCS(0) {
		runtime.GOMAXPROCS(n)
		s.log.Info("GOMAXPROCS set", "procs", n, "cpus", s.procs.cpus, "appendfsync_always", always, "background_save", saving)
	}
}
