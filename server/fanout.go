package server

import (
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Fan-out: output one connection produces for others (pub/sub messages,
// keyspace notifications, tracking invalidations) and how it reaches
// their sockets.
//
// A frame is copied once into the fan-out arena (shareLocked), a chunk
// of fixed capacity that is only ever appended to, so bytes in it never
// change once written. Every receiver's pending output is a list of
// slices of such bytes (segments); a frame that directly follows the
// receiver's last segment in the same chunk extends that segment instead
// of adding one. So PUBLISH to N subscribers costs one copy of the frame
// and N slice extensions, and a pipeline of PUBLISHes to one channel is
// one contiguous segment per subscriber, written with one system call.
// A chunk is garbage once no receiver references it.
//
// During a batch (pubsub.deferWake) the segments are staged under
// Server.mu in outbox.stage and handed to the outbox, under its own
// mutex, once per receiver when the batch ends (endBatchWakesLocked), or
// earlier when a receiver's staged output passes stageFlush. Outside a
// batch they are handed over at once. The output limits, back-pressure
// and wake-ups apply at hand-over.

// fanoutChunk is the fan-out arena's chunk size; a frame larger than a
// quarter of it gets a chunk of its own.
const fanoutChunk = 32 << 10

// coalesceMax is how much pending output a receiver leaves unwritten
// while a running batch stages more for it (see drainOutbox).
const coalesceMax = 64 << 10

// stageFlush is how much staged output a receiver may collect before it
// is handed to its outbox in the middle of a batch, so the output limits
// see it.
const stageFlush = 256 << 10

// shareLocked copies frame into the fan-out arena and returns the copy,
// whose capacity runs to the end of its chunk (see follows). Caller holds
// s.mu.
func (s *Server) shareLocked(frame []byte) []byte {
	if len(frame) > fanoutChunk/4 {
		return append(make([]byte, 0, len(frame)), frame...)
	}
	a := s.pubsub.arena
	if cap(a)-len(a) < len(frame) {
		a = make([]byte, 0, fanoutChunk)
	}
	start := len(a)
	a = append(a, frame...) // within capacity: the chunk never moves
	s.pubsub.arena = a
	return a[start:len(a):cap(a)]
}

// follows reports whether b starts where a ends in the same array, so
// a[:len(a)+len(b)] is a followed by b. Only arena chunks are extended
// this way: their bytes past a segment's end are either unwritten or
// already final.
func follows(a, b []byte) bool {
	return len(b) > 0 && len(a) < cap(a) && &a[:len(a)+1][len(a)] == &b[0]
}

// appendSeg appends seg to segs, extending the last segment when seg
// follows it.
func appendSeg(segs [][]byte, seg []byte) [][]byte {
	if n := len(segs); n > 0 && follows(segs[n-1], seg) {
		segs[n-1] = segs[n-1][:len(segs[n-1])+len(seg)]
		return segs
	}
	return append(segs, seg)
}

// stageLocked queues seg (arena bytes) for m. Caller holds s.mu.
func (s *Server) stageLocked(m *conn, seg []byte) {
	o := &m.out
	if len(o.stage) == 0 {
		o.staging.Store(true)
	}
	o.stage = appendSeg(o.stage, seg)
	o.stageLen += len(seg)
	if !s.pubsub.deferWake {
		if s.flushStageLocked(m, s.current) {
			m.nudge()
		}
		return
	}
	if !o.listed {
		o.listed = true
		s.pubsub.staged = append(s.pubsub.staged, m)
	}
	if o.stageLen >= stageFlush && s.flushStageLocked(m, s.current) {
		s.pubsub.toWake = append(s.pubsub.toWake, m)
	}
}

// flushStageLocked moves m's staged output into its outbox, enforcing
// client-output-buffer-limit: past the hard limit, or past the soft limit
// for longer than soft-seconds, m is disconnected, as Redis does. A
// receiver left more than congestThreshold behind is added to
// cur.congested (back-pressure, see waitCongested). It reports whether
// m's goroutine must be woken to write. Caller holds s.mu.
func (s *Server) flushStageLocked(m *conn, cur *conn) (wake bool) {
	o := &m.out
	if len(o.stage) == 0 {
		return false
	}
	limit := s.outLimits.parsed[0]
	if m.client.PubSub {
		limit = s.outLimits.parsed[1] // Redis's getClientType: pubsub class
	}
	var now time.Time
	o.mu.Lock()
	o.staging.Store(false)
	if o.dead {
		o.mu.Unlock()
		o.clearStage()
		return false
	}
	wake = (o.pending == 0 || o.skipped) && !o.draining
	o.skipped = false
	if len(o.buf) > 0 {
		o.segs = append(o.segs, o.buf) // keep order: private bytes came first
		o.buf = nil
	}
	for _, seg := range o.stage {
		o.segs = appendSeg(o.segs, seg)
	}
	o.pending += o.stageLen
	size := int64(o.pending + o.inflight)
	over := false
	switch {
	case limit.hard > 0 && size >= limit.hard:
		over = true
	case limit.soft > 0 && size >= limit.soft:
		now = time.Now()
		if o.softSince.IsZero() {
			o.softSince = now
		} else if now.Sub(o.softSince) > limit.softTime {
			over = true
		}
	default:
		o.softSince = time.Time{}
	}
	stalled := o.stalled
	if over {
		o.dropLocked()
	}
	o.mu.Unlock()
	o.clearStage()
	if over {
		now = time.Now()
		s.log.Warn("Client scheduled to be closed ASAP for overcoming of output buffer limits.",
			"client", m.clientInfo(now), "pending", size, "stalled", stalled)
		s.KillClient(&m.client)
		// Unblock a write stuck on a client that does not read.
		m.nc.SetWriteDeadline(now)
		return false
	}
	if size >= congestThreshold && cur != nil && cur != m && !stalled {
		if n := len(cur.congested); n == 0 || cur.congested[n-1] != m {
			cur.congested = append(cur.congested, m)
		}
	}
	return wake
}

// outbox holds output for one connection produced by other connections
// (MONITOR lines, pub/sub messages, invalidations). They add to it while
// holding Server.mu; the owning connection's goroutine drains it and
// writes it to its socket without holding Server.mu.
//
// Pending output is segs followed by buf: segs are arena segments and
// former private buffers, buf collects private bytes (MONITOR lines).
type outbox struct {
	// stage, stageLen and listed are guarded by Server.mu, not mu:
	// output staged during another connection's batch (see fanout.go),
	// and whether the connection is in pubsub.staged.
	stage    [][]byte
	stageLen int
	listed   bool

	mu   sync.Mutex
	segs [][]byte
	buf  []byte
	// pending is the size of segs and buf.
	pending int
	// spare and spareSegs are drained buffers kept for reuse.
	spare     []byte
	spareSegs [][]byte
	// inflight is the size of the drained output being written; it
	// counts toward the output limits like Redis's unsent reply list.
	inflight int
	// draining is set while the owner's drainOutbox runs: it takes
	// whatever is added before it finds the outbox empty, so adding
	// needs no wake-up.
	draining bool
	// staging is set while output for the owner is staged (see
	// stageLocked); an owner about to write less than coalesceMax then
	// leaves it for the hand-over, marking skipped, which makes the
	// hand-over wake it.
	staging atomic.Bool
	skipped bool
	// softSince is when the output first exceeded the soft limit.
	softSince time.Time
	// dead is set when the limit closed the connection, or it ended:
	// nothing more is queued.
	dead bool
	// progress, when set, is closed after the owner's next write (see
	// waitCongested); stalled marks an owner that made no progress.
	progress chan struct{}
	stalled  bool
}

// hasPending reports whether output from other connections waits to be
// written.
func (o *outbox) hasPending() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.pending > 0
}

func (o *outbox) clearStage() {
	clear(o.stage)
	o.stage = o.stage[:0]
	o.stageLen = 0
}

// dropLocked discards pending output and stops queueing (o.mu held).
func (o *outbox) dropLocked() {
	o.dead = true
	o.segs, o.buf, o.spare, o.spareSegs = nil, nil, nil, nil
	o.pending = 0
}

// appendPrivate adds private bytes (a MONITOR line) unless that would
// take the pending output past max. It reports whether the owner must be
// woken, and whether max was passed (nothing added).
func (o *outbox) appendPrivate(b []byte, max int) (wake, overflow bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.dead {
		return false, false
	}
	if o.pending+len(b) > max {
		return false, true
	}
	wake = o.pending == 0 && !o.draining
	o.buf = append(o.buf, b...)
	o.pending += len(b)
	return wake, false
}

// drainOutbox writes pending output. Called by the connection's own
// goroutine without s.mu.
func (c *conn) drainOutbox() error {
	o := &c.out
	for {
		o.mu.Lock()
		if o.pending == 0 {
			o.draining = false
			o.mu.Unlock()
			return nil
		}
		if o.pending < coalesceMax && o.staging.Load() {
			// A batch running now has more for us and wakes us when it
			// ends (flushStageLocked): write both at once, as Redis
			// writes a client once per event loop pass.
			o.skipped = true
			o.draining = false
			o.mu.Unlock()
			return nil
		}
		segs, buf := o.segs, o.buf
		o.segs, o.buf = o.spareSegs[:0], o.spare
		o.spareSegs, o.spare = nil, nil
		o.inflight = o.pending
		o.pending = 0
		o.draining = true
		o.mu.Unlock()

		iov := append(c.iov[:0], segs...)
		if len(buf) > 0 {
			iov = append(iov, buf)
		}
		err := c.writeSegments(iov)
		clear(iov)
		c.iov = iov[:0]

		o.mu.Lock()
		o.inflight = 0
		if err != nil {
			o.draining = false
		}
		if !o.dead {
			if cap(buf) <= 256<<10 {
				o.spare = buf[:0]
			}
			if cap(segs) <= 1024 {
				clear(segs)
				o.spareSegs = segs[:0]
			}
		}
		o.mu.Unlock()
		if err != nil {
			return err
		}
	}
}

// writeSegments writes iov (consumed), at most writeChunk bytes per
// call, reporting progress after each (waitCongested).
func (c *conn) writeSegments(iov [][]byte) error {
	o := &c.out
	for len(iov) > 0 {
		part := c.wv[:0]
		n := 0
		for len(iov) > 0 && n < writeChunk {
			b := iov[0]
			if n+len(b) > writeChunk {
				b = b[:writeChunk-n]
				iov[0] = iov[0][len(b):]
			} else {
				iov = iov[1:]
			}
			part = append(part, b)
			n += len(b)
		}
		bufs := net.Buffers(part)
		_, err := bufs.WriteTo(c.sock())
		clear(part)
		c.wv = part[:0]
		o.mu.Lock()
		o.inflight -= n
		o.stalled = false
		if o.progress != nil {
			close(o.progress)
			o.progress = nil
		}
		o.mu.Unlock()
		if err != nil {
			return err
		}
	}
	return nil
}

// writeChunk is the most writeSegments writes before reporting progress.
// Large enough that a subscriber's backlog goes out in one system call
// (64 KiB took two for a third of the drains in the -pubsub benchmark).
const writeChunk = 256 << 10

// takeOutboxLocked moves pending outbox output into the reply buffer, so
// that what others sent before this batch precedes its replies. Called
// by the owner with s.mu held.
func (c *conn) takeOutboxLocked() {
	o := &c.out
	o.mu.Lock()
	if o.pending > 0 {
		for i, seg := range o.segs {
			c.w.B = append(c.w.B, seg...)
			o.segs[i] = nil
		}
		o.segs = o.segs[:0]
		c.w.B = append(c.w.B, o.buf...)
		o.buf = o.buf[:0]
		o.pending = 0
		o.softSince = time.Time{}
	}
	o.mu.Unlock()
}

// writeNow writes as much of the reply buffer as the socket takes
// without blocking, and drops it from the buffer. Called by the owner
// without s.mu.
func (c *conn) writeNow() {
	if c.raw == nil {
		sc, ok := c.nc.(syscall.Conn)
		if !ok {
			return
		}
		raw, err := sc.SyscallConn()
		if err != nil {
			return
		}
		c.raw = raw
		c.rawWrite = func(fd uintptr) bool {
			c.rawN, _ = syscall.Write(int(fd), c.w.B)
			return true // one attempt: never wait
		}
	}
	c.rawN = 0
	if c.raw.Write(c.rawWrite) != nil || c.rawN <= 0 {
		return
	}
	c.w.B = c.w.B[:copy(c.w.B, c.w.B[c.rawN:])]
}
