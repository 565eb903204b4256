package commands

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/aikv/aikv/datastructs/glob"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/datastructs/zset"
	"github.com/aikv/aikv/server/command"
	"github.com/aikv/aikv/server/resp"
)

// Sorted-set commands (Redis 7.0 t_zset.c semantics).

func registerZSets(t *command.Table) {
	const g = "sorted-set"
	w := []string{"write", "sortedset", "fast"}
	r := []string{"read", "sortedset", "fast"}
	rs := []string{"read", "sortedset", "slow"}
	ws := []string{"write", "sortedset", "slow"}
	bf := []string{"write", "sortedset", "fast", "blocking"}
	spec := func(name string, arity int, flags command.Flags, first, last, step int, acl []string,
		since, summary, complexity string, h command.Handler) *command.Spec {
		return &command.Spec{Name: name, Arity: arity, Flags: flags, FirstKey: first, LastKey: last, Step: step,
			ACL: acl, Group: g, Since: since, Summary: summary, Complexity: complexity, Handler: h}
	}
	withKeys := func(s *command.Spec, k command.KeysFunc) *command.Spec { s.Keys = k; return s }
	const (
		wdf = command.Write | command.DenyOOM | command.Fast
		wf  = command.Write | command.Fast
		rf  = command.ReadOnly | command.Fast
		ro  = command.ReadOnly
		wr  = command.Write
		wd  = command.Write | command.DenyOOM
	)
	t.Add(
		spec("zadd", -4, wdf, 1, 1, 1, w, "1.2.0", "Add one or more members to a sorted set, or update its score if it already exists",
			"O(log(N)) for each item added, where N is the number of elements in the sorted set.", zaddCommand),
		spec("zincrby", 4, wdf, 1, 1, 1, w, "1.2.0", "Increment the score of a member in a sorted set",
			"O(log(N)) where N is the number of elements in the sorted set.", zincrbyCommand),
		spec("zrem", -3, wf, 1, 1, 1, w, "1.2.0", "Remove one or more members from a sorted set",
			"O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.", zremCommand),
		spec("zscore", 3, rf, 1, 1, 1, r, "1.2.0", "Get the score associated with the given member in a sorted set",
			"O(1)", zscoreCommand),
		spec("zmscore", -3, rf, 1, 1, 1, r, "6.2.0", "Get the score associated with the given members in a sorted set",
			"O(N) where N is the number of members being requested.", zmscoreCommand),
		spec("zcard", 2, rf, 1, 1, 1, r, "1.2.0", "Get the number of members in a sorted set",
			"O(1)", zcardCommand),
		spec("zcount", 4, rf, 1, 1, 1, r, "2.0.0", "Count the members in a sorted set with scores within the given values",
			"O(log(N)) with N being the number of elements in the sorted set.", zcountCommand),
		spec("zlexcount", 4, rf, 1, 1, 1, r, "2.8.9", "Count the number of members in a sorted set between a given lexicographical range",
			"O(log(N)) with N being the number of elements in the sorted set.", zlexcountCommand),
		spec("zrank", 3, rf, 1, 1, 1, r, "2.0.0", "Determine the index of a member in a sorted set",
			"O(log(N))", zrankCommand),
		spec("zrevrank", 3, rf, 1, 1, 1, r, "2.0.0", "Determine the index of a member in a sorted set, with scores ordered from high to low",
			"O(log(N))", zrevrankCommand),
		spec("zrange", -4, ro, 1, 1, 1, rs, "1.2.0", "Return a range of members in a sorted set",
			"O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.", zrangeCommand),
		spec("zrangestore", -5, wd, 1, 2, 1, ws, "6.2.0", "Store a range of members from sorted set into another key",
			"O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.", zrangestoreCommand),
		spec("zrevrange", -4, ro, 1, 1, 1, rs, "1.2.0", "Return a range of members in a sorted set, by index, with scores ordered from high to low",
			"O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.", zrevrangeCommand),
		spec("zrangebyscore", -4, ro, 1, 1, 1, rs, "1.0.5", "Return a range of members in a sorted set, by score",
			"O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).", zrangebyscoreCommand),
		spec("zrevrangebyscore", -4, ro, 1, 1, 1, rs, "2.2.0", "Return a range of members in a sorted set, by score, with scores ordered from high to low",
			"O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).", zrevrangebyscoreCommand),
		spec("zrangebylex", -4, ro, 1, 1, 1, rs, "2.8.9", "Return a range of members in a sorted set, by lexicographical range",
			"O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).", zrangebylexCommand),
		spec("zrevrangebylex", -4, ro, 1, 1, 1, rs, "2.8.9", "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.",
			"O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).", zrevrangebylexCommand),
		spec("zremrangebyrank", 4, wr, 1, 1, 1, ws, "2.0.0", "Remove all members in a sorted set within the given indexes",
			"O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.", zremrangebyrankCommand),
		spec("zremrangebyscore", 4, wr, 1, 1, 1, ws, "1.2.0", "Remove all members in a sorted set within the given scores",
			"O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.", zremrangebyscoreCommand),
		spec("zremrangebylex", 4, wr, 1, 1, 1, ws, "2.8.9", "Remove all members in a sorted set between the given lexicographical range",
			"O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.", zremrangebylexCommand),
		spec("zpopmin", -2, wf, 1, 1, 1, w, "5.0.0", "Remove and return members with the lowest scores in a sorted set",
			"O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.", zpopminCommand),
		spec("zpopmax", -2, wf, 1, 1, 1, w, "5.0.0", "Remove and return members with the highest scores in a sorted set",
			"O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.", zpopmaxCommand),
		withKeys(spec("zmpop", -4, wr, 0, 0, 0, ws, "7.0.0", "Remove and return members with scores in a sorted set",
			"O(K) + O(N*log(M)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.", zmpopCommand), numKeysFunc(1, false)),
		spec("zrandmember", -2, ro, 1, 1, 1, rs, "6.2.0", "Get one or multiple random elements from a sorted set",
			"O(N) where N is the number of members returned", zrandmemberCommand),
		withKeys(spec("zunion", -3, ro, 0, 0, 0, rs, "6.2.0", "Add multiple sorted sets",
			"O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.", zunionCommand), numKeysFunc(1, false)),
		withKeys(spec("zinter", -3, ro, 0, 0, 0, rs, "6.2.0", "Intersect multiple sorted sets",
			"O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.", zinterCommand), numKeysFunc(1, false)),
		withKeys(spec("zdiff", -3, ro, 0, 0, 0, rs, "6.2.0", "Subtract multiple sorted sets",
			"O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.", zdiffCommand), numKeysFunc(1, false)),
		withKeys(spec("zunionstore", -4, wd, 1, 1, 1, ws, "2.0.0", "Add multiple sorted sets and store the resulting sorted set in a new key",
			"O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.", zunionstoreCommand), numKeysFunc(2, true)),
		withKeys(spec("zinterstore", -4, wd, 1, 1, 1, ws, "2.0.0", "Intersect multiple sorted sets and store the resulting sorted set in a new key",
			"O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.", zinterstoreCommand), numKeysFunc(2, true)),
		withKeys(spec("zdiffstore", -4, wd, 1, 1, 1, ws, "6.2.0", "Subtract multiple sorted sets and store the resulting sorted set in a new key",
			"O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.", zdiffstoreCommand), numKeysFunc(2, true)),
		withKeys(spec("zintercard", -3, ro, 0, 0, 0, rs, "7.0.0", "Intersect multiple sorted sets and return the cardinality of the result",
			"O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.", zintercardCommand), numKeysFunc(1, false)),
		spec("zscan", -3, ro, 1, 1, 1, rs, "2.8.0", "Incrementally iterate sorted sets elements and associated scores",
			"O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..", zscanCommand),
		spec("bzpopmin", -3, command.Write|command.NoScript|command.Blocking|command.Fast, 1, -2, 1, bf, "5.0.0",
			"Remove and return the member with the lowest score from one or more sorted sets, or block until one is available",
			"O(log(N)) with N being the number of elements in the sorted set.", bzpopminCommand),
		spec("bzpopmax", -3, command.Write|command.NoScript|command.Blocking|command.Fast, 1, -2, 1, bf, "5.0.0",
			"Remove and return the member with the highest score from one or more sorted sets, or block until one is available",
			"O(log(N)) with N being the number of elements in the sorted set.", bzpopmaxCommand),
		withKeys(spec("bzmpop", -5, command.Write|command.Blocking, 0, 0, 0, []string{"write", "sortedset", "slow", "blocking"}, "7.0.0",
			"Remove and return members with scores in a sorted set or block until one is available",
			"O(K) + O(N*log(M)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.", bzmpopCommand), numKeysFunc(2, false)),
	)
}

// numKeysFunc returns the key positions of a "numkeys key [key ...]"
// command whose numkeys is at index numIdx; withDest adds index 1 (the
// destination of the *STORE forms).
func numKeysFunc(numIdx int, withDest bool) command.KeysFunc {
	return func(args [][]byte) []int {
		if len(args) <= numIdx {
			return nil
		}
		n, ok := parseInt(args[numIdx])
		if !ok || n < 1 || n > int64(len(args)-numIdx-1) {
			return nil
		}
		var out []int
		if withDest {
			out = append(out, 1)
		}
		for i := 0; i < int(n); i++ {
			out = append(out, numIdx+1+i)
		}
		return out
	}
}

// Error texts of the sorted-set commands (Redis 7.0 t_zset.c).
const (
	errMinMaxFloat = "ERR min or max is not a float"
	errMinMaxLex   = "ERR min or max not valid string range item"
	errScoreNaN    = "ERR resulting score is not a number (NaN)"
	errWeightFloat = "ERR weight value is not a float"
	errLimitRank   = "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
	errScoresLex   = "ERR syntax error, WITHSCORES not supported in combination with BYLEX"
)

func lookupZSet(c *command.Context, key []byte, write bool) (*zset.ZSet, bool, bool) {
	return lookupTyped[*zset.ZSet](c, key, write)
}

// lookupZSetBlocking is lookupZSet for the blocking pops: when a parked
// command is re-run (c.Retry), a key that now holds another type counts
// as empty and the client keeps waiting, as in Redis.
func lookupZSetBlocking(c *command.Context, key []byte) (*zset.ZSet, bool, bool) {
	if c.Retry {
		if e := c.DB.LookupWrite(key); e != nil {
			if z, isZ := e.Obj().(*zset.ZSet); isZ {
				return z, true, true
			}
		}
		return nil, false, true
	}
	return lookupZSet(c, key, true)
}

// rangeFloat parses a ZRANGEBYSCORE bound number like Redis's
// zslParseRange, which calls strtod without further checks: leading
// spaces are skipped, an empty string is 0, overflow gives ±inf, only NaN
// and trailing garbage are errors. (A Redis wart copied on purpose:
// "ZCOUNT k ( 1" counts from an exclusive 0.)
func rangeFloat(b []byte) (float64, bool) {
	i := 0
	for i < len(b) && isSpaceByte(b[i]) {
		i++
	}
	b = b[i:]
	if len(b) == 0 {
		return 0, true
	}
	if f, ok := parseFloat(b); ok {
		return f, true
	}
	if strings.ContainsAny(string(b), "_xXpPnN") || isSpaceByte(b[len(b)-1]) {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil && !math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

func parseScoreBound(b []byte) (zset.ScoreBound, bool) {
	if len(b) > 0 && b[0] == '(' {
		f, ok := rangeFloat(b[1:])
		return zset.ScoreBound{Value: f, Excl: true}, ok
	}
	f, ok := rangeFloat(b)
	return zset.ScoreBound{Value: f}, ok
}

func parseScoreRange(min, max []byte) (lo, hi zset.ScoreBound, ok bool) {
	lo, ok1 := parseScoreBound(min)
	hi, ok2 := parseScoreBound(max)
	return lo, hi, ok1 && ok2
}

func parseLexBound(b []byte) (zset.LexBound, bool) {
	if len(b) == 0 {
		return zset.LexBound{}, false
	}
	switch b[0] {
	case '+':
		return zset.LexBound{PosInf: true}, len(b) == 1
	case '-':
		return zset.LexBound{NegInf: true}, len(b) == 1
	case '(':
		return zset.LexBound{Value: string(b[1:]), Excl: true}, true
	case '[':
		return zset.LexBound{Value: string(b[1:])}, true
	}
	return zset.LexBound{}, false
}

func parseLexRange(min, max []byte) (lo, hi zset.LexBound, ok bool) {
	lo, ok1 := parseLexBound(min)
	hi, ok2 := parseLexBound(max)
	return lo, hi, ok1 && ok2
}

// storeZSet replaces dst with z, or deletes dst when z is empty, and
// replies with z's size (the *STORE commands).
func storeZSet(c *command.Context, dst []byte, z *zset.ZSet) {
	if z.Len() == 0 {
		if c.DB.Delete(dst) {
			c.Notify(command.NotifyGeneric, "del", dst)
		}
	} else {
		c.DB.SetValue(dst, z, 0, false)
		c.Notify(command.NotifyZSet, c.Name(), dst) // zunionstore, zrangestore...
	}
	c.W.Int(int64(z.Len()))
}

// --- ZADD / ZINCRBY -------------------------------------------------------

const (
	zaddNX = 1 << iota
	zaddXX
	zaddGT
	zaddLT
	zaddCH
	zaddIncr
)

func zaddCommand(c *command.Context) { zaddGeneric(c, 0) }

func zincrbyCommand(c *command.Context) {
	zaddGeneric(c, zaddIncr)
}

func zaddGeneric(c *command.Context, flags int) {
	idx := 2
	if flags&zaddIncr == 0 {
	opts:
		for ; idx < len(c.Args); idx++ {
			a := c.Args[idx]
			switch {
			case eq(a, "nx"):
				flags |= zaddNX
			case eq(a, "xx"):
				flags |= zaddXX
			case eq(a, "ch"):
				flags |= zaddCH
			case eq(a, "incr"):
				flags |= zaddIncr
			case eq(a, "gt"):
				flags |= zaddGT
			case eq(a, "lt"):
				flags |= zaddLT
			default:
				break opts
			}
		}
	}
	elements := len(c.Args) - idx
	if elements%2 != 0 || elements == 0 {
		c.W.Error(command.ErrSyntax)
		return
	}
	elements /= 2
	nx, xx, gt, lt, incr := flags&zaddNX != 0, flags&zaddXX != 0, flags&zaddGT != 0, flags&zaddLT != 0, flags&zaddIncr != 0
	if nx && xx {
		c.W.Error("ERR XX and NX options at the same time are not compatible")
		return
	}
	if (gt && nx) || (lt && nx) || (gt && lt) {
		c.W.Error("ERR GT, LT, and/or NX options at the same time are not compatible")
		return
	}
	if incr && elements > 1 {
		c.W.Error("ERR INCR option supports a single increment-element pair")
		return
	}
	scores := make([]float64, elements)
	for j := range scores {
		f, ok := parseFloat(c.Args[idx+2*j])
		if !ok {
			c.W.Error(command.ErrNotFloat)
			return
		}
		scores[j] = f
	}
	key := c.Args[1]
	z, found, ok := lookupZSet(c, key, true)
	if !ok {
		return
	}
	added, updated, processed := 0, 0, 0
	var score float64
	if !found && !xx {
		z = zset.New()
		c.DB.SetValue(key, z, 0, false)
	}
	if found || !xx {
		for j := 0; j < elements; j++ {
			member := c.Args[idx+2*j+1]
			score = scores[j]
			cur, exists := z.Score(string(member))
			if exists {
				if nx {
					continue
				}
				if incr {
					score += cur
					if math.IsNaN(score) {
						c.W.Error(errScoreNaN)
						return
					}
				}
				if (lt && score >= cur) || (gt && score <= cur) {
					continue
				}
				processed++
				if score != cur {
					z.SetBytes(member, score)
					updated++
				}
				continue
			}
			if xx {
				continue
			}
			z.SetBytes(member, score)
			added++
			processed++
		}
		if added+updated > 0 && found {
			c.DB.Modified(key)
		}
		if added+updated > 0 {
			if incr {
				c.Notify(command.NotifyZSet, "zincr", key)
			} else {
				c.Notify(command.NotifyZSet, "zadd", key)
			}
		}
	}
	if incr {
		if processed > 0 {
			c.W.Double(score)
		} else {
			c.W.Null()
		}
		return
	}
	if flags&zaddCH != 0 {
		c.W.Int(int64(added + updated))
	} else {
		c.W.Int(int64(added))
	}
}

// --- simple reads and ZREM -------------------------------------------------

func zremCommand(c *command.Context) {
	key := c.Args[1]
	z, found, ok := lookupZSet(c, key, true)
	if !ok {
		return
	}
	if !found {
		c.W.Int(0)
		return
	}
	n := 0
	for _, m := range c.Args[2:] {
		if z.Remove(string(m)) {
			n++
		}
	}
	if n > 0 {
		removedFrom(c, key, command.NotifyZSet, "zrem", z.Len() == 0)
	}
	c.W.Int(int64(n))
}

func zscoreCommand(c *command.Context) {
	z, found, ok := lookupZSet(c, c.Args[1], false)
	if !ok {
		return
	}
	if found {
		if s, ok := z.Score(string(c.Args[2])); ok {
			c.W.Double(s)
			return
		}
	}
	c.W.Null()
}

func zmscoreCommand(c *command.Context) {
	z, found, ok := lookupZSet(c, c.Args[1], false)
	if !ok {
		return
	}
	c.W.Array(len(c.Args) - 2)
	for _, m := range c.Args[2:] {
		if found {
			if s, ok := z.Score(string(m)); ok {
				c.W.Double(s)
				continue
			}
		}
		c.W.Null()
	}
}

func zcardCommand(c *command.Context) {
	z, found, ok := lookupZSet(c, c.Args[1], false)
	if !ok {
		return
	}
	if !found {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(z.Len()))
}

func zcountCommand(c *command.Context) {
	lo, hi, ok := parseScoreRange(c.Args[2], c.Args[3])
	if !ok {
		c.W.Error(errMinMaxFloat)
		return
	}
	z, found, ok := lookupZSet(c, c.Args[1], false)
	if !ok {
		return
	}
	if !found {
		c.W.Int(0)
		return
	}
	start, stop := z.ScoreRange(lo, hi)
	c.W.Int(int64(max(0, stop-start+1)))
}

func zlexcountCommand(c *command.Context) {
	lo, hi, ok := parseLexRange(c.Args[2], c.Args[3])
	if !ok {
		c.W.Error(errMinMaxLex)
		return
	}
	z, found, ok := lookupZSet(c, c.Args[1], false)
	if !ok {
		return
	}
	if !found {
		c.W.Int(0)
		return
	}
	start, stop := z.LexRange(lo, hi)
	c.W.Int(int64(max(0, stop-start+1)))
}

func zrankCommand(c *command.Context)    { zrankGeneric(c, false) }
func zrevrankCommand(c *command.Context) { zrankGeneric(c, true) }

func zrankGeneric(c *command.Context, rev bool) {
	z, found, ok := lookupZSet(c, c.Args[1], false)
	if !ok {
		return
	}
	if found {
		if r, ok := z.Rank(string(c.Args[2])); ok {
			if rev {
				r = z.Len() - 1 - r
			}
			c.W.Int(int64(r))
			return
		}
	}
	c.W.Null()
}

// --- ZRANGE family --------------------------------------------------------

type rangeType uint8

const (
	rangeAuto rangeType = iota
	rangeRank
	rangeScore
	rangeLex
)

// zrangeOpts is a parsed ZRANGE-family request.
type zrangeOpts struct {
	key            []byte
	kind           rangeType
	rev            bool
	withScores     bool
	offset, limit  int64
	store          bool
	dst            []byte
	fixedDirection bool
	argStart       int // index of the key
}

func zrangeCommand(c *command.Context) {
	zrangeGeneric(c, zrangeOpts{argStart: 1})
}

func zrangestoreCommand(c *command.Context) {
	zrangeGeneric(c, zrangeOpts{argStart: 2, store: true, dst: c.Args[1]})
}

func zrevrangeCommand(c *command.Context) {
	zrangeGeneric(c, zrangeOpts{argStart: 1, kind: rangeRank, rev: true, fixedDirection: true})
}

func zrangebyscoreCommand(c *command.Context) {
	zrangeGeneric(c, zrangeOpts{argStart: 1, kind: rangeScore, fixedDirection: true})
}

func zrevrangebyscoreCommand(c *command.Context) {
	zrangeGeneric(c, zrangeOpts{argStart: 1, kind: rangeScore, rev: true, fixedDirection: true})
}

func zrangebylexCommand(c *command.Context) {
	zrangeGeneric(c, zrangeOpts{argStart: 1, kind: rangeLex, fixedDirection: true})
}

func zrevrangebylexCommand(c *command.Context) {
	zrangeGeneric(c, zrangeOpts{argStart: 1, kind: rangeLex, rev: true, fixedDirection: true})
}

// zrangeGeneric follows Redis's zrangeGenericCommand: options first, then
// the conflicts, then the range, then the key.
func zrangeGeneric(c *command.Context, o zrangeOpts) {
	args := c.Args
	o.key = args[o.argStart]
	minIdx, maxIdx := o.argStart+1, o.argStart+2
	o.limit = -1
	for j := o.argStart + 3; j < len(args); j++ {
		left := len(args) - j - 1
		a := args[j]
		switch {
		case !o.store && eq(a, "withscores"):
			o.withScores = true
		case eq(a, "limit") && left >= 2:
			off, ok1 := parseInt(args[j+1])
			if !ok1 {
				c.W.Error(command.ErrNotInteger)
				return
			}
			lim, ok2 := parseInt(args[j+2])
			if !ok2 {
				c.W.Error(command.ErrNotInteger)
				return
			}
			o.offset, o.limit = off, lim
			j += 2
		case !o.fixedDirection && !o.rev && eq(a, "rev"):
			o.rev = true
		case o.kind == rangeAuto && eq(a, "bylex"):
			o.kind = rangeLex
		case o.kind == rangeAuto && eq(a, "byscore"):
			o.kind = rangeScore
		default:
			c.W.Error(command.ErrSyntax)
			return
		}
	}
	if o.kind == rangeAuto {
		o.kind = rangeRank
	}
	// A Redis wart copied on purpose: "LIMIT 0 -1" is indistinguishable
	// from no LIMIT, so it is accepted with a rank range.
	if o.limit != -1 && o.kind == rangeRank {
		c.W.Error(errLimitRank)
		return
	}
	if o.withScores && o.kind == rangeLex {
		c.W.Error(errScoresLex)
		return
	}
	if o.rev && o.kind != rangeRank {
		minIdx, maxIdx = maxIdx, minIdx
	}
	var start, stop int64
	var slo, shi zset.ScoreBound
	var llo, lhi zset.LexBound
	switch o.kind {
	case rangeRank:
		var ok bool
		if start, ok = intArg(c, args[minIdx]); !ok {
			return
		}
		if stop, ok = intArg(c, args[maxIdx]); !ok {
			return
		}
	case rangeScore:
		var ok bool
		if slo, shi, ok = parseScoreRange(args[minIdx], args[maxIdx]); !ok {
			c.W.Error(errMinMaxFloat)
			return
		}
	case rangeLex:
		var ok bool
		if llo, lhi, ok = parseLexRange(args[minIdx], args[maxIdx]); !ok {
			c.W.Error(errMinMaxLex)
			return
		}
	}
	z, found, ok := lookupZSet(c, o.key, false)
	if !ok {
		return
	}
	if !found {
		if o.store {
			storeZSet(c, o.dst, zset.New())
		} else {
			c.W.Array(0)
		}
		return
	}
	// Resolve everything to an ascending index range [lo, hi] plus, for
	// BYSCORE/BYLEX, Redis's offset/limit applied in the scan direction.
	n := int64(z.Len())
	var lo, hi int64
	switch o.kind {
	case rangeRank:
		if start < 0 {
			start += n
		}
		if stop < 0 {
			stop += n
		}
		if start < 0 {
			start = 0
		}
		if start > stop || start >= n {
			emitRange(c, &o, z, 0, -1)
			return
		}
		if stop >= n {
			stop = n - 1
		}
		if o.rev {
			lo, hi = n-1-stop, n-1-start
		} else {
			lo, hi = start, stop
		}
	case rangeScore, rangeLex:
		var s, e int
		if o.kind == rangeScore {
			s, e = z.ScoreRange(slo, shi)
		} else {
			s, e = z.LexRange(llo, lhi)
		}
		lo, hi = int64(s), int64(e)
		// Redis skips offset elements with "while (offset--)": a
		// negative offset runs off the end, giving nothing; an offset
		// at or beyond the set's length gives nothing too.
		if o.offset < 0 || (o.offset > 0 && o.offset >= n) {
			emitRange(c, &o, z, 0, -1)
			return
		}
		if lo <= hi {
			if o.rev {
				hi -= o.offset
				if o.limit >= 0 && hi-lo+1 > o.limit {
					lo = hi - o.limit + 1
				}
			} else {
				lo += o.offset
				if o.limit >= 0 && hi-lo+1 > o.limit {
					hi = lo + o.limit - 1
				}
			}
		}
	}
	emitRange(c, &o, z, int(lo), int(hi))
}

// emitRange replies with (or stores) the elements with ascending indexes
// [lo, hi], in descending order when o.rev.
func emitRange(c *command.Context, o *zrangeOpts, z *zset.ZSet, lo, hi int) {
	if o.store {
		dst := zset.New()
		z.Range(lo, hi, o.rev, func(m string, s float64) bool {
			dst.Set(m, s)
			return true
		})
		storeZSet(c, o.dst, dst)
		return
	}
	count := 0
	if lo <= hi {
		count = hi - lo + 1
	}
	writeElements(c, count, o.withScores, func(fn func(string, float64)) {
		z.Range(lo, hi, o.rev, func(m string, s float64) bool { fn(m, s); return true })
	})
}

// writeElements replies with count elements produced by each. With scores
// the reply is Redis's: a flat member, score array in RESP2 and an array
// of [member, score] pairs in RESP3.
func writeElements(c *command.Context, count int, withScores bool, each func(fn func(m string, s float64))) {
	nested := withScores && c.W.Proto() == 3
	switch {
	case !withScores:
		c.W.Array(count)
	case nested:
		c.W.Array(count)
	default:
		c.W.Array(2 * count)
	}
	each(func(m string, s float64) {
		if nested {
			c.W.Array(2)
		}
		c.W.BulkString(m)
		if withScores {
			c.W.Double(s)
		}
	})
}

// --- ZREMRANGEBY* ---------------------------------------------------------

func zremrangebyrankCommand(c *command.Context) {
	start, ok := intArg(c, c.Args[2])
	if !ok {
		return
	}
	stop, ok := intArg(c, c.Args[3])
	if !ok {
		return
	}
	zremrange(c, func(z *zset.ZSet) (int, int) {
		n := int64(z.Len())
		if start < 0 {
			start += n
		}
		if stop < 0 {
			stop += n
		}
		if start < 0 {
			start = 0
		}
		if start > stop || start >= n {
			return 0, -1
		}
		return int(start), int(min(stop, n-1))
	})
}

func zremrangebyscoreCommand(c *command.Context) {
	lo, hi, ok := parseScoreRange(c.Args[2], c.Args[3])
	if !ok {
		c.W.Error(errMinMaxFloat)
		return
	}
	zremrange(c, func(z *zset.ZSet) (int, int) { return z.ScoreRange(lo, hi) })
}

func zremrangebylexCommand(c *command.Context) {
	lo, hi, ok := parseLexRange(c.Args[2], c.Args[3])
	if !ok {
		c.W.Error(errMinMaxLex)
		return
	}
	zremrange(c, func(z *zset.ZSet) (int, int) { return z.LexRange(lo, hi) })
}

func zremrange(c *command.Context, bounds func(z *zset.ZSet) (int, int)) {
	key := c.Args[1]
	z, found, ok := lookupZSet(c, key, true)
	if !ok {
		return
	}
	if !found {
		c.W.Int(0)
		return
	}
	lo, hi := bounds(z)
	n := z.DeleteRange(lo, hi)
	if n > 0 {
		c.Notify(command.NotifyZSet, c.Name(), key) // zremrangebyrank...
		if z.Len() == 0 {
			c.DB.Delete(key)
			c.Notify(command.NotifyGeneric, "del", key)
		} else {
			c.DB.Modified(key)
		}
	}
	c.W.Int(int64(n))
}

// --- pops -----------------------------------------------------------------

// popN removes up to count elements from the low (max=false) or high end
// and returns them; it deletes the key when the set empties.
//
// The popped elements are appended to members and scores (a caller may
// pass small arrays of its own, so popping one element allocates
// nothing).
func popN(c *command.Context, key []byte, z *zset.ZSet, count int64, fromMax bool, members []string, scores []float64) ([]string, []float64) {
	n := int(min(count, int64(z.Len())))
	for i := 0; i < n; i++ {
		idx := 0
		if fromMax {
			idx = z.Len() - 1
		}
		m, s := z.At(idx)
		z.DeleteRange(idx, idx)
		members = append(members, m)
		scores = append(scores, s)
	}
	if n > 0 {
		if fromMax {
			c.Notify(command.NotifyZSet, "zpopmax", key)
		} else {
			c.Notify(command.NotifyZSet, "zpopmin", key)
		}
		if z.Len() == 0 {
			c.DB.Delete(key)
			c.Notify(command.NotifyGeneric, "del", key)
		} else {
			c.DB.Modified(key)
		}
	}
	return members, scores
}

func zpopminCommand(c *command.Context) { zpopGeneric(c, false) }
func zpopmaxCommand(c *command.Context) { zpopGeneric(c, true) }

func zpopGeneric(c *command.Context, fromMax bool) {
	if len(c.Args) > 3 {
		c.W.Error(command.ErrSyntax)
		return
	}
	count := int64(1)
	hasCount := len(c.Args) == 3
	if hasCount {
		n, ok := parseInt(c.Args[2])
		if !ok || n < 0 {
			c.W.Error(errMustBePositive)
			return
		}
		count = n
	}
	key := c.Args[1]
	z, found, ok := lookupZSet(c, key, true)
	if !ok {
		return
	}
	// Redis checks the type before answering a count of 0.
	if !found || count == 0 {
		c.W.Array(0)
		return
	}
	var mbuf [1]string
	var sbuf [1]float64
	ms, ss := popN(c, key, z, count, fromMax, mbuf[:0], sbuf[:0])
	// RESP3 nests [member, score] pairs only when a count was given.
	nested := hasCount && c.W.Proto() == 3
	if nested {
		c.W.Array(len(ms))
	} else {
		c.W.Array(2 * len(ms))
	}
	for i := range ms {
		if nested {
			c.W.Array(2)
		}
		c.W.BulkString(ms[i])
		c.W.Double(ss[i])
	}
}

// parseMPop parses "numkeys key... MIN|MAX [COUNT n]" starting at
// args[numIdx]. ok is false when the error was sent.
func parseMPop(c *command.Context, numIdx int) (keys [][]byte, fromMax bool, count int64, ok bool) {
	args := c.Args
	n, isInt := parseInt(args[numIdx])
	if !isInt || n <= 0 {
		c.W.Error(errNumkeys)
		return nil, false, 0, false
	}
	if n > int64(len(args)-numIdx-2) {
		c.W.Error(command.ErrSyntax)
		return nil, false, 0, false
	}
	keys = args[numIdx+1 : numIdx+1+int(n)]
	j := numIdx + 1 + int(n)
	switch {
	case eq(args[j], "min"):
	case eq(args[j], "max"):
		fromMax = true
	default:
		c.W.Error(command.ErrSyntax)
		return nil, false, 0, false
	}
	count = 1
	seenCount := false
	for j++; j < len(args); j++ {
		if eq(args[j], "count") && j+1 < len(args) && !seenCount {
			v, isInt := parseInt(args[j+1])
			if !isInt || v <= 0 {
				c.W.Error(errCountPositive)
				return nil, false, 0, false
			}
			count, seenCount = v, true
			j++
			continue
		}
		c.W.Error(command.ErrSyntax)
		return nil, false, 0, false
	}
	return keys, fromMax, count, true
}

// mpopFirst pops from the first non-empty key and replies [key,
// [[member, score]...]]. It reports whether a key had elements (when
// false nothing was written).
func mpopFirst(c *command.Context, keys [][]byte, fromMax bool, count int64) (popped, ok bool) {
	for _, key := range keys {
		z, found, ok := lookupZSetBlocking(c, key)
		if !ok {
			return false, false
		}
		if !found {
			continue
		}
		ms, ss := popN(c, key, z, count, fromMax, nil, nil)
		c.Propagate([]byte(popName(fromMax)), key, strconv.AppendInt(nil, count, 10))
		c.W.Array(2)
		c.W.Bulk(key)
		c.W.Array(len(ms))
		for i := range ms {
			c.W.Array(2)
			c.W.BulkString(ms[i])
			c.W.Double(ss[i])
		}
		return true, true
	}
	return false, true
}

func zmpopCommand(c *command.Context) {
	keys, fromMax, count, ok := parseMPop(c, 1)
	if !ok {
		return
	}
	popped, ok := mpopFirst(c, keys, fromMax, count)
	if ok && !popped {
		c.W.NullArray()
	}
}

func bzmpopCommand(c *command.Context) {
	// Redis parses the timeout last (in blockingGenericZpopCommand).
	keys, fromMax, count, ok := parseMPop(c, 2)
	if !ok {
		return
	}
	timeout, ok := timeoutArg(c, c.Args[1])
	if !ok {
		return
	}
	popped, ok := mpopFirst(c, keys, fromMax, count)
	if ok && !popped {
		c.Block(keys, timeout, true)
	}
}

// popName is the command a pop is logged as (Redis rewrites ZMPOP and the
// blocking pops to ZPOPMIN/ZPOPMAX key count).
func popName(fromMax bool) string {
	if fromMax {
		return "ZPOPMAX"
	}
	return "ZPOPMIN"
}

func bzpopminCommand(c *command.Context) { bzpopGeneric(c, false) }
func bzpopmaxCommand(c *command.Context) { bzpopGeneric(c, true) }

func bzpopGeneric(c *command.Context, fromMax bool) {
	timeout, ok := timeoutArg(c, c.Args[len(c.Args)-1])
	if !ok {
		return
	}
	keys := c.Args[1 : len(c.Args)-1]
	for _, key := range keys {
		z, found, ok := lookupZSetBlocking(c, key)
		if !ok {
			return
		}
		if !found {
			continue
		}
		ms, ss := popN(c, key, z, 1, fromMax, nil, nil)
		// Logged as the non-blocking pop it performed, as Redis does.
		c.Propagate([]byte(popName(fromMax)), key)
		c.W.Array(3)
		c.W.Bulk(key)
		c.W.BulkString(ms[0])
		c.W.Double(ss[0])
		return
	}
	c.Block(keys, timeout, true)
}

// --- ZRANDMEMBER ------------------------------------------------------------

func zrandmemberCommand(c *command.Context) {
	args := c.Args
	if len(args) > 2 {
		// Redis parses the count before checking what follows it.
		if _, ok := intArg(c, args[2]); !ok {
			return
		}
	}
	if len(args) > 4 || (len(args) == 4 && !eq(args[3], "withscores")) {
		c.W.Error(command.ErrSyntax)
		return
	}
	if len(args) == 2 {
		z, found, ok := lookupZSet(c, args[1], false)
		if !ok {
			return
		}
		if !found {
			c.W.Null()
			return
		}
		m, _ := z.Random(c.KS.Rand())
		c.W.BulkString(m)
		return
	}
	count, ok := intArg(c, args[2])
	if !ok {
		return
	}
	if count == math.MinInt64 {
		c.W.Error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
		return
	}
	withScores := len(args) == 4
	if withScores && (count < -math.MaxInt64/2 || count > math.MaxInt64/2) {
		c.W.Error("ERR value is out of range")
		return
	}
	z, found, ok := lookupZSet(c, args[1], false)
	if !ok {
		return
	}
	if !found || count == 0 {
		c.W.Array(0)
		return
	}
	rnd := c.KS.Rand()
	size := int64(z.Len())
	if count < 0 {
		// Repetitions allowed: -count independent draws.
		n := int(-count)
		writeElements(c, n, withScores, func(fn func(string, float64)) {
			for i := 0; i < n; i++ {
				fn(z.Random(rnd))
			}
		})
		return
	}
	if count >= size {
		// The whole set. Redis 7.0 walks a listpack from its tail here,
		// so the reply is in descending order; we do the same for every
		// encoding (Redis's order for a skiplist is its hash table's).
		writeElements(c, int(size), withScores, func(fn func(string, float64)) {
			z.Range(0, int(size)-1, true, func(m string, s float64) bool { fn(m, s); return true })
		})
		return
	}
	// count distinct random members: a partial Fisher-Yates over indexes.
	idx := make([]int, size)
	for i := range idx {
		idx[i] = i
	}
	for i := 0; i < int(count); i++ {
		j := i + rnd.IntN(int(size)-i)
		idx[i], idx[j] = idx[j], idx[i]
	}
	writeElements(c, int(count), withScores, func(fn func(string, float64)) {
		for _, i := range idx[:count] {
			fn(z.At(i))
		}
	})
}

// --- ZUNION / ZINTER / ZDIFF --------------------------------------------------

type setOp uint8

const (
	opUnion setOp = iota
	opInter
	opDiff
)

type aggregate uint8

const (
	aggSum aggregate = iota
	aggMin
	aggMax
)

// plainSet is what a SET value offers to the sorted-set algebra, where
// each member counts with score 1. The set type (datastructs/set) is
// written in parallel; any value of TypeSet with these methods qualifies.
type plainSet interface {
	datastructs.Value
	Len() int
	HasString(m string) bool
	Range(fn func(m string) bool)
}

// zsource is one input of ZUNION/ZINTER/ZDIFF: a sorted set, a plain set
// or nothing (a missing key).
type zsource struct {
	z      *zset.ZSet
	s      plainSet
	weight float64
}

func (src *zsource) size() int {
	switch {
	case src.z != nil:
		return src.z.Len()
	case src.s != nil:
		return src.s.Len()
	}
	return 0
}

func (src *zsource) score(m string) (float64, bool) {
	switch {
	case src.z != nil:
		return src.z.Score(m)
	case src.s != nil:
		return 1, src.s.HasString(m)
	}
	return 0, false
}

func (src *zsource) each(fn func(m string, s float64)) {
	switch {
	case src.z != nil:
		src.z.Range(0, src.z.Len()-1, false, func(m string, s float64) bool { fn(m, s); return true })
	case src.s != nil:
		src.s.Range(func(m string) bool { fn(m, 1); return true })
	}
}

func aggregateScores(agg aggregate, target *float64, v float64) {
	switch agg {
	case aggSum:
		*target += v
		// inf + -inf gives NaN; Redis turns it into 0.
		if math.IsNaN(*target) {
			*target = 0
		}
	// Redis's comparisons, not Go's min/max: between 0 and -0 the value
	// already there stays.
	case aggMin:
		if v < *target {
			*target = v
		}
	case aggMax:
		if v > *target {
			*target = v
		}
	}
}

func zunionCommand(c *command.Context)      { zsetOpGeneric(c, opUnion, nil, 1) }
func zinterCommand(c *command.Context)      { zsetOpGeneric(c, opInter, nil, 1) }
func zdiffCommand(c *command.Context)       { zsetOpGeneric(c, opDiff, nil, 1) }
func zunionstoreCommand(c *command.Context) { zsetOpGeneric(c, opUnion, c.Args[1], 2) }
func zinterstoreCommand(c *command.Context) { zsetOpGeneric(c, opInter, c.Args[1], 2) }
func zdiffstoreCommand(c *command.Context)  { zsetOpGeneric(c, opDiff, c.Args[1], 2) }

// zsetOpGeneric follows Redis's zunionInterDiffGenericCommand.
func zsetOpGeneric(c *command.Context, op setOp, dst []byte, numIdx int) {
	args := c.Args
	numkeys, ok := intArg(c, args[numIdx])
	if !ok {
		return
	}
	if numkeys < 1 {
		c.W.Error("ERR at least 1 input key is needed for '" + c.Name() + "' command")
		return
	}
	if numkeys > int64(len(args)-numIdx-1) {
		c.W.Error(command.ErrSyntax)
		return
	}
	srcs := make([]zsource, numkeys)
	for i := range srcs {
		key := args[numIdx+1+i]
		// Read lookups with STORE too, as Redis 7.0 (stats, "keymiss").
		e := c.DB.Lookup(key)
		srcs[i].weight = 1
		if e == nil {
			continue
		}
		switch v := e.Obj().(type) {
		case *zset.ZSet:
			srcs[i].z = v
		case plainSet:
			if v.Type() == datastructs.TypeSet {
				srcs[i].s = v
				continue
			}
			c.W.Error(datastructs.ErrWrongType.Error())
			return
		default:
			c.W.Error(datastructs.ErrWrongType.Error())
			return
		}
	}
	agg := aggSum
	withScores := false
	for j := numIdx + 1 + int(numkeys); j < len(args); j++ {
		left := len(args) - j - 1
		a := args[j]
		switch {
		case op != opDiff && eq(a, "weights") && left >= int(numkeys):
			for i := range srcs {
				w, ok := parseFloat(args[j+1+i])
				if !ok {
					c.W.Error(errWeightFloat)
					return
				}
				srcs[i].weight = w
			}
			j += int(numkeys)
		case op != opDiff && eq(a, "aggregate") && left >= 1:
			switch b := args[j+1]; {
			case eq(b, "sum"):
				agg = aggSum
			case eq(b, "min"):
				agg = aggMin
			case eq(b, "max"):
				agg = aggMax
			default:
				c.W.Error(command.ErrSyntax)
				return
			}
			j++
		case dst == nil && eq(a, "withscores"):
			withScores = true
		default:
			c.W.Error(command.ErrSyntax)
			return
		}
	}
	res := zset.New()
	if dst == nil {
		// Redis builds a reply-only result as a skiplist, which keeps
		// negative zeros (a stored result becomes a listpack).
		res.ConvertToSkiplist()
	}
	switch op {
	case opUnion:
		zunion(res, srcs, agg)
	case opInter:
		zinter(res, srcs, agg)
	default:
		zdiff(res, srcs)
	}
	if dst != nil {
		storeZSet(c, dst, res)
		return
	}
	n := res.Len()
	writeElements(c, n, withScores, func(fn func(string, float64)) {
		res.Range(0, n-1, false, func(m string, s float64) bool { fn(m, s); return true })
	})
}

// weighted multiplies like Redis: 0 * ±inf gives 0, not NaN.
func weighted(s, w float64) float64 {
	v := s * w
	if math.IsNaN(v) {
		return 0
	}
	return v
}

// bySize orders the sources by cardinality as Redis's qsort does, so the
// aggregation order (and float rounding) matches.
func bySize(srcs []zsource) []zsource {
	out := append([]zsource(nil), srcs...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].size() < out[j].size() })
	return out
}

func zunion(res *zset.ZSet, srcs []zsource, agg aggregate) {
	acc := make(map[string]float64)
	var order []string
	for _, src := range bySize(srcs) {
		src.each(func(m string, s float64) {
			v := weighted(s, src.weight)
			if cur, ok := acc[m]; ok {
				aggregateScores(agg, &cur, v)
				acc[m] = cur
				return
			}
			acc[m] = v
			order = append(order, m)
		})
	}
	for _, m := range order {
		res.Set(strings.Clone(m), acc[m])
	}
}

func zinter(res *zset.ZSet, srcs []zsource, agg aggregate) {
	s := bySize(srcs)
	if s[0].size() == 0 {
		return
	}
	s[0].each(func(m string, sc float64) {
		score := weighted(sc, s[0].weight)
		for i := 1; i < len(s); i++ {
			v, ok := s[i].score(m)
			if !ok {
				return
			}
			aggregateScores(agg, &score, weighted(v, s[i].weight))
		}
		res.Set(strings.Clone(m), score)
	})
}

func zdiff(res *zset.ZSet, srcs []zsource) {
	srcs[0].each(func(m string, s float64) {
		for i := 1; i < len(srcs); i++ {
			if _, ok := srcs[i].score(m); ok {
				return
			}
		}
		res.Set(strings.Clone(m), s)
	})

}

func zintercardCommand(c *command.Context) {
	args := c.Args
	n, ok := intArg(c, args[1])
	if !ok {
		return
	}
	if n < 1 {
		c.W.Error("ERR at least 1 input key is needed for 'zintercard' command")
		return
	}
	if n > int64(len(args)-2) {
		c.W.Error(command.ErrSyntax)
		return
	}
	srcs := make([]zsource, n)
	for i := range srcs {
		e := c.DB.Lookup(args[2+i])
		if e == nil {
			continue
		}
		switch v := e.Obj().(type) {
		case *zset.ZSet:
			srcs[i].z = v
		case plainSet:
			if v.Type() != datastructs.TypeSet {
				c.W.Error(datastructs.ErrWrongType.Error())
				return
			}
			srcs[i].s = v
		default:
			c.W.Error(datastructs.ErrWrongType.Error())
			return
		}
	}
	// Redis reads the keys (WRONGTYPE) before the LIMIT option.
	limit := int64(0)
	for j := 2 + int(n); j < len(args); j++ {
		if eq(args[j], "limit") && j+1 < len(args) {
			v, ok := parseInt(args[j+1])
			if !ok || v < 0 {
				c.W.Error("ERR LIMIT can't be negative")
				return
			}
			limit = v
			j++
			continue
		}
		c.W.Error(command.ErrSyntax)
		return
	}
	s := bySize(srcs)
	count := int64(0)
	if s[0].size() > 0 {
		stop := false
		s[0].each(func(m string, _ float64) {
			if stop {
				return
			}
			for i := 1; i < len(s); i++ {
				if _, ok := s[i].score(m); !ok {
					return
				}
			}
			count++
			if limit > 0 && count >= limit {
				stop = true
			}
		})
	}
	c.W.Int(count)
}

// --- ZSCAN --------------------------------------------------------------------

// zscanCommand implements ZSCAN. A set Redis would keep as a listpack is
// returned whole, in order, with cursor 0 whatever the cursor given.
func zscanCommand(c *command.Context) {
	args := c.Args
	cursor, ok := collScanCursor(c, args[2])
	if !ok {
		return
	}
	// Redis looks the key up before parsing the options: a missing key
	// replies an empty scan whatever follows (a wart, kept).
	z, found, ok := lookupZSet(c, args[1], false)
	if !ok {
		return
	}
	if !found {
		emptyScanReply(c)
		return
	}
	opts, ok := collScanArgs(c, args[3:])
	if !ok {
		return
	}
	count := opts.count
	var out []string
	var scores []float64
	next := uint64(0)
	add := func(m string, s float64) {
		if opts.pattern != nil && !glob.MatchKey(opts.pattern, m, false) {
			return
		}
		out = append(out, m)
		scores = append(scores, s)
	}
	if found {
		if z.IsListpack() {
			z.Range(0, z.Len()-1, false, func(m string, s float64) bool { add(m, s); return true })
		} else {
			next = z.Scan(cursor, count, add)
		}
	}
	c.W.Array(2)
	c.W.BulkString(strconv.FormatUint(next, 10))
	c.W.Array(2 * len(out))
	var buf []byte
	for i, m := range out {
		c.W.BulkString(m)
		buf = appendD2String(buf[:0], scores[i])
		c.W.Bulk(buf)
	}
}

// appendD2String formats a score like Redis 7.0.15's d2string (used by
// ZSCAN): "-0" for negative zero, integral values within ±LLONG_MAX/2 as
// integers, otherwise %.17g.
func appendD2String(b []byte, f float64) []byte {
	const lim = float64(math.MaxInt64 / 2)
	if f == 0 && math.Signbit(f) {
		return append(b, "-0"...)
	}
	if f >= -lim && f <= lim && f == math.Trunc(f) {
		return strconv.AppendInt(b, int64(f), 10)
	}
	return resp.AppendDouble(b, f)
}
