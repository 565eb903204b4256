package server

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aikv/aikv/datastructs/glob"
	"github.com/aikv/aikv/server/command"
)

// Pub/Sub state and message delivery.
//
// Subscriptions live in pubsub, guarded by Server.mu. A message for a
// connection other than the one running the current command is encoded
// once per protocol (RESP2 array or RESP3 push frame), copied once into
// the fan-out arena, and referenced from each receiver's outbox under
// Server.mu (fanout.go); the receiver's goroutine is woken by moving its
// read deadline to now (nudge) and writes the outbox without holding
// Server.mu. So no network I/O happens under the lock, and a receiver
// that does not read only grows its outbox, which
// client-output-buffer-limit bounds: past the hard limit, or past
// the soft limit for longer than soft-seconds, the receiver is
// disconnected, as Redis does. A message for the current connection goes
// straight into its reply buffer, in order with its replies.

// pubsub is the subscription registry, guarded by Server.mu.
type pubsub struct {
	// subs maps a channel (or pattern) of each kind to its subscribers in
	// subscription order.
	subs [3]map[string][]*conn
	// patterns lists the subscribed patterns in the order they were
	// first subscribed, so delivery order is deterministic.
	patterns []string
	// While a connection's batch runs (deferWake), output for other
	// connections is staged (outbox.stage, listed in staged) and handed
	// to their outboxes when the batch releases the lock (unlockBatch),
	// one outbox lock per receiver per batch; receivers whose outbox
	// went from idle to not are collected in toWake and nudged then.
	// So a pipeline of PUBLISHes reaches each subscriber as one write,
	// as Redis writes a client's output once per event loop, and
	// subscribers do not wake to contend for their outbox while the
	// batch is still filling it.
	deferWake bool
	staged    []*conn
	toWake    []*conn
	// scratch holds the frame being delivered, per protocol (RESP2,
	// RESP3), reused from message to message.
	scratch [2][]byte
	// arena is the current fan-out chunk (see shareLocked).
	arena []byte
}

func (p *pubsub) init() {
	for i := range p.subs {
		p.subs[i] = make(map[string][]*conn)
	}
}

// connSubs is a connection's own subscriptions, guarded by Server.mu:
// per kind a set, and the names in subscription order (UNSUBSCRIBE with
// no argument answers in that order; Redis's is its hash table's).
type connSubs struct {
	set   [3]map[string]struct{}
	order [3][]string
}

var subKindNames = [3]struct{ msg, sub, unsub string }{
	command.SubChannel: {"message", "subscribe", "unsubscribe"},
	command.SubPattern: {"pmessage", "psubscribe", "punsubscribe"},
	command.SubShard:   {"smessage", "ssubscribe", "sunsubscribe"},
}

// Subscribe implements command.Server.
func (s *Server) Subscribe(cl *command.Client, kind command.PubSubKind, name []byte) bool {
	c, ok := s.clients[cl.ID]
	if !ok {
		return false
	}
	if c.subs.set[kind] == nil {
		c.subs.set[kind] = make(map[string]struct{})
	}
	if _, dup := c.subs.set[kind][string(name)]; dup {
		return false
	}
	n := string(name)
	c.subs.set[kind][n] = struct{}{}
	c.subs.order[kind] = append(c.subs.order[kind], n)
	if kind == command.SubPattern && len(s.pubsub.subs[kind][n]) == 0 {
		s.pubsub.patterns = append(s.pubsub.patterns, n)
	}
	s.pubsub.subs[kind][n] = append(s.pubsub.subs[kind][n], c)
	cl.Subs[kind]++
	cl.PubSub = true
	return true
}

// Unsubscribe implements command.Server.
func (s *Server) Unsubscribe(cl *command.Client, kind command.PubSubKind, name []byte) bool {
	c, ok := s.clients[cl.ID]
	if !ok {
		return false
	}
	if _, had := c.subs.set[kind][string(name)]; !had {
		return false
	}
	delete(c.subs.set[kind], string(name))
	c.subs.order[kind] = removeString(c.subs.order[kind], string(name))
	list := s.pubsub.subs[kind][string(name)]
	for i, w := range list {
		if w == c {
			list = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(s.pubsub.subs[kind], string(name))
		if kind == command.SubPattern {
			s.pubsub.patterns = removeString(s.pubsub.patterns, string(name))
		}
	} else {
		s.pubsub.subs[kind][string(name)] = list
	}
	cl.Subs[kind]--
	if cl.Subs[0]+cl.Subs[1]+cl.Subs[2] == 0 {
		cl.PubSub = false
	}
	return true
}

// Subscriptions implements command.Server, in subscription order.
func (s *Server) Subscriptions(cl *command.Client, kind command.PubSubKind) []string {
	c, ok := s.clients[cl.ID]
	if !ok {
		return nil
	}
	return append([]string(nil), c.subs.order[kind]...)
}

func removeString(list []string, s string) []string {
	for i, v := range list {
		if v == s {
			return append(list[:i], list[i+1:]...)
		}
	}
	return list
}

// unsubscribeAllLocked drops every subscription of c without replying
// (disconnection, RESET).
func (s *Server) unsubscribeAllLocked(c *conn) {
	for kind := range c.subs.order {
		for _, n := range append([]string(nil), c.subs.order[kind]...) {
			s.Unsubscribe(&c.client, command.PubSubKind(kind), []byte(n))
		}
	}
}

// Publish implements command.Server. Each message is encoded at most
// once per protocol (RESP2 array, RESP3 push) and the frame shared by
// every receiver using that protocol.
func (s *Server) Publish(kind command.PubSubKind, channel, message []byte) int {
	n := 0
	if subs := s.pubsub.subs[kind][string(channel)]; len(subs) > 0 {
		n += s.deliverLocked(subs, subKindNames[kind].msg, nil, channel, message)
	}
	if kind != command.SubChannel || len(s.pubsub.patterns) == 0 {
		return n
	}
	chs := string(channel)
	for _, pat := range s.pubsub.patterns {
		if !glob.MatchString(pat, chs, false) {
			continue
		}
		subs := s.pubsub.subs[command.SubPattern][pat]
		n += s.deliverLocked(subs, "pmessage", []byte(pat), channel, message)
	}
	return n
}

// deliverLocked pushes one message to each of subs and returns how many
// there were. The frame is encoded at most once per protocol and copied
// once into the fan-out arena, whose bytes every receiver's output then
// references (see fanout.go). Caller holds s.mu.
func (s *Server) deliverLocked(subs []*conn, kind string, pattern, channel, message []byte) int {
	var shared [2][]byte // RESP2, RESP3
	for _, m := range subs {
		p := protoIndex(m)
		if shared[p] == nil {
			s.pubsub.scratch[p] = appendPubSubMessage(s.pubsub.scratch[p][:0], p == 1, kind, pattern, channel, message)
			shared[p] = s.shareLocked(s.pubsub.scratch[p])
		}
		if m == s.current {
			m.w.B = append(m.w.B, shared[p]...)
			continue
		}
		s.stageLocked(m, shared[p])
	}
	// A rare huge message must not pin its buffer.
	for p := range s.pubsub.scratch {
		if cap(s.pubsub.scratch[p]) > 64<<10 {
			s.pubsub.scratch[p] = nil
		}
	}
	return len(subs)
}

func protoIndex(c *conn) int {
	if c.client.Proto == 3 {
		return 1
	}
	return 0
}

// appendPubSubMessage encodes a message, pmessage or smessage; pattern is
// nil except for pmessage.
func appendPubSubMessage(b []byte, push bool, kind string, pattern, channel, message []byte) []byte {
	n := 3
	if pattern != nil {
		n = 4
	}
	b = appendAggregate(b, push, n)
	b = appendBulk(b, []byte(kind))
	if pattern != nil {
		b = appendBulk(b, pattern)
	}
	b = appendBulk(b, channel)
	return appendBulk(b, message)
}

func appendAggregate(b []byte, push bool, n int) []byte {
	if push {
		b = append(b, '>')
	} else {
		b = append(b, '*')
	}
	b = strconv.AppendInt(b, int64(n), 10)
	return append(b, '\r', '\n')
}

func appendBulk(b, s []byte) []byte {
	b = append(b, '$')
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, '\r', '\n')
	b = append(b, s...)
	return append(b, '\r', '\n')
}

// PubSubChannels implements command.Server.
func (s *Server) PubSubChannels(kind command.PubSubKind, pattern []byte) []string {
	out := []string{}
	for ch := range s.pubsub.subs[kind] {
		if pattern == nil || glob.Match(pattern, []byte(ch), false) {
			out = append(out, ch)
		}
	}
	sort.Strings(out)
	return out
}

// PubSubNumSub implements command.Server.
func (s *Server) PubSubNumSub(kind command.PubSubKind, channel []byte) int {
	return len(s.pubsub.subs[kind][string(channel)])
}

// PubSubNumPat implements command.Server: the number of distinct
// patterns, as Redis 7.0 counts them.
func (s *Server) PubSubNumPat() int { return len(s.pubsub.subs[command.SubPattern]) }

// pushLocked delivers an encoded frame to m: straight into its reply
// buffer when m is running the current command, else through its outbox
// (stageLocked). Caller holds s.mu; frame is not retained.
func (s *Server) pushLocked(m *conn, frame []byte) {
	if m == s.current {
		m.w.B = append(m.w.B, frame...)
		return
	}
	s.stageLocked(m, s.shareLocked(frame))
}

// beginBatchWakesLocked starts deferring receiver wake-ups and outbox
// hand-over (see pubsub.deferWake). Caller holds s.mu.
func (s *Server) beginBatchWakesLocked() { s.pubsub.deferWake = true }

// endBatchWakesLocked hands every receiver's staged output to its outbox,
// stops deferring, and gives the receivers to wake to c, which nudges
// them (wakeDeferred) once it has released s.mu. Caller holds s.mu.
func (s *Server) endBatchWakesLocked(c *conn) {
	for i, m := range s.pubsub.staged {
		m.out.listed = false
		if s.flushStageLocked(m, c) {
			s.pubsub.toWake = append(s.pubsub.toWake, m)
		}
		s.pubsub.staged[i] = nil
	}
	s.pubsub.staged = s.pubsub.staged[:0]
	s.pubsub.deferWake = false
	if len(s.pubsub.toWake) > 0 {
		c.toWake = append(c.toWake, s.pubsub.toWake...)
		clear(s.pubsub.toWake)
		s.pubsub.toWake = s.pubsub.toWake[:0]
	}
}

// wakeDeferred nudges the receivers handed over by endBatchWakesLocked.
// Called by c's goroutine without s.mu.
func (c *conn) wakeDeferred() {
	for i, m := range c.toWake {
		m.nudge()
		c.toWake[i] = nil
	}
	c.toWake = c.toWake[:0]
}

// unlockBatch ends a batch: it releases s.mu, then wakes the receivers
// the batch gave output to. Before waking them it sends what of the
// batch's replies the socket takes without blocking (unless they must
// wait for the log), as Redis writes the publisher's reply before its
// subscribers' output: a pipelining publisher gets its next batch in
// while the subscribers are written, instead of queueing behind them.
func (s *Server) unlockBatch(c *conn) {
	s.endBatchWakesLocked(c)
	s.mu.Unlock()
	if len(c.toWake) > 0 && len(c.w.B) > 0 && c.waitSeq == 0 && !c.client.NeedFsync &&
		!s.persist.writeFailed.Load() {
		c.writeNow()
	}
	c.wakeDeferred()
}

// Back-pressure. In Redis the thread that runs PUBLISH also writes to the
// subscribers, so a publisher can never outrun them. Here subscribers
// write from their own goroutines, and publishers holding the lock could
// fill their outboxes faster than they drain until the output limit
// disconnects them. So a connection whose batch left some receiver's
// outbox above congestThreshold waits, after sending its replies, until
// that receiver drains below it. A receiver that makes no progress for
// stallTimeout (one that does not read) is marked stalled and not waited
// for again until it writes something: it cannot hold publishers back,
// and client-output-buffer-limit deals with it as in Redis.
const (
	congestThreshold = 256 << 10
	stallTimeout     = 100 * time.Millisecond
)

// waitCongested applies the back-pressure described above. Called by the
// connection's goroutine without s.mu.
func (c *conn) waitCongested() {
	list := c.congested
	c.congested = c.congested[:0]
	var timer *time.Timer
	for _, m := range list {
		o := &m.out
		for {
			o.mu.Lock()
			if o.dead || o.stalled || len(o.buf)+o.inflight < congestThreshold {
				o.mu.Unlock()
				break
			}
			if o.progress == nil {
				o.progress = make(chan struct{})
			}
			ch := o.progress
			o.mu.Unlock()
			if timer == nil {
				timer = time.NewTimer(stallTimeout)
			} else {
				timer.Reset(stallTimeout)
			}
			select {
			case <-ch:
				timer.Stop()
				continue
			case <-timer.C:
				o.mu.Lock()
				o.stalled = true
				o.mu.Unlock()
			}
			break
		}
	}
	clear(list)
}

// nudge wakes the connection's goroutine out of its read so it writes
// its outbox: the read fails with a deadline error before the idle
// timeout, which the reader takes as a nudge (see conn.loop and
// waitParked).
func (c *conn) nudge() {
	c.nc.SetReadDeadline(time.Now())
}

// outputLimit is one class of client-output-buffer-limit.
type outputLimit struct {
	hard, soft int64
	softTime   time.Duration
}

// outputLimitsParam is looked up once; see refreshOutputLimitsLocked.
var outputLimitsParam = registry.Lookup("client-output-buffer-limit")

// refreshOutputLimitsLocked re-reads client-output-buffer-limit into
// s.outLimits (normal and pubsub classes), so delivery only reads ints.
// Called at startup and after CONFIG SET. Caller holds s.mu.
func (s *Server) refreshOutputLimitsLocked() {
	if outputLimitsParam == nil {
		return
	}
	v := registry.Value(s.cfg, outputLimitsParam)
	if v != s.outLimits.raw {
		s.outLimits.raw = v
		s.outLimits.parsed = parseOutputLimits(v)
	}
}

// parseOutputLimits reads the rendered parameter ("normal h s t slave h s
// t pubsub h s t").
func parseOutputLimits(v string) [2]outputLimit {
	var out [2]outputLimit
	f := strings.Fields(v)
	for i := 0; i+3 < len(f); i += 4 {
		hard, _ := strconv.ParseInt(f[i+1], 10, 64)
		soft, _ := strconv.ParseInt(f[i+2], 10, 64)
		secs, _ := strconv.ParseInt(f[i+3], 10, 64)
		l := outputLimit{hard: hard, soft: soft, softTime: time.Duration(secs) * time.Second}
		switch f[i] {
		case "normal":
			out[0] = l
		case "pubsub":
			out[1] = l
		}
	}
	return out
}

// allowedWhileSubscribed reports whether a RESP2 client in Pub/Sub mode
// may run spec (Redis's processCommand check).
func allowedWhileSubscribed(spec *command.Spec) bool {
	switch spec.Name {
	case "ping", "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe",
		"psubscribe", "punsubscribe", "quit", "reset":
		return true
	}
	return false
}

// beforeHandlerLocked and afterHandlerLocked bracket every command run,
// top-level or nested: FLUSHDB/FLUSHALL send one null invalidation
// instead of one per key, and tracking remembers the keys read.
func (s *Server) beforeHandlerLocked(run *command.Spec) {
	if run.Name == "flushdb" || run.Name == "flushall" {
		s.tracking.flushing = true
	}
}

func (s *Server) afterHandlerLocked(cl *command.Client, run *command.Spec, args [][]byte, failed bool) {
	if s.tracking.flushing {
		s.tracking.flushing = false
		if !failed { // a syntax error flushed nothing
			s.trackingFlushedLocked()
		}
	}
	if cl.Tracking.On {
		s.trackingAfterCommandLocked(cl, run, args)
	}
}
