package server

import (
	"time"

	"github.com/aikv/aikv/server/command"
)

// slowlog keeps the newest entries first, guarded by Server.mu.
type slowlog struct {
	entries []command.SlowlogEntry
	nextID  int64
}

func (l *slowlog) init() {}

// maybeAdd records a command that took at least threshold microseconds
// (negative threshold disables, 0 logs everything), keeping at most maxLen
// entries. Like Redis, at most 32 arguments are kept, each cut to 128
// bytes, and credentials are replaced by "(redacted)".
func (l *slowlog) maybeAdd(threshold, maxLen int64, c *conn, args [][]byte, dur time.Duration) {
	if threshold < 0 || dur.Microseconds() < threshold {
		return
	}
	start := time.Now().Add(-dur)
	n := len(args)
	if n > 32 {
		n = 32
	}
	kept := make([]string, 0, n)
	redact := redactedArgs(args)
	for i := 0; i < n; i++ {
		if i == 31 && len(args) > 32 {
			kept = append(kept, "... ("+itoa(len(args)-31)+" more arguments)")
			break
		}
		a := args[i]
		if redact[i] {
			kept = append(kept, "(redacted)")
		} else if len(a) > 128 {
			kept = append(kept, string(a[:128])+"... ("+itoa(len(a)-128)+" more bytes)")
		} else {
			kept = append(kept, string(a))
		}
	}
	e := command.SlowlogEntry{ID: l.nextID, Time: start.Unix(), Duration: dur.Microseconds(), Args: kept, Addr: c.client.Addr, Name: c.client.Name}
	l.nextID++
	l.entries = append([]command.SlowlogEntry{e}, l.entries...)
	if int64(len(l.entries)) > maxLen {
		l.entries = l.entries[:max(maxLen, 0)]
	}
}

func (l *slowlog) reset() { l.entries = nil }
