//go:build linux

package server

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"github.com/aikv/aikv/datastructs/dict"
)

// The event loop serves ordinary connections the way Redis does: one
// goroutine waits on an epoll set of client sockets and, for each ready
// one, reads, runs the batch and writes the replies, with non-blocking
// system calls. Compared with a goroutine per connection this saves, per
// request, the read that finds the socket empty before the goroutine
// parks, the park and wake-up, and the scheduler's hand-offs; and the
// replies of every client served in one round wait for one log write
// (one fsync under appendfsync always), as in Redis's beforeSleep.
//
// Anything that must wait is not done on the loop: a connection that
// blocks (BLPOP...), subscribes, monitors, runs a script or EXEC, is
// paused, cannot take all its replies at once, receives output from
// other clients, or syncs, is handed over to a goroutine of its own
// (conn.serve) for the rest of its life, as it would have had without
// the loop.
//
// The loop goroutine parks in the runtime's own poller: the epoll set's
// descriptor is registered there, so the goroutine is scheduled like any
// other and no thread blocks in epoll_wait outside the scheduler's view.
// Client sockets are dup'ed out of net.Conn and closed there, so the
// runtime's poller never sees them while the loop owns them.
type eventLoop struct {
	s    *Server
	epfd int
	ep   *os.File        // epfd, registered in the runtime poller
	rc   syscall.RawConn // ep's
	evfd int             // eventfd: attention and adoptions waiting

	// Owned by the loop goroutine.
	conns    map[int32]*conn
	events   [128]syscall.EpollEvent
	nready   int
	deferred []*conn  // replies waiting for the round's log write
	round    []parsed // sockets read in this round, with their requests
	waitFn   func(fd uintptr) bool
	lastScan time.Time

	mu        sync.Mutex // guards the fields below
	adopted   []*conn
	attention []*conn
	signalled bool // evfd was written and not yet drained
	stopped   bool // the loop has ended: adopt refuses
}

// parsed is a connection read in the current round and the requests
// parsed from what it read.
type parsed struct {
	c     *conn
	batch [][][]byte
	err   error
}

// loopConn is the net.Conn of a connection the event loop serves. While
// the loop owns it, reads and writes are non-blocking on fd and a read
// deadline set by another goroutine (a nudge: kill, shutdown, output from
// other clients) asks the loop to look at the connection. After hand-off
// every method goes to inner, a regular net.Conn on the same socket.
type loopConn struct {
	el            *eventLoop
	c             *conn
	fd            int
	local, remote net.Addr

	mu     sync.Mutex
	inner  net.Conn // set at hand-off
	closed bool
}

// eventLoopSupported: this platform has the event loop.
const eventLoopSupported = true

var errWouldBlock = errors.New("server: socket not ready")

// newEventLoop creates the loop and starts its goroutine, which runs
// until Shutdown once its connections are gone.
func newEventLoop(s *Server) (*eventLoop, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	evfd, _, errno := syscall.RawSyscall(syscall.SYS_EVENTFD2, 0, syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if errno != 0 {
		syscall.Close(epfd)
		return nil, errno
	}
	el := &eventLoop{s: s, epfd: epfd, evfd: int(evfd), conns: make(map[int32]*conn)}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(evfd)}
	if err := syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, int(evfd), &ev); err != nil {
		syscall.Close(epfd)
		syscall.Close(int(evfd))
		return nil, err
	}
	syscall.SetNonblock(epfd, true)
	el.ep = os.NewFile(uintptr(epfd), "epoll")
	if el.rc, err = el.ep.SyscallConn(); err != nil {
		el.ep.Close()
		syscall.Close(int(evfd))
		return nil, err
	}
	el.waitFn = func(uintptr) bool {
		for {
			n, _, e := syscall.RawSyscall6(syscall.SYS_EPOLL_PWAIT, uintptr(el.epfd),
				uintptr(unsafe.Pointer(&el.events[0])), uintptr(len(el.events)), 0, 0, 0)
			if e == syscall.EINTR {
				continue
			}
			el.nready = int(n)
			return n > 0 || e != 0
		}
	}
	s.bgWG.Add(1)
	go el.run()
	return el, nil
}

// adopt takes c over from the goroutine that accepted it. It returns false
// (and the caller serves c itself) if the socket cannot be moved.
func (el *eventLoop) adopt(c *conn) bool {
	sc, ok := c.nc.(syscall.Conn)
	if !ok {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	fd := -1
	rc.Control(func(f uintptr) {
		if n, _, e := syscall.Syscall(syscall.SYS_FCNTL, f, syscall.F_DUPFD_CLOEXEC, 0); e == 0 {
			fd = int(n)
		}
	})
	if fd < 0 {
		return false
	}
	el.mu.Lock()
	defer el.mu.Unlock()
	if el.stopped {
		syscall.Close(fd)
		return false
	}
	lc := &loopConn{el: el, c: c, fd: fd, local: c.nc.LocalAddr(), remote: c.nc.RemoteAddr()}
	// Closing the net.Conn takes the socket out of the runtime poller;
	// the duplicate keeps it open (and non-blocking: the flag belongs to
	// the shared open file).
	c.nc.Close()
	c.nc, c.io, c.lc = lc, lc, lc
	c.raw = nil
	el.s.connWG.Add(1)
	el.adopted = append(el.adopted, c)
	el.signalLocked()
	return true
}

// attend asks the loop to look at c (killed, shutdown, output waiting).
func (el *eventLoop) attend(c *conn) {
	el.mu.Lock()
	el.attention = append(el.attention, c)
	el.signalLocked()
	el.mu.Unlock()
}

// wake makes the loop run a round (Shutdown).
func (el *eventLoop) wake() {
	el.mu.Lock()
	el.signalLocked()
	el.mu.Unlock()
}

func (el *eventLoop) signalLocked() {
	if el.signalled {
		return
	}
	el.signalled = true
	one := uint64(1)
	syscall.Write(el.evfd, (*[8]byte)(unsafe.Pointer(&one))[:])
}

func (el *eventLoop) run() {
	defer el.s.bgWG.Done()
	defer el.ep.Close()
	defer syscall.Close(el.evfd)
	deadlineSet := false
	for {
		// With an idle timeout the loop wakes at least once a second to
		// enforce it.
		if t := el.s.idleTimeout(); t > 0 {
			el.ep.SetReadDeadline(time.Now().Add(time.Second))
			deadlineSet = true
		} else if deadlineSet {
			el.ep.SetReadDeadline(time.Time{})
			deadlineSet = false
		}
		err := el.rc.Read(el.waitFn)
		if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			el.s.log.Error("event loop stopped", "err", err)
			el.closeAll()
			return
		}
		if err == nil {
			for i := 0; i < el.nready; i++ {
				ev := &el.events[i]
				if ev.Fd == int32(el.evfd) {
					el.takeSignals()
					continue
				}
				if c := el.conns[ev.Fd]; c != nil {
					el.readable(c)
				}
			}
			el.nready = 0
			el.runRound()
		}
		el.flushDeferred()
		if t := el.s.idleTimeout(); t > 0 && time.Since(el.lastScan) >= time.Second {
			el.lastScan = time.Now()
			el.closeIdle(t)
		}
		if el.s.closing.Load() {
			el.closeAll()
			el.mu.Lock()
			if len(el.adopted) == 0 {
				el.stopped = true
			}
			el.mu.Unlock()
			if el.stopped {
				return
			}
		}
	}
}

// takeSignals drains the eventfd and serves adoptions and attention
// requests.
func (el *eventLoop) takeSignals() {
	var b [8]byte
	syscall.Read(el.evfd, b[:])
	el.mu.Lock()
	el.signalled = false
	adopted, attention := el.adopted, el.attention
	el.adopted, el.attention = nil, nil
	el.mu.Unlock()
	for _, c := range adopted {
		ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP, Fd: int32(c.lc.fd)}
		if err := syscall.EpollCtl(el.epfd, syscall.EPOLL_CTL_ADD, c.lc.fd, &ev); err != nil {
			el.s.log.Warn("event loop: cannot watch a client socket", "client", c.client.Addr, "err", err)
			el.handoff(c, nil)
			continue
		}
		el.conns[int32(c.lc.fd)] = c
		// Requests may have arrived before the socket was watched; a
		// level-triggered watch reports them, so nothing more to do.
	}
	for _, c := range attention {
		if el.conns[int32(c.lc.fd)] != c {
			continue // already handed over or closed
		}
		el.check(c)
	}
}

// check closes or hands over a loop-owned connection that was nudged or
// has finished a batch.
func (el *eventLoop) check(c *conn) {
	c.lc.mu.Lock()
	closed := c.lc.closed
	c.lc.mu.Unlock()
	switch {
	case closed || c.killed.Load() || el.s.closing.Load():
		el.close(c)
	case c.out.hasPending():
		el.handoff(c, nil)
	}
}

// readable reads once from a ready client socket and parses the requests
// buffered; runRound runs them.
func (el *eventLoop) readable(c *conn) {
	if err := c.rd.Fill(c.lc); err != nil {
		if err != errWouldBlock {
			el.close(c)
		}
		return
	}
	c.rd.Authenticated = c.client.Authed
	batch, err := c.parseBatch()
	el.round = append(el.round, parsed{c: c, batch: batch, err: err})
}

// runRound runs the requests read in this round, connection by
// connection. First it has the keyspace read the table slots of each
// connection's first key (prefetchRound): unpipelined clients send one
// command each, and reading all their slots at once overlaps the cache
// misses each command would otherwise wait for in turn.
func (el *eventLoop) runRound() {
	if len(el.round) > 1 {
		el.prefetchRound()
	}
	for i := range el.round {
		p := el.round[i]
		el.round[i] = parsed{}
		// A connection closed or handed over since it was read (by
		// takeSignals in the same round: takeParsed emptied its entry)
		// is no longer the loop's.
		if p.c != nil && el.conns[int32(p.c.lc.fd)] == p.c {
			el.process(p.c, p.batch, p.err)
		}
	}
	el.round = el.round[:0]
}

// prefetchRound reads, under the server lock, the table slots of the
// first key of each connection's first request, for the connections whose
// selected database is the first one's (only a hint: see
// datastructs.DB.Prefetch).
func (el *eventLoop) prefetchRound() {
	s := el.s
	var keys [dict.PrefetchWindow][]byte
	s.mu.Lock()
	defer s.mu.Unlock()
	db, n := -1, 0
	for _, p := range el.round {
		if len(p.batch) == 0 {
			continue
		}
		k := s.firstKey(p.c, p.batch[0])
		if k == nil {
			continue
		}
		if db < 0 {
			db = p.c.client.DB
		} else if p.c.client.DB != db {
			continue
		}
		keys[n] = k
		n++
		if n == len(keys) {
			s.prefetchSink += s.ks.DB(db).Prefetch(keys[:n])
			n = 0
		}
	}
	if n > 1 {
		s.prefetchSink += s.ks.DB(db).Prefetch(keys[:n])
	}
}

// process runs the requests parsed from c's buffer (batch, with perr the
// parse error after them), then any further complete requests buffered,
// and sends the replies (now, or after the round's log write).
func (el *eventLoop) process(c *conn, batch [][][]byte, perr error) {
	s := el.s
	for first := true; ; first = false {
		if !first {
			c.rd.Authenticated = c.client.Authed
			batch, perr = c.parseBatch()
		}
		if len(batch) > 0 {
			if batchMayRunScript(batch) {
				el.handoff(c, batch)
				return
			}
			if rest := s.execBatch(c, batch); rest != nil || c.parked != nil {
				el.handoff(c, rest)
				return
			}
		}
		if perr != nil {
			el.handoff(c, nil) // conn.serve parses again and reports it
			return
		}
		if len(batch) == 0 {
			break
		}
		if c.client.CloseAfterReply || c.killed.Load() || c.sync != nil || len(c.congested) > 0 ||
			c.client.PubSub || c.client.Monitor {
			break
		}
	}
	if c.waitSeq != 0 || c.client.NeedFsync {
		el.deferred = append(el.deferred, c)
		return
	}
	el.finish(c)
}

// flushDeferred sends the replies that waited for this round's log
// write: the first waitDurable writes (and under always, fsyncs) every
// record of the round; the others find theirs done.
func (el *eventLoop) flushDeferred() {
	for i, c := range el.deferred {
		el.deferred[i] = nil
		if el.conns[int32(c.lc.fd)] == c {
			el.finish(c)
		}
	}
	el.deferred = el.deferred[:0]
}

// finish writes c's replies and decides whether the loop keeps it.
func (el *eventLoop) finish(c *conn) {
	if len(c.w.B) > 0 || c.waitSeq != 0 || c.client.NeedFsync {
		if err := c.waitDurable(); err != nil {
			el.close(c)
			return
		}
		if len(c.w.B) > 0 {
			n, err := c.lc.writeNB(c.w.B)
			if err != nil {
				el.close(c)
				return
			}
			if n < len(c.w.B) {
				// The socket is full: conn.serve sends the rest, with the
				// output limits' deadlines.
				c.w.B = c.w.B[:copy(c.w.B, c.w.B[n:])]
				el.handoff(c, nil)
				return
			}
			if cap(c.w.B) > 64<<10 {
				c.w.B = nil
			} else {
				c.w.B = c.w.B[:0]
			}
		}
	}
	switch {
	case c.sync != nil && !c.killed.Load():
		el.handoff(c, nil) // SYNC sets CloseAfterReply: the snapshot goes first
	case c.client.CloseAfterReply || c.killed.Load() || el.s.closing.Load():
		el.close(c)
	case len(c.congested) > 0 || c.client.PubSub || c.client.Monitor || c.out.hasPending():
		el.handoff(c, nil)
	}
}

// handoff moves c to a goroutine of its own (conn.serve) for good; rest
// is what remains of the batch it was running.
func (el *eventLoop) handoff(c *conn, rest [][][]byte) {
	if rest == nil {
		// Requests read in this round and not yet run go with it.
		rest = el.takeParsed(c)
	}
	lc := c.lc
	el.unwatch(c)
	f := os.NewFile(uintptr(lc.fd), "")
	nc, err := net.FileConn(f)
	f.Close() // closes lc.fd; nc has its own duplicate
	lc.mu.Lock()
	lc.fd = -1
	if err == nil {
		lc.inner = nc
	} else {
		lc.closed = true
	}
	lc.mu.Unlock()
	if err != nil {
		el.s.log.Warn("event loop: cannot hand a client over", "client", c.client.Addr, "err", err)
		c.teardown()
		el.s.connWG.Done()
		return
	}
	if r := newRawIO(nc); r != nil {
		c.io = r
	} else {
		c.io = nc
	}
	go func() {
		defer el.s.connWG.Done()
		c.serve(rest, true)
		c.teardown()
	}()
}

// takeParsed removes c from the round and returns the requests parsed for
// it that have not run (nil if none).
func (el *eventLoop) takeParsed(c *conn) [][][]byte {
	for i := range el.round {
		if el.round[i].c == c {
			batch := el.round[i].batch
			el.round[i] = parsed{}
			if len(batch) == 0 {
				return nil
			}
			return batch
		}
	}
	return nil
}

// unwatch removes c's socket from the loop's set.
func (el *eventLoop) unwatch(c *conn) {
	fd := c.lc.fd
	syscall.EpollCtl(el.epfd, syscall.EPOLL_CTL_DEL, fd, nil)
	delete(el.conns, int32(fd))
}

// close ends a loop-owned connection.
func (el *eventLoop) close(c *conn) {
	el.unwatch(c)
	c.lc.mu.Lock()
	c.lc.closed = true
	c.lc.mu.Unlock()
	c.teardown() // closes lc, and with it fd
	el.s.connWG.Done()
}

func (el *eventLoop) closeAll() {
	for _, c := range el.conns {
		el.close(c)
	}
}

// closeIdle closes clients idle for longer than the timeout (Redis's
// clientsCron; monitors, subscribers and blocked clients are never on
// the loop).
func (el *eventLoop) closeIdle(t time.Duration) {
	now := time.Now()
	for _, c := range el.conns {
		el.s.mu.Lock()
		idle := now.Sub(c.client.LastActive)
		el.s.mu.Unlock()
		if idle > t {
			el.close(c)
		}
	}
}

// Read reads once without blocking (errWouldBlock when nothing is there);
// after hand-off it is inner's Read.
func (lc *loopConn) Read(p []byte) (int, error) {
	if inner := lc.handedOver(); inner != nil {
		return inner.Read(p)
	}
	n, e := readNB(uintptr(lc.fd), p)
	switch {
	case e == syscall.EAGAIN:
		return 0, errWouldBlock
	case e != 0:
		return 0, e
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}

// writeNB writes what the socket takes without blocking.
func (lc *loopConn) writeNB(p []byte) (int, error) {
	n, e := writeNB(uintptr(lc.fd), p)
	if e != 0 && e != syscall.EAGAIN {
		return n, e
	}
	return n, nil
}

// Write is inner's Write after hand-off; the loop itself writes with
// writeNB.
func (lc *loopConn) Write(p []byte) (int, error) {
	if inner := lc.handedOver(); inner != nil {
		return inner.Write(p)
	}
	n, err := lc.writeNB(p)
	if err == nil && n < len(p) {
		err = errWouldBlock
	}
	return n, err
}

func (lc *loopConn) handedOver() net.Conn {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	return lc.inner
}

// Close closes the socket (after hand-off, inner). Called by teardown;
// from other goroutines (Shutdown past its deadline) it asks the loop to
// close the connection.
func (lc *loopConn) Close() error {
	lc.mu.Lock()
	if lc.inner != nil {
		inner := lc.inner
		lc.mu.Unlock()
		return inner.Close()
	}
	if lc.closed {
		// Called by the loop's close (via teardown): release the fd.
		fd := lc.fd
		lc.fd = -1
		lc.mu.Unlock()
		if fd >= 0 {
			return syscall.Close(fd)
		}
		return nil
	}
	lc.closed = true
	lc.mu.Unlock()
	lc.el.attend(lc.c)
	return nil
}

func (lc *loopConn) LocalAddr() net.Addr  { return lc.local }
func (lc *loopConn) RemoteAddr() net.Addr { return lc.remote }

func (lc *loopConn) SetDeadline(t time.Time) error {
	if err := lc.SetReadDeadline(t); err != nil {
		return err
	}
	return lc.SetWriteDeadline(t)
}

// SetReadDeadline is a nudge while the loop owns the connection: any
// non-zero deadline makes the loop look at it.
func (lc *loopConn) SetReadDeadline(t time.Time) error {
	lc.mu.Lock()
	inner := lc.inner
	lc.mu.Unlock()
	if inner != nil {
		return inner.SetReadDeadline(t)
	}
	if !t.IsZero() {
		lc.el.attend(lc.c)
	}
	return nil
}

// SetWriteDeadline matters only after hand-off: the loop never waits to
// write.
func (lc *loopConn) SetWriteDeadline(t time.Time) error {
	if inner := lc.handedOver(); inner != nil {
		return inner.SetWriteDeadline(t)
	}
	return nil
}

// SyscallConn is inner's after hand-off (writeNow writes to subscribers
// directly); the loop's own socket is not lent out.
func (lc *loopConn) SyscallConn() (syscall.RawConn, error) {
	if inner, ok := lc.handedOver().(syscall.Conn); ok {
		return inner.SyscallConn()
	}
	return nil, errWouldBlock
}
