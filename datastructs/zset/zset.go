package zset

import (
	"math/rand/v2"
	"unsafe"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/datastructs/dict"
)

// Redis 7.0's default zset-max-listpack-entries and zset-max-listpack-value:
// a sorted set reports "listpack" until it has held more members, or a
// longer member, than these.
const (
	MaxListpackEntries = 128
	MaxListpackValue   = 64
)

// ZSet is a sorted set. The zero value is not usable; call New.
type ZSet struct {
	dict *dict.Dict[float64]
	zsl  *skiplist
	// big is set once the set exceeded the listpack limits; like Redis,
	// the encoding never converts back when the set shrinks.
	big bool
	// bytes is the heap size of the member strings (Size); each is
	// shared by the table and the skiplist.
	bytes int64
}

var (
	zsetHdr   = datastructs.AllocSize(int(unsafe.Sizeof(ZSet{}))) + datastructs.AllocSize(int(unsafe.Sizeof(skiplist{}))) + datastructs.AllocSize(int(unsafe.Sizeof(dict.Dict[float64]{})))
	zsetEntry = datastructs.AllocSize(dict.NodeSize[float64]()) + datastructs.AllocSize(int(unsafe.Sizeof(node{}))) +
		// The level slice: 16 bytes a level, 1/(1-levelP) levels on
		// average.
		int64(16*4/3) // levelP = 1/4
)

// Size implements datastructs.Sizer in O(1): the table, the skiplist
// (with the average number of levels) and the member strings.
func (z *ZSet) Size() int64 {
	return zsetHdr + maxLevel*16 + int64(z.dict.Buckets())*8 + int64(z.zsl.length)*zsetEntry + z.bytes
}

// New returns an empty sorted set.
func New() *ZSet {
	return &ZSet{dict: dict.New[float64](0), zsl: newSkiplist()}
}

// NewSkiplist returns an empty sorted set with the "skiplist" encoding
// from the start, for a loader that inserts every member before the
// encoding is decided, as Redis's RDB load does: while it is built,
// -0 scores are kept. Call Compact after the last insert.
func NewSkiplist() *ZSet {
	z := New()
	z.big = true
	return z
}

// NewSkiplistSized is NewSkiplist for a loader that knows it will insert
// about n members: the member table is sized for them at once.
func NewSkiplistSized(n int) *ZSet {
	return &ZSet{dict: dict.New[float64](n), zsl: newSkiplist(), big: true}
}

// FromMembers builds a sorted set as a loader does (NewSkiplistSized,
// Set for each member, Compact) with one table operation per member; the
// member strings are taken over. It returns nil and the member when a
// member repeats. No score may be NaN.
func FromMembers(members []string, scores []float64) (z *ZSet, dup string) {
	z = NewSkiplistSized(len(members))
	for i, m := range members {
		if !z.dict.Set(m, scores[i]) {
			return nil, m
		}
		z.zsl.insert(scores[i], m)
		z.bytes += datastructs.AllocSize(len(m))
	}
	z.Compact()
	return z, ""
}

// Compact switches the set to "listpack" when Redis would after loading
// it: at most MaxListpackEntries members, none longer than
// MaxListpackValue bytes. Like any listpack set it then holds no -0
// score. It does nothing to a set that is already a listpack or too big.
func (z *ZSet) Compact() {
	if !z.big || z.zsl.length > MaxListpackEntries {
		return
	}
	for x := z.zsl.header.at(0).forward; x != nil; x = x.at(0).forward {
		if len(x.member) > MaxListpackValue {
			return
		}
	}
	for x := z.zsl.header.at(0).forward; x != nil; x = x.at(0).forward {
		if x.score == 0 { // -0 sorts equal to 0: the order is unchanged
			x.score = 0
			*z.dict.GetPtr(x.member) = 0
		}
	}
	z.big = false
}

// Type implements datastructs.Value.
func (z *ZSet) Type() datastructs.Type { return datastructs.TypeZSet }

// Encoding implements datastructs.Encoder with the names Redis 7.0 reports.
func (z *ZSet) Encoding() string {
	if z.big {
		return "skiplist"
	}
	return "listpack"
}

// ConvertToSkiplist makes the set report "skiplist" from now on, as
// Redis's zsetConvert does (SORT converts the sets it sorts).
func (z *ZSet) ConvertToSkiplist() { z.big = true }

// IsListpack reports whether Redis would keep this set as a listpack
// (ZSCAN then returns everything in one call, in order).
func (z *ZSet) IsListpack() bool { return !z.big }

// Copy implements datastructs.Copier with a deep copy.
func (z *ZSet) Copy() datastructs.Value {
	c := New()
	for x := z.zsl.header.at(0).forward; x != nil; x = x.at(0).forward {
		c.dict.Set(x.member, x.score)
		c.zsl.insert(x.score, x.member)
	}
	c.big = z.big
	c.bytes = z.bytes
	return c
}

// Len returns the number of members.
func (z *ZSet) Len() int { return z.zsl.length }

// Score returns member's score.
func (z *ZSet) Score(member string) (float64, bool) { return z.dict.Get(member) }

// Set inserts member with score or updates its score, and reports whether
// it was added (not present before). score must not be NaN. member is
// stored as given: the caller passes a string it owns.
func (z *ZSet) Set(member string, score float64) (added bool) {
	old, exists := z.dict.Get(member)
	if !exists && (len(member) > MaxListpackValue || z.zsl.length+1 > MaxListpackEntries) {
		z.big = true
	}
	if score == 0 && !z.big {
		// A listpack stores scores as text and Redis 7.0 writes -0 as
		// "0": small sets never hold a negative zero.
		score = 0
	}
	if exists {
		// Like Redis, -0 and 0 compare equal: no update.
		if old != score {
			z.zsl.updateScore(old, member, score)
			*z.dict.GetPtr(member) = score
		}
		return false
	}
	z.zsl.insert(score, member)
	z.dict.Set(member, score)
	z.bytes += datastructs.AllocSize(len(member))
	return true
}

// Remove deletes member and reports whether it was present.
func (z *ZSet) Remove(member string) bool {
	score, ok := z.dict.Delete(member)
	if !ok {
		return false
	}
	z.zsl.delete(score, member)
	z.bytes -= datastructs.AllocSize(len(member))
	return true
}

// Rank returns member's 0-based rank in ascending order.
func (z *ZSet) Rank(member string) (int, bool) {
	score, ok := z.dict.Get(member)
	if !ok {
		return 0, false
	}
	return z.zsl.rank(score, member) - 1, true
}

// At returns the element at 0-based ascending index i, which must be in
// [0, Len()).
func (z *ZSet) At(i int) (member string, score float64) {
	x := z.zsl.byRank(i + 1)
	return x.member, x.score
}

// Range calls fn for the elements with 0-based ascending indexes in
// [start, stop], in ascending order, or in descending order (stop first)
// when rev is set, until fn returns false. The bounds must be valid
// indexes; nothing is visited if start > stop. fn must not modify z.
func (z *ZSet) Range(start, stop int, rev bool, fn func(member string, score float64) bool) {
	if start > stop || start < 0 || stop >= z.zsl.length {
		return
	}
	if !rev {
		x := z.zsl.byRank(start + 1)
		for i := start; i <= stop && x != nil; i++ {
			if !fn(x.member, x.score) {
				return
			}
			x = x.at(0).forward
		}
		return
	}
	x := z.zsl.byRank(stop + 1)
	for i := stop; i >= start && x != nil; i-- {
		if !fn(x.member, x.score) {
			return
		}
		x = x.backward
	}
}

// ScoreBound is one end of a score interval; Excl makes it open ("(1.5").
type ScoreBound struct {
	Value float64
	Excl  bool
}

// ScoreRange returns the 0-based index range [start, stop] of the elements
// with min <= score <= max (respecting exclusive ends); start > stop when
// there are none.
func (z *ZSet) ScoreRange(min, max ScoreBound) (start, stop int) {
	start = z.zsl.countWhile(func(x *node) bool {
		return x.score < min.Value || (min.Excl && x.score == min.Value)
	})
	end := z.zsl.countWhile(func(x *node) bool {
		return x.score < max.Value || (!max.Excl && x.score == max.Value)
	})
	return start, end - 1
}

// LexBound is one end of a lexicographic interval: "-" (NegInf), "+"
// (PosInf), "[v" (inclusive) or "(v" (Excl).
type LexBound struct {
	Value          string
	Excl           bool
	NegInf, PosInf bool
}

// belowMin reports whether m sorts before the interval's lower bound b.
func (b LexBound) belowMin(m string) bool {
	switch {
	case b.NegInf:
		return false
	case b.PosInf:
		return true
	case b.Excl:
		return m <= b.Value
	}
	return m < b.Value
}

// withinMax reports whether m is not above the upper bound b.
func (b LexBound) withinMax(m string) bool {
	switch {
	case b.NegInf:
		return false
	case b.PosInf:
		return true
	case b.Excl:
		return m < b.Value
	}
	return m <= b.Value
}

// LexRange returns the 0-based index range [start, stop] of the members
// between min and max. Like Redis it assumes all scores are equal; with
// mixed scores the result follows the (score, member) order and is
// unspecified, as Redis documents.
func (z *ZSet) LexRange(min, max LexBound) (start, stop int) {
	start = z.zsl.countWhile(func(x *node) bool { return min.belowMin(x.member) })
	end := z.zsl.countWhile(func(x *node) bool { return max.withinMax(x.member) })
	return start, end - 1
}

// DeleteRange removes the elements with 0-based ascending indexes in
// [start, stop] (clamped to the set) and returns how many it removed.
func (z *ZSet) DeleteRange(start, stop int) int {
	if start < 0 {
		start = 0
	}
	if stop >= z.zsl.length {
		stop = z.zsl.length - 1
	}
	if start > stop {
		return 0
	}
	return z.zsl.deleteRangeByRank(start+1, stop+1, func(m string) {
		z.dict.Delete(m)
		z.bytes -= datastructs.AllocSize(len(m))
	})
}

// Scan visits members from cursor on with the hash table's reverse-binary
// cursor (see dict.Dict.Scan) and returns the next cursor, 0 when done.
func (z *ZSet) Scan(cursor uint64, count int, fn func(member string, score float64)) uint64 {
	return z.dict.Scan(cursor, count, fn)
}

// Random returns a uniformly chosen element; the set must not be empty.
func (z *ZSet) Random(rnd *rand.Rand) (member string, score float64) {
	return z.At(rnd.IntN(z.zsl.length))
}
