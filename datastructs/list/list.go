package list

import (
	"unsafe"

	"github.com/aikv/aikv/datastructs"
)

// NodeCap is the most elements a node holds, and NodeBytes the most bytes
// of entries, as Redis's list-max-listpack-size -2 (8 KB per quicklist
// node); a single larger element gets a node of its own.
const (
	NodeCap   = 128
	NodeBytes = 8192
)

// List is a chunked deque of strings. The zero value is not usable; call
// New.
type List struct {
	nodes  ring[*node]
	length int
	// alloc is the heap size of the nodes' buffers (Size).
	alloc int64
}

var (
	listHdr = datastructs.AllocSize(int(unsafe.Sizeof(List{})))
	nodeHdr = datastructs.AllocSize(int(unsafe.Sizeof(node{})))
)

// Size implements datastructs.Sizer in O(1): the structure, the node
// index, the node headers and their buffers (a running count).
func (l *List) Size() int64 {
	return listHdr + datastructs.AllocSize(len(l.nodes.buf)*8) + int64(l.nodes.n)*nodeHdr + l.alloc
}

// track adds the change of nd's buffer since it had capacity c to the
// running count.
func (l *List) track(nd *node, c int) {
	if cap(nd.buf) != c {
		l.alloc += nd.alloc() - datastructs.AllocSize(c)
	}
}

// New returns an empty list.
func New() *List { return &List{} }

// Type implements datastructs.Value.
func (l *List) Type() datastructs.Type { return datastructs.TypeList }

// Encoding implements datastructs.Encoder. Redis 7.0 stores every list as a
// quicklist (of listpack nodes) and OBJECT ENCODING reports "quicklist"
// even for a one-element list (checked against redis-server 7.0.15); the
// "listpack" list encoding only arrived in Redis 7.2.
func (l *List) Encoding() string { return "quicklist" }

// Copy implements datastructs.Copier: a deep copy.
func (l *List) Copy() datastructs.Value {
	out := &List{length: l.length}
	for i := 0; i < l.nodes.len(); i++ {
		nd := l.nodes.at(i).clone()
		out.alloc += nd.alloc()
		out.nodes.pushBack(nd)
	}
	return out
}

// Len returns the number of elements.
func (l *List) Len() int { return l.length }

// full reports whether nd cannot take an element of n bytes.
func full(nd *node, n int) bool {
	return nd.n >= NodeCap || nd.n > 0 && nd.size()+entrySize(n) > NodeBytes
}

// PushFront inserts s at the head.
func (l *List) PushFront(s string) {
	if l.nodes.len() == 0 || full(l.nodes.at(0), len(s)) {
		l.nodes.pushFront(&node{})
	}
	nd := l.nodes.at(0)
	c := cap(nd.buf)
	nd.pushFront(s)
	l.track(nd, c)
	l.length++
}

// PushBack appends s at the tail.
func (l *List) PushBack(s string) {
	if l.nodes.len() == 0 || full(l.nodes.at(l.nodes.len()-1), len(s)) {
		l.nodes.pushBack(&node{})
	}
	nd := l.nodes.at(l.nodes.len() - 1)
	c := cap(nd.buf)
	nd.pushBack(s)
	l.track(nd, c)
	l.length++
}

// PushAll pushes every element of elems (copied) at the head, one after
// the other as LPUSH does, or at the tail. Unlike a loop over PushFront or
// PushBack it sizes each node's buffer once for all the elements that go
// into it, so a list built by a few multi-element pushes does not leave a
// trail of outgrown buffers for the garbage collector.
func (l *List) PushAll(front bool, elems [][]byte) {
	for len(elems) > 0 {
		var nd *node
		switch {
		case l.nodes.len() == 0:
		case front:
			nd = l.nodes.at(0)
		default:
			nd = l.nodes.at(l.nodes.len() - 1)
		}
		if nd == nil || full(nd, len(elems[0])) {
			nd = &node{}
			if front {
				l.nodes.pushFront(nd)
			} else {
				l.nodes.pushBack(nd)
			}
		}
		// How many of elems fit the node, and their size.
		k, need := 0, 0
		for n, size := int(nd.n), nd.size(); k < len(elems) && n < NodeCap; k++ {
			e := entrySize(len(elems[k]))
			if n > 0 && size+need+e > NodeBytes {
				break
			}
			need += e
			n++
		}
		c := cap(nd.buf)
		var old []byte
		if front && int(nd.lo) < need {
			old = nd.reallocCap(need, 0, int(datastructs.AllocSize(need+nd.size())))
		} else if !front && cap(nd.buf)-len(nd.buf) < need {
			old = nd.reallocCap(0, need, int(datastructs.AllocSize(need+nd.size())))
		}
		for _, e := range elems[:k] {
			if front {
				nd.pushFront(bstr(e))
			} else {
				nd.pushBack(bstr(e))
			}
		}
		freeBuf(old)
		l.track(nd, c)
		l.length += k
		elems = elems[k:]
	}
}

// bstr views b as a string without copying, for elements that are copied
// into a node.
func bstr(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// PopFront removes and returns the head element (a string of its own);
// ok is false when the list is empty.
func (l *List) PopFront() (s string, ok bool) {
	if l.length == 0 {
		return "", false
	}
	nd := l.nodes.at(0)
	c := cap(nd.buf)
	s = nd.popFront()
	l.track(nd, c)
	if nd.n == 0 {
		l.nodes.popFront()
	}
	l.length--
	return s, true
}

// PopBack removes and returns the tail element (a string of its own); ok
// is false when the list is empty.
func (l *List) PopBack() (s string, ok bool) {
	if l.length == 0 {
		return "", false
	}
	nd := l.nodes.at(l.nodes.len() - 1)
	c := cap(nd.buf)
	s = nd.popBack()
	l.track(nd, c)
	if nd.n == 0 {
		l.nodes.popBack()
	}
	l.length--
	return s, true
}

// locate returns the node number and the offset in that node of element
// i (0 <= i < Len), walking from the nearer end.
func (l *List) locate(i int) (ni, off int) {
	if i < l.length/2 {
		for ni = 0; ; ni++ {
			n := int(l.nodes.at(ni).n)
			if i < n {
				return ni, i
			}
			i -= n
		}
	}
	j := l.length - 1 - i // distance from the tail
	for ni = l.nodes.len() - 1; ; ni-- {
		n := int(l.nodes.at(ni).n)
		if j < n {
			return ni, n - 1 - j
		}
		j -= n
	}
}

// Index returns element i (0-based from the head); ok is false when i is
// out of range. The string views the list's memory: it is valid until
// the list is next modified (copy it to keep it longer).
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
	c := cap(nd.buf)
	p := nd.offset(off)
	_, _, end := readFwd(nd.buf, p)
	if nd.n > 1 && nd.size()-(end-p)+entrySize(len(s)) > NodeBytes {
		// The node would outgrow NodeBytes: remove the old element and
		// insert the new one, which splits the node as needed.
		nd.splice(p, end, nil)
		nd.n--
		l.track(nd, c)
		l.length--
		l.Insert(i, s)
		return true
	}
	nd.splice(p, end, []string{s})
	l.track(nd, c)
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
	l.length++
	if !full(nd, len(s)) {
		c := cap(nd.buf)
		nd.insert(off, s)
		l.track(nd, c)
		return
	}
	if off == 0 && ni > 0 && !full(l.nodes.at(ni-1), len(s)) {
		prev := l.nodes.at(ni - 1)
		c := cap(prev.buf)
		prev.pushBack(s)
		l.track(prev, c)
		return
	}
	// Split the full node at off; s goes at the end of the left part,
	// the start of the right part, or into a node of its own between
	// them. Then merge whatever came out small.
	if off > 0 {
		right := &node{n: nd.n - int32(off)}
		p := nd.offset(off)
		right.buf = newBuf(len(nd.buf)-p, growCap(len(nd.buf)-p))
		copy(right.buf, nd.buf[p:])
		c := cap(nd.buf)
		nd.dropBack(int(right.n))
		l.track(nd, c)
		l.alloc += right.alloc()
		l.nodes.insert(ni+1, right)
		if !full(nd, len(s)) {
			c := cap(nd.buf)
			nd.pushBack(s)
			l.track(nd, c)
			l.compact(ni-1, ni+2)
			return
		}
		ni++ // s goes before node ni
	}
	if nd := l.nodes.at(ni); !full(nd, len(s)) {
		c := cap(nd.buf)
		nd.pushFront(s)
		l.track(nd, c)
	} else {
		nd := &node{}
		nd.pushBack(s)
		l.alloc += nd.alloc()
		l.nodes.insert(ni, nd)
	}
	l.compact(ni-1, ni+1)
}

// Range calls fn for elements start..stop (inclusive, 0 <= start <= stop <
// Len) from the head side, stopping early when fn returns false. The
// strings view the list's memory, as Index's do; fn must not modify l.
func (l *List) Range(start, stop int, fn func(i int, s string) bool) {
	if start < 0 || start > stop || stop >= l.length {
		return
	}
	l.Ascend(start, func(i int, s string) bool {
		return fn(i, s) && i < stop
	})
}

// Ascend calls fn for elements from..Len()-1 in order, stopping early when
// fn returns false. The strings view the list's memory, as Index's do; fn
// must not modify l.
func (l *List) Ascend(from int, fn func(i int, s string) bool) {
	if from < 0 || from >= l.length {
		return
	}
	ni, off := l.locate(from)
	i := from
	p := l.nodes.at(ni).offset(off)
	for ; ni < l.nodes.len(); ni++ {
		nd := l.nodes.at(ni)
		b := nd.buf
		for p < len(b) {
			at, n, end := readFwd(b, p)
			if !fn(i, view(b, at, n)) {
				return
			}
			i++
			p = end
		}
		if ni+1 < l.nodes.len() {
			p = int(l.nodes.at(ni + 1).lo)
		}
	}
}

// Descend calls fn for elements from..0 in reverse order, stopping early
// when fn returns false. The strings view the list's memory, as Index's
// do; fn must not modify l.
func (l *List) Descend(from int, fn func(i int, s string) bool) {
	if from < 0 || from >= l.length {
		return
	}
	ni, off := l.locate(from)
	i := from
	p := l.nodes.at(ni).offset(off + 1)
	for ; ni >= 0; ni-- {
		nd := l.nodes.at(ni)
		b, lo := nd.buf, int(nd.lo)
		for p > lo {
			start, at, n := readBack(b, p)
			if !fn(i, view(b, at, n)) {
				return
			}
			i--
			p = start
		}
		if ni > 0 {
			p = len(l.nodes.at(ni - 1).buf)
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
	match := func(s string) bool {
		if s == elem && more() {
			removed++
			return true
		}
		return false
	}
	// lo..hi bound the nodes visited (numbered after removals): the
	// only ones that may have become small.
	lo, hi := 0, l.nodes.len()-1
	if count >= 0 {
		ni := 0
		for ni < l.nodes.len() && more() {
			if l.filter(ni, false, match) {
				continue
			}
			ni++
		}
		hi = ni
	} else {
		ni := l.nodes.len() - 1
		for ; ni >= 0 && more(); ni-- {
			l.filter(ni, true, match)
		}
		lo = max(ni, 0)
	}
	l.length -= removed
	if removed > 0 {
		l.compact(lo-1, hi+1)
	}
	return removed
}

// filter removes the entries of node ni for which drop returns true,
// visiting them from the tail side when fromTail, and reports whether the
// node became empty and was removed.
func (l *List) filter(ni int, fromTail bool, drop func(string) bool) (gone bool) {
	nd := l.nodes.at(ni)
	b := nd.buf
	// spans are the [start, end) byte ranges of the dropped entries.
	var spans [][2]int
	if fromTail {
		for p := len(b); p > int(nd.lo); {
			start, at, n := readBack(b, p)
			if drop(view(b, at, n)) {
				spans = append(spans, [2]int{start, p})
			}
			p = start
		}
		slicesReverse(spans)
	} else {
		for p := int(nd.lo); p < len(b); {
			at, n, end := readFwd(b, p)
			if drop(view(b, at, n)) {
				spans = append(spans, [2]int{p, end})
			}
			p = end
		}
	}
	if len(spans) == 0 {
		return false
	}
	nd.n -= int32(len(spans))
	if nd.n == 0 {
		l.alloc -= nd.alloc()
		l.nodes.remove(ni)
		freeBuf(nd.buf)
		return true
	}
	size := nd.size()
	for _, sp := range spans {
		size -= sp[1] - sp[0]
	}
	nb := newBuf(0, growCap(size))
	p := int(nd.lo)
	for _, sp := range spans {
		nb = append(nb, b[p:sp[0]]...)
		p = sp[1]
	}
	nb = append(nb, b[p:]...)
	c := cap(nd.buf)
	nd.buf, nd.lo = nb, 0
	l.track(nd, c)
	freeBuf(b)
	return false
}

func slicesReverse(s [][2]int) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

// compact merges neighbouring nodes among nodes lo..hi (clamped) that
// together fit in half a node, so lists thinned out by LREM keep index
// walks short.
func (l *List) compact(lo, hi int) {
	lo = max(lo, 0)
	for ni := lo; ni+1 < l.nodes.len() && ni < hi; {
		a, b := l.nodes.at(ni), l.nodes.at(ni+1)
		if a.n+b.n > NodeCap/2 || a.size()+b.size() > NodeBytes/2 {
			ni++
			continue
		}
		c := cap(a.buf)
		a.appendNode(b)
		l.track(a, c)
		l.alloc -= b.alloc()
		l.nodes.remove(ni + 1)
		freeBuf(b.buf)
		hi--
	}
}

// Trim removes left elements from the head and right elements from the
// tail (LTRIM). Counts larger than the list empty it.
func (l *List) Trim(left, right int) {
	if left+right >= l.length {
		left, right = l.length, 0
	}
	for left > 0 && l.length > 0 {
		nd := l.nodes.at(0)
		if n := int(nd.n); n <= left {
			left -= n
			l.length -= n
			l.alloc -= nd.alloc()
			l.nodes.popFront()
			freeBuf(nd.buf)
			continue
		}
		c := cap(nd.buf)
		nd.dropFront(left)
		l.track(nd, c)
		l.length -= left
		left = 0
	}
	for right > 0 && l.length > 0 {
		nd := l.nodes.at(l.nodes.len() - 1)
		if n := int(nd.n); n <= right {
			right -= n
			l.length -= n
			l.alloc -= nd.alloc()
			l.nodes.popBack()
			freeBuf(nd.buf)
			continue
		}
		c := cap(nd.buf)
		nd.dropBack(right)
		l.track(nd, c)
		l.length -= right
		right = 0
	}
}
