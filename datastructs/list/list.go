package list

import (
	"unsafe"

	"github.com/aikv/aikv/datastructs"
)

// NodeCap is the most elements a node holds. With elements of typical
// size (tens of bytes) a full node is a few KB, close to Redis's default
// list-max-listpack-size -2 (8 KB per quicklist node).
const NodeCap = 128

// node is one chunk of the list.
type node = ring[string]

// List is a chunked deque of strings. The zero value is not usable; call
// New.
type List struct {
	nodes  ring[*node]
	length int
	// spare is an emptied end node kept for the next push that needs a
	// node, so pushing and popping across a node boundary does not
	// allocate every time. Nil or empty.
	spare *node
	// bytes is the heap size of the element strings (Size).
	bytes int64
}

var (
	listHdr = datastructs.AllocSize(int(unsafe.Sizeof(List{})))
	nodeHdr = datastructs.AllocSize(int(unsafe.Sizeof(node{})))
)

// Size implements datastructs.Sizer in O(1): the element strings (a
// running count), the node index and the nodes' buffers, counting the
// end nodes' exactly and every inner node as full (they are, unless
// LINSERT split or LREM thinned them).
func (l *List) Size() int64 {
	n := listHdr + datastructs.AllocSize(len(l.nodes.buf)*8) + int64(l.nodes.n)*nodeHdr + l.bytes
	if l.nodes.n > 0 {
		n += datastructs.AllocSize(len(l.nodes.at(0).buf) * 16)
	}
	if l.nodes.n > 1 {
		n += datastructs.AllocSize(len(l.nodes.at(l.nodes.n-1).buf) * 16)
	}
	if l.nodes.n > 2 {
		n += int64(l.nodes.n-2) * datastructs.AllocSize(NodeCap*16)
	}
	return n
}

// strSize is the heap size of a stored string.
func strSize(s string) int64 { return datastructs.AllocSize(len(s)) }

// New returns an empty list.
func New() *List { return &List{} }

// Type implements datastructs.Value.
func (l *List) Type() datastructs.Type { return datastructs.TypeList }

// Encoding implements datastructs.Encoder. Redis 7.0 stores every list as a
// quicklist (of listpack nodes) and OBJECT ENCODING reports "quicklist"
// even for a one-element list (checked against redis-server 7.0.15); the
// "listpack" list encoding only arrived in Redis 7.2.
func (l *List) Encoding() string { return "quicklist" }

// Copy implements datastructs.Copier: a deep copy sharing only the
// (immutable) element strings.
func (l *List) Copy() datastructs.Value {
	out := &List{length: l.length, bytes: l.bytes}
	out.nodes = ring[*node]{}
	for i := 0; i < l.nodes.n; i++ {
		nd := l.nodes.at(i).clone()
		out.nodes.pushBack(&nd)
	}
	return out
}

// Len returns the number of elements.
func (l *List) Len() int { return l.length }

// newNode returns the spare node or a new one.
func (l *List) newNode() *node {
	if nd := l.spare; nd != nil {
		l.spare = nil
		return nd
	}
	return &node{}
}

// PushFront inserts s at the head.
func (l *List) PushFront(s string) {
	if l.nodes.n == 0 || l.nodes.at(0).n >= NodeCap {
		l.nodes.pushFront(l.newNode())
	}
	l.nodes.at(0).pushFront(s)
	l.length++
	l.bytes += strSize(s)
}

// PushBack appends s at the tail.
func (l *List) PushBack(s string) {
	if l.nodes.n == 0 || l.nodes.at(l.nodes.n-1).n >= NodeCap {
		l.nodes.pushBack(l.newNode())
	}
	l.nodes.at(l.nodes.n - 1).pushBack(s)
	l.length++
	l.bytes += strSize(s)
}

// PopFront removes and returns the head element; ok is false when the
// list is empty.
func (l *List) PopFront() (s string, ok bool) {
	if l.length == 0 {
		return "", false
	}
	nd := l.nodes.at(0)
	s = nd.popFront()
	if nd.n == 0 {
		l.spare = l.nodes.popFront()
	}
	l.length--
	l.bytes -= strSize(s)
	return s, true
}

// PopBack removes and returns the tail element; ok is false when the list
// is empty.
func (l *List) PopBack() (s string, ok bool) {
	if l.length == 0 {
		return "", false
	}
	nd := l.nodes.at(l.nodes.n - 1)
	s = nd.popBack()
	if nd.n == 0 {
		l.spare = l.nodes.popBack()
	}
	l.length--
	l.bytes -= strSize(s)
	return s, true
}

// locate returns the node number and the offset in that node of element
// i (0 <= i < Len), walking from the nearer end.
func (l *List) locate(i int) (ni, off int) {
	if i < l.length/2 {
		for ni = 0; ; ni++ {
			n := l.nodes.at(ni).n
			if i < n {
				return ni, i
			}
			i -= n
		}
	}
	j := l.length - 1 - i // distance from the tail
	for ni = l.nodes.n - 1; ; ni-- {
		n := l.nodes.at(ni).n
		if j < n {
			return ni, n - 1 - j
		}
		j -= n
	}
}

// Index returns element i (0-based from the head); ok is false when i is
// out of range.
func (l *List) Index(i int) (s string, ok bool) {
	if i < 0 || i >= l.length {
		return "", false
	}
	ni, off := l.locate(i)
	return l.nodes.at(ni).at(off), true
}

// Set replaces element i and reports whether i was in range.
func (l *List) Set(i int, s string) bool {
	if i < 0 || i >= l.length {
		return false
	}
	ni, off := l.locate(i)
	nd := l.nodes.at(ni)
	l.bytes += strSize(s) - strSize(nd.at(off))
	nd.set(off, s)
	return true
}

// Insert makes s element i, shifting later elements back (0 <= i <= Len;
// Insert(Len(), s) appends). It panics when i is out of range.
func (l *List) Insert(i int, s string) {
	switch {
	case i < 0 || i > l.length:
		panic("list: Insert index out of range")
	case i == 0:
		l.PushFront(s)
		return
	case i == l.length:
		l.PushBack(s)
		return
	}
	ni, off := l.locate(i)
	nd := l.nodes.at(ni)
	l.bytes += strSize(s)
	if nd.n < NodeCap {
		nd.insert(off, s)
		l.length++
		return
	}
	if off == 0 && ni > 0 && l.nodes.at(ni-1).n < NodeCap {
		l.nodes.at(ni - 1).pushBack(s)
		l.length++
		return
	}
	// Split the full node in two halves, then insert into the half that
	// holds position off.
	half := nd.n / 2
	right := &node{}
	for j := half; j < nd.n; j++ {
		right.pushBack(nd.at(j))
	}
	nd.dropBack(nd.n - half)
	l.nodes.insert(ni+1, right)
	if off <= half {
		nd.insert(off, s)
	} else {
		right.insert(off-half, s)
	}
	l.length++
}

// Range calls fn for elements start..stop (inclusive, 0 <= start <= stop <
// Len) from the head side, stopping early when fn returns false.
func (l *List) Range(start, stop int, fn func(i int, s string) bool) {
	if start < 0 || start > stop || stop >= l.length {
		return
	}
	l.Ascend(start, func(i int, s string) bool {
		return fn(i, s) && i < stop
	})
}

// Ascend calls fn for elements from..Len()-1 in order, stopping early when
// fn returns false.
func (l *List) Ascend(from int, fn func(i int, s string) bool) {
	if from < 0 || from >= l.length {
		return
	}
	ni, off := l.locate(from)
	i := from
	for ; ni < l.nodes.n; ni++ {
		nd := l.nodes.at(ni)
		for ; off < nd.n; off++ {
			if !fn(i, nd.at(off)) {
				return
			}
			i++
		}
		off = 0
	}
}

// Descend calls fn for elements from..0 in reverse order, stopping early
// when fn returns false.
func (l *List) Descend(from int, fn func(i int, s string) bool) {
	if from < 0 || from >= l.length {
		return
	}
	ni, off := l.locate(from)
	i := from
	for ; ni >= 0; ni-- {
		nd := l.nodes.at(ni)
		if off < 0 {
			off = nd.n - 1
		}
		for ; off >= 0; off-- {
			if !fn(i, nd.at(off)) {
				return
			}
			i--
		}
	}
}

// Remove deletes elements equal to elem, as LREM does: count > 0 removes
// up to count of them from the head side, count < 0 up to -count from the
// tail side, count == 0 all of them. It returns how many were removed.
func (l *List) Remove(elem string, count int64) int {
	// The limit as an unsigned number: -MinInt64 wraps to 2^63, which is
	// "no limit" in practice, as in Redis.
	var limit uint64
	if count >= 0 {
		limit = uint64(count)
	} else {
		limit = uint64(-count)
	}
	removed := 0
	more := func() bool { return limit == 0 || uint64(removed) < limit }
	// lo..hi bound the nodes visited (numbered after removals): the
	// only ones that may have become small.
	lo, hi := 0, l.nodes.n-1
	if count >= 0 {
		ni := 0
		for ni < l.nodes.n && more() {
			nd := l.nodes.at(ni)
			w := 0
			for r := 0; r < nd.n; r++ {
				v := nd.at(r)
				if v == elem && more() {
					removed++
					continue
				}
				if w != r {
					nd.set(w, v)
				}
				w++
			}
			nd.dropBack(nd.n - w)
			if nd.n == 0 {
				l.nodes.remove(ni)
				continue
			}
			ni++
		}
		hi = ni
	} else {
		ni := l.nodes.n - 1
		for ; ni >= 0 && more(); ni-- {
			nd := l.nodes.at(ni)
			w := nd.n - 1
			for r := nd.n - 1; r >= 0; r-- {
				v := nd.at(r)
				if v == elem && more() {
					removed++
					continue
				}
				if w != r {
					nd.set(w, v)
				}
				w--
			}
			nd.dropFront(w + 1)
			if nd.n == 0 {
				l.nodes.remove(ni)
			}
		}
		lo = max(ni, 0)
	}
	l.length -= removed
	l.bytes -= int64(removed) * strSize(elem)
	if removed > 0 {
		l.compact(lo-1, hi+1)
	}
	return removed
}

// compact merges neighbouring nodes among nodes lo..hi (clamped) that
// together fit in half a node, so lists thinned out by LREM keep index
// walks short.
func (l *List) compact(lo, hi int) {
	lo = max(lo, 0)
	for ni := lo; ni+1 < l.nodes.n && ni < hi; {
		a, b := l.nodes.at(ni), l.nodes.at(ni+1)
		if a.n+b.n > NodeCap/2 {
			ni++
			continue
		}
		for j := 0; j < b.n; j++ {
			a.pushBack(b.at(j))
		}
		l.nodes.remove(ni + 1)
		hi--
	}
}

// Trim removes left elements from the head and right elements from the
// tail (LTRIM). Counts larger than the list empty it.
func (l *List) Trim(left, right int) {
	if left+right >= l.length {
		left, right = l.length, 0
	}
	if left > 0 {
		l.Range(0, left-1, func(_ int, s string) bool {
			l.bytes -= strSize(s)
			return true
		})
	}
	if right > 0 {
		l.Range(l.length-right, l.length-1, func(_ int, s string) bool {
			l.bytes -= strSize(s)
			return true
		})
	}
	for left > 0 && l.length > 0 {
		nd := l.nodes.at(0)
		if nd.n <= left {
			left -= nd.n
			l.length -= nd.n
			l.nodes.popFront()
			continue
		}
		nd.dropFront(left)
		l.length -= left
		left = 0
	}
	for right > 0 && l.length > 0 {
		nd := l.nodes.at(l.nodes.n - 1)
		if nd.n <= right {
			right -= nd.n
			l.length -= nd.n
			l.nodes.popBack()
			continue
		}
		nd.dropBack(right)
		l.length -= right
		right = 0
	}
}
