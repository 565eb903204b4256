package server

import (
	"strconv"
	"strings"
	"time"
)

// Output buffer limits (client-output-buffer-limit, normal class).
//
// A connection runs one batch of at most maxBatch commands, then writes
// its replies; while the client does not read, the write blocks and no
// further batch runs. So a client's reply buffer never holds more than
// one batch of replies. Within that, the hard limit closes the client as
// soon as its pending replies exceed it (Redis: "scheduled to be closed
// ASAP for overcoming of output buffer limits"), and the soft limit closes
// it when the replies stay above it for soft-seconds (here: the write of
// a buffer above the soft limit does not finish in time). 0 disables a
// limit; Redis's default for normal clients is 0 0 0.

// outputLimit is one class's limits.
type outputLimit struct {
	hard, soft int64
	softFor    time.Duration
}

const defaultOutputLimits = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"

// normalOutputLimit returns the normal class's limits. Caller holds s.mu.
func (s *Server) normalOutputLimit() outputLimit {
	v, ok := s.cfg.Other["client-output-buffer-limit"]
	if !ok {
		v = defaultOutputLimits
	}
	if v == s.outLimitSrc {
		return s.outLimit
	}
	f := strings.Fields(v)
	var l outputLimit
	for i := 0; i+3 < len(f); i += 4 {
		if f[i] != "normal" {
			continue
		}
		l.hard, _ = strconv.ParseInt(f[i+1], 10, 64)
		l.soft, _ = strconv.ParseInt(f[i+2], 10, 64)
		secs, _ := strconv.ParseInt(f[i+3], 10, 64)
		l.softFor = time.Duration(secs) * time.Second
	}
	s.outLimitSrc, s.outLimit = v, l
	return l
}

// overHardLimit reports whether c's pending replies exceed the hard limit;
// if so it drops them and marks the client to be closed. Caller holds s.mu.
func (s *Server) overHardLimit(c *conn) bool {
	l := s.normalOutputLimit()
	if l.hard <= 0 || int64(len(c.w.B)) <= l.hard || c.client.Monitor {
		return false
	}
	s.log.Warn("client scheduled to be closed ASAP for overcoming of output buffer limits",
		"client", c.client.Addr, "pending", len(c.w.B), "hard", l.hard)
	c.w.B = c.w.B[:0]
	c.client.CloseAfterReply = true
	c.outLimitHit = true
	return true
}

// softWriteDeadline is the deadline for writing n pending bytes: when n is
// above the soft limit, the client must take them within soft-seconds.
func (s *Server) softWriteDeadline(n int) time.Time {
	s.mu.Lock()
	l := s.normalOutputLimit()
	s.mu.Unlock()
	if l.soft <= 0 || int64(n) <= l.soft {
		return time.Time{}
	}
	return time.Now().Add(l.softFor)
}
