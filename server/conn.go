package server

import (
	"errors"
	"net"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aikv/aikv/server/command"
	"github.com/aikv/aikv/server/resp"
)

// conn is one client connection. Its fields are owned by the connection's
// goroutine, except client, which other goroutines read (CLIENT LIST) or
// flag (CLIENT KILL) only while holding Server.mu.
type conn struct {
	s      *Server
	nc     net.Conn
	rd     resp.Reader
	w      resp.Writer
	client command.Client
	ctx    command.Context

	// batch holds the requests parsed from one read; argBufs are reused
	// backing arrays for their argument lists.
	batch   [][][]byte
	argBufs [][][]byte

	// waitSeq is the log record this connection's pending replies depend
	// on (0: none); set under Server.mu, consumed before flushing.
	waitSeq uint64
	// parked is non-nil while the client waits in a blocking command.
	parked *parked
	// stopRead tells the reader run while parked that the deadline it
	// sees is a stop request, not an error.
	stopRead atomic.Bool
	// killed mirrors client.Kill for reads without Server.mu; wake
	// interrupts a wait for CLIENT PAUSE (CLIENT KILL).
	killed atomic.Bool
	wake   chan struct{}
	// out is the MONITOR output waiting to be written (own mutex).
	out outbox
	// outLimitHit is set when the client passed its output buffer limit:
	// its pending replies were dropped and it is being closed.
	outLimitHit bool
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
	defer nc.Close()
	if s.numClients.Add(1) > int64(s.maxClients()) {
		s.numClients.Add(-1)
		nc.Write([]byte("-ERR max number of clients reached\r\n"))
		s.mu.Lock()
		s.stats.rejectedConns++
		s.mu.Unlock()
		return
	}
	defer s.numClients.Add(-1)

	c := &conn{s: s, nc: nc, wake: make(chan struct{}, 1)}
	now := time.Now()
	c.client = command.Client{
		ID:         s.nextClientID.Add(1),
		Addr:       nc.RemoteAddr().String(),
		LocalAddr:  nc.LocalAddr().String(),
		Proto:      2,
		Created:    now,
		LastActive: now,
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
		if ka := s.cfg.TCPKeepAlive; ka > 0 {
			tc.SetKeepAlive(true)
			tc.SetKeepAlivePeriod(ka)
		}
	}

	s.mu.Lock()
	if s.cfg.ProtectedMode && s.cfg.RequirePass == "" && !isLoopback(nc.RemoteAddr()) {
		s.mu.Unlock()
		nc.Write([]byte(protectedModeError))
		return
	}
	c.client.Authed = s.cfg.RequirePass == ""
	c.rd.MaxBulk = s.cfg.ProtoMaxBulkLen
	c.rd.MaxQueryBuf = s.cfg.ClientQueryBufferLimit
	s.clients[c.client.ID] = c
	s.stats.totalConns++
	s.mu.Unlock()

	c.ctx = command.Context{
		W:      &c.w,
		Client: &c.client,
		KS:     s.ks,
		Server: s,
	}
	c.loop()

	s.mu.Lock()
	delete(s.clients, c.client.ID)
	delete(s.monitors, c.client.ID)
	s.mu.Unlock()
}

// loop reads requests, runs each parsed batch under the server lock and
// writes the replies, until the client leaves or an error occurs.
func (c *conn) loop() {
	for {
		c.rd.Authenticated = c.client.Authed
		batch, perr := c.parseBatch()
		if len(batch) > 0 {
			c.s.execBatch(c, batch)
			for c.parked != nil {
				// Wait (sending what came before the blocking command),
				// then run the rest of the batch, which may block again.
				pending, alive := c.waitParked()
				if !alive {
					return
				}
				if len(pending) > 0 {
					c.s.execBatch(c, pending)
				}
			}
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
		if c.client.CloseAfterReply || c.killed.Load() {
			return
		}
		if len(batch) > 0 {
			// More complete requests may be buffered (a batch is capped):
			// parse again before reading.
			continue
		}
		// Set the read deadline before checking for shutdown and MONITOR
		// output: Shutdown and the monitor feed move the deadline to now
		// to wake this read, and must not be overwritten unseen.
		monitor := c.client.Monitor
		if monitor {
			c.nc.SetReadDeadline(time.Time{}) // monitors never time out
		} else if t := c.s.idleTimeout(); t > 0 {
			c.nc.SetReadDeadline(time.Now().Add(t))
		}
		if c.s.closing.Load() || c.killed.Load() {
			return
		}
		if monitor {
			if err := c.drainOutbox(); err != nil {
				return
			}
		}
		if err := c.rd.Fill(c.nc); err != nil {
			if monitor && errors.Is(err, os.ErrDeadlineExceeded) {
				continue // woken to write MONITOR output
			}
			return
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
	// Above the soft output limit the client has soft-seconds to take its
	// replies (the deadline is cleared by the next read's own deadline).
	dl := c.s.softWriteDeadline(len(c.w.B))
	c.nc.SetWriteDeadline(dl)
	_, err := c.nc.Write(c.w.B)
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

func (s *Server) maxClients() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg.MaxClients
}

func (s *Server) idleTimeout() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg.Timeout
}

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
	if cl.InMulti {
		flags += "x"
	}
	if cl.Block != nil {
		flags += "b"
	}
	flags += cl.Flags
	if flags == "" {
		flags = "N"
	}
	b.WriteString(" flags=" + flags)
	b.WriteString(" db=" + strconv.Itoa(cl.DB))
	b.WriteString(" sub=0 psub=0 ssub=0 multi=-1")
	b.WriteString(" qbuf=" + strconv.Itoa(cl.QueryBufLen) + " qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0")
	b.WriteString(" obl=0 oll=0 omem=0 tot-mem=0 events=r")
	b.WriteString(" cmd=" + orNULL(cl.LastCmd))
	b.WriteString(" user=default redir=-1")
	b.WriteString(" resp=" + strconv.Itoa(cl.Proto))
	return b.String()
}

func orNULL(s string) string {
	if s == "" {
		return "NULL"
	}
	return s
}
