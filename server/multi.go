package server

import (
	"github.com/aikv/aikv/server/command"
)

// Transactions (MULTI/EXEC/DISCARD/WATCH/UNWATCH), Redis 7.0 semantics.
//
// MULTI sets Client.InMulti. While it is set, dispatch checks each
// command as if it were to run (unknown command, arity, NOAUTH, no_multi,
// LOADING, MISCONF...) and, instead of running it, queues a copy of its
// arguments on the connection and replies +QUEUED. EXEC, DISCARD, MULTI,
// WATCH, QUIT and RESET run at once. A command refused while queuing
// marks the transaction aborted (Redis's CLIENT_DIRTY_EXEC): EXEC then
// replies EXECABORT. The state lives on the conn, so it spans pipelined
// batches.
//
// WATCH registers (db, key) -> watchers in s.watchers. The keyspace
// reports every change through KeyModified (writes, deletes, lazy and
// active expiry, FLUSHDB/FLUSHALL, SWAPDB, RENAME, MOVE, COPY): each
// watcher's connection is marked dirty (CLIENT_DIRTY_CAS) and, being
// dirty, stops watching. EXEC of a dirty transaction replies a null array.
// A watched key that expires without being reclaimed is caught at EXEC
// time (Redis's isWatchedKeyExpired); a key that was already expired but
// not reclaimed when WATCH ran counts as absent, so its reclamation is not
// a change.
//
// EXEC runs the queue through Server.Call, so blocking commands act as
// their non-blocking forms and the effects of all the queued commands are
// the EXEC's effects: they go to the log in the batch's one record, and
// no other client runs in between (the server lock is held throughout).
// Clients blocked on keys the transaction pushes to are served after the
// EXEC, like after any top-level command.

// txState is a connection's transaction state, guarded by Server.mu.
type txState struct {
	// queue holds copies of the queued commands' arguments (the request
	// buffers are reused); the copies are never reused, so the effects
	// of EXEC may reference them until the batch's record is encoded.
	queue [][][]byte
	// flags is the union of the queued commands' flags (CLIENT PAUSE
	// WRITE holds back an EXEC that would write).
	flags command.Flags
	// aborted: a command was refused while queuing (EXECABORT).
	aborted bool
	// dirty: a watched key changed (EXEC replies a null array).
	dirty bool
	// watched are the keys this connection watches.
	watched []*watchedKey
}

// watchedKey is one (connection, db, key) watch, listed both on the
// connection and under the key in Server.watchers.
type watchedKey struct {
	c   *conn
	db  int
	key string
	// expired is set when the key was stored but already expired when
	// watched (Redis's watchedKey.expired): it is logically absent, so
	// its reclamation is no change.
	expired bool
}

// queueLocked queues args for c's transaction. Like Redis it keeps
// nothing once the transaction is bound to fail.
func (s *Server) queueLocked(c *conn, run *command.Spec, args [][]byte) {
	if c.tx.aborted || c.tx.dirty {
		return
	}
	c.tx.queue = append(c.tx.queue, copyArgs(args))
	c.tx.flags |= run.Flags
}

// queuedInMulti reports whether run is queued (rather than run) while a
// client is in MULTI.
func queuedInMulti(run *command.Spec) bool {
	switch run.Name {
	case "exec", "discard", "multi", "watch", "quit", "reset":
		return false
	}
	return true
}

// reject replies msg to a command refused before it ran. In MULTI that
// aborts the transaction; a refused EXEC discards it with EXECABORT, as
// Redis's rejectCommand does.
func (s *Server) reject(c *conn, spec *command.Spec, msg string) {
	if spec != nil && spec.Name == "exec" {
		s.discardLocked(c)
		c.w.Error(command.ExecAbort(msg))
		return
	}
	if c.client.InMulti {
		c.tx.aborted = true
	}
	c.w.Error(msg)
}

// Exec implements command.Server. Caller holds s.mu.
func (s *Server) Exec(ctx *command.Context) {
	c, ok := s.clients[ctx.Client.ID]
	if !ok {
		ctx.W.Error(command.ErrExecWithoutMulti)
		return
	}
	if !c.tx.dirty && s.watchedKeyExpiredLocked(c) {
		c.tx.dirty = true
	}
	switch {
	case c.tx.aborted:
		s.discardLocked(c)
		ctx.W.Error(command.ErrExecAbort)
		return
	case c.tx.dirty:
		s.discardLocked(c)
		ctx.W.NullArray()
		return
	}
	s.unwatchAllLocked(c)
	queue := c.tx.queue
	ctx.W.Array(len(queue))
	for _, args := range queue {
		errs := c.w.Errors
		run := s.Call(ctx, args, ctx.W, s.execACLCheck(c, args))
		if c.w.Errors != errs {
			// Each failed command counts in errorstats and its own
			// commandstats, not EXEC's (as in Redis).
			s.stats.countError(c.w.LastError)
			if run != nil {
				run.Stats.FailedCalls++
			}
			c.execErrs += c.w.Errors - errs
		}
		if len(s.monitors) > 0 && run != nil && run.Flags&(command.SkipMonitor|command.Admin) == 0 {
			// Redis feeds each executed command, then EXEC itself.
			s.feedMonitorsLocked(c, args)
		}
	}
	s.discardLocked(c)
}

// watchedKeyExpiredLocked reports whether a key c watches has expired
// since WATCH without being reclaimed yet (Redis's isWatchedKeyExpired).
func (s *Server) watchedKeyExpiredLocked(c *conn) bool {
	for _, wk := range c.tx.watched {
		if wk.expired {
			continue // already dead when watched
		}
		if _, expired := s.ks.DB(wk.db).Stored(wk.key); expired {
			return true
		}
	}
	return false
}

// Watch implements command.Server. Caller holds s.mu.
func (s *Server) Watch(ctx *command.Context, keys [][]byte) {
	c, ok := s.clients[ctx.Client.ID]
	if !ok || c.tx.dirty {
		return // no point in watching: EXEC will fail anyway
	}
	db := ctx.Client.DB
	for _, k := range keys {
		s.watchLocked(c, db, k)
	}
}

func (s *Server) watchLocked(c *conn, db int, key []byte) {
	for _, wk := range c.tx.watched {
		if wk.db == db && wk.key == string(key) {
			return
		}
	}
	wk := &watchedKey{c: c, db: db, key: string(key)}
	_, wk.expired = s.ks.DB(db).Stored(wk.key)
	c.tx.watched = append(c.tx.watched, wk)
	if s.watchers == nil {
		s.watchers = make(map[blockKey][]*watchedKey)
	}
	bk := blockKey{db, wk.key}
	s.watchers[bk] = append(s.watchers[bk], wk)
}

// Unwatch implements command.Server. Caller holds s.mu.
func (s *Server) Unwatch(cl *command.Client) {
	if c, ok := s.clients[cl.ID]; ok {
		s.unwatchAllLocked(c)
		c.tx.dirty = false
	}
}

// DiscardTransaction implements command.Server. Caller holds s.mu.
func (s *Server) DiscardTransaction(cl *command.Client) {
	if c, ok := s.clients[cl.ID]; ok {
		s.discardLocked(c)
	}
	cl.InMulti = false
}

// discardLocked ends c's transaction: MULTI, queue, marks and watches.
func (s *Server) discardLocked(c *conn) {
	c.tx.queue = nil
	c.tx.flags = 0
	c.tx.aborted = false
	c.tx.dirty = false
	c.client.InMulti = false
	s.unwatchAllLocked(c)
}

// unwatchAllLocked removes every watch of c.
func (s *Server) unwatchAllLocked(c *conn) {
	for _, wk := range c.tx.watched {
		bk := blockKey{wk.db, wk.key}
		list := s.watchers[bk]
		for i, w := range list {
			if w == wk {
				list = append(list[:i:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(s.watchers, bk)
		} else {
			s.watchers[bk] = list
		}
	}
	c.tx.watched = nil
}

// touchWatchedLocked marks the connections watching (db, key) dirty; it
// runs for every change the keyspace reports while someone watches.
func (s *Server) touchWatchedLocked(db int, key string) {
	list, ok := s.watchers[blockKey{db, key}]
	if !ok {
		return
	}
	var touched []*conn
	for _, wk := range list {
		if wk.expired {
			// The key was already dead when watched: its reclamation is
			// no change, nor is it still being dead (a FLUSHDB or
			// SWAPDB that leaves it absent or expired).
			present, expired := s.ks.DB(db).Stored(key)
			if !present {
				wk.expired = false
				continue
			}
			if expired {
				continue
			}
		}
		touched = append(touched, wk.c)
	}
	for _, c := range touched {
		c.tx.dirty = true
		// Dirty for good: no need to watch anything any more.
		s.unwatchAllLocked(c)
	}
}

// multiCount is CLIENT LIST's multi= field: the queued commands, or -1
// outside MULTI.
func (c *conn) multiCount() int {
	if !c.client.InMulti {
		return -1
	}
	return len(c.tx.queue)
}
