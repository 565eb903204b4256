package server

import (
	"strings"
	"time"
)

// Busy scripts. A script runs under the server lock, so while it runs
// every other connection waits for the lock. Once it has run longer than
// busy-reply-threshold, Redis answers other clients with BUSY and lets
// SCRIPT KILL / FUNCTION KILL through; AiKv does the same from the
// connection goroutines, without the lock: a connection that finds a
// script running polls for the lock instead of queueing on it, and past
// the threshold answers its batch itself.

const (
	busyScriptMsg   = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
	busyFunctionMsg = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
)

// lockOrBusy takes s.mu, unless a script has been running longer than
// busy-reply-threshold, in which case it answers the batch with BUSY (or
// runs the kill commands) and returns false without the lock.
//
// A connection must never queue on s.mu behind a script: once blocked in
// Lock it could not answer BUSY. So a batch that may run a script
// announces itself (s.scriptEntering) before it takes the lock, and while
// a script runs or is announced, others poll for the lock instead of
// queueing on it. Without the announcement a connection arriving between
// the script's batch taking the lock and the engine marking the script
// running would wait for the whole script.
func (s *Server) lockOrBusy(c *conn, batch [][][]byte) bool {
	if s.scripts == nil {
		s.mu.Lock()
		return true
	}
	if batchMayRunScript(batch) {
		s.scriptEntering.Add(1)
		c.enteredScript = true
	}
	return s.pollLock(func(function bool) { s.answerBusy(c, batch, function) })
}

// leaveScriptBatch ends the announcement made by lockOrBusy for c's batch.
func (s *Server) leaveScriptBatch(c *conn) {
	if c.enteredScript {
		c.enteredScript = false
		s.scriptEntering.Add(-1)
	}
}

// lockUnlessBusy takes s.mu unless a script has been running longer than
// busy-reply-threshold; it reports whether it took the lock.
func (s *Server) lockUnlessBusy() bool {
	if s.scripts == nil {
		s.mu.Lock()
		return true
	}
	return s.pollLock(nil)
}

// pollLock takes s.mu, queueing on it only while no script runs or is
// announced; otherwise it polls with a growing pause (50 µs up to 1 ms).
// Past busy-reply-threshold it calls busy (if not nil) and returns false.
func (s *Server) pollLock(busy func(function bool)) bool {
	pause := 50 * time.Microsecond
	for {
		running, since, function := s.scripts.Busy()
		if !running && s.scriptEntering.Load() == 0 {
			s.mu.Lock()
			return true
		}
		if s.mu.TryLock() {
			return true
		}
		if threshold := time.Duration(s.busyThresholdMs.Load()) * time.Millisecond; running && threshold > 0 && time.Since(since) > threshold {
			if busy != nil {
				busy(function)
			}
			return false
		}
		time.Sleep(pause)
		if pause < time.Millisecond {
			pause *= 2
		}
	}
}

// batchMayRunScript reports whether a batch holds a command that runs Lua
// (EVAL*, FCALL*, FUNCTION LOAD/RESTORE run library code, EXEC may hold
// any of them).
func batchMayRunScript(batch [][][]byte) bool {
	for _, args := range batch {
		if len(args) == 0 {
			continue
		}
		name := args[0]
		switch {
		case len(name) >= 4 && (name[0]|0x20) == 'e':
			for _, n := range [...]string{"eval", "evalsha", "eval_ro", "evalsha_ro", "exec"} {
				if strings.EqualFold(string(name), n) {
					return true
				}
			}
		case len(name) >= 5 && (name[0]|0x20) == 'f':
			for _, n := range [...]string{"fcall", "fcall_ro", "function"} {
				if strings.EqualFold(string(name), n) {
					return true
				}
			}
		}
	}
	return false
}

// answerBusy replies to a batch while a script is stuck, without the
// lock: SCRIPT KILL and FUNCTION KILL act on the engine (safe from any
// goroutine), QUIT closes, everything else gets BUSY.
func (s *Server) answerBusy(c *conn, batch [][][]byte, function bool) {
	for _, args := range batch {
		name := strings.ToLower(string(args[0]))
		sub := ""
		if len(args) > 1 {
			sub = strings.ToLower(string(args[1]))
		}
		switch {
		case (name == "script" || name == "function") && sub == "kill" && len(args) == 2:
			if msg := s.scripts.Kill(name == "function"); msg != "" {
				c.w.Error(msg)
			} else {
				c.w.OK()
			}
		case name == "quit":
			c.w.OK()
			c.client.CloseAfterReply = true
			return
		default:
			if function {
				c.w.Error(busyFunctionMsg)
			} else {
				c.w.Error(busyScriptMsg)
			}
		}
	}
}
