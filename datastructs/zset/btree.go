package zset

import (
	"sort"
	"unsafe"

	"github.com/aikv/aikv/datastructs"
)

// leafCap and innerCap are the largest number of elements in a leaf and
// of children in an inner node. 16, 32 and 64 measured alike on
// BenchmarkUpdateRandom (within noise); these fill the Go size classes
// exactly: a leaf is 24+36*24 = 888 bytes (class 896), an inner node
// 8+35*40 = 1408 bytes (class 1408).
const (
	leafCap  = 36
	innerCap = 35
)

// leaf holds up to leafCap elements in order, scores in one contiguous
// array (a search reads a few cache lines of it) and the member strings
// in another (read only on a score tie or at the element found). The
// leaves form a doubly linked list in order (iteration).
type leaf struct {
	n          int
	prev, next *leaf
	scores     [leafCap]float64
	members    [leafCap]string
}

// inner holds up to innerCap children (leaves when the node is at height
// 1, inner nodes above) with, per child, the number of elements in its
// subtree (counts) and, for children 1..n-1, the first element of its
// subtree (scores, members: the separator keys). Slot 0's key is unused
// and its member is kept "" (no stale string is retained).
type inner struct {
	n       int
	scores  [innerCap]float64
	members [innerCap]string
	counts  [innerCap]int
	kids    [innerCap]unsafe.Pointer // *leaf at height 1, *inner above
}

var (
	leafBytes  = datastructs.AllocSize(int(unsafe.Sizeof(leaf{})))
	innerBytes = datastructs.AllocSize(int(unsafe.Sizeof(inner{})))
)

// btree is a counted B+tree ordered by (score, member bytes): elements
// live in the leaves, inner nodes keep separators and subtree sizes, so
// rank, access by rank and prefix counts are O(log n). It never holds two
// equal members; callers (zset.go, with its member table) make sure of it.
type btree struct {
	root   unsafe.Pointer // *leaf when height is 0, else *inner
	height int
	length int
	// head and tail are the first and last leaves.
	head, tail *leaf
	// bytes is the heap size of all nodes (ZSet.Size).
	bytes int64
	// maxLeaf and maxInner are the node capacities in use: leafCap and
	// innerCap, smaller only in tests (deep trees with few elements).
	// A node below half of them is merged with or fed by a sibling when
	// it loses an element. maxLeaf >= 2, maxInner >= 4.
	maxLeaf, maxInner int
}

func (t *btree) init() { t.initCaps(leafCap, innerCap) }

func (t *btree) initCaps(maxLeaf, maxInner int) {
	l := new(leaf)
	*t = btree{root: unsafe.Pointer(l), head: l, tail: l, bytes: leafBytes, maxLeaf: maxLeaf, maxInner: maxInner}
}

// cmpLess reports whether (s1, m1) sorts before (s2, m2).
func cmpLess(s1 float64, m1 string, s2 float64, m2 string) bool {
	return s1 < s2 || (s1 == s2 && m1 < m2)
}

// search returns the index of the first element not below (s, m) and
// whether it is (s, m). Members are read only on score ties.
func (l *leaf) search(s float64, m string) (int, bool) {
	lo, hi := 0, l.n
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if sc := l.scores[mid]; sc < s || (sc == s && l.members[mid] < m) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, lo < l.n && l.scores[lo] == s && l.members[lo] == m
}

// find is search for an exact element. When m is the stored string (the
// table's key, which the leaf shares) it is found among the equal scores
// by its data pointer, without reading any member's bytes (a cache miss
// each on a tie); otherwise find falls back to search.
func (l *leaf) find(s float64, m string) (int, bool) {
	lo, hi := 0, l.n
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if l.scores[mid] < s {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	p := unsafe.StringData(m)
	for i := lo; i < l.n && l.scores[i] == s; i++ {
		if unsafe.StringData(l.members[i]) == p && len(l.members[i]) == len(m) {
			return i, true
		}
	}
	return l.search(s, m)
}

// child returns the index of the child whose subtree holds (s, m), or
// would hold it: the last child whose separator is not above it.
func (x *inner) child(s float64, m string) int {
	lo, hi := 1, x.n
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if sc := x.scores[mid]; sc < s || (sc == s && x.members[mid] <= m) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo - 1
}

func (l *leaf) insertAt(i int, s float64, m string) {
	copy(l.scores[i+1:l.n+1], l.scores[i:l.n])
	copy(l.members[i+1:l.n+1], l.members[i:l.n])
	l.scores[i], l.members[i] = s, m
	l.n++
}

// cut removes elements [i, j).
func (l *leaf) cut(i, j int) {
	copy(l.scores[i:], l.scores[j:l.n])
	copy(l.members[i:], l.members[j:l.n])
	clear(l.members[l.n-(j-i) : l.n])
	l.n -= j - i
}

// moveTail moves elements [from, n) of l to the empty leaf r.
func (l *leaf) moveTail(r *leaf, from int) {
	copy(r.scores[:], l.scores[from:l.n])
	copy(r.members[:], l.members[from:l.n])
	r.n = l.n - from
	clear(l.members[from:l.n])
	l.n = from
}

// insertKid puts child p with count c and separator (s, m) at index i.
func (x *inner) insertKid(i int, s float64, m string, p unsafe.Pointer, c int) {
	copy(x.scores[i+1:x.n+1], x.scores[i:x.n])
	copy(x.members[i+1:x.n+1], x.members[i:x.n])
	copy(x.counts[i+1:x.n+1], x.counts[i:x.n])
	copy(x.kids[i+1:x.n+1], x.kids[i:x.n])
	x.scores[i], x.members[i], x.kids[i], x.counts[i] = s, m, p, c
	x.n++
}

// cutKids removes children [i, j), their counts and separators.
func (x *inner) cutKids(i, j int) {
	copy(x.scores[i:], x.scores[j:x.n])
	copy(x.members[i:], x.members[j:x.n])
	copy(x.counts[i:], x.counts[j:x.n])
	copy(x.kids[i:], x.kids[j:x.n])
	clear(x.members[x.n-(j-i) : x.n])
	clear(x.kids[x.n-(j-i) : x.n])
	x.n -= j - i
	x.members[0] = ""
}

func (x *inner) sum(i, j int) int {
	c := 0
	for _, v := range x.counts[i:j] {
		c += v
	}
	return c
}

// insert adds (s, m), which must not be present. m is stored.
func (t *btree) insert(s float64, m string) {
	t.length++
	var r unsafe.Pointer
	var rs float64
	var rm string
	var rc int
	if t.height == 0 {
		nl := t.leafInsert((*leaf)(t.root), s, m)
		if nl == nil {
			return
		}
		r, rs, rm, rc = unsafe.Pointer(nl), nl.scores[0], nl.members[0], nl.n
	} else if r, rs, rm, rc = t.innerInsert((*inner)(t.root), t.height, s, m, true, true); r == nil {
		return
	}
	x := new(inner)
	t.bytes += innerBytes
	x.n = 2
	x.kids[0], x.kids[1] = t.root, r
	x.counts[0], x.counts[1] = t.length-rc, rc
	x.scores[1], x.members[1] = rs, rm
	t.root = unsafe.Pointer(x)
	t.height++
}

// leafInsert inserts into l; when l is full it splits and returns the new
// right sibling.
func (t *btree) leafInsert(l *leaf, s float64, m string) *leaf {
	i, _ := l.search(s, m)
	if l.n < t.maxLeaf {
		l.insertAt(i, s, m)
		return nil
	}
	// Split the n+1 elements: the left leaf keeps the first k. Appending
	// past the last element (or before the first) leaves the full leaf
	// full, so ascending or descending loads fill every leaf.
	n := l.n
	k := (n + 1) / 2
	if i == n && l.next == nil {
		k = n
	} else if i == 0 && l.prev == nil {
		k = 1
	}
	r := new(leaf)
	t.bytes += leafBytes
	if i < k {
		l.moveTail(r, k-1)
		l.insertAt(i, s, m)
	} else {
		l.moveTail(r, k)
		r.insertAt(i-k, s, m)
	}
	r.prev, r.next = l, l.next
	if l.next != nil {
		l.next.prev = r
	} else {
		t.tail = r
	}
	l.next = r
	return r
}

// innerInsert inserts below x at height h. When x splits it returns the
// new right sibling, its separator and its element count. leftmost and
// rightmost tell whether x is the first or last node of its level.
func (t *btree) innerInsert(x *inner, h int, s float64, m string, leftmost, rightmost bool) (unsafe.Pointer, float64, string, int) {
	j := x.child(s, m)
	x.counts[j]++
	var p unsafe.Pointer
	var ps float64
	var pm string
	var pc int
	if h == 1 {
		nl := t.leafInsert((*leaf)(x.kids[j]), s, m)
		if nl == nil {
			return nil, 0, "", 0
		}
		p, ps, pm, pc = unsafe.Pointer(nl), nl.scores[0], nl.members[0], nl.n
	} else if p, ps, pm, pc = t.innerInsert((*inner)(x.kids[j]), h-1, s, m, leftmost && j == 0, rightmost && j == x.n-1); p == nil {
		return nil, 0, "", 0
	}
	x.counts[j] -= pc
	i := j + 1
	if x.n < t.maxInner {
		x.insertKid(i, ps, pm, p, pc)
		return nil, 0, "", 0
	}
	// Split the n+1 children: x keeps the first k (at least 2 on each
	// side). At the ends of the level the split is lopsided, as for
	// leaves.
	n := x.n
	k := (n + 1) / 2
	if rightmost && i == n {
		k = n - 1
	} else if leftmost && i == 1 {
		k = 2
	}
	y := new(inner)
	t.bytes += innerBytes
	from := k
	if i < k {
		from = k - 1
	}
	copy(y.scores[:], x.scores[from:n])
	copy(y.members[:], x.members[from:n])
	copy(y.counts[:], x.counts[from:n])
	copy(y.kids[:], x.kids[from:n])
	y.n = n - from
	clear(x.members[from:n])
	clear(x.kids[from:n])
	x.n = from
	if i < k {
		x.insertKid(i, ps, pm, p, pc)
	} else {
		y.insertKid(i-k, ps, pm, p, pc)
	}
	sep, sepm := y.scores[0], y.members[0]
	y.members[0] = ""
	return unsafe.Pointer(y), sep, sepm, y.sum(0, y.n)
}

// delResult is what a removal reports up the tree.
type delResult struct {
	found bool
	moved bool // updateScore moved the element inside its leaf
	// member is the stored member string of the removed element.
	member string
	// first: the first element of the subtree changed; fs, fm is the new
	// one (unknown while the subtree is an empty leaf).
	first  bool
	fs     float64
	fm     string
	remove int // elements removed
}

// delete removes (s, m) and reports whether it was there.
func (t *btree) delete(s float64, m string) bool {
	return t.remove(s, m, false, 0).found
}

// remove removes (s, m) and returns its stored member. With upd, when the
// element can take score ns without leaving its place in its leaf (after
// the first element, before the last or with no next leaf), it is moved
// there instead (moved).
func (t *btree) remove(s float64, m string, upd bool, ns float64) delResult {
	var r delResult
	if t.height == 0 {
		r = t.leafRemove((*leaf)(t.root), s, m, upd, ns)
	} else {
		r = t.innerRemove((*inner)(t.root), t.height, s, m, upd, ns)
	}
	if r.found && !r.moved {
		t.length--
		t.shrinkRoot()
	}
	return r
}

func (t *btree) shrinkRoot() {
	if t.height > 0 {
		if x := (*inner)(t.root); x.n == 1 {
			t.root = x.kids[0]
			t.height--
			t.bytes -= innerBytes
		}
	}
}

func (t *btree) leafRemove(l *leaf, s float64, m string, upd bool, ns float64) delResult {
	i, ok := l.find(s, m)
	if !ok {
		return delResult{}
	}
	stored := l.members[i]
	if upd && i > 0 {
		// The new place, counted in l as it is now (with the old element).
		p, _ := l.search(ns, stored)
		if p > 0 && (p < l.n || l.next == nil) {
			if p > i {
				p--
				copy(l.scores[i:p], l.scores[i+1:p+1])
				copy(l.members[i:p], l.members[i+1:p+1])
			} else {
				copy(l.scores[p+1:i+1], l.scores[p:i])
				copy(l.members[p+1:i+1], l.members[p:i])
			}
			l.scores[p], l.members[p] = ns, stored
			return delResult{found: true, moved: true, member: stored}
		}
	}
	l.cut(i, i+1)
	r := delResult{found: true, member: stored, remove: 1, first: i == 0}
	if r.first && l.n > 0 {
		r.fs, r.fm = l.scores[0], l.members[0]
	}
	return r
}

func (t *btree) innerRemove(x *inner, h int, s float64, m string, upd bool, ns float64) delResult {
	j := x.child(s, m)
	var r delResult
	if h == 1 {
		r = t.leafRemove((*leaf)(x.kids[j]), s, m, upd, ns)
	} else {
		r = t.innerRemove((*inner)(x.kids[j]), h-1, s, m, upd, ns)
	}
	if r.found && !r.moved {
		t.afterRemove(x, h, j, &r)
	}
	return r
}

// afterRemove fixes x after r.remove elements were removed below its child
// j: the count, the separator of a child whose first element changed, and
// an underfull child.
func (t *btree) afterRemove(x *inner, h, j int, r *delResult) {
	x.counts[j] -= r.remove
	if r.first {
		if j > 0 {
			// An empty leaf's separator goes with it (rebalance merges
			// it into its left sibling).
			if x.counts[j] > 0 {
				x.scores[j], x.members[j] = r.fs, r.fm
			}
			r.first = false
		} else if x.counts[0] == 0 {
			// The subtree's first element is now child 1's.
			r.fs, r.fm = x.scores[1], x.members[1]
		}
	}
	if h == 1 {
		if (*leaf)(x.kids[j]).n < t.maxLeaf/2 {
			t.rebalanceLeaves(x, j)
		}
	} else if (*inner)(x.kids[j]).n < t.maxInner/2 {
		t.rebalanceInner(x, j)
	}
}

// rebalanceLeaves merges x's underfull leaf j with a sibling or, when
// both do not fit in one leaf, evens their sizes out.
func (t *btree) rebalanceLeaves(x *inner, j int) {
	li := max(j-1, 0)
	ri := li + 1
	L, R := (*leaf)(x.kids[li]), (*leaf)(x.kids[ri])
	switch {
	case L.n+R.n <= t.maxLeaf:
		copy(L.scores[L.n:], R.scores[:R.n])
		copy(L.members[L.n:], R.members[:R.n])
		L.n += R.n
		L.next = R.next
		if R.next != nil {
			R.next.prev = L
		} else {
			t.tail = L
		}
		t.bytes -= leafBytes
		x.counts[li] += x.counts[ri]
		x.cutKids(ri, ri+1)
		return
	case L.n < R.n:
		k := (R.n - L.n) / 2
		copy(L.scores[L.n:], R.scores[:k])
		copy(L.members[L.n:], R.members[:k])
		L.n += k
		R.cut(0, k)
		x.counts[li] += k
		x.counts[ri] -= k
	default:
		k := (L.n - R.n) / 2
		copy(R.scores[k:R.n+k], R.scores[:R.n])
		copy(R.members[k:R.n+k], R.members[:R.n])
		copy(R.scores[:k], L.scores[L.n-k:L.n])
		copy(R.members[:k], L.members[L.n-k:L.n])
		R.n += k
		clear(L.members[L.n-k : L.n])
		L.n -= k
		x.counts[li] -= k
		x.counts[ri] += k
	}
	x.scores[ri], x.members[ri] = R.scores[0], R.members[0]
}

// rebalanceInner is rebalanceLeaves for inner children: separators move
// through x.
func (t *btree) rebalanceInner(x *inner, j int) {
	li := max(j-1, 0)
	ri := li + 1
	L, R := (*inner)(x.kids[li]), (*inner)(x.kids[ri])
	switch {
	case L.n+R.n <= t.maxInner:
		L.scores[L.n], L.members[L.n] = x.scores[ri], x.members[ri]
		copy(L.scores[L.n+1:], R.scores[1:R.n])
		copy(L.members[L.n+1:], R.members[1:R.n])
		copy(L.counts[L.n:], R.counts[:R.n])
		copy(L.kids[L.n:], R.kids[:R.n])
		L.n += R.n
		t.bytes -= innerBytes
		x.counts[li] += x.counts[ri]
		x.cutKids(ri, ri+1)
	case L.n < R.n:
		k := (R.n - L.n) / 2
		moved := R.sum(0, k)
		L.scores[L.n], L.members[L.n] = x.scores[ri], x.members[ri]
		copy(L.scores[L.n+1:], R.scores[1:k])
		copy(L.members[L.n+1:], R.members[1:k])
		copy(L.counts[L.n:], R.counts[:k])
		copy(L.kids[L.n:], R.kids[:k])
		L.n += k
		x.scores[ri], x.members[ri] = R.scores[k], R.members[k]
		R.cutKids(0, k)
		x.counts[li] += moved
		x.counts[ri] -= moved
	default:
		k := (L.n - R.n) / 2
		moved := L.sum(L.n-k, L.n)
		copy(R.scores[k:R.n+k], R.scores[:R.n])
		copy(R.members[k:R.n+k], R.members[:R.n])
		copy(R.counts[k:R.n+k], R.counts[:R.n])
		copy(R.kids[k:R.n+k], R.kids[:R.n])
		R.scores[k], R.members[k] = x.scores[ri], x.members[ri]
		copy(R.scores[1:k], L.scores[L.n-k+1:L.n])
		copy(R.members[1:k], L.members[L.n-k+1:L.n])
		copy(R.counts[:k], L.counts[L.n-k:L.n])
		copy(R.kids[:k], L.kids[L.n-k:L.n])
		R.members[0] = ""
		R.n += k
		x.scores[ri], x.members[ri] = L.scores[L.n-k], L.members[L.n-k]
		clear(L.members[L.n-k : L.n])
		clear(L.kids[L.n-k : L.n])
		L.n -= k
		x.counts[li] -= moved
		x.counts[ri] += moved
	}
}

// updateScore moves member from oldScore to newScore. The member must be
// present; it is only compared, so it may alias a buffer the caller
// reuses: the stored string is what is inserted again. Passing the stored
// string itself (zset.go passes the table's key) lets the leaf find it
// without reading other members' bytes (leaf.find). When the element
// keeps its place in its leaf it is moved there, with one search.
func (t *btree) updateScore(oldScore float64, member string, newScore float64) {
	r := t.remove(oldScore, member, true, newScore)
	if !r.found {
		panic("zset: updateScore of a missing member")
	}
	if !r.moved {
		t.insert(newScore, r.member)
	}
}

// rank returns the 1-based rank of (s, m), 0 if absent.
func (t *btree) rank(s float64, m string) int {
	r := 0
	p := t.root
	for h := t.height; h > 0; h-- {
		x := (*inner)(p)
		j := x.child(s, m)
		r += x.sum(0, j)
		p = x.kids[j]
	}
	i, ok := (*leaf)(p).search(s, m)
	if !ok {
		return 0
	}
	return r + i + 1
}

// cursor is a position in the tree: element i of leaf l; l is nil past
// either end.
type cursor struct {
	l *leaf
	i int
}

func (c cursor) valid() bool                     { return c.l != nil }
func (c cursor) get() (member string, s float64) { return c.l.members[c.i], c.l.scores[c.i] }

func (c *cursor) next() {
	if c.i++; c.i >= c.l.n {
		c.l, c.i = c.l.next, 0
	}
}

func (c *cursor) prev() {
	if c.i--; c.i < 0 {
		if c.l = c.l.prev; c.l != nil {
			c.i = c.l.n - 1
		}
	}
}

// first returns a cursor at the lowest element (invalid if empty).
func (t *btree) first() cursor {
	if t.length == 0 {
		return cursor{}
	}
	return cursor{t.head, 0}
}

// last returns a cursor at the highest element (invalid if empty).
func (t *btree) last() cursor {
	if t.length == 0 {
		return cursor{}
	}
	return cursor{t.tail, t.tail.n - 1}
}

// byRank returns a cursor at 1-based rank r (invalid if out of range).
func (t *btree) byRank(r int) cursor {
	if r < 1 || r > t.length {
		return cursor{}
	}
	p := t.root
	for h := t.height; h > 0; h-- {
		x := (*inner)(p)
		j := 0
		for r > x.counts[j] {
			r -= x.counts[j]
			j++
		}
		p = x.kids[j]
	}
	return cursor{(*leaf)(p), r - 1}
}

// countWhile returns how many leading elements satisfy pred, which must be
// true for a prefix of the order of all (score, member) keys and false
// afterwards (it is also asked about separators, which are elements).
// With any other pred the result is some count in [0, length].
func (t *btree) countWhile(pred func(score float64, member string) bool) int {
	c := 0
	p := t.root
	for h := t.height; h > 0; h-- {
		x := (*inner)(p)
		// The child to descend into is the last whose separator (from
		// index 1; child 0 has none) satisfies pred.
		k := sort.Search(x.n-1, func(i int) bool { return !pred(x.scores[i+1], x.members[i+1]) })
		c += x.sum(0, k)
		p = x.kids[k]
	}
	l := (*leaf)(p)
	return c + sort.Search(l.n, func(i int) bool { return !pred(l.scores[i], l.members[i]) })
}

// deleteRangeByRank removes 1-based ranks [start, end], which must be
// within the tree, calling fn with each removed member, and returns how
// many it removed. It removes a run of each leaf at a time.
func (t *btree) deleteRangeByRank(start, end int, fn func(member string)) int {
	total := end - start + 1
	for left := total; left > 0; {
		var r delResult
		if t.height == 0 {
			r = t.leafRemoveRun((*leaf)(t.root), start, left, fn)
		} else {
			r = t.innerRemoveRun((*inner)(t.root), t.height, start, left, fn)
		}
		t.length -= r.remove
		left -= r.remove
		t.shrinkRoot()
	}
	return total
}

// leafRemoveRun removes up to k elements from 1-based rank r of l on.
func (t *btree) leafRemoveRun(l *leaf, r, k int, fn func(string)) delResult {
	i := r - 1
	e := min(i+k, l.n)
	for _, m := range l.members[i:e] {
		fn(m)
	}
	l.cut(i, e)
	res := delResult{found: true, remove: e - i, first: i == 0}
	if res.first && l.n > 0 {
		res.fs, res.fm = l.scores[0], l.members[0]
	}
	return res
}

func (t *btree) innerRemoveRun(x *inner, h, r, k int, fn func(string)) delResult {
	j := 0
	for r > x.counts[j] {
		r -= x.counts[j]
		j++
	}
	var res delResult
	if h == 1 {
		res = t.leafRemoveRun((*leaf)(x.kids[j]), r, k, fn)
	} else {
		res = t.innerRemoveRun((*inner)(x.kids[j]), h-1, r, k, fn)
	}
	t.afterRemove(x, h, j, &res)
	return res
}
