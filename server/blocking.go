package server

import (
	"errors"
	"os"
	"time"

	"github.com/aikv/aikv/server/command"
)

// Blocking commands (BLPOP, BZPOPMIN, BLMOVE, ...).
//
// A blocking handler that finds nothing to do calls Context.Block instead
// of replying. The dispatcher then parks the client: it copies the
// command's arguments and the rest of the pipelined batch, registers the
// client under every key it waits on (FIFO per key), and the connection
// goroutine waits outside the lock. Any modification of a watched key
// (reported through datastructs.Observer) marks the key ready; after each
// top-level command the dispatcher serves ready keys by re-running the
// parked handlers in arrival order. A handler that replies this time
// unparks its client; one that calls Block again stays parked, keeping its
// place and its original deadline. Serving may make other keys ready
// (BLMOVE pushes), so it loops until nothing is ready.
//
// The parked goroutine wakes on: served (reply already written), its
// deadline (timeout reply), CLIENT UNBLOCK, disconnection (detected by
// reading from the socket while parked), or server shutdown.

type blockKey struct {
	db  int
	key string
}

// blocking is the registry of parked clients, guarded by Server.mu.
type blocking struct {
	waiting  map[blockKey][]*conn
	ready    []blockKey
	readySet map[blockKey]bool
	count    int // parked clients
}

// parked is a connection's state while it waits; owned by the conn, its
// fields are written under Server.mu.
type parked struct {
	req     *command.BlockRequest
	args    [][]byte   // copy of the blocked command
	pending [][][]byte // copy of the rest of the batch
	// before holds the replies of the batch's commands that ran before
	// the blocking one; the parked goroutine sends them. The conn's own
	// writer then belongs to whoever serves the client, under Server.mu,
	// until the wake-up.
	before []byte
	wake   chan struct{}
	done   bool // unparked (served, timed out, unblocked)
}

func (b *blocking) init() {
	b.waiting = make(map[blockKey][]*conn)
	b.readySet = make(map[blockKey]bool)
}

// KeyModified implements datastructs.Observer.
func (s *Server) KeyModified(db int, key string) {
	if len(s.watchers) != 0 {
		s.touchWatchedLocked(db, key)
	}
	if len(s.tracking.keys) > 0 || len(s.tracking.prefixes) > 0 {
		s.trackingKeyModifiedLocked(key)
	}
	if len(s.blocking.waiting) == 0 {
		return
	}
	if _, ok := s.blocking.waiting[blockKey{db, key}]; !ok {
		return
	}
	bk := blockKey{db, string([]byte(key))}
	if !s.blocking.readySet[bk] {
		s.blocking.readySet[bk] = true
		s.blocking.ready = append(s.blocking.ready, bk)
	}
}

func copyArgs(args [][]byte) [][]byte {
	n := 0
	for _, a := range args {
		n += len(a)
	}
	// One backing array, allocated even when n is 0: an empty argument
	// must stay non-nil ("" is a key; handlers tell nil from empty, e.g.
	// ZINTERSTORE's destination).
	buf := make([]byte, 0, n)
	out := make([][]byte, len(args))
	for i, a := range args {
		start := len(buf)
		buf = append(buf, a...)
		out[i] = buf[start:len(buf):len(buf)]
	}
	return out
}

// park registers c as blocked after its handler called Block. rest is
// the remainder of the batch. Caller holds s.mu.
func (s *Server) park(c *conn, args [][]byte, rest [][][]byte) {
	req := c.client.Block
	c.client.Block = nil
	p := &parked{req: req, args: copyArgs(args), wake: make(chan struct{}, 1), before: c.w.B}
	c.w.B = nil
	for _, r := range rest {
		p.pending = append(p.pending, copyArgs(r))
	}
	c.parked = p
	for _, k := range req.Keys {
		bk := blockKey{c.client.DB, string(k)}
		s.blocking.waiting[bk] = append(s.blocking.waiting[bk], c)
	}
	s.blocking.count++
	c.client.Flags = "b"
}

// unpark removes c from every wait list and wakes its goroutine. Caller
// holds s.mu.
func (s *Server) unpark(c *conn) {
	p := c.parked
	if p == nil || p.done {
		return
	}
	p.done = true
	for _, k := range p.req.Keys {
		bk := blockKey{c.client.DB, string(k)}
		list := s.blocking.waiting[bk]
		for i, w := range list {
			if w == c {
				list = append(list[:i:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(s.blocking.waiting, bk)
		} else {
			s.blocking.waiting[bk] = list
		}
	}
	s.blocking.count--
	c.client.Flags = ""
	p.wake <- struct{}{}
}

// serveReady re-runs parked handlers for keys made ready. Caller holds
// s.mu.
func (s *Server) serveReady() {
	for len(s.blocking.ready) > 0 {
		bk := s.blocking.ready[0]
		s.blocking.ready = s.blocking.ready[1:]
		delete(s.blocking.readySet, bk)
		// Snapshot the list: serving removes entries from it.
		waiters := append([]*conn(nil), s.blocking.waiting[bk]...)
		for _, w := range waiters {
			if w.parked == nil || w.parked.done {
				continue
			}
			s.retryParked(w)
		}
	}
	s.blocking.ready = s.blocking.ready[:0]
}

// retryParked runs a parked client's command again. Caller holds s.mu.
func (s *Server) retryParked(w *conn) {
	p := w.parked
	spec := s.table.Lookup(p.args[0])
	ctx := &w.ctx
	ctx.Args = p.args
	ctx.Spec = spec
	ctx.DB = s.ks.DB(w.client.DB)
	ctx.Effects.Custom = false
	ctx.Effects.Logging = s.logging()
	ctx.Effects.List = ctx.Effects.List[:0]
	dirty := s.ks.Dirty
	ctx.Retry = true
	spec.Handler(ctx)
	ctx.Retry = false
	if w.client.Block != nil {
		// Still nothing for it: stay parked, same place, same deadline.
		w.client.Block = nil
		return
	}
	s.collectEffects(ctx, spec, p.args, w.client.DB, dirty)
	s.unpark(w)
	// Its reply must wait for the record of the batch that served it.
	s.servedInBatch = append(s.servedInBatch, w)
}

// UnblockClient implements CLIENT UNBLOCK: it unparks the client with the
// timeout reply, or with an UNBLOCKED error when withError is set. It
// reports whether the client was blocked. Caller holds s.mu.
func (s *Server) UnblockClient(id int64, withError bool) bool {
	c, ok := s.clients[id]
	if !ok || c.parked == nil || c.parked.done {
		return false
	}
	if withError {
		c.w.Error("UNBLOCKED client unblocked via CLIENT UNBLOCK")
	} else {
		writeTimeoutReply(&c.w, c.parked.req)
	}
	s.unpark(c)
	return true
}

func writeTimeoutReply(w command.Writer, req *command.BlockRequest) {
	if req.NullArrayOnTimeout {
		w.NullArray()
	} else {
		w.Null()
	}
}

// waitParked is run by a parked connection's goroutine, without the lock.
// It returns the commands that followed the blocking one in its batch, and
// alive=false when the connection must close.
func (c *conn) waitParked() (pending [][][]byte, alive bool) {
	p := c.parked
	if len(p.before) > 0 {
		if _, err := c.nc.Write(p.before); err != nil {
			c.s.mu.Lock()
			c.s.unpark(c)
			c.s.mu.Unlock()
			<-p.wake
			c.parked = nil
			return nil, false
		}
	}
	var timer <-chan time.Time
	if !p.req.Deadline.IsZero() {
		t := time.NewTimer(time.Until(p.req.Deadline))
		defer t.Stop()
		timer = t.C
	}
	// Read while parked so a client that goes away is noticed (and does
	// not swallow a pushed element). What it sends meanwhile stays
	// buffered for after the wake-up.
	c.nc.SetReadDeadline(time.Time{}) // the idle timeout does not apply while blocked
	gone := make(chan struct{})
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		for {
			if err := c.rd.Fill(c.nc); err != nil {
				if !c.stopRead.Load() && errors.Is(err, os.ErrDeadlineExceeded) &&
					!c.killed.Load() && !c.s.closing.Load() {
					// No timeout applies here: woken to write pub/sub or
					// tracking output.
					c.nc.SetReadDeadline(time.Time{})
					if c.stopRead.Load() {
						return
					}
					if c.drainOutbox() == nil {
						continue
					}
				}
				// Only our own stop request (below) sets a deadline here;
				// any other error means the client is gone, the query
				// buffer limit was hit, or the server is shutting down.
				if !c.stopRead.Load() {
					close(gone)
				}
				return
			}
		}
	}()
	alive = true
	select {
	case <-p.wake:
	case <-timer:
		c.s.mu.Lock()
		if !p.done {
			writeTimeoutReply(&c.w, p.req)
			c.s.unpark(c)
		}
		c.s.mu.Unlock()
	case <-gone:
		alive = false
	case <-c.s.done:
		alive = false
	}
	c.s.mu.Lock()
	if !p.done {
		c.s.unpark(c)
	}
	c.s.mu.Unlock()
	// Stop the reader and wait for it before touching c.rd again.
	c.stopRead.Store(true)
	c.nc.SetReadDeadline(time.Now())
	<-readerDone
	c.stopRead.Store(false)
	c.nc.SetReadDeadline(time.Time{})
	select {
	case <-p.wake: // drain the wake-up sent by unpark
	default:
	}
	c.parked = nil
	return p.pending, alive && !c.client.Kill
}
