package server

import (
	"strconv"
	"strings"

	"github.com/aikv/aikv/server/command"
)

// Client-side caching (CLIENT TRACKING), after Redis's tracking.c.
//
// Default mode: the keys a tracking client reads with a readonly command
// are remembered in keys (key name -> client IDs; like Redis the table
// ignores the database). The first modification of such a key sends each
// remembered client one invalidation and forgets the key. BCAST mode:
// clients register prefixes; modified keys matching a prefix are
// collected and sent once per batch (Redis sends them before sleeping).
// Invalidations go to the client itself as a RESP3 push
// (>2 invalidate [keys]) or to its REDIRECT client: a RESP3 push, or for
// a RESP2 client in Pub/Sub mode a message on __redis__:invalidate. A
// RESP2 client without redirection gets nothing, as in Redis. Flushes
// send a null key list to every tracking client.

// tracking is the server's tracking state, guarded by Server.mu.
type tracking struct {
	keys     map[string]map[int64]struct{}
	prefixes map[string]*bcastPrefix
	clients  int // clients with tracking on (INFO tracking_clients)
	// flushing suppresses per-key invalidations while FLUSHDB/FLUSHALL
	// run: Redis sends one null invalidation instead.
	flushing bool
	// pendingSelf holds invalidations for the client running the current
	// command, sent after its reply (Redis's tracking_pending_keys); a
	// nil entry is a flush.
	pendingSelf []*string
	bcastDirty  bool
	// limitRuns counts consecutive limit checks that ended still over
	// tracking-table-max-keys (Redis's timeout_counter): each one makes
	// the next try harder.
	limitRuns int
}

// bcastPrefix is one BCAST prefix: its clients and the keys modified
// since the last broadcast, with the client that modified each (for
// NOLOOP; 0 when it was not a client).
type bcastPrefix struct {
	clients map[int64]struct{}
	keys    []string
	by      map[string]int64
}

func (t *tracking) init() {
	t.keys = make(map[string]map[int64]struct{})
	t.prefixes = make(map[string]*bcastPrefix)
}

// SetTracking implements command.Server (Redis's enableTracking and
// disableTracking); the handler has checked the options.
func (s *Server) SetTracking(cl *command.Client, t command.Tracking) error {
	if !t.On {
		s.disableTrackingLocked(cl)
		return nil
	}
	old := &cl.Tracking
	if !old.On {
		s.tracking.clients++
	}
	prefixes := old.Prefixes
	*old = command.Tracking{On: true, BCast: t.BCast, OptIn: t.OptIn, OptOut: t.OptOut, NoLoop: t.NoLoop,
		Redirect: t.Redirect, Prefixes: prefixes}
	if t.BCast {
		add := t.Prefixes
		if len(add) == 0 {
			add = []string{""}
		}
		for _, p := range add {
			bp := s.tracking.prefixes[p]
			if bp == nil {
				bp = &bcastPrefix{clients: make(map[int64]struct{}), by: make(map[string]int64)}
				s.tracking.prefixes[p] = bp
			}
			if _, ok := bp.clients[cl.ID]; !ok {
				bp.clients[cl.ID] = struct{}{}
				old.Prefixes = append(old.Prefixes, p)
			}
		}
	}
	return nil
}

func (s *Server) disableTrackingLocked(cl *command.Client) {
	t := &cl.Tracking
	if !t.On {
		return
	}
	for _, p := range t.Prefixes {
		if bp := s.tracking.prefixes[p]; bp != nil {
			delete(bp.clients, cl.ID)
			if len(bp.clients) == 0 {
				delete(s.tracking.prefixes, p)
			}
		}
	}
	*t = command.Tracking{}
	s.tracking.clients--
}

// ClientByID implements command.Server.
func (s *Server) ClientByID(id int64) *command.Client {
	if c, ok := s.clients[id]; ok {
		return &c.client
	}
	return nil
}

// trackingAfterCommandLocked runs after every command c executes (also
// nested ones): it remembers the keys a readonly command read and clears
// CLIENT CACHING's one-command flag. Caller holds s.mu.
func (s *Server) trackingAfterCommandLocked(cl *command.Client, run *command.Spec, args [][]byte) {
	t := &cl.Tracking
	if !t.On {
		return
	}
	if run.Flags.Has(command.ReadOnly) && !t.BCast {
		caching := t.Caching != 0
		if !((t.OptIn && !caching) || (t.OptOut && caching)) {
			for _, i := range run.KeyIndexes(args) {
				k := string(args[i])
				ids := s.tracking.keys[k]
				if ids == nil {
					ids = make(map[int64]struct{})
					s.tracking.keys[k] = ids
				}
				ids[cl.ID] = struct{}{}
			}
		}
	}
	if !cl.InMulti && !strings.HasPrefix(run.Name, "client|") {
		t.Caching = 0
	}
}

// trackingKeyModifiedLocked is Redis's trackingInvalidateKey, called for
// every modified key. Caller holds s.mu.
func (s *Server) trackingKeyModifiedLocked(key string) {
	if s.tracking.flushing {
		return
	}
	if len(s.tracking.prefixes) > 0 {
		var by int64
		if s.current != nil {
			by = s.current.client.ID
		}
		for p, bp := range s.tracking.prefixes {
			if !strings.HasPrefix(key, p) {
				continue
			}
			if _, seen := bp.by[key]; !seen {
				kc := strings.Clone(key)
				bp.keys = append(bp.keys, kc)
				bp.by[kc] = by
			} else {
				bp.by[key] = by
			}
			s.tracking.bcastDirty = true
		}
	}
	s.trackingInvalidateTableKeyLocked(key, nil)
}

// trackingInvalidateTableKeyLocked sends the invalidation of a key in the
// table of remembered keys (default mode) to its clients and forgets it.
// next is the client about to run a command (the limit check before it),
// or nil. Caller holds s.mu.
func (s *Server) trackingInvalidateTableKeyLocked(key string, next *conn) {
	ids, ok := s.tracking.keys[key]
	if !ok {
		return
	}
	delete(s.tracking.keys, key)
	for id := range ids {
		c := s.clients[id]
		if c == nil || !c.client.Tracking.On || c.client.Tracking.BCast {
			continue
		}
		if next != nil && c == next {
			// Redis's NOLOOP test looks at current_client, already set
			// before the command runs: a client's own keys evicted by the
			// limit are not invalidated to it (a wart copied). Otherwise
			// the invalidation goes out at once, ahead of the reply.
			if !c.client.Tracking.NoLoop {
				s.sendInvalidationLocked(c, []string{key}, false)
			}
			continue
		}
		if c == s.current {
			if !c.client.Tracking.NoLoop {
				k := strings.Clone(key)
				s.tracking.pendingSelf = append(s.tracking.pendingSelf, &k)
			}
			continue
		}
		s.sendInvalidationLocked(c, []string{key}, false)
	}
}

// trackingLimitLocked is Redis's trackingLimitUsedSlots: while the table
// of remembered keys holds more than tracking-table-max-keys (0: no
// limit), random keys are invalidated as if modified, so their clients
// drop them. The effort grows with each call that could not get under the
// limit: 100 keys, then 200... It runs before each command (next is the
// client about to run it: its own invalidations go out at once, before the
// reply, as in Redis 7.0) and in the cron (next nil). Caller holds s.mu.
func (s *Server) trackingLimitLocked(next *conn) {
	limit := s.cfg.TrackingTableMaxKeys
	if limit <= 0 || int64(len(s.tracking.keys)) <= limit {
		s.tracking.limitRuns = 0
		return
	}
	if next != nil {
		// Pushes to next then join its reply buffer, in order.
		prev := s.current
		s.current = next
		defer func() { s.current = prev }()
	}
	for effort := 100 * (s.tracking.limitRuns + 1); effort > 0; effort-- {
		var victim string
		for k := range s.tracking.keys { // map order is random
			victim = k
			break
		}
		s.trackingInvalidateTableKeyLocked(victim, next)
		if int64(len(s.tracking.keys)) <= limit {
			s.tracking.limitRuns = 0
			return
		}
	}
	s.tracking.limitRuns++
}

// trackingFlushedLocked sends the null invalidation of FLUSHDB/FLUSHALL
// and forgets every remembered key. Caller holds s.mu.
func (s *Server) trackingFlushedLocked() {
	if s.tracking.clients > 0 {
		for _, c := range s.clients {
			if !c.client.Tracking.On {
				continue
			}
			if c == s.current {
				s.tracking.pendingSelf = append(s.tracking.pendingSelf, nil)
				continue
			}
			s.sendInvalidationLocked(c, nil, true)
		}
	}
	clear(s.tracking.keys)
}

// trackingPendingLocked sends the current client's own invalidations
// after its reply. Caller holds s.mu.
func (s *Server) trackingPendingLocked(c *conn) {
	pending := s.tracking.pendingSelf
	s.tracking.pendingSelf = pending[:0]
	for _, k := range pending {
		if k == nil {
			s.sendInvalidationLocked(c, nil, true)
		} else {
			s.sendInvalidationLocked(c, []string{*k}, false)
		}
	}
}

// broadcastInvalidationsLocked sends the BCAST invalidations collected
// since the last call (Redis's trackingBroadcastInvalidationMessages).
// Caller holds s.mu.
func (s *Server) broadcastInvalidationsLocked() {
	if !s.tracking.bcastDirty {
		return
	}
	s.tracking.bcastDirty = false
	for _, bp := range s.tracking.prefixes {
		if len(bp.keys) == 0 {
			continue
		}
		for id := range bp.clients {
			c := s.clients[id]
			if c == nil {
				continue
			}
			keys := bp.keys
			if c.client.Tracking.NoLoop {
				keys = nil
				for _, k := range bp.keys {
					if bp.by[k] != id {
						keys = append(keys, k)
					}
				}
				if len(keys) == 0 {
					continue
				}
			}
			s.sendInvalidationLocked(c, keys, false)
		}
		bp.keys = bp.keys[:0]
		clear(bp.by)
	}
}

// sendInvalidationLocked is Redis's sendTrackingMessage: keys, or the
// null list when null is set, go to c or its redirect target.
func (s *Server) sendInvalidationLocked(c *conn, keys []string, null bool) {
	target := c
	redirected := false
	nullProto := c.client.Proto
	if r := c.client.Tracking.Redirect; r != 0 {
		rc := s.clients[r]
		if rc == nil {
			c.client.Tracking.BrokenRedirect = true
			if c.client.Proto == 3 {
				b := appendAggregate(nil, true, 2)
				b = appendBulk(b, []byte("tracking-redir-broken"))
				b = append(b, ':')
				b = appendInt(b, r)
				s.pushLocked(c, b)
			}
			return
		}
		target, redirected = rc, true
	}
	var b []byte
	switch {
	case target.client.Proto == 3:
		b = appendAggregate(b, true, 2)
		b = appendBulk(b, []byte("invalidate"))
	case redirected && target.client.PubSub:
		b = appendAggregate(b, false, 3)
		b = appendBulk(b, []byte("message"))
		b = appendBulk(b, []byte("__redis__:invalidate"))
	default:
		return // RESP2 without redirection: nowhere to send it
	}
	if null {
		if nullProto == 3 {
			b = append(b, "_\r\n"...)
		} else {
			b = append(b, "$-1\r\n"...) // Redis's shared.null[2]
		}
	} else {
		b = appendAggregate(b, false, len(keys))
		for _, k := range keys {
			b = appendBulk(b, []byte(k))
		}
	}
	s.pushLocked(target, b)
}

func appendInt(b []byte, n int64) []byte {
	b = strconv.AppendInt(b, n, 10)
	return append(b, '\r', '\n')
}

// trackingDisconnectLocked forgets a client leaving. Caller holds s.mu.
func (s *Server) trackingDisconnectLocked(c *conn) {
	s.disableTrackingLocked(&c.client)
}

// trackingFlags renders CLIENT LIST's tracking flag letters.
func trackingFlags(t *command.Tracking) string {
	if !t.On {
		return ""
	}
	f := "t"
	if t.BrokenRedirect {
		f += "R"
	}
	if t.BCast {
		f += "B"
	}
	return f
}
