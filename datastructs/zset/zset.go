package zset

import (
	"math/rand/v2"
	"strings"
	"unsafe"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/datastructs/dict"
)

// MaxListpackEntries is Redis's zset-max-listpack-entries (default 128 in
// Redis 7.0): a sorted set keeps the "listpack" encoding until it would
// hold more members than this. Read with the server lock held; change it
// only under that lock.
var MaxListpackEntries = 128

// MaxListpackValue is Redis's zset-max-listpack-value (default 64 bytes):
// adding a longer member converts a listpack to a skiplist.
var MaxListpackValue = 64

// ZSet is a sorted set. The zero value is not usable; call New.
type ZSet struct {
	// lp is the "listpack" encoding, live while sk == nil: see lp.go.
	// nil when empty.
	lp []byte
	sk *skipEnc // "skiplist"
}

// skipEnc is the "skiplist" encoding: a member→score table and the
// ordered index (a counted B+tree, btree.go), sharing each member string.
type skipEnc struct {
	dict *dict.Dict[float64]
	zsl  btree
	// bytes is the heap size of the member strings (Size).
	bytes int64
}

func newSkipEnc(sizeHint int) *skipEnc {
	e := &skipEnc{dict: dict.New[float64](sizeHint)}
	e.zsl.init()
	return e
}

var (
	zsetHdr  = datastructs.AllocSize(int(unsafe.Sizeof(ZSet{})))
	skipHdr  = datastructs.AllocSize(int(unsafe.Sizeof(skipEnc{}))) + datastructs.AllocSize(int(unsafe.Sizeof(dict.Dict[float64]{})))
	dictNode = datastructs.AllocSize(dict.NodeSize[float64]())
)

// Size implements datastructs.Sizer in O(1): for a listpack the structure
// and its buffer; for a skiplist the table, the tree's nodes (a running
// count) and the member strings.
func (z *ZSet) Size() int64 {
	if z.sk == nil {
		return zsetHdr + datastructs.AllocSize(cap(z.lp))
	}
	e := z.sk
	return zsetHdr + skipHdr + int64(e.dict.Buckets())*8 + int64(e.zsl.length)*dictNode + e.zsl.bytes + e.bytes
}

// New returns an empty sorted set with the "listpack" encoding.
func New() *ZSet { return &ZSet{} }

// NewSkiplist returns an empty sorted set with the "skiplist" encoding
// from the start, for a loader that inserts every member before the
// encoding is decided, as Redis's RDB load does: while it is built,
// -0 scores are kept. Call Compact after the last insert.
func NewSkiplist() *ZSet { return &ZSet{sk: newSkipEnc(0)} }

// NewSkiplistSized is NewSkiplist for a loader that knows it will insert
// about n members: the member table is sized for them at once.
func NewSkiplistSized(n int) *ZSet { return &ZSet{sk: newSkipEnc(n)} }

// FromMembers builds a sorted set as a loader does (NewSkiplistSized,
// Set for each member, Compact) with one table operation per member; the
// member strings are taken over. It returns nil and the member when a
// member repeats. No score may be NaN.
func FromMembers(members []string, scores []float64) (z *ZSet, dup string) {
	z = NewSkiplistSized(len(members))
	e := z.sk
	for i, m := range members {
		if !e.dict.Set(m, scores[i]) {
			return nil, m
		}
		e.zsl.insert(scores[i], m)
		e.bytes += datastructs.AllocSize(len(m))
	}
	z.Compact()
	return z, ""
}

// Compact switches the set to "listpack" when Redis would after loading
// it: at most MaxListpackEntries members, none longer than
// MaxListpackValue bytes. Like any listpack set it then holds no -0
// score. It does nothing to a set that is already a listpack or too big.
func (z *ZSet) Compact() {
	e := z.sk
	if e == nil || e.zsl.length > MaxListpackEntries {
		return
	}
	need := lpHdr
	for c := e.zsl.first(); c.valid(); c.next() {
		m, _ := c.get()
		if len(m) > MaxListpackValue {
			return
		}
		need += entrySize(len(m))
	}
	lp := make([]byte, lpHdr, datastructs.AllocSize(need))
	for c := e.zsl.first(); c.valid(); c.next() {
		m, s := c.get()
		if s == 0 { // -0 sorts equal to 0: the order is unchanged
			s = 0
		}
		lp = appendEntry(lp, m, s)
	}
	setCount(lp, e.zsl.length)
	if e.zsl.length == 0 {
		lp = nil
	}
	z.lp, z.sk = lp, nil
}

// Type implements datastructs.Value.
func (z *ZSet) Type() datastructs.Type { return datastructs.TypeZSet }

// Encoding implements datastructs.Encoder with the names Redis 7.0 reports.
func (z *ZSet) Encoding() string {
	if z.sk != nil {
		return "skiplist"
	}
	return "listpack"
}

// ConvertToSkiplist switches the set to the "skiplist" encoding for good,
// as Redis's zsetConvert does (SORT converts the sets it sorts; a
// reply-only ZUNION result is built as a skiplist). The member strings are
// copied out of the listpack.
func (z *ZSet) ConvertToSkiplist() {
	if z.sk != nil {
		return
	}
	e := newSkipEnc(lpCount(z.lp))
	// Insert in ascending order: each insert appends to the last leaf,
	// which is left full when it splits.
	z.lpRange(0, lpCount(z.lp)-1, false, func(m string, s float64) bool {
		m = strings.Clone(m)
		e.zsl.insert(s, m)
		e.dict.Set(m, s)
		e.bytes += datastructs.AllocSize(len(m))
		return true
	})
	z.lp, z.sk = nil, e
}

// IsListpack reports whether the set has the "listpack" encoding (ZSCAN
// then returns everything in one call, in order).
func (z *ZSet) IsListpack() bool { return z.sk == nil }

// Copy implements datastructs.Copier with a deep copy (same encoding).
func (z *ZSet) Copy() datastructs.Value {
	if z.sk == nil {
		if z.lp == nil {
			return New()
		}
		lp := make([]byte, len(z.lp), datastructs.AllocSize(len(z.lp)))
		copy(lp, z.lp)
		return &ZSet{lp: lp}
	}
	e := newSkipEnc(z.sk.zsl.length)
	for c := z.sk.zsl.first(); c.valid(); c.next() {
		m, s := c.get()
		e.zsl.insert(s, m)
		e.dict.Set(m, s)
	}
	e.bytes = z.sk.bytes
	return &ZSet{sk: e}
}

// Len returns the number of members.
func (z *ZSet) Len() int {
	if z.sk == nil {
		return lpCount(z.lp)
	}
	return z.sk.zsl.length
}

// Score returns member's score.
func (z *ZSet) Score(member string) (float64, bool) {
	if z.sk == nil {
		start, _, s := z.lpFind(member)
		return s, start >= 0
	}
	return z.sk.dict.Get(member)
}

// Set inserts member with score or updates its score, and reports whether
// it was added (not present before). score must not be NaN. A listpack
// copies member; a skiplist stores it as given: the caller passes a
// string it owns.
func (z *ZSet) Set(member string, score float64) (added bool) {
	return z.set(member, score, false)
}

// SetBytes is Set for a member in a buffer the caller reuses (a command's
// argument): the bytes are copied only when the member is new, so updating
// the score of an existing member allocates nothing.
func (z *ZSet) SetBytes(member []byte, score float64) (added bool) {
	return z.set(unsafe.String(unsafe.SliceData(member), len(member)), score, true)
}

// set is Set; with clone, member aliases the caller's buffer and is copied
// before it is stored.
func (z *ZSet) set(member string, score float64, clone bool) (added bool) {
	if z.sk == nil {
		start, end, old := z.lpFind(member)
		if start < 0 && (len(member) > MaxListpackValue || lpCount(z.lp)+1 > MaxListpackEntries || lpCount(z.lp)+1 >= 1<<31) { // the count header is 32 bits
			z.ConvertToSkiplist()
		} else {
			// A listpack stores scores as text and Redis 7.0 writes -0
			// as "0": small sets never hold a negative zero (x+0 turns
			// -0 into 0 and changes nothing else).
			score += 0
			if start >= 0 && old == score {
				return false
			}
			z.lpSet(start, end, member, score) // copies member's bytes
			return start < 0
		}
	}
	e := z.sk
	// One search of the table: the pointer updates an existing member,
	// the hash inserts a new one.
	key, p, h := e.dict.GetKeyPtrHash(member)
	if p != nil {
		// Like Redis, -0 and 0 compare equal: no update. The stored key
		// is the string the tree holds: its leaf finds it by identity.
		if old := *p; old != score {
			e.zsl.updateScore(old, key, score)
			*p = score
		}
		return false
	}
	if clone {
		// The table's copy lives in its entry's allocation; the
		// ordered index shares it.
		member = e.dict.InsertNewCopy(member, h, score)
	} else {
		e.dict.InsertNew(member, h, score)
	}
	e.zsl.insert(score, member)
	e.bytes += datastructs.AllocSize(len(member))
	return true
}

// Remove deletes member and reports whether it was present.
func (z *ZSet) Remove(member string) bool {
	if z.sk == nil {
		start, end, _ := z.lpFind(member)
		if start < 0 {
			return false
		}
		z.lpCut(start, end, 1)
		return true
	}
	e := z.sk
	score, ok := e.dict.Delete(member)
	if !ok {
		return false
	}
	e.zsl.delete(score, member)
	e.bytes -= datastructs.AllocSize(len(member))
	return true
}

// Rank returns member's 0-based rank in ascending order.
func (z *ZSet) Rank(member string) (int, bool) {
	if z.sk == nil {
		return z.lpRank(member)
	}
	score, ok := z.sk.dict.Get(member)
	if !ok {
		return 0, false
	}
	return z.sk.zsl.rank(score, member) - 1, true
}

// At returns the element at 0-based ascending index i, which must be in
// [0, Len()).
func (z *ZSet) At(i int) (member string, score float64) {
	if z.sk == nil {
		member, score, _ = lpNext(z.lp, z.lpOffset(i))
		return member, score
	}
	return z.sk.zsl.byRank(i + 1).get()
}

// Range calls fn for the elements with 0-based ascending indexes in
// [start, stop], in ascending order, or in descending order (stop first)
// when rev is set, until fn returns false. The bounds must be valid
// indexes; nothing is visited if start > stop. fn must not modify z, but
// the strings it receives stay valid after z changes.
func (z *ZSet) Range(start, stop int, rev bool, fn func(member string, score float64) bool) {
	if start > stop || start < 0 || stop >= z.Len() {
		return
	}
	if z.sk == nil {
		z.lpRange(start, stop, rev, fn)
		return
	}
	zsl := &z.sk.zsl
	if !rev {
		c := zsl.byRank(start + 1)
		for i := start; i <= stop && c.valid(); i++ {
			if !fn(c.get()) {
				return
			}
			c.next()
		}
		return
	}
	c := zsl.byRank(stop + 1)
	for i := stop; i >= start && c.valid(); i-- {
		if !fn(c.get()) {
			return
		}
		c.prev()
	}
}

// ScoreBound is one end of a score interval; Excl makes it open ("(1.5").
type ScoreBound struct {
	Value float64
	Excl  bool
}

// belowMin reports whether s is below the lower bound b.
func (b ScoreBound) belowMin(s float64) bool {
	return s < b.Value || (b.Excl && s == b.Value)
}

// withinMax reports whether s is not above the upper bound b.
func (b ScoreBound) withinMax(s float64) bool {
	return s < b.Value || (!b.Excl && s == b.Value)
}

// ScoreRange returns the 0-based index range [start, stop] of the elements
// with min <= score <= max (respecting exclusive ends); start > stop when
// there are none.
func (z *ZSet) ScoreRange(min, max ScoreBound) (start, stop int) {
	if z.sk == nil {
		start = z.lpCountWhile(func(_ string, s float64) bool { return min.belowMin(s) })
		end := z.lpCountWhile(func(_ string, s float64) bool { return max.withinMax(s) })
		return start, end - 1
	}
	start = z.sk.zsl.countWhile(func(s float64, _ string) bool { return min.belowMin(s) })
	end := z.sk.zsl.countWhile(func(s float64, _ string) bool { return max.withinMax(s) })
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
	if z.sk == nil {
		start = z.lpCountWhile(func(m string, _ float64) bool { return min.belowMin(m) })
		end := z.lpCountWhile(func(m string, _ float64) bool { return max.withinMax(m) })
		return start, end - 1
	}
	start = z.sk.zsl.countWhile(func(_ float64, m string) bool { return min.belowMin(m) })
	end := z.sk.zsl.countWhile(func(_ float64, m string) bool { return max.withinMax(m) })
	return start, end - 1
}

// DeleteRange removes the elements with 0-based ascending indexes in
// [start, stop] (clamped to the set) and returns how many it removed.
func (z *ZSet) DeleteRange(start, stop int) int {
	start = max(start, 0)
	stop = min(stop, z.Len()-1)
	if start > stop {
		return 0
	}
	if z.sk == nil {
		n := stop - start + 1
		z.lpCut(z.lpOffset(start), z.lpOffset(stop+1), n)
		return n
	}
	e := z.sk
	return e.zsl.deleteRangeByRank(start+1, stop+1, func(m string) {
		e.dict.Delete(m)
		e.bytes -= datastructs.AllocSize(len(m))
	})
}

// Scan is ZSCAN's step. For a skiplist it visits members from cursor on
// with the hash table's reverse-binary cursor (see dict.Dict.Scan) and
// returns the next cursor, 0 when done. For a listpack it visits every
// member in order and returns 0, as Redis does.
func (z *ZSet) Scan(cursor uint64, count int, fn func(member string, score float64)) uint64 {
	if z.sk == nil {
		z.Range(0, z.Len()-1, false, func(m string, s float64) bool {
			fn(m, s)
			return true
		})
		return 0
	}
	return z.sk.dict.Scan(cursor, count, fn)
}

// Random returns a uniformly chosen element; the set must not be empty.
func (z *ZSet) Random(rnd *rand.Rand) (member string, score float64) {
	return z.At(rnd.IntN(z.Len()))
}
