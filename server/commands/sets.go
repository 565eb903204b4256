package commands

import (
	"github.com/aikv/aikv/datastructs/glob"
	"math"
	"sort"
	"strconv"

	"github.com/aikv/aikv/datastructs/set"
	"github.com/aikv/aikv/server/command"
)

func registerSets(t *command.Table) {
	wf := []string{"write", "set", "fast"}
	rf := []string{"read", "set", "fast"}
	rs := []string{"read", "set", "slow"}
	ws := []string{"write", "set", "slow"}
	spec := func(name string, arity int, flags command.Flags, first, last int, acl []string, summary, since, complexity string, h command.Handler) *command.Spec {
		return &command.Spec{Name: name, Arity: arity, Flags: flags, FirstKey: first, LastKey: last, Step: 1,
			ACL: acl, Group: "set", Summary: summary, Since: since, Complexity: complexity, Handler: h}
	}
	scanCx := "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.."
	t.Add(
		spec("sadd", -3, command.Write|command.DenyOOM|command.Fast, 1, 1, wf, "Add one or more members to a set", "1.0.0",
			"O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", sadd),
		spec("srem", -3, command.Write|command.Fast, 1, 1, wf, "Remove one or more members from a set", "1.0.0", "O(N) where N is the number of members to be removed.", srem),
		spec("sismember", 3, command.ReadOnly|command.Fast, 1, 1, rf, "Determine if a given value is a member of a set", "1.0.0", "O(1)", sismember),
		spec("smismember", -3, command.ReadOnly|command.Fast, 1, 1, rf, "Returns the membership associated with the given elements for a set", "6.2.0",
			"O(N) where N is the number of elements being checked for membership", smismember),
		spec("smembers", 2, command.ReadOnly, 1, 1, rs, "Get all the members in a set", "1.0.0", "O(N) where N is the set cardinality.", smembers),
		spec("scard", 2, command.ReadOnly|command.Fast, 1, 1, rf, "Get the number of members in a set", "1.0.0", "O(1)", scard),
		spec("spop", -2, command.Write|command.Fast, 1, 1, wf, "Remove and return one or multiple random members from a set", "1.0.0",
			"Without the count argument O(1), otherwise O(N) where N is the value of the passed count.", spop),
		spec("srandmember", -2, command.ReadOnly, 1, 1, rs, "Get one or multiple random members from a set", "1.0.0",
			"Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.", srandmember),
		spec("smove", 4, command.Write|command.Fast, 1, 2, wf, "Move a member from one set to another", "1.0.0", "O(1)", smove),
		spec("sunion", -2, command.ReadOnly, 1, -1, rs, "Add multiple sets", "1.0.0", "O(N) where N is the total number of elements in all given sets.", sunion),
		spec("sinter", -2, command.ReadOnly, 1, -1, rs, "Intersect multiple sets", "1.0.0",
			"O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.", sinter),
		spec("sdiff", -2, command.ReadOnly, 1, -1, rs, "Subtract multiple sets", "1.0.0", "O(N) where N is the total number of elements in all given sets.", sdiff),
		spec("sunionstore", -3, command.Write|command.DenyOOM, 1, -1, ws, "Add multiple sets and store the resulting set in a key", "1.0.0",
			"O(N) where N is the total number of elements in all given sets.", sunionstore),
		spec("sinterstore", -3, command.Write|command.DenyOOM, 1, -1, ws, "Intersect multiple sets and store the resulting set in a key", "1.0.0",
			"O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.", sinterstore),
		spec("sdiffstore", -3, command.Write|command.DenyOOM, 1, -1, ws, "Subtract multiple sets and store the resulting set in a key", "1.0.0",
			"O(N) where N is the total number of elements in all given sets.", sdiffstore),
		spec("sscan", -3, command.ReadOnly, 1, 1, rs, "Incrementally iterate Set elements", "2.8.0", scanCx, sscan),
		&command.Spec{Name: "sintercard", Arity: -3, Flags: command.ReadOnly, Keys: sintercardKeys,
			ACL: rs, Group: "set", Summary: "Intersect multiple sets and return the cardinality of the result", Since: "7.0.0",
			Complexity: "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.", Handler: sintercard},
	)
}

// sintercardKeys returns the key positions of SINTERCARD numkeys key...
func sintercardKeys(args [][]byte) []int {
	if len(args) < 3 {
		return nil
	}
	n, ok := parseInt(args[1])
	if !ok || n < 1 || n > int64(len(args)-2) {
		return nil
	}
	out := make([]int, n)
	for i := range out {
		out[i] = 2 + i
	}
	return out
}

// lookupSet is lookupTyped for sets.
func lookupSet(c *command.Context, key []byte, write bool) (*set.Set, bool, bool) {
	return lookupTyped[*set.Set](c, key, write)
}

func sadd(c *command.Context) {
	s, found, ok := lookupSet(c, c.Args[1], true)
	if !ok {
		return
	}
	if !found {
		s = set.New()
	}
	added := 0
	for _, m := range c.Args[2:] {
		if s.Add(m) {
			added++
		}
	}
	if !found {
		c.DB.SetValue(c.Args[1], s, 0, false)
	} else if added > 0 {
		c.DB.Modified(c.Args[1])
	}
	if added > 0 {
		c.Notify(command.NotifySet, "sadd", c.Args[1])
	}
	c.W.Int(int64(added))
}

func srem(c *command.Context) {
	s, found, ok := lookupSet(c, c.Args[1], true)
	if !ok {
		return
	}
	if !found {
		c.W.Int(0)
		return
	}
	removed := 0
	for _, m := range c.Args[2:] {
		if s.Remove(m) {
			removed++
			if s.Len() == 0 {
				break
			}
		}
	}
	if removed > 0 {
		removedFrom(c, c.Args[1], command.NotifySet, "srem", s.Len() == 0)
	}
	c.W.Int(int64(removed))
}

func sismember(c *command.Context) {
	s, found, ok := lookupSet(c, c.Args[1], false)
	if !ok {
		return
	}
	if found && s.Has(c.Args[2]) {
		c.W.Int(1)
	} else {
		c.W.Int(0)
	}
}

func smismember(c *command.Context) {
	s, found, ok := lookupSet(c, c.Args[1], false)
	if !ok {
		return
	}
	c.W.Array(len(c.Args) - 2)
	for _, m := range c.Args[2:] {
		if found && s.Has(m) {
			c.W.Int(1)
		} else {
			c.W.Int(0)
		}
	}
}

// replySet writes every member of s (nil: none) as a RESP3 set.
func replySet(c *command.Context, s *set.Set) {
	if s == nil {
		c.W.Set(0)
		return
	}
	c.W.Set(s.Len())
	s.Range(func(m string) bool {
		c.W.BulkString(m)
		return true
	})
}

func smembers(c *command.Context) {
	s, found, ok := lookupSet(c, c.Args[1], false)
	if !ok {
		return
	}
	if !found {
		s = nil
	}
	replySet(c, s)
}

func scard(c *command.Context) {
	s, found, ok := lookupSet(c, c.Args[1], false)
	if !ok {
		return
	}
	if !found {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(s.Len()))
}

func spop(c *command.Context) {
	if len(c.Args) == 3 {
		spopWithCount(c)
		return
	}
	if len(c.Args) > 3 {
		c.W.Error(command.ErrSyntax)
		return
	}
	s, found, ok := lookupSet(c, c.Args[1], true)
	if !ok {
		return
	}
	if !found {
		c.W.Null()
		return
	}
	m := s.Pop(c.KS.Rand())
	removedFrom(c, c.Args[1], command.NotifySet, "spop", s.Len() == 0)
	// Random: logged as the SREM it amounts to, as Redis does.
	if c.Effects.Logging {
		c.PropagateStrings("SREM", string(c.Args[1]), m)
	} else {
		c.Propagate() // nothing is logged: skip building the effect
	}
	c.W.BulkString(m)
}

// spopWithCount follows Redis's spopWithCountCommand. The reply is a RESP3
// set.
func spopWithCount(c *command.Context) {
	// Redis's getPositiveLongFromObjectOrReply gives one message for
	// both a non-integer and a negative count.
	n, ok := parseInt(c.Args[2])
	if !ok || n < 0 {
		c.W.Error("ERR value is out of range, must be positive")
		return
	}
	s, found, ok := lookupSet(c, c.Args[1], true)
	if !ok {
		return
	}
	if !found || n == 0 {
		c.W.Set(0)
		return
	}
	c.Notify(command.NotifySet, "spop", c.Args[1])
	if n >= int64(s.Len()) {
		// Case 1: pop everything; logged as DEL, as Redis does.
		replySet(c, s)
		c.DB.Delete(c.Args[1])
		c.Notify(command.NotifyGeneric, "del", c.Args[1])
		c.Propagate(wordDEL, c.Args[1])
		return
	}
	// Cases 2 and 3 of Redis (pop count members, or keep size-count
	// random ones) give the same distribution; popping is O(count).
	// Logged as SREMs of up to 1024 members each (Redis's batch size).
	rnd := c.KS.Rand()
	c.W.Set(int(n))
	batch := []string{"SREM", string(c.Args[1])}
	for i := int64(0); i < n; i++ {
		m := s.Pop(rnd)
		c.W.BulkString(m)
		batch = append(batch, m)
		if len(batch) == 2+1024 {
			c.PropagateStrings(batch...)
			batch = batch[:2]
		}
	}
	if len(batch) > 2 {
		c.PropagateStrings(batch...)
	}
	c.DB.Modified(c.Args[1])
}

func srandmember(c *command.Context) {
	if len(c.Args) == 3 {
		srandmemberWithCount(c)
		return
	}
	if len(c.Args) > 3 {
		c.W.Error(command.ErrSyntax)
		return
	}
	s, found, ok := lookupSet(c, c.Args[1], false)
	if !ok {
		return
	}
	if !found {
		c.W.Null()
		return
	}
	c.W.BulkString(s.Random(c.KS.Rand()))
}

// srandmemberWithCount follows Redis's srandmemberWithCountCommand: a
// negative count allows repetitions; a positive one returns distinct
// members, the whole set when count >= size. The reply is an array.
func srandmemberWithCount(c *command.Context) {
	count, ok := randCountArg(c, c.Args[2])
	if !ok {
		return
	}
	uniq := count >= 0
	if !uniq {
		count = -count
	}
	s, found, ok := lookupSet(c, c.Args[1], false)
	if !ok {
		return
	}
	if !found || count == 0 {
		c.W.Array(0)
		return
	}
	rnd := c.KS.Rand()
	size := int64(s.Len())
	switch {
	case !uniq || count == 1:
		c.W.Array(int(count))
		for i := int64(0); i < count; i++ {
			c.W.BulkString(s.Random(rnd))
		}
	case count >= size:
		c.W.Array(int(size))
		s.Range(func(m string) bool {
			c.W.BulkString(m)
			return true
		})
	case count*3 > size:
		all := s.Members()
		for i := 0; i < int(count); i++ {
			j := i + rnd.IntN(len(all)-i)
			all[i], all[j] = all[j], all[i]
		}
		c.W.Array(int(count))
		for _, m := range all[:count] {
			c.W.BulkString(m)
		}
	default:
		seen := make(map[string]struct{}, count)
		c.W.Array(int(count))
		for int64(len(seen)) < count {
			m := s.Random(rnd)
			if _, dup := seen[m]; dup {
				continue
			}
			seen[m] = struct{}{}
			c.W.BulkString(m)
		}
	}
}

func smove(c *command.Context) {
	src, srcFound, srcOK := lookupTyped[*set.Set](c, c.Args[1], true)
	if srcOK && !srcFound {
		c.W.Int(0)
		return
	}
	if !srcOK {
		return
	}
	dst, dstFound, ok := lookupSet(c, c.Args[2], true)
	if !ok {
		return
	}
	m := c.Args[3]
	if dstFound && src == dst {
		if src.Has(m) {
			c.W.Int(1)
		} else {
			c.W.Int(0)
		}
		return
	}
	if !src.Remove(m) {
		c.W.Int(0)
		return
	}
	removedFrom(c, c.Args[1], command.NotifySet, "srem", src.Len() == 0)
	if !dstFound {
		dst = set.New()
		dst.Add(m)
		c.DB.SetValue(c.Args[2], dst, 0, false)
		c.Notify(command.NotifySet, "sadd", c.Args[2])
	} else if dst.Add(m) {
		c.DB.Modified(c.Args[2])
		c.Notify(command.NotifySet, "sadd", c.Args[2])
	}
	c.W.Int(1)
}

// setsOf looks up keys as sets (nil for a missing key). ok is false when
// one of them has another type (WRONGTYPE was sent). The STORE forms read
// their sources like the others: Redis 7.0 uses lookupKeyRead for them
// (hit/miss stats, "keymiss" notifications).
func setsOf(c *command.Context, keys [][]byte) ([]*set.Set, bool) {
	out := make([]*set.Set, len(keys))
	for i, k := range keys {
		s, found, ok := lookupSet(c, k, false)
		if !ok {
			return nil, false
		}
		if found {
			out[i] = s
		}
	}
	return out, true
}

// interSets computes the intersection of sets into a new set, stopping
// once limit members were found (0: no limit). Like Redis it walks the
// smallest set and probes the others.
func interSets(sets []*set.Set, limit int) *set.Set {
	sort.SliceStable(sets, func(i, j int) bool { return sets[i].Len() < sets[j].Len() })
	out := set.New()
	sets[0].Range(func(m string) bool {
		for _, o := range sets[1:] {
			if o != sets[0] && !o.HasString(m) {
				return true
			}
		}
		out.AddString(m)
		return limit == 0 || out.Len() < limit
	})
	return out
}

// sinterGeneric serves SINTER, SINTERSTORE (dst != nil) and SINTERCARD
// (cardOnly), following Redis's sinterGenericCommand.
func sinterGeneric(c *command.Context, keys [][]byte, dst []byte, cardOnly bool, limit int) {
	sets, ok := setsOf(c, keys)
	if !ok {
		return
	}
	var res *set.Set
	for _, s := range sets {
		if s == nil {
			res = set.New() // intersection with a missing key is empty
			break
		}
	}
	if res == nil {
		res = interSets(sets, limit)
	}
	switch {
	case dst != nil:
		storeSetResult(c, dst, res)
	case cardOnly:
		c.W.Int(int64(res.Len()))
	default:
		replySet(c, res)
	}
}

// storeSetResult stores res at dst (deleting dst when res is empty) and
// replies with its size, as the *STORE commands do.
func storeSetResult(c *command.Context, dst []byte, res *set.Set) {
	if res.Len() == 0 {
		if c.DB.Delete(dst) {
			c.Notify(command.NotifyGeneric, "del", dst)
		}
		c.W.Int(0)
		return
	}
	c.DB.SetValue(dst, res, 0, false)
	c.Notify(command.NotifySet, c.Name(), dst)
	c.W.Int(int64(res.Len()))
}

// sunionDiffGeneric serves SUNION, SDIFF and their STORE forms.
func sunionDiffGeneric(c *command.Context, keys [][]byte, dst []byte, diff bool) {
	sets, ok := setsOf(c, keys)
	if !ok {
		return
	}
	res := set.New()
	if diff {
		if sets[0] != nil {
			sets[0].Range(func(m string) bool {
				for _, o := range sets[1:] {
					if o != nil && o.HasString(m) {
						return true
					}
				}
				res.AddString(m)
				return true
			})
		}
	} else {
		for _, s := range sets {
			if s == nil {
				continue
			}
			s.Range(func(m string) bool {
				res.AddString(m)
				return true
			})
		}
	}
	if dst != nil {
		storeSetResult(c, dst, res)
		return
	}
	replySet(c, res)
}

func sinter(c *command.Context)      { sinterGeneric(c, c.Args[1:], nil, false, 0) }
func sinterstore(c *command.Context) { sinterGeneric(c, c.Args[2:], c.Args[1], false, 0) }
func sunion(c *command.Context)      { sunionDiffGeneric(c, c.Args[1:], nil, false) }
func sunionstore(c *command.Context) { sunionDiffGeneric(c, c.Args[2:], c.Args[1], false) }
func sdiff(c *command.Context)       { sunionDiffGeneric(c, c.Args[1:], nil, true) }
func sdiffstore(c *command.Context)  { sunionDiffGeneric(c, c.Args[2:], c.Args[1], true) }

func sintercard(c *command.Context) {
	n, ok := parseInt(c.Args[1])
	if !ok || n < 1 {
		c.W.Error("ERR numkeys should be greater than 0")
		return
	}
	if n > int64(len(c.Args)-2) {
		c.W.Error("ERR Number of keys can't be greater than number of args")
		return
	}
	var limit int64
	rest := c.Args[2+n:]
	for i := 0; i < len(rest); i++ {
		if eq(rest[i], "limit") && i+1 < len(rest) {
			l, ok := parseInt(rest[i+1])
			if !ok || l < 0 {
				c.W.Error("ERR LIMIT can't be negative")
				return
			}
			limit = l
			i++
			continue
		}
		c.W.Error(command.ErrSyntax)
		return
	}
	if limit > math.MaxInt32 {
		limit = 0 // no set can be that large: same as no limit
	}
	sinterGeneric(c, c.Args[2:2+n], nil, true, int(limit))
}

func sscan(c *command.Context) {
	cursor, ok := collScanCursor(c, c.Args[2])
	if !ok {
		return
	}
	s, found, ok := lookupSet(c, c.Args[1], false)
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
	next := s.Scan(cursor, opts.count, func(m string) {
		if opts.pattern != nil && !glob.MatchKey(opts.pattern, m, false) {
			return
		}
		out = append(out, m)
	})
	c.W.Array(2)
	c.W.BulkString(strconv.FormatUint(next, 10))
	c.W.Array(len(out))
	for _, m := range out {
		c.W.BulkString(m)
	}
}
