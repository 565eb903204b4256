package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/expire"
	"github.com/aikv/aikv/scripting"
	"github.com/aikv/aikv/server/acl"
	"github.com/aikv/aikv/server/command"
	"github.com/aikv/aikv/server/config"
)

// Server is a running AiKv instance. Create it with New, start it with
// ListenAndServe (or Serve), stop it with Shutdown.
type Server struct {
	log   *slog.Logger
	table *command.Table
	// procs: GOMAXPROCS tuning (procs.go; guarded by mu).
	procs procTuning

	// mu guards everything below it, including the keyspace, the config
	// and every connection's command.Client. No I/O happens under mu.
	mu      sync.Mutex
	cfg     *config.Config
	ks      *datastructs.Keyspace
	clients map[int64]*conn
	stats   stats
	slowlog slowlog
	// blocking tracks clients parked in blocking commands.
	blocking blocking
	// watchers maps watched keys to their WATCHes (multi.go).
	watchers map[blockKey][]*watchedKey
	// servedInBatch lists parked clients served during the current batch;
	// they wait for the batch's log record before replying.
	servedInBatch []*conn
	// prefetchSink accumulates prefetchKeys's reads (dispatch.go) so that
	// the compiler keeps them.
	prefetchSink uint64
	// persist is the append-only log state; save the snapshot state.
	persist persistence
	save    saveState
	// faults is the disk fault injection state (faults.go); nil unless
	// EnableFaultInjection was called.
	faults *faults
	// pause is the CLIENT PAUSE state; monitors are the MONITOR clients.
	pause    pauseState
	monitors map[int64]*conn
	// latency is the latency monitor; latencyThreshold caches
	// latency-monitor-threshold in milliseconds (0: off).
	latency          latencyMonitor
	latencyThreshold int64
	// pubsub holds the subscriptions; current is the connection running
	// the command being dispatched (nil for background work).
	pubsub  pubsub
	current *conn
	// outLimits caches client-output-buffer-limit (see cfgOutputLimits).
	outLimits struct {
		raw    string
		parsed [2]outputLimit
	}
	// notify caches notify-keyspace-events (see notifyFlagsLocked).
	notify struct {
		raw   string
		flags notifyFlags
	}
	// tracking is the client-side caching state.
	tracking tracking
	// peakMemory and startupMemory feed INFO memory and MEMORY STATS.
	peakMemory, startupMemory int64
	// policy is maxmemory-policy parsed; memLimitSet is the maxmemory
	// the Go memory limit was last derived from (memory.go).
	policy      datastructs.Policy
	memLimitSet uint64
	// oomAtStart is Redis's pre_command_oom_state: eviction could not
	// get under maxmemory before the current command.
	oomAtStart bool

	// connCfg is what connections read of the config without mu.
	connCfg atomic.Pointer[connConfig]
	// rejectedConns counts clients refused by maxclients.
	rejectedConns atomic.Int64
	// busyThresholdMs mirrors busy-reply-threshold for reads without mu.
	busyThresholdMs atomic.Int64
	// scriptEntering counts batches that may run a script and are taking
	// or holding mu (see lockOrBusy).
	scriptEntering atomic.Int32

	nextClientID atomic.Int64
	numClients   atomic.Int64
	started      time.Time

	lnMu      sync.Mutex
	listeners []net.Listener
	// el serves ordinary connections when the event loop is on
	// (EnableEventLoop); nil otherwise.
	el           *eventLoop
	useEventLoop bool
	closing      atomic.Bool
	connWG       sync.WaitGroup
	bgWG         sync.WaitGroup
	done         chan struct{}
	// shutdownReq is signalled by the SHUTDOWN command.
	shutdownReq chan struct{}
	shutOnce    sync.Once
	// configFile is the path the config was loaded from ("" if none).
	configFile string
	// logLevel, when set, follows the loglevel parameter (CONFIG SET).
	logLevel   *slog.LevelVar
	runIDValue string
	// shutdownMode is what the SHUTDOWN command asked for (guarded by mu).
	shutdownMode command.ShutdownMode
	// scripts is the Lua engine (EVAL, FUNCTION); used under mu except
	// for its Busy and Kill methods.
	scripts *scripting.Engine
	// acl holds the users (aclsrv.go); aclCmds maps Spec.ID to the ACL's
	// view of the command.
	acl     *acl.Registry
	aclCmds []*acl.Command
}

// New builds a server from cfg and a command table. It does not listen yet.
func New(cfg *config.Config, table *command.Table, log *slog.Logger) *Server {
	if log == nil {
		log = slog.Default()
	}
	s := &Server{
		log:         log,
		table:       table,
		cfg:         cfg,
		clients:     make(map[int64]*conn),
		started:     time.Now(),
		done:        make(chan struct{}),
		shutdownReq: make(chan struct{}),
	}
	var id [20]byte
	rand.Read(id[:])
	s.runIDValue = hex.EncodeToString(id[:])
	s.ks = datastructs.New(datastructs.Options{Databases: cfg.Databases})
	s.ks.SetObserver(s)
	s.save.done = sync.NewCond(&s.mu)
	s.blocking.init()
	s.pubsub.init()
	s.tracking.init()
	s.stats.init(table)
	s.slowlog.init()
	s.pause.signal()
	s.refreshLatencyThresholdLocked()
	s.refreshOutputLimitsLocked()
	used, _ := readMemStats()
	s.startupMemory = int64(used)
	s.peakMemory = int64(used)
	s.applyMemoryConfig()
	s.applyEncodingConfig()
	s.scripts = scripting.New(s.scriptLog)
	s.busyThresholdMs.Store(cfg.BusyReplyThreshold)
	s.initACLLocked()
	s.refreshConnConfigLocked()
	return s
}

// Keyspace returns the dataset. Callers must hold no reference across
// commands; it is exposed for tests and tools running with the server
// stopped.
func (s *Server) Keyspace() *datastructs.Keyspace { return s.ks }

// ListenAndServe listens on every bind address and serves until Shutdown.
func (s *Server) ListenAndServe() error {
	var lns []net.Listener
	for _, bind := range s.cfg.Bind {
		// Redis's bind syntax: "*" is every IPv4 address, "::*" every IPv6
		// one, and a leading "-" makes the address optional.
		host, optional := strings.CutPrefix(bind, "-")
		network := "tcp"
		switch host {
		case "*":
			network, host = "tcp4", "0.0.0.0"
		case "::*":
			network, host = "tcp6", "::"
		}
		ln, err := net.Listen(network, net.JoinHostPort(host, strconv.Itoa(s.cfg.Port)))
		if err != nil && optional {
			s.log.Warn("could not bind optional address", "bind", bind, "err", err)
			continue
		}
		if err != nil {
			for _, l := range lns {
				l.Close()
			}
			return fmt.Errorf("server: listen: %w", err)
		}
		lns = append(lns, ln)
	}
	return s.Serve(lns...)
}

// Serve accepts connections on the listeners until Shutdown. It returns
// nil after a graceful shutdown.
func (s *Server) Serve(lns ...net.Listener) error {
	s.lnMu.Lock()
	s.listeners = append(s.listeners, lns...)
	s.lnMu.Unlock()
	for _, ln := range lns {
		s.log.Info("ready to accept connections", "addr", ln.Addr().String())
	}
	if s.useEventLoop && s.el == nil {
		el, err := newEventLoop(s)
		if err != nil {
			s.log.Warn("event loop unavailable: one goroutine per connection", "err", err)
		}
		s.el = el
	}
	s.bgWG.Add(1)
	go s.cron()
	errc := make(chan error, len(lns))
	for _, ln := range lns {
		go func(ln net.Listener) { errc <- s.acceptLoop(ln) }(ln)
	}
	// Clients are accepted while the log is replayed; they get LOADING
	// until it is done.
	if err := s.loadPersisted(); err != nil {
		s.log.Error("cannot load the dataset", "err", err)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		s.Shutdown(ctx)
		cancel()
		for range lns {
			<-errc
		}
		return err
	}
	var first error
	for range lns {
		if err := <-errc; err != nil && first == nil && !s.closing.Load() {
			first = err
		}
	}
	return first
}

// ShutdownRequested is closed when a client sends SHUTDOWN; the owner of
// the server (main) then calls Shutdown.
func (s *Server) ShutdownRequested() <-chan struct{} { return s.shutdownReq }

// Addrs returns the listening addresses.
func (s *Server) Addrs() []net.Addr {
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	var out []net.Addr
	for _, ln := range s.listeners {
		out = append(out, ln.Addr())
	}
	return out
}

func (s *Server) acceptLoop(ln net.Listener) error {
	var delay time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			if s.closing.Load() {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				time.Sleep(delay)
				continue
			}
			return err
		}
		delay = 0
		s.connWG.Add(1)
		go func() {
			defer s.connWG.Done()
			s.serveConn(nc)
		}()
	}
}

// Shutdown stops accepting connections, lets each connection finish the
// batch it is running and flush its replies, then closes them and stops
// background work. It returns ctx.Err() if that takes longer than ctx.
func (s *Server) Shutdown(ctx context.Context) error {
	var err error
	s.shutOnce.Do(func() {
		s.closing.Store(true)
		s.lnMu.Lock()
		for _, ln := range s.listeners {
			ln.Close()
		}
		s.lnMu.Unlock()
		// Wake every reader; a connection in the middle of a batch finishes
		// it and writes its replies before it sees the deadline.
		s.mu.Lock()
		for _, c := range s.clients {
			c.nc.SetReadDeadline(time.Now())
			if c.syncing.Load() {
				c.nc.SetWriteDeadline(time.Now()) // abort a snapshot transfer
			}
		}
		s.mu.Unlock()
		if s.el != nil {
			s.el.wake()
		}
		close(s.done)
		waited := make(chan struct{})
		go func() {
			s.connWG.Wait()
			s.bgWG.Wait()
			close(waited)
		}()
		select {
		case <-waited:
			s.shutdownSave()
			s.closePersistence()
		case <-ctx.Done():
			s.closePersistence()
			err = ctx.Err()
			s.mu.Lock()
			for _, c := range s.clients {
				c.nc.Close()
			}
			s.mu.Unlock()
		}
		s.log.Info("server stopped")
	})
	return err
}

// cron runs periodic background work: active expiry and table rehashing,
// ten times a second like Redis's default hz.
func (s *Server) cron() {
	defer s.bgWG.Done()
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	cycle := expire.Cycle{Target: lockedKeyspace{s}}
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
			s.mu.Lock()
			// Like Redis, keys do not expire actively during CLIENT PAUSE.
			paused := s.pause.active(time.Now()) != command.PauseOff
			s.refreshLatencyThresholdLocked()
			if used := s.usedMemory(); used > s.peakMemory {
				s.peakMemory = used
			}
			s.mu.Unlock()
			if !paused {
				cycle.Run(25 * time.Millisecond)
			}
			s.mu.Lock()
			s.refreshWriteErrLocked()
			if !s.closing.Load() {
				s.saveCronLocked()
			}
			for i := 0; i < s.ks.NumDBs(); i++ {
				s.ks.DB(i).RehashStep(100)
			}
			if s.tracking.clients > 0 {
				// Also when idle, after a CONFIG SET lowered the limit.
				s.trackingLimitLocked(nil)
			}
			s.mu.Unlock()
		}
	}
}

// lockedKeyspace adapts the keyspace to expire.Target, taking the server
// lock for each sampling round.
type lockedKeyspace struct{ s *Server }

func (l lockedKeyspace) NumDBs() int { return l.s.ks.NumDBs() }

func (l lockedKeyspace) ExpireSample(db, n int) (sampled, expired int) {
	l.s.mu.Lock()
	defer l.s.mu.Unlock()
	sampled, expired = l.s.ks.DB(db).ExpireSample(n)
	if l.s.persist.log != nil {
		// The DELs of actively expired keys form their own record; no
		// client waits for it.
		l.s.commitEffects()
	}
	l.s.broadcastInvalidationsLocked()
	return sampled, expired
}

// requestShutdown is called by the SHUTDOWN command (under mu).
func (s *Server) requestShutdown() {
	select {
	case <-s.shutdownReq:
	default:
		close(s.shutdownReq)
	}
}

// SetConfigFile records the config file path (CONFIG REWRITE, INFO).
func (s *Server) SetConfigFile(path string) { s.configFile = path }

// EnableEventLoop makes the server serve ordinary connections from one
// epoll event loop instead of a goroutine each (see eventloop_linux.go),
// where the platform has one. Call it before serving.
func (s *Server) EnableEventLoop() { s.useEventLoop = eventLoopSupported }

// SetLogLevelVar gives the server the level of its logger's handler, so
// CONFIG SET loglevel takes effect at once. Call it before serving.
func (s *Server) SetLogLevelVar(v *slog.LevelVar) { s.logLevel = v }

func (s *Server) runID() string { return s.runIDValue }

// pid is reported by INFO server.
var pid = os.Getpid()
