package server

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aikv/aikv/aof"
	"github.com/aikv/aikv/server/command"
	"github.com/aikv/aikv/server/resp"
)

// commandLog is the append-only log as the server uses it; *aof.Log
// implements it, tests may fake it.
//
// Write path (see also dispatch.go): under s.mu, each command's effects
// are collected; at the end of a batch they become one record, appended
// (in memory, no I/O) and given the next sequence number. The connection
// releases the lock, then waits until that sequence is written to the OS
// (everysec, no) or written and fsynced (always) — concurrent connections
// share the writes and fsyncs — and only then sends its replies. So a
// reply is never seen before its write is as durable as the policy
// promises, and a record holds a whole batch, MULTI block or script:
// replay never sees half of one.
type commandLog interface {
	Append(rec aof.Record) uint64
	Wait(seq uint64) error
	// Sync writes everything pending and fsyncs it.
	Sync() error
	Replay(from uint64, fn func(seq uint64, rec aof.Record) error) error
	Close() error
}

// persistence is the server's durability state, guarded by Server.mu.
type persistence struct {
	log commandLog
	// aof is log's concrete type when it is the real log (for stats and
	// policy changes); nil with a test fake.
	aof *aof.Log
	// needReplay is set by OpenPersistence until Serve has loaded the log.
	needReplay bool
	// loadTotal and loadedBytes measure loading progress (INFO).
	loadTotal, loadedBytes int64
	// effects collects the current batch's effects while logging is on.
	effects []aof.Cmd
	// writeErr is set when the log could not be written; write commands
	// are refused with MISCONF until a write succeeds again.
	writeErr error
	// writeFailed is true whenever writeErr may be set (it is only set
	// with writeFailed); waitDurable reads it without the lock to skip
	// taking s.mu when there is nothing to record or clear.
	writeFailed atomic.Bool
	// startup is what OpenPersistence decided to load.
	startup startupLoad
	// snapshotKeys is how many keys the startup snapshot held (INFO).
	snapshotKeys int64
	// loading progress for INFO.
	loadingStart  time.Time
	loadedRecords int64
}

// logging reports whether effects are being recorded. Caller holds s.mu.
func (s *Server) logging() bool { return s.persist.log != nil && !s.ks.Loading }

// addEffect records one effect of the current batch. Caller holds s.mu.
func (s *Server) addEffect(db int, args [][]byte) {
	s.persist.effects = append(s.persist.effects, aof.Cmd{DB: db, Args: args})
}

// KeyExpired implements datastructs.Observer: an expired key is logged as
// DEL so replay never depends on the clock.
func (s *Server) KeyExpired(db int, key string) {
	if s.logging() {
		s.addEffect(db, [][]byte{[]byte("DEL"), []byte(key)})
	}
	s.NotifyKeyspaceEvent(command.NotifyExpired, "expired", []byte(key), db)
}

// collectEffects runs after a handler: it moves what the handler logged,
// or the command as sent if it was a write that changed the dataset, into
// the batch's effects. Caller holds s.mu.
func (s *Server) collectEffects(ctx *command.Context, spec *command.Spec, args [][]byte, db int, dirtyBefore int64) {
	if !s.logging() {
		return
	}
	if ctx.Effects.Custom {
		for _, e := range ctx.Effects.List {
			s.addEffect(e.DB, e.Args)
		}
		return
	}
	if spec.Flags.Has(command.Write) && s.ks.Dirty != dirtyBefore {
		// args stay valid until the batch ends and is encoded.
		logged := append([][]byte(nil), args...)
		if s.table.Renamed() {
			// The log holds registered names (see Table.Rename).
			name, _, _ := strings.Cut(spec.Name, "|")
			logged[0] = []byte(name)
		}
		s.addEffect(db, logged)
	}
}

// commitEffects turns the batch's effects into one log record and
// returns its sequence number (0 if there was nothing to log). Caller
// holds s.mu.
func (s *Server) commitEffects() uint64 {
	if len(s.persist.effects) == 0 {
		return 0
	}
	seq := s.persist.log.Append(aof.Record{Time: s.ks.Now(), Cmds: s.persist.effects})
	s.persist.effects = nil
	return seq
}

// waitDurable waits for the connection's last record to be as durable as
// the policy requires. A failure puts the server in the MISCONF state.
//
// This runs once per replied batch of every writing client, so the common
// case takes no server lock: the record is waited for on the log it was
// appended to (captured with the seq in endBatch), and s.mu is taken only
// to record a failure or to clear a previous one (writeFailed).
func (c *conn) waitDurable() error {
	seq, log := c.waitSeq, c.waitLog
	fsync := c.client.NeedFsync // read without mu: only this goroutine sets it (in its handlers)
	if seq == 0 && !fsync {
		return nil
	}
	c.waitSeq, c.waitLog = 0, nil
	c.client.NeedFsync = false
	var err error
	if seq != 0 {
		err = log.Wait(seq)
	}
	if err == nil && fsync {
		if log = c.s.persistLog(); log != nil {
			err = log.Sync()
		}
	}
	if err == nil && !c.s.persist.writeFailed.Load() {
		return nil
	}
	c.s.mu.Lock()
	if err != nil {
		c.s.persist.writeErr = err
		c.s.persist.writeFailed.Store(true)
		c.s.log.Error("append-only log write failed", "err", err)
	} else if c.s.persist.writeErr != nil {
		c.s.persist.writeErr = nil
		c.s.log.Info("append-only log writes recovered")
	}
	if c.s.persist.writeErr == nil {
		c.s.persist.writeFailed.Store(false)
	}
	c.s.mu.Unlock()
	return err
}

func (s *Server) persistLog() commandLog {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.persist.log
}

// misconf returns the MISCONF error for write commands (and PING), or "".
// As Redis's writeCommandsDeniedByDiskError, a failed background save
// (with stop-writes-on-bgsave-error and save points) is reported before
// a log error.
func (s *Server) misconf() string {
	if msg := s.bgsaveMisconfLocked(); msg != "" || s.persist.writeErr == nil {
		return msg
	}
	return "MISCONF Errors writing to the AOF file: " + strerror(s.persist.writeErr)
}

// strerror renders err as Redis's strerror(errno) does: for an error
// carrying an errno, glibc's text (Go's is the same text, lower-cased:
// "No space left on device", "Input/output error"); otherwise the
// innermost wrapped error's text.
func strerror(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		msg := errno.Error()
		if msg != "" && msg[0] >= 'a' && msg[0] <= 'z' {
			msg = string(msg[0]-'a'+'A') + msg[1:]
		}
		return msg
	}
	var pe interface{ Unwrap() error }
	if errors.As(err, &pe) && pe.Unwrap() != nil {
		return pe.Unwrap().Error()
	}
	return err.Error()
}

// replayLog loads the log into the keyspace. It runs with ks.Loading set;
// clients meanwhile get LOADING errors. It takes the lock for chunks of
// records so INFO and PING keep answering.
func (s *Server) replayLog(log commandLog, from uint64) error {
	s.mu.Lock()
	s.ks.Loading = true
	s.mu.Unlock()

	rc := &replayer{s: s}
	rc.ctx = command.Context{W: &rc.w, Client: &rc.client, KS: s.ks, Server: s}
	rc.client = command.Client{Authed: true, NoBlock: true, Proto: 2}
	const chunk = 1024
	n := 0
	locked := false
	err := log.Replay(from, func(seq uint64, rec aof.Record) error {
		if !locked {
			s.mu.Lock()
			locked = true
		}
		for _, cmd := range rec.Cmds {
			if err := rc.apply(cmd); err != nil {
				return fmt.Errorf("record %d: %w", seq, err)
			}
		}
		s.persist.loadedRecords++
		for _, c := range rec.Cmds {
			for _, a := range c.Args {
				s.persist.loadedBytes += int64(len(a))
			}
		}
		n++
		if n%chunk == 0 {
			s.mu.Unlock()
			locked = false
		}
		return nil
	})
	if locked {
		s.mu.Unlock()
	}
	return err
}

// replayer applies logged commands through the normal handlers.
type replayer struct {
	s      *Server
	w      resp.Writer
	client command.Client
	ctx    command.Context
}

func (r *replayer) apply(cmd aof.Cmd) error {
	if len(cmd.Args) == 0 {
		return errors.New("empty command")
	}
	spec := r.s.table.LookupRegistered(cmd.Args[0])
	if spec == nil {
		return fmt.Errorf("unknown command %q", cmd.Args[0])
	}
	run, ok := r.s.table.Resolve(spec, cmd.Args)
	if !ok || !run.CheckArity(len(cmd.Args)) {
		return fmt.Errorf("malformed command %q", cmd.Args[0])
	}
	if cmd.DB < 0 || cmd.DB >= r.s.ks.NumDBs() {
		return fmt.Errorf("database %d out of range", cmd.DB)
	}
	r.ctx.Select(cmd.DB)
	r.ctx.Args = cmd.Args
	r.ctx.Spec = run
	r.ctx.Effects = command.Effects{}
	r.w.Reset()
	errs := r.w.Errors
	run.Handler(&r.ctx)
	if r.w.Errors != errs {
		// A logged effect that fails on replay means the log and the
		// handlers disagree; keep going like Redis does for errors in
		// an AOF, but say so.
		r.s.log.Warn("replayed command returned an error", "cmd", string(cmd.Args[0]), "err", r.w.LastError)
	}
	return nil
}

// AOFEnabled implements command.Server.
func (s *Server) AOFEnabled() bool { return s.persist.log != nil }

// refreshWriteErrLocked follows the log's own error state (the cron
// calls it): an error the log reports that no write has seen yet (an
// everysec fsync in the background) puts the server in the MISCONF state,
// as Redis's aof_bio_fsync_status does; and the state is cleared once the
// log has caught up again (the log retries failed writes and fsyncs in
// the background) or the log is switched off. Caller holds s.mu.
func (s *Server) refreshWriteErrLocked() {
	if s.persist.log == nil && s.persist.writeErr != nil {
		// The log was switched off (CONFIG SET appendonly no): as in
		// Redis, its errors no longer refuse writes.
		s.persist.writeErr = nil
		s.persist.writeFailed.Store(false)
	}
	if s.persist.aof == nil {
		return
	}
	st := s.persist.aof.Stats()
	logErr := st.LastWriteErr
	if logErr == nil {
		logErr = st.LastFsyncErr
	}
	switch {
	case s.persist.writeErr == nil && logErr != nil:
		s.persist.writeErr = logErr
		s.persist.writeFailed.Store(true)
		s.log.Error("append-only log write failed", "err", logErr)
	case s.persist.writeErr != nil && logErr == nil && st.WrittenSeq == st.LastSeq:
		s.persist.writeErr = nil
		s.persist.writeFailed.Store(false)
		s.log.Info("append-only log writes recovered")
	}
}
