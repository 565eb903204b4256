package server

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aikv/aikv/server/command"
)

// This file holds the server side of the administration commands:
// CLIENT PAUSE, CLIENT KILL, MONITOR and the latency monitor. Everything
// here runs with s.mu held unless a comment says otherwise.

// pauseState is the CLIENT PAUSE state, guarded by Server.mu.
type pauseState struct {
	mode  command.PauseMode
	until time.Time
	// changed is closed (and replaced) whenever the pause ends early or
	// changes, waking the connections that wait for it.
	changed chan struct{}
}

// active reports the pause mode in force at now.
func (p *pauseState) active(now time.Time) command.PauseMode {
	if p.mode == command.PauseOff || !now.Before(p.until) {
		return command.PauseOff
	}
	return p.mode
}

func (p *pauseState) signal() {
	if p.changed != nil {
		close(p.changed)
	}
	p.changed = make(chan struct{})
}

// Pause implements command.Server. Like Redis, a pause in force keeps the
// stronger mode and the later end.
func (s *Server) Pause(mode command.PauseMode, until time.Time) {
	p := &s.pause
	if p.active(time.Now()) == command.PauseOff {
		p.mode, p.until = mode, until
	} else {
		p.mode = max(p.mode, mode)
		if until.After(p.until) {
			p.until = until
		}
	}
	p.signal()
}

// Unpause implements command.Server.
func (s *Server) Unpause() {
	s.pause.mode = command.PauseOff
	s.pause.signal()
}

// mustWaitLocked reports whether c's next command args has to wait for
// the pause to end. Monitors (Redis's replicas) are never paused.
func (s *Server) mustWaitLocked(c *conn, args [][]byte) bool {
	mode := s.pause.active(time.Now())
	if mode == command.PauseOff || c.client.Monitor {
		return false
	}
	spec := s.table.Lookup(args[0])
	if spec == nil {
		return false // rejected at once, as in Redis
	}
	if mode == command.PauseAll {
		return true
	}
	run, _ := s.table.Resolve(spec, args)
	if c.client.InMulti && run.Name == "exec" {
		// An EXEC waits when its queue would write.
		return c.tx.flags&(command.Write|command.MayReplicate) != 0
	}
	return run.Flags&(command.Write|command.MayReplicate) != 0
}

// waitPauseLocked blocks while c's next command is paused. It is called
// and returns with s.mu held, but releases it while waiting, after
// sending the replies already produced in this batch. It returns false
// when the client was killed or the server is stopping.
func (s *Server) waitPauseLocked(c *conn, args [][]byte) bool {
	for s.mustWaitLocked(c, args) {
		changed, until := s.pause.changed, s.pause.until
		// The replies sent now acknowledge the batch's earlier commands:
		// log their effects first (flush waits for them).
		s.endBatch(c)
		s.ks.ThawClock()
		s.endBatchWakesLocked(c)
		s.mu.Unlock()
		c.wakeDeferred()
		c.flush()
		t := time.NewTimer(time.Until(until))
		select {
		case <-changed:
		case <-t.C:
		case <-c.wake:
		case <-s.done:
		}
		t.Stop()
		s.mu.Lock()
		s.beginBatchWakesLocked()
		s.ks.FreezeClockAt(time.Now().UnixMilli())
		c.cmdStart = nanotime()
		if c.client.Kill || s.closing.Load() {
			return false
		}
	}
	return true
}

// KillClient implements command.Server.
func (s *Server) KillClient(cl *command.Client) {
	c, ok := s.clients[cl.ID]
	if !ok {
		return
	}
	cl.Kill = true
	c.killed.Store(true)
	c.nc.SetReadDeadline(time.Now())
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// maxMonitorBacklog bounds a monitor's undelivered output; a monitor that
// falls further behind is disconnected rather than growing without end.
const maxMonitorBacklog = 256 << 20

// StartMonitor implements command.Server.
func (s *Server) StartMonitor(cl *command.Client) {
	c, ok := s.clients[cl.ID]
	if !ok {
		return
	}
	cl.Monitor = true
	if s.monitors == nil {
		s.monitors = make(map[int64]*conn)
	}
	s.monitors[cl.ID] = c
}

// feedMonitorsLocked sends one executed command to every monitor, in
// Redis's format: +<unix.micro> [<db> <addr>] "arg" "arg"...
func (s *Server) feedMonitorsLocked(c *conn, args [][]byte) {
	now := time.Now()
	line := make([]byte, 0, 64)
	line = append(line, '+')
	line = strconv.AppendInt(line, now.Unix(), 10)
	line = append(line, '.')
	us := now.Nanosecond() / 1000
	line = append(line, strconv.Itoa(1000000 + us)[1:]...)
	line = append(line, " ["...)
	line = strconv.AppendInt(line, int64(c.client.DB), 10)
	line = append(line, ' ')
	line = append(line, c.client.Addr...)
	line = append(line, ']')
	redact := redactedArgs(args)
	for i, a := range args {
		line = append(line, ' ')
		if redact[i] {
			line = append(line, `"(redacted)"`...)
			continue
		}
		line = appendRepr(line, a)
	}
	line = append(line, '\r', '\n')
	for id, m := range s.monitors {
		if id == c.client.ID {
			continue
		}
		wake, overflow := m.out.appendPrivate(line, maxMonitorBacklog)
		if overflow {
			s.KillClient(&m.client)
			continue
		}
		if wake {
			m.nudge()
		}
	}
}

// redactedArgs marks the arguments Redis hides from MONITOR and the
// slowlog: AUTH's credentials and HELLO's AUTH user and password.
func redactedArgs(args [][]byte) []bool {
	out := make([]bool, len(args))
	name := strings.ToLower(string(args[0]))
	switch name {
	case "auth":
		for i := 1; i < len(args); i++ {
			out[i] = true
		}
	case "hello":
		for i := 1; i < len(args); i++ {
			if strings.EqualFold(string(args[i]), "auth") && i+2 < len(args) {
				out[i+1], out[i+2] = true, true
				i += 2
			}
		}
	}
	return out
}

// appendRepr quotes b like Redis's sdscatrepr.
func appendRepr(dst, b []byte) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for _, ch := range b {
		switch ch {
		case '\\', '"':
			dst = append(dst, '\\', ch)
		case '\n':
			dst = append(dst, `\n`...)
		case '\r':
			dst = append(dst, `\r`...)
		case '\t':
			dst = append(dst, `\t`...)
		case '\a':
			dst = append(dst, `\a`...)
		case '\b':
			dst = append(dst, `\b`...)
		default:
			if ch >= 0x20 && ch < 0x7f {
				dst = append(dst, ch)
			} else {
				dst = append(dst, '\\', 'x', hex[ch>>4], hex[ch&15])
			}
		}
	}
	return append(dst, '"')
}

// latencyMonitor records events that took at least the
// latency-monitor-threshold, like Redis's latency monitor: per event the
// last 160 samples (one per second at most) and the all-time maximum.
type latencyMonitor struct {
	events map[string]*latencySeries
}

type latencySeries struct {
	samples []command.LatencySample // ring, oldest first once full
	max     int64
}

const latencyHistoryLen = 160

// add records a sample of ms milliseconds for event at now. Caller holds
// s.mu.
func (l *latencyMonitor) add(event string, now time.Time, ms int64) {
	if l.events == nil {
		l.events = make(map[string]*latencySeries)
	}
	ev := l.events[event]
	if ev == nil {
		ev = &latencySeries{}
		l.events[event] = ev
	}
	sec := now.Unix()
	ev.max = max(ev.max, ms)
	if n := len(ev.samples); n > 0 && ev.samples[n-1].Time == sec {
		last := &ev.samples[n-1]
		last.Latency = max(last.Latency, ms)
		return
	}
	ev.samples = append(ev.samples, command.LatencySample{Time: sec, Latency: ms})
	if len(ev.samples) > latencyHistoryLen {
		ev.samples = ev.samples[1:]
	}
}

func (s *Server) LatencyLatest() []command.LatencyEvent {
	out := make([]command.LatencyEvent, 0, len(s.latency.events))
	for name, ev := range s.latency.events {
		if len(ev.samples) == 0 {
			continue
		}
		last := ev.samples[len(ev.samples)-1]
		out = append(out, command.LatencyEvent{Name: name, Time: last.Time, Latest: last.Latency, Max: ev.max})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (s *Server) LatencyHistory(event string) []command.LatencySample {
	ev := s.latency.events[event]
	if ev == nil {
		return nil
	}
	return append([]command.LatencySample(nil), ev.samples...)
}

func (s *Server) LatencyReset(events []string) int {
	if len(events) == 0 {
		n := len(s.latency.events)
		s.latency.events = nil
		return n
	}
	n := 0
	for _, e := range events {
		if _, ok := s.latency.events[e]; ok {
			delete(s.latency.events, e)
			n++
		}
	}
	return n
}

// latencyThresholdParam is looked up once: the latency-monitor-threshold
// parameter belongs to the config registry, which may not define it, in
// which case the monitor stays off.
var latencyThresholdParam = registry.Lookup("latency-monitor-threshold")

// refreshLatencyThresholdLocked re-reads latency-monitor-threshold (in
// milliseconds; 0 disables). The cron calls it so the per-command path
// only reads an int.
func (s *Server) refreshLatencyThresholdLocked() {
	if latencyThresholdParam == nil {
		return
	}
	n, err := strconv.ParseInt(registry.Value(s.cfg, latencyThresholdParam), 10, 64)
	if err == nil && n >= 0 {
		s.latencyThreshold = n
	}
}

// recordLatencyLocked feeds one command's duration to the latency monitor.
func (s *Server) recordLatencyLocked(spec *command.Spec, start time.Time, dur time.Duration) {
	if s.latencyThreshold <= 0 {
		return
	}
	ms := dur.Milliseconds()
	if ms < s.latencyThreshold {
		return
	}
	event := "command"
	if spec.Flags.Has(command.Fast) {
		event = "fast-command"
	}
	s.latency.add(event, start, ms)
}

// MemoryStats implements command.Server.
func (s *Server) MemoryStats() command.MemoryStats {
	used, total := uint64(max64(s.usedMemory(), 0)), readGoMemStats().total
	if int64(used) > s.peakMemory {
		s.peakMemory = int64(used)
	}
	return command.MemoryStats{
		Peak:              s.peakMemory,
		Total:             int64(used),
		Startup:           s.startupMemory,
		RSS:               int64(rss()),
		AllocatorActive:   int64(total),
		AllocatorResident: int64(total),
	}
}
