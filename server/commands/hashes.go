package commands

import (
	"github.com/aikv/aikv/datastructs/glob"
	"math"
	"strconv"

	"github.com/aikv/aikv/datastructs/hash"
	"github.com/aikv/aikv/server/command"
)

func registerHashes(t *command.Table) {
	wf := []string{"write", "hash", "fast"}
	rf := []string{"read", "hash", "fast"}
	rs := []string{"read", "hash", "slow"}
	spec := func(name string, arity int, flags command.Flags, acl []string, summary, since, complexity string, h command.Handler) *command.Spec {
		return &command.Spec{Name: name, Arity: arity, Flags: flags, FirstKey: 1, LastKey: 1, Step: 1,
			ACL: acl, Group: "hash", Summary: summary, Since: since, Complexity: complexity, Handler: h}
	}
	t.Add(
		spec("hset", -4, command.Write|command.DenyOOM|command.Fast, wf, "Set the string value of a hash field", "2.0.0",
			"O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.", hset),
		spec("hsetnx", 4, command.Write|command.DenyOOM|command.Fast, wf, "Set the value of a hash field, only if the field does not exist", "2.0.0", "O(1)", hsetnx),
		spec("hget", 3, command.ReadOnly|command.Fast, rf, "Get the value of a hash field", "2.0.0", "O(1)", hget),
		spec("hmget", -3, command.ReadOnly|command.Fast, rf, "Get the values of all the given hash fields", "2.0.0", "O(N) where N is the number of fields being requested.", hmget),
		spec("hmset", -4, command.Write|command.DenyOOM|command.Fast, wf, "Set multiple hash fields to multiple values", "2.0.0", "O(N) where N is the number of fields being set.", hset),
		spec("hdel", -3, command.Write|command.Fast, wf, "Delete one or more hash fields", "2.0.0", "O(N) where N is the number of fields to be removed.", hdel),
		spec("hexists", 3, command.ReadOnly|command.Fast, rf, "Determine if a hash field exists", "2.0.0", "O(1)", hexists),
		spec("hlen", 2, command.ReadOnly|command.Fast, rf, "Get the number of fields in a hash", "2.0.0", "O(1)", hlen),
		spec("hstrlen", 3, command.ReadOnly|command.Fast, rf, "Get the length of the value of a hash field", "3.2.0", "O(1)", hstrlen),
		spec("hkeys", 2, command.ReadOnly, rs, "Get all the fields in a hash", "2.0.0", "O(N) where N is the size of the hash.", hkeys),
		spec("hvals", 2, command.ReadOnly, rs, "Get all the values in a hash", "2.0.0", "O(N) where N is the size of the hash.", hvals),
		spec("hgetall", 2, command.ReadOnly, rs, "Get all the fields and values in a hash", "2.0.0", "O(N) where N is the size of the hash.", hgetall),
		spec("hincrby", 4, command.Write|command.DenyOOM|command.Fast, wf, "Increment the integer value of a hash field by the given number", "2.0.0", "O(1)", hincrby),
		spec("hincrbyfloat", 4, command.Write|command.DenyOOM|command.Fast, wf, "Increment the float value of a hash field by the given amount", "2.6.0", "O(1)", hincrbyfloat),
		spec("hrandfield", -2, command.ReadOnly, rs, "Get one or multiple random fields from a hash", "6.2.0", "O(N) where N is the number of fields returned", hrandfield),
		spec("hscan", -3, command.ReadOnly, rs, "Incrementally iterate hash fields and associated values", "2.8.0",
			"O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..", hscan),
	)
}

// hset serves HSET and HMSET.
func hset(c *command.Context) {
	if len(c.Args)%2 == 1 {
		c.W.Error(command.ArgCountError(c.Name()))
		return
	}
	h, found, ok := lookupTyped[*hash.Hash](c, c.Args[1], true)
	if !ok {
		return
	}
	if !found {
		h = hash.New()
	}
	// Redis's hashTypeTryConversion looks at every argument first.
	for i := 2; i < len(c.Args); i += 2 {
		h.Prepare(c.Args[i], c.Args[i+1])
	}
	h.Reserve(c.Args[2:])
	created := 0
	for i := 2; i < len(c.Args); i += 2 {
		if h.Set(c.Args[i], c.Args[i+1]) {
			created++
		}
	}
	if found {
		c.DB.Modified(c.Args[1])
	} else {
		c.DB.SetValue(c.Args[1], h, 0, false)
	}
	c.Notify(command.NotifyHash, "hset", c.Args[1])
	if c.Name() == "hmset" {
		c.W.OK()
		return
	}
	c.W.Int(int64(created))
}

func hsetnx(c *command.Context) {
	h, found, ok := lookupTyped[*hash.Hash](c, c.Args[1], true)
	if !ok {
		return
	}
	if !found {
		h = hash.New()
	}
	if h.Exists(c.Args[2]) {
		c.W.Int(0)
		return
	}
	// Redis converts the encoding only when the field is new.
	h.Prepare(c.Args[2], c.Args[3])
	h.Set(c.Args[2], c.Args[3])
	if found {
		c.DB.Modified(c.Args[1])
	} else {
		c.DB.SetValue(c.Args[1], h, 0, false)
	}
	c.Notify(command.NotifyHash, "hset", c.Args[1])
	c.W.Int(1)
}

func hget(c *command.Context) {
	h, found, ok := lookupTyped[*hash.Hash](c, c.Args[1], false)
	if !ok {
		return
	}
	if !found {
		c.W.Null()
		return
	}
	if v, ok := h.Get(c.Args[2]); ok {
		c.W.BulkString(v)
	} else {
		c.W.Null()
	}
}

func hmget(c *command.Context) {
	h, found, ok := lookupTyped[*hash.Hash](c, c.Args[1], false)
	if !ok {
		return
	}
	fields := c.Args[2:]
	c.W.Array(len(fields))
	for _, f := range fields {
		if !found {
			c.W.Null()
		} else if v, ok := h.Get(f); ok {
			c.W.BulkString(v)
		} else {
			c.W.Null()
		}
	}
}

func hdel(c *command.Context) {
	h, found, ok := lookupTyped[*hash.Hash](c, c.Args[1], true)
	if !ok {
		return
	}
	if !found {
		c.W.Int(0)
		return
	}
	deleted := 0
	for _, f := range c.Args[2:] {
		if h.Delete(f) {
			deleted++
			if h.Len() == 0 {
				break
			}
		}
	}
	if deleted > 0 {
		removedFrom(c, c.Args[1], command.NotifyHash, "hdel", h.Len() == 0)
	}
	c.W.Int(int64(deleted))
}

func hexists(c *command.Context) {
	h, found, ok := lookupTyped[*hash.Hash](c, c.Args[1], false)
	if !ok {
		return
	}
	if found && h.Exists(c.Args[2]) {
		c.W.Int(1)
	} else {
		c.W.Int(0)
	}
}

func hlen(c *command.Context) {
	h, found, ok := lookupTyped[*hash.Hash](c, c.Args[1], false)
	if !ok {
		return
	}
	if !found {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(h.Len()))
}

func hstrlen(c *command.Context) {
	h, found, ok := lookupTyped[*hash.Hash](c, c.Args[1], false)
	if !ok {
		return
	}
	n := 0
	if found {
		v, _ := h.Get(c.Args[2])
		n = len(v)
	}
	c.W.Int(int64(n))
}

// hgetallGeneric serves HKEYS, HVALS and HGETALL.
func hgetallGeneric(c *command.Context, keys, vals bool) {
	h, found, ok := lookupTyped[*hash.Hash](c, c.Args[1], false)
	if !ok {
		return
	}
	n := 0
	if found {
		n = h.Len()
	}
	if keys && vals {
		c.W.Map(n)
	} else {
		c.W.Array(n)
	}
	if !found {
		return
	}
	h.Range(func(f, v string) bool {
		if keys {
			c.W.BulkString(f)
		}
		if vals {
			c.W.BulkString(v)
		}
		return true
	})
}

func hkeys(c *command.Context)   { hgetallGeneric(c, true, false) }
func hvals(c *command.Context)   { hgetallGeneric(c, false, true) }
func hgetall(c *command.Context) { hgetallGeneric(c, true, true) }

func hincrby(c *command.Context) {
	incr, ok := intArg(c, c.Args[3])
	if !ok {
		return
	}
	h, found, ok := lookupTyped[*hash.Hash](c, c.Args[1], true)
	if !ok {
		return
	}
	var cur int64
	if found {
		if v, exists := h.Get(c.Args[2]); exists {
			n, isInt := parseInt([]byte(v))
			if !isInt {
				c.W.Error("ERR hash value is not an integer")
				return
			}
			cur = n
		}
	}
	if (incr < 0 && cur < 0 && incr < math.MinInt64-cur) ||
		(incr > 0 && cur > 0 && incr > math.MaxInt64-cur) {
		c.W.Error(command.ErrOverflow)
		return
	}
	cur += incr
	if !found {
		h = hash.New()
	}
	h.SetString(c.Args[2], strconv.FormatInt(cur, 10))
	if found {
		c.DB.Modified(c.Args[1])
	} else {
		c.DB.SetValue(c.Args[1], h, 0, false)
	}
	c.Notify(command.NotifyHash, "hincrby", c.Args[1])
	c.W.Int(cur)
}

// hincrbyfloat computes in (emulated) x87 long double and formats like
// Redis's ld2string, with the helpers shared with INCRBYFLOAT
// (longdouble.go). Like Redis it is logged as HSET with the final value,
// so replay does not depend on float arithmetic.
func hincrbyfloat(c *command.Context) {
	incr, ok := parseLongDouble(c.Args[3])
	if !ok {
		c.W.Error(command.ErrNotFloat)
		return
	}
	if incr.IsInf() {
		c.W.Error("ERR value is NaN or Infinity")
		return
	}
	h, found, ok := lookupTyped[*hash.Hash](c, c.Args[1], true)
	if !ok {
		return
	}
	cur := ldZero()
	if found {
		if v, exists := h.Get(c.Args[2]); exists {
			f, isFloat := parseLongDouble([]byte(v))
			if !isFloat {
				c.W.Error("ERR hash value is not a float")
				return
			}
			cur = f // a stored "inf" parses; the sum below then refuses it
		}
	}
	sum, ok := addLongDouble(cur, incr)
	if !ok {
		c.W.Error(command.ErrIncrFloatNaN)
		return
	}
	s := formatLongDoubleHuman(sum)
	if !found {
		h = hash.New()
	}
	h.SetString(c.Args[2], s)
	if found {
		c.DB.Modified(c.Args[1])
	} else {
		c.DB.SetValue(c.Args[1], h, 0, false)
	}
	c.Propagate([]byte("HSET"), c.Args[1], c.Args[2], []byte(s))
	c.Notify(command.NotifyHash, "hincrbyfloat", c.Args[1])
	c.W.BulkString(s)
}

func hrandfield(c *command.Context) {
	if len(c.Args) >= 3 {
		count, ok := randCountArg(c, c.Args[2])
		if !ok {
			return
		}
		withValues := false
		if len(c.Args) > 4 || (len(c.Args) == 4 && !eq(c.Args[3], "withvalues")) {
			c.W.Error(command.ErrSyntax)
			return
		} else if len(c.Args) == 4 {
			withValues = true
			if count < -math.MaxInt64/2 || count > math.MaxInt64/2 {
				c.W.Error("ERR value is out of range")
				return
			}
		}
		hrandfieldWithCount(c, count, withValues)
		return
	}
	h, found, ok := lookupTyped[*hash.Hash](c, c.Args[1], false)
	if !ok {
		return
	}
	if !found {
		c.W.Null()
		return
	}
	f, _ := h.Random(c.KS.Rand())
	c.W.BulkString(f)
}

// hrandfieldWithCount follows Redis's hrandfieldWithCountCommand: a
// negative count allows repetitions; a positive one returns distinct
// fields, the whole hash when count >= size.
func hrandfieldWithCount(c *command.Context, count int64, withValues bool) {
	uniq := count >= 0
	if !uniq {
		count = -count
	}
	h, found, ok := lookupTyped[*hash.Hash](c, c.Args[1], false)
	if !ok {
		return
	}
	if !found || count == 0 {
		c.W.Array(0)
		return
	}
	pairs := withValues && c.W.Proto() == 3
	emit := func(f, v string) {
		if pairs {
			c.W.Array(2)
		}
		c.W.BulkString(f)
		if withValues {
			c.W.BulkString(v)
		}
	}
	header := func(n int) {
		if withValues && !pairs {
			c.W.Array(2 * n)
		} else {
			c.W.Array(n)
		}
	}
	rnd := c.KS.Rand()
	size := int64(h.Len())
	switch {
	case !uniq || count == 1:
		// Case 1: repetitions allowed (or a single field).
		header(int(count))
		h.RandomPairs(rnd, int(count), emit)
	case count >= size:
		// Case 2: the whole hash.
		header(int(size))
		h.Range(func(f, v string) bool {
			emit(f, v)
			return true
		})
	case count*3 > size:
		// Case 3: count is close to size; take a random subset of a copy
		// (Redis copies and deletes random elements; same distribution).
		type pair struct{ f, v string }
		all := make([]pair, 0, size)
		h.Range(func(f, v string) bool {
			all = append(all, pair{f, v})
			return true
		})
		for i := 0; i < int(count); i++ {
			j := i + rnd.IntN(len(all)-i)
			all[i], all[j] = all[j], all[i]
		}
		header(int(count))
		for _, p := range all[:count] {
			emit(p.f, p.v)
		}
	default:
		// Case 4: count is small compared to size: pick random fields
		// until count distinct ones were found.
		seen := make(map[string]struct{}, count)
		header(int(count))
		for int64(len(seen)) < count {
			f, v := h.Random(rnd)
			if _, dup := seen[f]; dup {
				continue
			}
			seen[f] = struct{}{}
			emit(f, v)
		}
	}
}

func hscan(c *command.Context) {
	cursor, ok := collScanCursor(c, c.Args[2])
	if !ok {
		return
	}
	h, found, ok := lookupTyped[*hash.Hash](c, c.Args[1], false)
	if !ok {
		return
	}
	if !found {
		emptyScanReply(c)
		return
	}
	opts, ok := collScanArgs(c, c.Args[3:])
	if !ok {
		return
	}
	var out []string
	next := h.Scan(cursor, opts.count, func(f, v string) {
		if opts.pattern != nil && !glob.MatchKey(opts.pattern, f, false) {
			return
		}
		out = append(out, f, v)
	})
	c.W.Array(2)
	c.W.BulkString(strconv.FormatUint(next, 10))
	c.W.Array(len(out))
	for _, s := range out {
		c.W.BulkString(s)
	}
}
