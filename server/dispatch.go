package server

import (
	"encoding/binary"
	"time"

	"github.com/aikv/aikv/datastructs/dict"
	"github.com/aikv/aikv/server/acl"

	"github.com/aikv/aikv/server/command"
)

// execBatch runs one pipelined batch of requests for c under the server
// lock, appending every reply to c.w.
//
// Ordering contract (to be extended by the AOF): for each command the
// handler runs and mutates the keyspace, then its reply is appended to the
// connection's buffer. Replies are written to the socket only after the
// lock is released, once per batch. A future log writer will assign the
// batch's effects a sequence number under the lock and, for
// appendfsync always, the connection will wait for that sequence to be
// synced before flushing, so no reply is ever seen before its write is
// durable by the configured policy.
//
// CLIENT PAUSE: a command that the pause holds back waits here, with the
// lock released and the batch's earlier replies sent (waitPauseLocked).
//
// Once the pending replies pass batchReplyBytes, execBatch stops and
// returns the requests it has not run: the caller sends what is pending
// and calls it again with the rest. So a pipeline of large replies never
// piles up more than about one reply beyond that in memory, and a client
// that does not read is throttled by its socket (and closed by the output
// limits) after one part, not after a whole batch was built. It returns
// nil when the batch is done, stopped (kill, pause, close) or parked.
func (s *Server) execBatch(c *conn, batch [][][]byte) (rest [][][]byte) {
	ok := s.lockOrBusy(c, batch)
	defer s.leaveScriptBatch(c)
	if !ok {
		return nil
	}
	defer s.unlockBatch(c)
	s.beginBatchWakesLocked()
	s.registerLocked(c)
	now := time.Now()
	c.client.LastActive = now
	c.client.QueryBufLen = c.rd.Buffered()
	// One clock read serves the whole batch: the keyspace's time (expiry,
	// LRU) and the start of the first command's timing; each command's
	// end is the next one's start.
	c.cmdStart = nanotime()
	s.ks.FreezeClockAt(now.UnixMilli())
	defer s.ks.ThawClock()
	c.takeOutboxLocked()
	defer s.endBatch(c)
	if len(batch) > 1 {
		s.prefetchKeys(c, batch)
	}
	for i, args := range batch {
		if c.client.Kill {
			return
		}
		if s.pause.mode != command.PauseOff {
			if c.onLoop() && s.mustWaitLocked(c, args) {
				// The loop cannot wait: the connection's own goroutine
				// runs the rest (from this command on) after hand-off.
				return batch[i:]
			}
			if !s.waitPauseLocked(c, args) {
				return
			}
		}
		s.call(c, args)
		if s.overHardLimit(c) {
			return
		}
		if c.client.Block != nil {
			s.park(c, args, batch[i+1:])
			return
		}
		if len(s.blocking.ready) > 0 {
			s.serveReady()
		}
		if c.client.CloseAfterReply {
			return nil
		}
		if len(c.w.B) >= batchReplyBytes && i+1 < len(batch) && c.sync == nil {
			return batch[i+1:]
		}
	}
	return nil
}

// prefetchKeys has the keyspace read the table slots of the first key of
// each of the batch's first dict.PrefetchWindow commands, in the selected
// database, before any of them runs (see datastructs.DB.Prefetch). A
// pipeline of commands on random keys spends much of its time waiting for
// those cache misses one by one. It is only a hint: nothing changes, and a
// SELECT in the batch just makes later reads useless.
func (s *Server) prefetchKeys(c *conn, batch [][][]byte) {
	var keys [dict.PrefetchWindow][]byte
	n := 0
	for _, args := range batch[:min(len(batch), len(keys))] {
		if k := s.firstKey(c, args); k != nil {
			keys[n] = k
			n++
		}
	}
	if n > 1 {
		s.prefetchSink += s.ks.DB(c.client.DB).Prefetch(keys[:n])
	}
}

// firstKey returns the first key argument of the request args by the
// command table (nil for an unknown command or one without keys).
func (s *Server) firstKey(c *conn, args [][]byte) []byte {
	spec := c.lookup(s.table, args[0])
	if spec == nil || spec.FirstKey <= 0 || spec.FirstKey >= len(args) {
		return nil
	}
	return args[spec.FirstKey]
}

// batchReplyBytes is how many bytes of replies a batch builds before they
// are sent and the rest of the batch runs under a new lock acquisition.
const batchReplyBytes = 256 << 10

// endBatch logs the batch's effects as one record and makes every reply
// that depends on it wait for it. Caller holds s.mu.
func (s *Server) endBatch(c *conn) {
	s.broadcastInvalidationsLocked()
	if s.persist.log == nil {
		s.servedInBatch = s.servedInBatch[:0]
		return
	}
	if seq := s.commitEffects(); seq != 0 {
		c.waitSeq, c.waitLog = seq, s.persist.log
		for _, w := range s.servedInBatch {
			w.waitSeq, w.waitLog = seq, s.persist.log
		}
	}
	s.servedInBatch = s.servedInBatch[:0]
}

// call dispatches one command. Caller holds s.mu.
func (s *Server) call(c *conn, args [][]byte) {
	mark := len(c.w.B)
	errs := c.w.Errors
	c.execErrs = 0
	spec := c.lookup(s.table, args[0])
	run := s.dispatch(c, spec, args)
	if c.w.Errors-c.execErrs != errs {
		s.stats.countError(c.w.LastError)
	}
	// CLIENT REPLY OFF|SKIP: drop what this command wrote. The CLIENT
	// REPLY command itself sets the mode after replying, so its own +OK
	// for ON goes out and OFF/SKIP are silent, as in Redis.
	switch c.client.ReplyMode {
	case command.ReplyOff:
		c.w.B = c.w.B[:mark]
	case command.ReplySkip:
		if run == nil || run.Name != "client|reply" {
			c.w.B = c.w.B[:mark]
			c.client.ReplyMode = command.ReplyOn
		}
	}
}

// dispatch checks and runs one command and returns the spec that ran (nil
// when it was rejected before running). In MULTI it queues the command
// instead of running it (see multi.go).
func (s *Server) dispatch(c *conn, spec *command.Spec, args [][]byte) *command.Spec {
	if spec == nil {
		s.stats.unknownCommands++
		s.reject(c, nil, command.UnknownCommand(args))
		return nil
	}
	c.client.LastCmd = spec.Name
	if !spec.CheckArity(len(args)) {
		spec.Stats.RejectedCalls++
		s.reject(c, spec, command.ArgCountError(spec.Name))
		return nil
	}
	run, ok := spec, true
	if len(spec.Subcommands) != 0 {
		run, ok = s.table.Resolve(spec, args)
	}
	if !ok {
		spec.Stats.RejectedCalls++
		s.reject(c, spec, command.UnknownSubcommand(spec.Name, args[1]))
		return nil
	}
	if run != spec {
		c.client.LastCmd = run.Name
		if !run.CheckArity(len(args)) {
			run.Stats.RejectedCalls++
			s.reject(c, run, command.ArgCountError(run.Name))
			return nil
		}
	}
	if !c.client.Authed && !run.Flags.Has(command.NoAuth) && s.authRequired(&c.client) {
		run.Stats.RejectedCalls++
		s.reject(c, run, command.ErrNoAuth)
		return nil
	}
	if c.client.InMulti && run.Flags.Has(command.NoMulti) {
		run.Stats.RejectedCalls++
		s.reject(c, run, command.ErrNotInMulti)
		return nil
	}
	if u := c.client.User; u != nil && !u.Unrestricted {
		if res, idx := s.aclCheckLocked(u, run, args); res != acl.OK {
			run.Stats.RejectedCalls++
			context := "toplevel"
			if c.client.InMulti {
				context = "multi"
			}
			s.aclLogLocked(&c.client, res, context, run, args, idx, "")
			s.reject(c, run, noPermError(res, run.Name))
			return nil
		}
	}
	if c.client.PubSub && c.client.Proto == 2 && !allowedWhileSubscribed(run) {
		run.Stats.RejectedCalls++
		// Through reject: a refused EXEC replies EXECABORT, as Redis's
		// rejectCommandFormat does.
		s.reject(c, run, "ERR Can't execute '"+run.Name+"': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context")
		return nil
	}
	if s.ks.Loading && !run.Flags.Has(command.Loading) {
		run.Stats.RejectedCalls++
		s.reject(c, run, command.ErrLoading)
		return nil
	}
	if c.client.Monitor && run.Flags&(command.Write|command.ReadOnly|command.MayReplicate) != 0 {
		// A monitor is a replica in Redis's eyes.
		run.Stats.RejectedCalls++
		s.reject(c, run, "ERR Replica can't interact with the keyspace")
		return nil
	}
	// rejectOOM's own first test, inline: without maxmemory nothing is
	// refused.
	if s.cfg.MaxMemory == 0 {
		s.oomAtStart = false
	} else if s.rejectOOM(run) {
		run.Stats.RejectedCalls++
		s.reject(c, run, command.ErrOOM)
		return nil
	}
	if s.tracking.clients > 0 {
		// Where Redis's processCommand does it: after the OOM check,
		// before queuing in MULTI or running.
		s.trackingLimitLocked(c)
	}
	// PING too, as in Redis (so a health check notices the disk error).
	if !s.mayMisconf() {
		// The common case, checked inline: no save or log error to report.
	} else if msg := s.misconf(); msg != "" && (run.Flags.Has(command.Write) || s.execWrites(c, run) || run.Name == "ping") {
		run.Stats.RejectedCalls++
		s.reject(c, run, msg)
		return nil
	}
	if c.client.InMulti && queuedInMulti(run) {
		s.queueLocked(c, run, args)
		c.w.SimpleString("QUEUED")
		return run
	}
	ctx := &c.ctx
	ctx.Args = args
	ctx.Spec = run
	db := c.client.DB
	ctx.DB = s.ks.DB(db)
	ctx.Effects.Custom = false
	ctx.Effects.Logging = s.logging()
	ctx.Effects.List = ctx.Effects.List[:0]
	dirty := s.ks.Dirty
	errsBefore := c.w.Errors
	start := c.cmdStart
	prev := s.current
	s.current = c
	s.beforeHandlerLocked(run)
	run.Handler(ctx)
	if s.tracking.flushing || c.client.Tracking.On {
		s.afterHandlerLocked(&c.client, run, args, c.w.Errors != errsBefore)
	}
	if len(s.tracking.pendingSelf) > 0 {
		s.trackingPendingLocked(c)
	}
	s.current = prev
	end := nanotime()
	dur := time.Duration(end - start)
	c.cmdStart = end
	if c.client.Block == nil && s.persist.log != nil { // collectEffects' first test
		s.collectEffects(ctx, run, args, db, dirty)
	}
	run.Stats.Calls++
	run.Stats.Usec += dur.Microseconds()
	if c.w.Errors-c.execErrs != errsBefore {
		run.Stats.FailedCalls++
	}
	s.stats.commands++
	if th := s.cfg.SlowlogLogSlowerThan; th >= 0 && dur.Microseconds() >= th && !run.Flags.Has(command.SkipSlowlog) {
		s.slowlog.maybeAdd(th, s.cfg.SlowlogMaxLen, c, args, dur)
	}
	if s.latencyThreshold > 0 && dur.Milliseconds() >= s.latencyThreshold {
		s.recordLatencyLocked(run, time.Now().Add(-dur), dur)
	}
	if len(s.monitors) > 0 {
		if !c.client.Monitor {
			delete(s.monitors, c.client.ID) // RESET ended MONITOR
		}
		if run.Flags&(command.SkipMonitor|command.Admin) == 0 {
			s.feedMonitorsLocked(c, args)
		}
	}
	return run
}

// mayMisconf reports whether misconf could return an error: a background
// save has failed or the log could not be written. It is misconf's
// first test, cheap enough to inline on every command. Caller holds s.mu.
func (s *Server) mayMisconf() bool {
	return s.save.lastBGStatus != nil || s.persist.writeErr != nil
}

// execWrites reports whether run is an EXEC whose queue holds a write:
// such an EXEC counts as a write (MISCONF, CLIENT PAUSE WRITE), as in
// Redis. Caller holds s.mu.
func (s *Server) execWrites(c *conn, run *command.Spec) bool {
	return c.client.InMulti && run.Name == "exec" && c.tx.flags&command.Write != 0
}

// specCacheEntry is one name of conn.specCache: key packs the first 8
// bytes of the name as sent, n is its length (the full name is kept in
// name only when it is longer than 8 bytes).
type specCacheEntry struct {
	key  uint64
	n    int
	name []byte
	spec *command.Spec
}

// nameKey packs the first 8 bytes of name (zero-padded) into an integer:
// with the length it identifies a name of up to 8 bytes.
func nameKey(name []byte) uint64 {
	if len(name) >= 8 {
		return binary.LittleEndian.Uint64(name)
	}
	var k uint64
	for i := len(name) - 1; i >= 0; i-- {
		k = k<<8 | uint64(name[i])
	}
	return k
}

// lookup resolves a command name through a small per-connection cache of
// the last few names: pipelines repeat a handful of commands, and
// comparing one integer (names of up to 8 bytes) is cheaper than
// lower-casing and hashing the name.
func (c *conn) lookup(t *command.Table, name []byte) *command.Spec {
	k := nameKey(name)
	for i := range c.specCache {
		e := &c.specCache[i]
		if e.key == k && e.n == len(name) && e.spec != nil && (len(name) <= 8 || string(name) == string(e.name)) {
			return e.spec
		}
	}
	spec := t.Lookup(name)
	if spec != nil && len(name) <= 32 {
		e := &c.specCache[c.specNext%len(c.specCache)]
		c.specNext++
		e.key, e.n, e.spec = k, len(name), spec
		e.name = e.name[:0]
		if len(name) > 8 {
			e.name = append(e.name, name...)
		}
	}
	return spec
}
