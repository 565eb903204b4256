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
func (s *Server) lockOrBusy(c *conn, batch [][][]byte) bool {
	if s.scripts == nil {
		s.mu.Lock()
		return true
	}
	for {
		running, since, function := s.scripts.Busy()
		if !running {
			s.mu.Lock()
			return true
		}
		if s.mu.TryLock() {
			return true
		}
		if threshold := time.Duration(s.busyThresholdMs.Load()) * time.Millisecond; threshold > 0 && time.Since(since) > threshold {
			s.answerBusy(c, batch, function)
			return false
		}
		time.Sleep(time.Millisecond)
	}
}

// lockUnlessBusy takes s.mu unless a script has been running longer than
// busy-reply-threshold; it reports whether it took the lock.
func (s *Server) lockUnlessBusy() bool {
	if s.scripts == nil {
		s.mu.Lock()
		return true
	}
	for {
		running, since, _ := s.scripts.Busy()
		if !running {
			s.mu.Lock()
			return true
		}
		if s.mu.TryLock() {
			return true
		}
		if threshold := time.Duration(s.busyThresholdMs.Load()) * time.Millisecond; threshold > 0 && time.Since(since) > threshold {
			return false
		}
		time.Sleep(time.Millisecond)
	}
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
