package commands

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/datastructs/glob"
	"github.com/aikv/aikv/server/command"
)

// Generic key commands (group "generic") and the database commands
// DBSIZE, FLUSHDB, FLUSHALL and SWAPDB (group "server").

func registerKeys(t *command.Table) {
	var (
		wSlow = []string{"keyspace", "write", "slow"}
		wFast = []string{"keyspace", "write", "fast"}
		rSlow = []string{"keyspace", "read", "slow"}
		rFast = []string{"keyspace", "read", "fast"}
	)
	const (
		rf = command.ReadOnly | command.Fast
		wf = command.Write | command.Fast
	)
	expireSpec := func(name, summary, since string, h command.Handler) *command.Spec {
		return &command.Spec{Name: name, Arity: -3, Flags: wf, FirstKey: 1, LastKey: 1, Step: 1,
			ACL: wFast, Group: "generic", Summary: summary, Since: since, Complexity: "O(1)", Handler: h}
	}
	ttlSpec := func(name, summary, since string, h command.Handler) *command.Spec {
		return &command.Spec{Name: name, Arity: 2, Flags: rf, FirstKey: 1, LastKey: 1, Step: 1,
			ACL: rFast, Group: "generic", Summary: summary, Since: since, Complexity: "O(1)", Handler: h}
	}
	objectSub := func(summary, since string, h command.Handler) *command.Spec {
		return &command.Spec{Arity: 3, Flags: command.ReadOnly, FirstKey: 2, LastKey: 2, Step: 1,
			ACL: rSlow, Summary: summary, Since: since, Complexity: "O(1)", Handler: h}
	}
	t.Add(
		&command.Spec{Name: "del", Arity: -2, Flags: command.Write, FirstKey: 1, LastKey: -1, Step: 1,
			ACL: wSlow, Group: "generic", Summary: "Delete a key", Since: "1.0.0",
			Complexity: "O(N) where N is the number of keys that will be removed.", Handler: delCmd},
		&command.Spec{Name: "unlink", Arity: -2, Flags: wf, FirstKey: 1, LastKey: -1, Step: 1,
			ACL: wFast, Group: "generic", Summary: "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.",
			Since: "4.0.0", Complexity: "O(1) for each key removed regardless of its size.", Handler: delCmd},
		&command.Spec{Name: "exists", Arity: -2, Flags: rf, FirstKey: 1, LastKey: -1, Step: 1,
			ACL: rFast, Group: "generic", Summary: "Determine if a key exists", Since: "1.0.0",
			Complexity: "O(N) where N is the number of keys to check.", Handler: existsCmd},
		&command.Spec{Name: "type", Arity: 2, Flags: rf, FirstKey: 1, LastKey: 1, Step: 1,
			ACL: rFast, Group: "generic", Summary: "Determine the type stored at key", Since: "1.0.0",
			Complexity: "O(1)", Handler: typeCmd},
		&command.Spec{Name: "keys", Arity: 2, Flags: command.ReadOnly,
			ACL: []string{"keyspace", "read", "slow", "dangerous"}, Group: "generic",
			Summary: "Find all keys matching the given pattern", Since: "1.0.0",
			Complexity: "O(N) with N being the number of keys in the database", Handler: keysCmd},
		&command.Spec{Name: "scan", Arity: -2, Flags: command.ReadOnly,
			ACL: rSlow, Group: "generic", Summary: "Incrementally iterate the keys space", Since: "2.8.0",
			Complexity: "O(1) for every call. O(N) for a complete iteration.", Handler: scanCmd},
		&command.Spec{Name: "randomkey", Arity: 1, Flags: command.ReadOnly,
			ACL: rSlow, Group: "generic", Summary: "Return a random key from the keyspace", Since: "1.0.0",
			Complexity: "O(1)", Handler: randomKey},
		&command.Spec{Name: "rename", Arity: 3, Flags: command.Write, FirstKey: 1, LastKey: 2, Step: 1,
			ACL: wSlow, Group: "generic", Summary: "Rename a key", Since: "1.0.0", Complexity: "O(1)",
			Handler: func(c *command.Context) { renameCmd(c, false) }},
		&command.Spec{Name: "renamenx", Arity: 3, Flags: wf, FirstKey: 1, LastKey: 2, Step: 1,
			ACL: wFast, Group: "generic", Summary: "Rename a key, only if the new key does not exist",
			Since: "1.0.0", Complexity: "O(1)", Handler: func(c *command.Context) { renameCmd(c, true) }},
		&command.Spec{Name: "copy", Arity: -3, Flags: command.Write | command.DenyOOM, FirstKey: 1, LastKey: 2, Step: 1,
			ACL: wSlow, Group: "generic", Summary: "Copy a key", Since: "6.2.0",
			Complexity: "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.",
			Handler:    copyCmd},
		&command.Spec{Name: "move", Arity: 3, Flags: wf, FirstKey: 1, LastKey: 1, Step: 1,
			ACL: wFast, Group: "generic", Summary: "Move a key to another database", Since: "1.0.0",
			Complexity: "O(1)", Handler: moveCmd},
		&command.Spec{Name: "touch", Arity: -2, Flags: rf, FirstKey: 1, LastKey: -1, Step: 1,
			ACL: rFast, Group: "generic", Summary: "Alters the last access time of a key(s). Returns the number of existing keys specified.",
			Since: "3.2.1", Complexity: "O(N) where N is the number of keys that will be touched.", Handler: touchCmd},
		expireSpec("expire", "Set a key's time to live in seconds", "1.0.0",
			func(c *command.Context) { expireCmd(c, c.KS.Now(), true) }),
		expireSpec("pexpire", "Set a key's time to live in milliseconds", "2.6.0",
			func(c *command.Context) { expireCmd(c, c.KS.Now(), false) }),
		expireSpec("expireat", "Set the expiration for a key as a UNIX timestamp", "1.2.0",
			func(c *command.Context) { expireCmd(c, 0, true) }),
		expireSpec("pexpireat", "Set the expiration for a key as a UNIX timestamp specified in milliseconds", "2.6.0",
			func(c *command.Context) { expireCmd(c, 0, false) }),
		ttlSpec("ttl", "Get the time to live for a key in seconds", "1.0.0",
			func(c *command.Context) { ttlCmd(c, false, false) }),
		ttlSpec("pttl", "Get the time to live for a key in milliseconds", "2.6.0",
			func(c *command.Context) { ttlCmd(c, true, false) }),
		ttlSpec("expiretime", "Get the expiration Unix timestamp for a key", "7.0.0",
			func(c *command.Context) { ttlCmd(c, false, true) }),
		ttlSpec("pexpiretime", "Get the expiration Unix timestamp for a key in milliseconds", "7.0.0",
			func(c *command.Context) { ttlCmd(c, true, true) }),
		&command.Spec{Name: "persist", Arity: 2, Flags: wf, FirstKey: 1, LastKey: 1, Step: 1,
			ACL: wFast, Group: "generic", Summary: "Remove the expiration from a key", Since: "2.2.0",
			Complexity: "O(1)", Handler: persistCmd},
		&command.Spec{Name: "object", Arity: -2, ACL: []string{"slow"}, Group: "generic",
			Summary: "A container for object introspection commands", Since: "2.2.3",
			Complexity: "Depends on subcommand.",
			Subcommands: map[string]*command.Spec{
				"encoding": objectSub("Inspect the internal encoding of a Redis object", "2.2.3", objectEncoding),
				"freq":     objectSub("Get the logarithmic access frequency counter of a Redis object", "4.0.0", objectFreq),
				"idletime": objectSub("Get the time since a Redis object was last accessed", "2.2.3", objectIdletime),
				"refcount": objectSub("Get the number of references to the value of the key", "2.2.3", objectRefcount),
				"help": {Arity: 2, Flags: command.Loading | command.Stale, ACL: []string{"keyspace", "slow"},
					Summary: "Show helpful text about the different subcommands", Since: "6.2.0",
					Complexity: "O(1)", Handler: objectHelp},
			}},
		&command.Spec{Name: "dbsize", Arity: 1, Flags: rf, ACL: rFast, Group: "server",
			Summary: "Return the number of keys in the selected database", Since: "1.0.0",
			Complexity: "O(1)", Handler: dbsizeCmd},
		&command.Spec{Name: "flushdb", Arity: -1, Flags: command.Write,
			ACL: []string{"keyspace", "write", "slow", "dangerous"}, Group: "server",
			Summary: "Remove all keys from the current database", Since: "1.0.0",
			Complexity: "O(N) where N is the number of keys in the selected database",
			Handler:    func(c *command.Context) { flushCmd(c, false) }},
		&command.Spec{Name: "flushall", Arity: -1, Flags: command.Write,
			ACL: []string{"keyspace", "write", "slow", "dangerous"}, Group: "server",
			Summary: "Remove all keys from all databases", Since: "1.0.0",
			Complexity: "O(N) where N is the total number of keys in all databases",
			Handler:    func(c *command.Context) { flushCmd(c, true) }},
		&command.Spec{Name: "swapdb", Arity: 3, Flags: wf,
			ACL: []string{"keyspace", "write", "fast", "dangerous"}, Group: "server",
			Summary: "Swaps two Redis databases", Since: "4.0.0",
			Complexity: "O(N) where N is the count of clients watching or blocking on keys from both databases.",
			Handler:    swapdbCmd},
	)
}

// peekRead is Redis's lookupKeyReadWithFlags(LOOKUP_NOTOUCH): it expires
// the key if needed and counts a keyspace hit or miss, but does not count
// as an access for LRU/LFU.
func peekRead(c *command.Context, key []byte) *datastructs.Entry {
	if !existsRead(c, key) {
		return nil
	}
	return c.DB.Peek(string(key))
}

// existsRead is peekRead for callers that need no entry. A miss sends
// "keymiss".
func existsRead(c *command.Context, key []byte) bool {
	if !existsReadQuiet(c, key) {
		c.Notify(command.NotifyKeyMiss, "keymiss", key)
		return false
	}
	return true
}

// existsReadQuiet is existsRead without the "keymiss" notification
// (Redis's LOOKUP_NONOTIFY).
func existsReadQuiet(c *command.Context, key []byte) bool {
	if !c.DB.Exists(key) {
		c.KS.Stats.KeyspaceMisses++
		return false
	}
	c.KS.Stats.KeyspaceHits++
	return true
}

// delCmd serves DEL and UNLINK (values are freed by the Go GC either way).
func delCmd(c *command.Context) {
	var n int64
	for _, k := range c.Args[1:] {
		if c.DB.Delete(k) {
			c.Notify(command.NotifyGeneric, "del", k)
			n++
		}
	}
	c.W.Int(n)
}

// existsCmd counts a key once per time it is named, as Redis does.
func existsCmd(c *command.Context) {
	var n int64
	for _, k := range c.Args[1:] {
		if existsRead(c, k) {
			n++
		}
	}
	c.W.Int(n)
}

func touchCmd(c *command.Context) {
	var n int64
	for _, k := range c.Args[1:] {
		if c.DB.Lookup(k) != nil {
			n++
		}
	}
	c.W.Int(n)
}

func typeCmd(c *command.Context) {
	e := peekRead(c, c.Args[1])
	if e == nil {
		c.W.SimpleString("none")
		return
	}
	c.W.SimpleString(e.Type().String())
}

func keysCmd(c *command.Context) {
	pattern := c.Args[1]
	// Redis special-cases "*": the matcher itself would not match "".
	all := len(pattern) == 1 && pattern[0] == '*'
	var out []string
	c.DB.Range(func(k string, _ *datastructs.Entry) bool {
		if all || glob.MatchKey(pattern, k, false) {
			out = append(out, k)
		}
		return true
	})
	c.W.Array(len(out))
	for _, k := range out {
		c.W.BulkString(k)
	}
}

// parseCursor parses a SCAN cursor like Redis's parseScanCursorOrReply,
// which uses strtoul: optional sign (a negative value wraps around), no
// leading space, nothing after the digits, an empty string is 0, and a
// magnitude above 2^64-1 is an error.
func parseCursor(b []byte) (uint64, bool) {
	if len(b) > 0 && isSpaceByte(b[0]) {
		return 0, false
	}
	if len(b) == 0 {
		return 0, true // strtoul("") converts nothing and stops at the NUL
	}
	neg := false
	digits := b
	if b[0] == '+' || b[0] == '-' {
		neg = b[0] == '-'
		digits = b[1:]
	}
	if len(digits) == 0 {
		return 0, false
	}
	var n uint64
	for _, ch := range digits {
		if ch < '0' || ch > '9' {
			return 0, false
		}
		d := uint64(ch - '0')
		if n > (math.MaxUint64-d)/10 {
			return 0, false // ERANGE
		}
		n = n*10 + d
	}
	if neg {
		n = -n
	}
	return n, true
}

func scanCmd(c *command.Context) {
	cursor, ok := parseCursor(c.Args[1])
	if !ok {
		c.W.Error(command.ErrInvalidCursor)
		return
	}
	count := int64(10)
	var pattern, typeName []byte
	usePattern, useType := false, false
	args := c.Args[2:]
	for i := 0; i < len(args); i += 2 {
		if i+1 >= len(args) {
			c.W.Error(command.ErrSyntax)
			return
		}
		switch {
		case eq(args[i], "count"):
			n, ok := intArg(c, args[i+1])
			if !ok {
				return
			}
			if n < 1 {
				c.W.Error(command.ErrSyntax)
				return
			}
			count = n
		case eq(args[i], "match"):
			pattern = args[i+1]
			usePattern = !(len(pattern) == 1 && pattern[0] == '*')
		case eq(args[i], "type"):
			typeName = args[i+1]
			useType = true
		default:
			c.W.Error(command.ErrSyntax)
			return
		}
	}
	if count > math.MaxInt32 {
		count = math.MaxInt32
	}
	var out []string
	next := c.DB.Scan(cursor, int(count), func(k string, e *datastructs.Entry) {
		if usePattern && !glob.MatchKey(pattern, k, false) {
			return
		}
		if useType && !strings.EqualFold(string(typeName), e.Type().String()) {
			return
		}
		out = append(out, k)
	})
	c.W.Array(2)
	c.W.BulkString(strconv.FormatUint(next, 10))
	c.W.Array(len(out))
	for _, k := range out {
		c.W.BulkString(k)
	}
}

func randomKey(c *command.Context) {
	k, ok := c.DB.RandomKey()
	if !ok {
		c.W.Null()
		return
	}
	c.W.BulkString(k)
}

func renameCmd(c *command.Context, nx bool) {
	src, dst := c.Args[1], c.Args[2]
	if c.DB.LookupWrite(src) == nil {
		c.W.Error(command.ErrNoSuchKey)
		return
	}
	if string(src) == string(dst) {
		if nx {
			c.W.Int(0)
		} else {
			c.W.OK()
		}
		return
	}
	if nx && c.DB.LookupWrite(dst) != nil {
		c.W.Int(0)
		return
	}
	c.DB.Rename(src, dst)
	c.Notify(command.NotifyGeneric, "rename_from", src)
	c.Notify(command.NotifyGeneric, "rename_to", dst)
	if nx {
		c.W.Int(1)
	} else {
		c.W.OK()
	}
}

// dbIndexArg parses a database number like Redis's getIntFromObjectOrReply
// (an int32, with its own error beyond that range) followed by selectDb's
// range check.
func dbIndexArg(c *command.Context, b []byte) (*datastructs.DB, bool) {
	n, ok := parseInt(b)
	if !ok {
		c.W.Error(command.ErrNotInteger)
		return nil, false
	}
	if n < math.MinInt32 || n > math.MaxInt32 {
		c.W.Error(command.ErrIntOutOfRange)
		return nil, false
	}
	if n < 0 || n >= int64(c.KS.NumDBs()) {
		c.W.Error(command.ErrDBIndex)
		return nil, false
	}
	return c.KS.DB(int(n)), true
}

func moveCmd(c *command.Context) {
	dst, ok := dbIndexArg(c, c.Args[2])
	if !ok {
		return
	}
	if dst == c.DB {
		c.W.Error(command.ErrSameObject)
		return
	}
	if c.DB.MoveTo(c.Args[1], dst) {
		c.Notify(command.NotifyGeneric, "move_from", c.Args[1])
		c.NotifyDB(command.NotifyGeneric, "move_to", c.Args[1], dst.Index())
		c.W.Int(1)
	} else {
		c.W.Int(0)
	}
}

func copyCmd(c *command.Context) {
	src, dstKey := c.Args[1], c.Args[2]
	dst := c.DB
	replace := false
	for i := 3; i < len(c.Args); i++ {
		switch {
		case eq(c.Args[i], "replace"):
			replace = true
		case eq(c.Args[i], "db") && i+1 < len(c.Args):
			d, ok := dbIndexArg(c, c.Args[i+1])
			if !ok {
				return
			}
			dst = d
			i++
		default:
			c.W.Error(command.ErrSyntax)
			return
		}
	}
	if dst == c.DB && string(src) == string(dstKey) {
		c.W.Error(command.ErrSameObject)
		return
	}
	copied, err := c.DB.CopyTo(src, dst, dstKey, replace)
	switch {
	case errors.Is(err, datastructs.ErrNotCopyable):
		c.W.Error(command.ErrNotCopyable)
	case copied:
		c.NotifyDB(command.NotifyGeneric, "copy_to", dstKey, dst.Index())
		c.W.Int(1)
	default:
		c.W.Int(0)
	}
}

// Flags of the EXPIRE family.
const (
	expireNX = 1 << iota
	expireXX
	expireGT
	expireLT
)

// expireCmd serves EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT: base is added to
// the given time (now for the relative forms), seconds selects the unit.
func expireCmd(c *command.Context, base int64, seconds bool) {
	key := c.Args[1]
	flags := 0
	for _, opt := range c.Args[3:] {
		switch {
		case eq(opt, "nx"):
			flags |= expireNX
		case eq(opt, "xx"):
			flags |= expireXX
		case eq(opt, "gt"):
			flags |= expireGT
		case eq(opt, "lt"):
			flags |= expireLT
		default:
			// Redis formats the option with %s, so it stops at a NUL.
			s := string(opt)
			if i := strings.IndexByte(s, 0); i >= 0 {
				s = s[:i]
			}
			c.W.Error("ERR Unsupported option " + s)
			return
		}
	}
	if flags&expireNX != 0 && flags&(expireXX|expireGT|expireLT) != 0 {
		c.W.Error(command.ErrExpireNXAndOthers)
		return
	}
	if flags&expireGT != 0 && flags&expireLT != 0 {
		c.W.Error(command.ErrExpireGTAndLT)
		return
	}
	when, ok := intArg(c, c.Args[2])
	if !ok {
		return
	}
	if seconds {
		if when > math.MaxInt64/1000 || when < math.MinInt64/1000 {
			c.W.Error(command.InvalidExpire(c.Name()))
			return
		}
		when *= 1000
	}
	if when > math.MaxInt64-base {
		c.W.Error(command.InvalidExpire(c.Name()))
		return
	}
	when += base
	e := c.DB.LookupWrite(key)
	if e == nil {
		c.W.Int(0)
		return
	}
	if flags != 0 {
		cur := e.ExpireAt // 0: no TTL, which GT and LT treat as infinite
		switch {
		case flags&expireNX != 0 && cur != 0,
			flags&expireXX != 0 && cur == 0,
			flags&expireGT != 0 && (cur == 0 || when <= cur),
			flags&expireLT != 0 && cur != 0 && when >= cur:
			c.W.Int(0)
			return
		}
	}
	// A time not in the future deletes the key (SetExpire does that); the
	// log gets the effect, as in Redis: DEL, or the absolute PEXPIREAT.
	c.DB.SetExpire(key, when)
	if c.DB.Peek(string(key)) == nil {
		c.Propagate([]byte("DEL"), key)
		c.Notify(command.NotifyGeneric, "del", key)
	} else {
		c.Propagate([]byte("PEXPIREAT"), key, strconv.AppendInt(nil, when, 10))
		c.Notify(command.NotifyGeneric, "expire", key)
	}
	c.W.Int(1)
}

// ttlCmd serves TTL, PTTL, EXPIRETIME and PEXPIRETIME.
func ttlCmd(c *command.Context, ms, abs bool) {
	e := peekRead(c, c.Args[1])
	if e == nil {
		c.W.Int(-2)
		return
	}
	if e.ExpireAt == 0 {
		c.W.Int(-1)
		return
	}
	t := e.ExpireAt
	if !abs {
		t -= c.KS.Now()
	}
	if t < 0 {
		t = 0
	}
	if !ms {
		t = (t + 500) / 1000 // Redis rounds, for EXPIRETIME too
	}
	c.W.Int(t)
}

func persistCmd(c *command.Context) {
	if c.DB.LookupWrite(c.Args[1]) != nil && c.DB.Persist(c.Args[1]) {
		c.Notify(command.NotifyGeneric, "persist", c.Args[1])
		c.W.Int(1)
		return
	}
	c.W.Int(0)
}

// objectLookup finds the key for OBJECT subcommands, replying null when
// it does not exist.
//
// Redis looks the key up with LOOKUP_NOTOUCH|LOOKUP_NONOTIFY: a miss is
// counted but sends no "keymiss".
func objectLookup(c *command.Context) *datastructs.Entry {
	if !existsReadQuiet(c, c.Args[2]) {
		c.W.Null()
		return nil
	}
	return c.DB.Peek(string(c.Args[2]))
}

// stringEncoding is what Redis's tryObjectEncoding would pick for a string
// value set by SET: "int" for canonical 64-bit integers, "embstr" up to 44
// bytes, "raw" beyond. Strings Redis builds in place (APPEND, SETRANGE)
// are "raw" there whatever their content; AiKv derives the encoding from
// the value alone.
func stringEncoding(s string) string {
	if len(s) <= 20 {
		if _, ok := parseInt([]byte(s)); ok {
			return "int"
		}
	}
	if len(s) <= 44 {
		return "embstr"
	}
	return "raw"
}

func objectEncoding(c *command.Context) {
	e := objectLookup(c)
	if e == nil {
		return
	}
	if s, ok := e.Str(); ok {
		c.W.BulkString(stringEncoding(s))
		return
	}
	if enc, ok := e.Obj().(datastructs.Encoder); ok {
		c.W.BulkString(enc.Encoding())
		return
	}
	c.W.BulkString("raw") // module-like types (JSON) report "raw" in Redis
}

// configValue returns a configuration parameter's value ("" if unknown).
func configValue(c *command.Context, name string) string {
	for _, kv := range c.Server.ConfigGet(name) {
		if kv[0] == name {
			return kv[1]
		}
	}
	return ""
}

// lfuPolicy reports whether maxmemory-policy is one of the LFU policies.
func lfuPolicy(c *command.Context) bool {
	return strings.Contains(configValue(c, "maxmemory-policy"), "lfu")
}

func objectFreq(c *command.Context) {
	e := objectLookup(c)
	if e == nil {
		return
	}
	if !lfuPolicy(c) {
		c.W.Error(command.ErrLFUNotSelected)
		return
	}
	c.W.Int(int64(c.DB.Freq(e)))
}

// objectIdletime reports the entry's own idle time. Redis wart not
// copied: small integers there share one object, so they report the
// idle time of that shared object rather than of the key.
func objectIdletime(c *command.Context) {
	e := objectLookup(c)
	if e == nil {
		return
	}
	if lfuPolicy(c) {
		c.W.Error(command.ErrLFUSelected)
		return
	}
	c.W.Int(c.DB.IdleSeconds(e))
}

// sharedRefcount is OBJ_SHARED_REFCOUNT, reported for shared objects.
const sharedRefcount = math.MaxInt32

// objectRefcount mimics Redis: values are never shared except the small
// integers 0..9999, which Redis stores as shared objects unless maxmemory
// is set with an LRU or LFU policy.
func objectRefcount(c *command.Context) {
	e := objectLookup(c)
	if e == nil {
		return
	}
	if s, ok := e.Str(); ok && len(s) <= 20 {
		n, isInt := parseInt([]byte(s))
		policy := configValue(c, "maxmemory-policy")
		noShared := configValue(c, "maxmemory") != "" && configValue(c, "maxmemory") != "0" &&
			(strings.Contains(policy, "lru") || strings.Contains(policy, "lfu"))
		if isInt && n >= 0 && n < 10000 && !noShared {
			c.W.Int(sharedRefcount)
			return
		}
	}
	c.W.Int(1)
}

var objectHelpLines = []string{
	"OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"ENCODING <key>",
	"    Return the kind of internal representation used in order to store the value",
	"    associated with a <key>.",
	"FREQ <key>",
	"    Return the access frequency index of the <key>. The returned integer is",
	"    proportional to the logarithm of the recent access frequency of the key.",
	"IDLETIME <key>",
	"    Return the idle time of the <key>, that is the approximated number of",
	"    seconds elapsed since the last access to the key.",
	"REFCOUNT <key>",
	"    Return the number of references of the value associated with the specified",
	"    <key>.",
	"HELP",
	"    Prints this help.",
}

func objectHelp(c *command.Context) {
	c.W.Array(len(objectHelpLines))
	for _, l := range objectHelpLines {
		c.W.SimpleString(l)
	}
}

func dbsizeCmd(c *command.Context) { c.W.Int(int64(c.DB.Len())) }

// flushCmd serves FLUSHDB and FLUSHALL. ASYNC and SYNC are accepted and
// behave the same: the old tables are simply dropped for the GC.
func flushCmd(c *command.Context, all bool) {
	switch {
	case len(c.Args) == 2 && (eq(c.Args[1], "sync") || eq(c.Args[1], "async")):
	case len(c.Args) != 1:
		c.W.Error(command.ErrSyntax)
		return
	}
	if all {
		c.KS.FlushAll()
	} else {
		c.DB.Flush()
	}
	c.KS.Dirty++
	c.W.OK()
}

func swapdbCmd(c *command.Context) {
	a, ok := parseInt(c.Args[1])
	if !ok || a < math.MinInt32 || a > math.MaxInt32 {
		c.W.Error(command.ErrInvalidFirstDBIdx)
		return
	}
	b, ok := parseInt(c.Args[2])
	if !ok || b < math.MinInt32 || b > math.MaxInt32 {
		c.W.Error(command.ErrInvalidSecondDBIdx)
		return
	}
	n := int64(c.KS.NumDBs())
	if a < 0 || a >= n || b < 0 || b >= n {
		c.W.Error(command.ErrDBIndex)
		return
	}
	c.KS.Swap(int(a), int(b))
	c.W.OK()
}
