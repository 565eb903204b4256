package server

import (
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

// normalOutputLimit returns the normal class's limits (parsed by
// refreshOutputLimitsLocked, shared with the pubsub class). Caller holds
// s.mu.
func (s *Server) normalOutputLimit() outputLimit { return s.outLimits.parsed[0] }

// overHardLimit reports whether c's pending replies exceed the hard limit;
// if so it drops them and marks the client to be closed. It also notes when
// the replies first went above the soft limit. Caller holds s.mu.
func (s *Server) overHardLimit(c *conn) bool {
	l := s.normalOutputLimit()
	if l.soft > 0 && c.softSince.IsZero() && int64(len(c.w.B)) > l.soft {
		c.softSince = time.Now()
	}
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
// above the soft limit, the client must take them within soft-seconds of
// since, when they first went above it (now if unknown). Building a large
// batch of replies counts against that time, as in Redis, where the clock
// starts when the reply buffer passes the limit. It reads the limits
// without the server lock (a connection flushing must never wait behind a
// long command or a busy script).
func (s *Server) softWriteDeadline(n int, since time.Time) time.Time {
	l := s.connCfg.Load().normalLimit
	if l.soft <= 0 || int64(n) <= l.soft {
		return time.Time{}
	}
	if since.IsZero() {
		since = time.Now()
	}
	return since.Add(l.softTime)
}
