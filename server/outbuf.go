package server

import "time"

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

// normalOutputLimit returns the normal class's limits (cached by
// refreshOutputLimitsLocked). Caller holds s.mu.
func (s *Server) normalOutputLimit() outputLimit { return s.outLimits.parsed[0] }

// overHardLimit reports whether c's pending replies exceed the hard limit;
// if so it drops them and marks the client to be closed. Caller holds s.mu.
func (s *Server) overHardLimit(c *conn) bool {
	l := s.normalOutputLimit()
	if c.client.PubSub {
		l = s.outLimits.parsed[1] // Redis's getClientType: pubsub class
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
// above the soft limit, the client must take them within soft-seconds.
// It reads the limits published to connections (no lock).
func (c *conn) softWriteDeadline(n int) time.Time {
	l := c.s.connCfg.Load().outLimits[0]
	if c.client.PubSub {
		l = c.s.connCfg.Load().outLimits[1]
	}
	if l.soft <= 0 || int64(n) <= l.soft {
		return time.Time{}
	}
	return time.Now().Add(l.softTime)
}
