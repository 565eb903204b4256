package zset

import (
	"math/rand/v2"
	"unsafe"
)

// maxLevel and levelP follow Redis's ZSKIPLIST_MAXLEVEL and ZSKIPLIST_P.
const (
	maxLevel = 32
	levelP   = 0.25
)

type level struct {
	forward *node
	span    int // level-0 nodes skipped by forward (1 for adjacent)
}

// node is one element, laid out like Redis's zskiplistNode with its
// flexible level array: lv0 is the last field and levels 1 and up follow
// it in the same allocation (newNode allocates a larger struct whose first
// field is the node). A one-level node (three in four) is 48 bytes, one
// allocation, and a search step touches one cache line per node.
type node struct {
	member   string
	score    float64
	backward *node
	lv0      level // levels 1.. follow in memory; see at
}

// at returns level i of x, which must have more than i levels. The
// pointer arithmetic stays inside x's allocation (see newNode), which the
// unsafe rules allow and checkptr verifies under -race.
func (x *node) at(i int) *level {
	return (*level)(unsafe.Add(unsafe.Pointer(&x.lv0), uintptr(i)*unsafe.Sizeof(level{})))
}

// withLevels allocates a node followed by the array A of extra levels.
func withLevels[A any]() *node {
	p := new(struct {
		n  node
		lv A
	})
	return &p.n
}

// nodeAllocs[k] allocates a node with k+1 levels.
var nodeAllocs = [maxLevel]func() *node{
	func() *node { return new(node) },
	withLevels[[1]level], withLevels[[2]level], withLevels[[3]level], withLevels[[4]level],
	withLevels[[5]level], withLevels[[6]level], withLevels[[7]level], withLevels[[8]level],
	withLevels[[9]level], withLevels[[10]level], withLevels[[11]level], withLevels[[12]level],
	withLevels[[13]level], withLevels[[14]level], withLevels[[15]level], withLevels[[16]level],
	withLevels[[17]level], withLevels[[18]level], withLevels[[19]level], withLevels[[20]level],
	withLevels[[21]level], withLevels[[22]level], withLevels[[23]level], withLevels[[24]level],
	withLevels[[25]level], withLevels[[26]level], withLevels[[27]level], withLevels[[28]level],
	withLevels[[29]level], withLevels[[30]level], withLevels[[31]level],
}

// nodeSize is the allocation size of a node with the given levels.
func nodeSize(levels int) int {
	return int(unsafe.Sizeof(node{})) + (levels-1)*int(unsafe.Sizeof(level{}))
}

func newNode(member string, score float64, levels int) *node {
	x := nodeAllocs[levels-1]()
	x.member, x.score = member, score
	return x
}

// skiplist is Redis's zskiplist: a sorted linked list with express lanes;
// the header is a sentinel with maxLevel levels and no element.
type skiplist struct {
	header *node
	tail   *node
	length int
	level  int
}

func (sl *skiplist) init() {
	*sl = skiplist{header: newNode("", 0, maxLevel), level: 1}
}

// first returns the lowest element, nil if empty.
func (sl *skiplist) first() *node { return sl.header.lv0.forward }

func randomLevel() int {
	l := 1
	for l < maxLevel && rand.Float64() < levelP {
		l++
	}
	return l
}

// insert adds an element that must not be present.
func (sl *skiplist) insert(score float64, member string) *node {
	lvl := randomLevel()
	x := newNode(member, score, lvl)
	sl.link(x, lvl)
	return x
}

// link inserts the unlinked node x, which has lvl levels, at the place
// of its score and member.
func (sl *skiplist) link(newX *node, lvl int) {
	score, member := newX.score, newX.member
	var update [maxLevel]*node
	var rank [maxLevel]int
	x := sl.header
	for i := sl.level - 1; i >= 0; i-- {
		if i < sl.level-1 {
			rank[i] = rank[i+1]
		}
		for x.at(i).forward != nil && less(x.at(i).forward, score, member) {
			rank[i] += x.at(i).span
			x = x.at(i).forward
		}
		update[i] = x
	}
	if lvl > sl.level {
		for i := sl.level; i < lvl; i++ {
			rank[i] = 0
			update[i] = sl.header
			update[i].at(i).span = sl.length
		}
		sl.level = lvl
	}
	x = newX
	for i := 0; i < lvl; i++ {
		x.at(i).forward = update[i].at(i).forward
		update[i].at(i).forward = x
		x.at(i).span = update[i].at(i).span - (rank[0] - rank[i])
		update[i].at(i).span = (rank[0] - rank[i]) + 1
	}
	for i := lvl; i < sl.level; i++ {
		update[i].at(i).span++
	}
	x.backward = nil
	if update[0] != sl.header {
		x.backward = update[0]
	}
	if x.at(0).forward != nil {
		x.at(0).forward.backward = x
	} else {
		sl.tail = x
	}
	sl.length++
}

// less reports whether node x sorts before (score, member).
func less(x *node, score float64, member string) bool {
	return x.score < score || (x.score == score && x.member < member)
}

func (sl *skiplist) deleteNode(x *node, update *[maxLevel]*node) {
	for i := 0; i < sl.level; i++ {
		if update[i].at(i).forward == x {
			update[i].at(i).span += x.at(i).span - 1
			update[i].at(i).forward = x.at(i).forward
		} else {
			update[i].at(i).span--
		}
	}
	if x.at(0).forward != nil {
		x.at(0).forward.backward = x.backward
	} else {
		sl.tail = x.backward
	}
	for sl.level > 1 && sl.header.at(sl.level-1).forward == nil {
		sl.level--
	}
	sl.length--
}

// delete removes the element and reports whether it was there.
func (sl *skiplist) delete(score float64, member string) bool {
	var update [maxLevel]*node
	x := sl.header
	for i := sl.level - 1; i >= 0; i-- {
		for x.at(i).forward != nil && less(x.at(i).forward, score, member) {
			x = x.at(i).forward
		}
		update[i] = x
	}
	x = x.at(0).forward
	if x != nil && x.score == score && x.member == member {
		sl.deleteNode(x, &update)
		return true
	}
	return false
}

// updateScore moves member from oldScore to newScore, like Redis's
// zslUpdateScore: when the node stays between its neighbours it is changed
// in place (one search, no allocation); otherwise it is removed and
// inserted again. The member must be present; it is only compared, never
// stored, so it may alias a buffer the caller reuses.
func (sl *skiplist) updateScore(oldScore float64, member string, newScore float64) {
	var update [maxLevel]*node
	x := sl.header
	for i := sl.level - 1; i >= 0; i-- {
		for x.at(i).forward != nil && less(x.at(i).forward, oldScore, member) {
			x = x.at(i).forward
		}
		update[i] = x
	}
	x = x.at(0).forward
	if x == nil || x.score != oldScore || x.member != member {
		panic("zset: updateScore of a missing member")
	}
	next := x.at(0).forward
	if (x.backward == nil || less(x.backward, newScore, member)) &&
		(next == nil || less2(newScore, member, next)) {
		x.score = newScore
		return
	}
	// Move the node itself (its member string, which member may alias a
	// caller's buffer, and its levels): no allocation, and its memory is
	// already in cache. Redis allocates a new node here; the level of a
	// node does not depend on its position, so keeping it is as random.
	lvl := 1
	for lvl < sl.level && update[lvl].at(lvl).forward == x {
		lvl++
	}
	sl.deleteNode(x, &update)
	x.score = newScore
	sl.link(x, lvl)
}

// rank returns the 1-based rank of the element, 0 if absent.
func (sl *skiplist) rank(score float64, member string) int {
	r := 0
	x := sl.header
	for i := sl.level - 1; i >= 0; i-- {
		for x.at(i).forward != nil && !less2(score, member, x.at(i).forward) {
			r += x.at(i).span
			x = x.at(i).forward
		}
		if x != sl.header && x.member == member {
			return r
		}
	}
	return 0
}

// less2 reports whether (score, member) sorts strictly before x.
func less2(score float64, member string, x *node) bool {
	return score < x.score || (score == x.score && member < x.member)
}

// byRank returns the node at 1-based rank r (nil if out of range).
func (sl *skiplist) byRank(r int) *node {
	if r < 1 || r > sl.length {
		return nil
	}
	traversed := 0
	x := sl.header
	for i := sl.level - 1; i >= 0; i-- {
		for x.at(i).forward != nil && traversed+x.at(i).span <= r {
			traversed += x.at(i).span
			x = x.at(i).forward
		}
		if traversed == r {
			return x
		}
	}
	return nil
}

// countWhile returns how many leading elements satisfy pred, which must be
// true for a prefix of the order and false afterwards.
func (sl *skiplist) countWhile(pred func(x *node) bool) int {
	r := 0
	x := sl.header
	for i := sl.level - 1; i >= 0; i-- {
		for x.at(i).forward != nil && pred(x.at(i).forward) {
			r += x.at(i).span
			x = x.at(i).forward
		}
	}
	return r
}

// deleteRangeByRank removes 1-based ranks [start, end] and calls fn with
// each removed member.
func (sl *skiplist) deleteRangeByRank(start, end int, fn func(member string)) int {
	var update [maxLevel]*node
	traversed := 0
	x := sl.header
	for i := sl.level - 1; i >= 0; i-- {
		for x.at(i).forward != nil && traversed+x.at(i).span < start {
			traversed += x.at(i).span
			x = x.at(i).forward
		}
		update[i] = x
	}
	traversed++
	x = x.at(0).forward
	removed := 0
	for x != nil && traversed <= end {
		next := x.at(0).forward
		sl.deleteNode(x, &update)
		fn(x.member)
		removed++
		traversed++
		x = next
	}
	return removed
}
