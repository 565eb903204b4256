package server

import (
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aikv/aikv/server/acl"

	"github.com/aikv/aikv/server/command"
	"github.com/aikv/aikv/server/resp"
)

// conn is one client connection. Its fields are owned by the connection's
// goroutine, except client, which other goroutines read (CLIENT LIST) or
// flag (CLIENT KILL) only while holding Server.mu.
type conn struct {
	s  *Server
	nc net.Conn
	// io does the reads and writes of nc's data (nc itself, or rawIO).
	io io.ReadWriter
	// lc is nc when the event loop adopted the connection (it may have
	// handed it over to a goroutine since).
	lc     *loopConn
	rd     resp.Reader
	w      resp.Writer
	client command.Client
	ctx    command.Context

	// batch holds the requests parsed from one read; argBufs are reused
	// backing arrays for their argument lists.
	batch   [][][]byte
	argBufs [][][]byte

	// waitSeq is the log record this connection's pending replies depend
	// on (0: none) and waitLog the log it was appended to; set under
	// Server.mu, consumed before flushing.
	waitSeq uint64
	waitLog commandLog
	// specCache holds the last few command names looked up (see lookup).
	specCache [4]specCacheEntry
	specNext  int
	// cmdStart is when the command being dispatched started (timing for
	// commandstats and the slowlog); owned by the dispatcher under mu.
	cmdStart int64 // nanotime()
	// registered is set once the client is in Server.clients (guarded
	// by Server.mu).
	registered bool
	// parked is non-nil while the client waits in a blocking command.
	parked *parked
	// stopRead tells the reader run while parked that the deadline it
	// sees is a stop request, not an error.
	stopRead atomic.Bool
	// killed mirrors client.Kill for reads without Server.mu; wake
	// interrupts a wait for CLIENT PAUSE (CLIENT KILL).
	killed atomic.Bool
	wake   chan struct{}
	// out is output from other connections (MONITOR, pub/sub,
	// invalidations) waiting to be written (own mutex).
	out outbox
	// iov and wv are scratch segment lists for drainOutbox.
	iov, wv [][]byte
	// raw, rawWrite and rawN serve writeNow (set up on first use).
	raw      syscall.RawConn
	rawWrite func(fd uintptr) bool
	rawN     int
	// subs are the connection's subscriptions (guarded by Server.mu).
	subs connSubs
	// congested lists receivers this connection's batch overfilled (set
	// under Server.mu by its own batch; see waitCongested).
	congested []*conn
	// toWake lists receivers this connection's batch gave output to, to
	// nudge once it released Server.mu (see pubsub.deferWake).
	toWake []*conn
	// tx is the MULTI/WATCH state (guarded by Server.mu).
	tx txState
	// execErrs counts the error replies of the current command that EXEC
	// already accounted for per queued command (guarded by Server.mu).
	execErrs int64
	// outLimitHit is set when the client passed its output buffer limit:
	// its pending replies were dropped and it is being closed.
	outLimitHit bool
	// softSince is when the pending replies last went above the soft
	// output limit (zero while they are not): the client must take them
	// within soft-seconds of it, as Redis's obuf_soft_limit_reached_time.
	softSince time.Time
	// enteredScript: this connection's batch announced a script
	// (Server.scriptEntering) and must withdraw it.
	enteredScript bool
	// sync is set by SYNC: once the batch's replies are flushed the
	// connection sends a snapshot and closes (sync.go). syncing is true
	// while it does, for Shutdown.
	sync    *command.SyncOptions
	syncing atomic.Bool
}

const protectedModeError = "-DENIED Redis is running in protected mode because protected " +
	"mode is enabled and no password is set for the default user. In this mode " +
	"connections are only accepted from the loopback interface. If you want to connect " +
	"from external computers to Redis you may adopt one of the following solutions: " +
	"1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' " +
	"from the loopback interface by connecting to Redis from the same host the server is " +
	"running, however MAKE SURE Redis is not publicly accessible from internet if you do " +
	"so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just " +
	"disable the protected mode by editing the Redis configuration file, and setting the " +
	"protected mode option to 'no', and then restarting the server. 3) If you started the " +
	"server manually just for testing, restart it with the '--protected-mode no' option. " +
	"4) Set up an authentication password for the default user. NOTE: You only need to do " +
	"one of the above things in order for the server to start accepting connections from " +
	"the outside.\r\n"

func isLoopback(addr net.Addr) bool {
	ta, ok := addr.(*net.TCPAddr)
	if !ok {
		return true // unix sockets and pipes count as local
	}
	return ta.IP.IsLoopback()
}

func (s *Server) serveConn(nc net.Conn) {
	c := s.newConn(nc)
	if c == nil {
		nc.Close()
		return
	}
	if s.el != nil && s.el.adopt(c) {
		return // the event loop serves it from now on
	}
	c.loop()
	c.teardown()
}

// newConn admits a new connection and sets it up, or refuses it (max
// clients, protected mode) with Redis's error and returns nil. An admitted
// connection counts in numClients until teardown.
func (s *Server) newConn(nc net.Conn) *conn {
	cc := s.connCfg.Load()
	if s.numClients.Add(1) > int64(cc.maxClients) {
		s.numClients.Add(-1)
		nc.Write([]byte("-ERR max number of clients reached\r\n"))
		s.rejectedConns.Add(1)
		return nil
	}
	if cc.protectedMode && cc.noPassword && !isLoopback(nc.RemoteAddr()) {
		s.numClients.Add(-1)
		nc.Write([]byte(protectedModeError))
		return nil
	}

	c := &conn{s: s, nc: nc, io: nc, wake: make(chan struct{}, 1)}
	if r := newRawIO(nc); r != nil {
		c.io = r
	}
	now := time.Now()
	c.client = command.Client{
		ID:         s.nextClientID.Add(1),
		Addr:       nc.RemoteAddr().String(),
		LocalAddr:  nc.LocalAddr().String(),
		Proto:      2,
		Created:    now,
		LastActive: now,
		Authed:     cc.noPassword,
		User:       cc.defaultUser,
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
		if cc.keepAlive > 0 {
			tc.SetKeepAlive(true)
			tc.SetKeepAlivePeriod(cc.keepAlive)
		}
	}
	c.rd.MaxBulk = cc.maxBulk
	c.rd.MaxQueryBuf = cc.maxQueryBuf
	c.ctx = command.Context{
		W:      &c.w,
		Client: &c.client,
		KS:     s.ks,
		Server: s,
	}
	// Register now, unless a stuck script holds the lock: then the first
	// batch registers the client (execBatch), so connecting never waits.
	if s.lockUnlessBusy() {
		s.registerLocked(c)
		s.mu.Unlock()
	}
	return c
}

// teardown releases everything a closed connection held: its socket, its
// output, subscriptions, tracking, MULTI state and registry entry.
func (c *conn) teardown() {
	s := c.s
	c.out.mu.Lock()
	c.out.dropLocked()
	c.out.mu.Unlock()
	s.mu.Lock()
	s.discardLocked(c)
	s.unsubscribeAllLocked(c)
	s.trackingDisconnectLocked(c)
	delete(s.clients, c.client.ID)
	delete(s.monitors, c.client.ID)
	s.mu.Unlock()
	c.nc.Close()
	s.numClients.Add(-1)
}

// registerLocked adds c to the client registry. Caller holds s.mu.
func (s *Server) registerLocked(c *conn) {
	if c.registered {
		return
	}
	c.registered = true
	s.clients[c.client.ID] = c
	s.stats.totalConns++
}

// connConfig is the part of the configuration that connections read
// without the server lock. It is replaced whole (under mu) when the
// configuration changes.
type connConfig struct {
	maxClients             int
	protectedMode          bool
	noPassword             bool
	defaultUser            *acl.User // fixed for the server's life
	maxBulk, maxQueryBuf   int64
	keepAlive, idleTimeout time.Duration
	normalLimit            outputLimit // client-output-buffer-limit normal
}

// refreshConnConfigLocked publishes the current settings to connections.
// Caller holds s.mu (or owns s before it serves).
func (s *Server) refreshConnConfigLocked() {
	s.refreshOutputLimitsLocked()
	s.connCfg.Store(&connConfig{
		normalLimit:   s.outLimits.parsed[0],
		maxClients:    s.cfg.MaxClients,
		protectedMode: s.cfg.ProtectedMode,
		noPassword:    s.acl.DefaultOpen(),
		defaultUser:   s.acl.Default,
		maxBulk:       s.cfg.ProtoMaxBulkLen,
		maxQueryBuf:   s.cfg.ClientQueryBufferLimit,
		keepAlive:     s.cfg.TCPKeepAlive,
		idleTimeout:   s.cfg.Timeout,
	})
}

// loop reads requests, runs each parsed batch under the server lock and
// writes the replies, until the client leaves or an error occurs.
func (c *conn) loop() { c.serve(nil, false) }

// serve is loop, entered either fresh or, with resumed set, where the
// event loop handed the connection over (eventloop_linux.go): rest is
// what remains of the batch it was running (possibly nothing, or a
// blocking command's wait: c.parked), and its replies may be pending.
func (c *conn) serve(rest [][][]byte, resumed bool) {
	for {
		var batch [][][]byte
		var perr error
		ran := false
		if resumed {
			resumed = false
			if !c.runBatch(rest) {
				return
			}
			ran = true
		} else {
			c.rd.Authenticated = c.client.Authed
			batch, perr = c.parseBatch()
			if len(batch) > 0 && !c.runBatch(batch) {
				return
			}
			ran = len(batch) > 0
		}
		if perr != nil {
			var pe *resp.ProtocolError
			if errors.As(perr, &pe) {
				c.w.Error(pe.Error())
				c.s.log.Debug("protocol error", "client", c.client.Addr, "err", pe.Msg)
			}
			c.flush()
			return
		}
		if len(c.w.B) > 0 {
			if err := c.flush(); err != nil {
				return
			}
		}
		if len(c.congested) > 0 {
			c.waitCongested()
		}
		if c.sync != nil {
			c.serveSync()
			return
		}
		if c.client.CloseAfterReply || c.killed.Load() {
			return
		}
		if ran {
			// More complete requests may be buffered (a batch is capped):
			// parse again before reading.
			continue
		}
		// Set the read deadline before checking for shutdown and MONITOR
		// output: Shutdown and the monitor feed move the deadline to now
		// to wake this read, and must not be overwritten unseen.
		// Monitors and Pub/Sub clients never time out, as in Redis.
		var deadline time.Time
		if c.client.Monitor || c.client.PubSub {
		} else if t := c.s.idleTimeout(); t > 0 {
			deadline = time.Now().Add(t)
		}
		c.nc.SetReadDeadline(deadline)
		if c.s.closing.Load() || c.killed.Load() {
			return
		}
		if err := c.drainOutbox(); err != nil {
			return
		}
		if err := c.rd.Fill(c.io); err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) && (deadline.IsZero() || time.Now().Before(deadline)) {
				// Not the idle timeout: woken to write output from
				// other clients (nudge), or to stop (checked above).
				continue
			}
			return
		}
	}
}

// runBatch runs a parsed batch to the end: in parts when its replies pile
// up (execBatch), sending each part's replies before the next, and around
// blocking commands (waiting, sending what came before, then running the
// rest). It returns false when the connection must close.
func (c *conn) runBatch(batch [][][]byte) bool {
	for {
		if c.parked != nil {
			// Wait (sending what came before the blocking command),
			// then run the rest of the batch, which may block again.
			pending, alive := c.waitParked()
			if !alive {
				return false
			}
			batch = pending
			continue
		}
		if len(batch) == 0 {
			return true
		}
		batch = c.s.execBatch(c, batch)
		if c.parked != nil {
			continue
		}
		if len(batch) == 0 {
			return true
		}
		if err := c.flush(); err != nil {
			return false
		}
		if c.client.CloseAfterReply || c.killed.Load() {
			return false
		}
	}
}

// maxBatch bounds how many commands run under one lock acquisition, so a
// client pipelining a million commands cannot starve the others.
const maxBatch = 1024

// parseBatch parses every complete request currently buffered (up to
// maxBatch). The returned argument slices are valid until the next Fill.
func (c *conn) parseBatch() ([][][]byte, error) {
	c.batch = c.batch[:0]
	for len(c.batch) < maxBatch {
		i := len(c.batch)
		if i == len(c.argBufs) {
			c.argBufs = append(c.argBufs, make([][]byte, 0, 8))
		}
		args, ok, err := c.rd.Next(c.argBufs[i])
		if err != nil {
			return c.batch, err
		}
		if !ok {
			break
		}
		if cap(args) > cap(c.argBufs[i]) {
			c.argBufs[i] = args[:0]
		}
		c.batch = append(c.batch, args)
		if !c.client.Authed && len(c.batch) == 1 {
			// Until AUTH succeeds the request size limits depend on the
			// outcome of each command; parse one at a time.
			break
		}
	}
	return c.batch, nil
}

// flush sends the buffered replies, after the writes they acknowledge
// are durable by the configured policy. If the log cannot be written the
// replies are not sent and the connection is closed: nothing is
// acknowledged that is not in the log.
func (c *conn) flush() error {
	if err := c.waitDurable(); err != nil {
		return err
	}
	if len(c.w.B) == 0 {
		return nil
	}
	// Above the soft output limit the client has soft-seconds, counted
	// from when its replies first went above it, to take them.
	dl := c.s.softWriteDeadline(len(c.w.B), c.softSince)
	c.nc.SetWriteDeadline(dl)
	_, err := c.io.Write(c.w.B)
	c.softSince = time.Time{}
	if err != nil && !dl.IsZero() && errors.Is(err, os.ErrDeadlineExceeded) {
		c.s.log.Warn("client closed for overcoming of output buffer limits (soft limit)",
			"client", c.client.Addr, "pending", len(c.w.B))
	}
	if cap(c.w.B) > 64<<10 {
		c.w.B = nil
	} else {
		c.w.B = c.w.B[:0]
	}
	return err
}

// sock is the connection's socket as a plain net.Conn (writev needs
// the real type).
func (c *conn) sock() net.Conn {
	if c.lc != nil {
		if inner := c.lc.handedOver(); inner != nil {
			return inner
		}
	}
	return c.nc
}

// onLoop reports whether the event loop serves c now. Only c's own
// goroutine (the loop's while it owns c) may ask.
func (c *conn) onLoop() bool { return c.lc != nil && c.lc.inner == nil }

func (s *Server) idleTimeout() time.Duration { return s.connCfg.Load().idleTimeout }

// clientInfo renders one CLIENT LIST / CLIENT INFO line (caller holds mu).
func (c *conn) clientInfo(now time.Time) string {
	cl := &c.client
	var b strings.Builder
	b.WriteString("id=" + strconv.FormatInt(cl.ID, 10))
	b.WriteString(" addr=" + cl.Addr)
	b.WriteString(" laddr=" + cl.LocalAddr)
	b.WriteString(" fd=" + strconv.Itoa(cl.FD))
	b.WriteString(" name=" + cl.Name)
	b.WriteString(" age=" + strconv.FormatInt(int64(now.Sub(cl.Created)/time.Second), 10))
	b.WriteString(" idle=" + strconv.FormatInt(int64(now.Sub(cl.LastActive)/time.Second), 10))
	flags := ""
	if cl.Monitor {
		flags += "O"
	}
	if cl.PubSub {
		flags += "P"
	}
	if cl.InMulti {
		flags += "x"
	}
	if cl.Block != nil {
		flags += "b"
	}
	flags += cl.Flags
	flags += trackingFlags(&cl.Tracking)
	if c.tx.dirty {
		flags += "d"
	}
	if flags == "" {
		flags = "N"
	}
	b.WriteString(" flags=" + flags)
	b.WriteString(" db=" + strconv.Itoa(cl.DB))
	b.WriteString(" sub=" + strconv.Itoa(cl.Subs[command.SubChannel]))
	b.WriteString(" psub=" + strconv.Itoa(cl.Subs[command.SubPattern]))
	b.WriteString(" ssub=" + strconv.Itoa(cl.Subs[command.SubShard]))
	b.WriteString(" multi=" + strconv.Itoa(c.multiCount()))
	b.WriteString(" qbuf=" + strconv.Itoa(cl.QueryBufLen) + " qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0")
	b.WriteString(" obl=0 oll=0 omem=0 tot-mem=0 events=r")
	b.WriteString(" cmd=" + orNULL(cl.LastCmd))
	redir := int64(-1)
	if cl.Tracking.On {
		redir = cl.Tracking.Redirect
	}
	b.WriteString(" user=" + userName(cl) + " redir=" + strconv.FormatInt(redir, 10))
	b.WriteString(" resp=" + strconv.Itoa(cl.Proto))
	return b.String()
}

func userName(cl *command.Client) string {
	if cl.User == nil {
		return "default"
	}
	return cl.User.Name
}

func orNULL(s string) string {
	if s == "" {
		return "NULL"
	}
	return s
}
