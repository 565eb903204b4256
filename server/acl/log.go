package acl

// Log is the ACL LOG: denied commands, keys, channels and failed AUTHs,
// newest first. Entries that match an entry among the ten newest (same
// reason, context, object and user, within a minute) are merged into it.
type Log struct {
	Entries []*LogEntry // newest first
	MaxLen  int
}

// LogEntry is one ACL LOG entry.
type LogEntry struct {
	Count    int64
	Reason   Result
	Context  string // "toplevel", "multi", "lua"
	Object   string
	Username string
	Time     int64 // Unix ms of the latest occurrence
	// ClientInfo is the CLIENT LIST line of the client at the latest
	// occurrence.
	ClientInfo string
}

// ReasonName is the entry's "reason" field.
func (e *LogEntry) ReasonName() string {
	switch e.Reason {
	case DeniedCommand:
		return "command"
	case DeniedKey:
		return "key"
	case DeniedChannel:
		return "channel"
	case DeniedAuth:
		return "auth"
	}
	return "unknown"
}

// groupingMs is ACL_LOG_GROUPING_MAX_TIME_DELTA.
const groupingMs = 60000

// Add records a denial (addACLLogEntry).
func (l *Log) Add(e *LogEntry) {
	for i := 0; i < len(l.Entries) && i < 10; i++ {
		m := l.Entries[i]
		d := m.Time - e.Time
		if d < 0 {
			d = -d
		}
		if m.Reason == e.Reason && m.Context == e.Context && d <= groupingMs &&
			m.Object == e.Object && m.Username == e.Username {
			m.ClientInfo = e.ClientInfo
			m.Time = e.Time
			m.Count++
			copy(l.Entries[1:i+1], l.Entries[:i])
			l.Entries[0] = m
			return
		}
	}
	e.Count = 1
	l.Entries = append(l.Entries, nil)
	copy(l.Entries[1:], l.Entries)
	l.Entries[0] = e
	if l.MaxLen >= 0 && len(l.Entries) > l.MaxLen {
		l.Entries = l.Entries[:l.MaxLen]
	}
}

// Reset empties the log.
func (l *Log) Reset() { l.Entries = nil }
