package list

import (
	"encoding/binary"
	"unsafe"

	"github.com/aikv/aikv/datastructs"
)

// node is one chunk of the list: up to NodeCap elements packed into one
// byte slice, like a Redis listpack. Each entry is a uvarint length, the
// bytes, and the length again as a reversed uvarint (the "backlen"), so
// the entries can be walked from either end. The entries live in
// buf[lo:len(buf)]; buf[:lo] is headroom for pushes at the front and
// buf[len(buf):cap(buf)] room for pushes at the back.
type node struct {
	buf []byte
	lo  int32
	n   int32 // number of entries
}

// lenSize is the size of n's uvarint encoding.
func lenSize(n int) int {
	k := 1
	for n >= 0x80 {
		n >>= 7
		k++
	}
	return k
}

// entrySize is the encoded size of an element of n bytes.
func entrySize(n int) int { return 2*lenSize(n) + n }

// putEntry encodes s at b[0:entrySize(len(s))].
func putEntry(b []byte, s string) {
	k := binary.PutUvarint(b, uint64(len(s)))
	copy(b[k:], s)
	putBacklen(b[k+len(s):], len(s))
}

// putBacklen writes n as a reversed uvarint: the least significant
// group last, every byte but the first (lowest address) with the
// continuation bit.
func putBacklen(b []byte, n int) {
	k := lenSize(n)
	for i := k - 1; i >= 0; i-- {
		c := byte(n & 0x7f)
		if i != 0 {
			c |= 0x80
		}
		b[i] = c
		n >>= 7
	}
}

// readFwd decodes the entry starting at b[i]: its bytes start at at and
// span n, and the next entry starts at end.
func readFwd(b []byte, i int) (at, n, end int) {
	if c := b[i]; c < 0x80 {
		n, at = int(c), i+1
	} else {
		v, k := binary.Uvarint(b[i:])
		n, at = int(v), i+k
	}
	return at, n, at + n + lenSize(n)
}

// readBack decodes the entry ending at b[end-1]: it starts at start and
// its bytes span b[at:at+n].
func readBack(b []byte, end int) (start, at, n int) {
	j := end - 1
	if c := b[j]; c < 0x80 {
		n = int(c)
	} else {
		n = int(c & 0x7f)
		shift := 7
		for j--; ; j-- {
			c := b[j]
			n |= int(c&0x7f) << shift
			shift += 7
			if c < 0x80 {
				break
			}
		}
	}
	at = j - n
	start = at - lenSize(n)
	return start, at, n
}

// view returns b[at:at+n] as a string without copying.
func view(b []byte, at, n int) string {
	if n == 0 {
		return ""
	}
	return unsafe.String(&b[at], n)
}

// size is the encoded size of the entries.
func (nd *node) size() int { return len(nd.buf) - int(nd.lo) }

// alloc is the heap size of the node's buffer.
func (nd *node) alloc() int64 { return datastructs.AllocSize(cap(nd.buf)) }

// grow size for a buffer that must hold need bytes: small buffers grow
// to fit (their slack is memory per key), larger ones by half, so filling
// a node one element at a time stays linear.
func growCap(need int) int {
	if need > 256 {
		need += need / 2
	}
	return int(datastructs.AllocSize(need))
}

// realloc moves the entries into a new buffer with front bytes of
// headroom and at least back bytes of room after them, with growCap's
// slack. It returns the old buffer, which the caller passes to freeBuf
// once it no longer reads from it.
func (nd *node) realloc(front, back int) (old []byte) {
	return nd.reallocCap(front, back, growCap(front+nd.size()+back))
}

// reallocCap is realloc into a buffer of capacity c (a size class, at
// least front + size + back).
func (nd *node) reallocCap(front, back, c int) (old []byte) {
	sz := nd.size()
	nb := newBuf(front+sz, c)
	copy(nb[front:], nd.buf[nd.lo:])
	old = nd.buf
	nd.buf = nb
	nd.lo = int32(front)
	return old
}

// pushBack appends s.
func (nd *node) pushBack(s string) {
	need := entrySize(len(s))
	var old []byte
	if cap(nd.buf)-len(nd.buf) < need {
		old = nd.realloc(0, need)
	}
	end := len(nd.buf)
	nd.buf = nd.buf[:end+need]
	putEntry(nd.buf[end:], s)
	nd.n++
	freeBuf(old)
}

// pushFront prepends s.
func (nd *node) pushFront(s string) {
	need := entrySize(len(s))
	var old []byte
	if int(nd.lo) < need {
		// Headroom for more front pushes: as much again as the node
		// holds, within the growth rule.
		front := need + min(nd.size(), NodeBytes)/2
		old = nd.realloc(front, 0)
		// Give the size class's spare bytes to the front too.
		if extra := cap(nd.buf) - len(nd.buf); extra > 0 {
			nb := nd.buf[:cap(nd.buf)]
			copy(nb[int(nd.lo)+extra:], nb[nd.lo:len(nd.buf)])
			nd.buf = nb
			nd.lo += int32(extra)
		}
	}
	nd.lo -= int32(need)
	putEntry(nd.buf[nd.lo:], s)
	nd.n++
	freeBuf(old)
}

// popFront removes and returns (a copy of) the first entry.
func (nd *node) popFront() string {
	at, n, end := readFwd(nd.buf, int(nd.lo))
	s := string(nd.buf[at : at+n])
	nd.lo = int32(end)
	nd.n--
	nd.shrinkIfSparse()
	return s
}

// popBack removes and returns (a copy of) the last entry.
func (nd *node) popBack() string {
	start, at, n := readBack(nd.buf, len(nd.buf))
	s := string(nd.buf[at : at+n])
	nd.buf = nd.buf[:start]
	nd.n--
	nd.shrinkIfSparse()
	return s
}

// shrinkIfSparse reallocates a buffer at most a quarter used, so a node
// that grew and was popped down gives memory back.
func (nd *node) shrinkIfSparse() {
	if nd.n == 0 {
		freeBuf(nd.buf)
		nd.buf, nd.lo = nil, 0
		return
	}
	if cap(nd.buf) > 64 && nd.size() <= cap(nd.buf)/4 {
		freeBuf(nd.realloc(0, 0))
	}
}

// offset returns the position in buf of entry i (0 <= i <= n), walking
// from the nearer end.
func (nd *node) offset(i int) int {
	if i <= int(nd.n)/2 {
		p := int(nd.lo)
		for ; i > 0; i-- {
			_, _, p = readFwd(nd.buf, p)
		}
		return p
	}
	p := len(nd.buf)
	for j := int(nd.n); j > i; j-- {
		p, _, _ = readBack(nd.buf, p)
	}
	return p
}

// at returns entry i as a view.
func (nd *node) at(i int) string {
	at, n, _ := readFwd(nd.buf, nd.offset(i))
	return view(nd.buf, at, n)
}

// splice replaces buf[from:to] (entry boundaries) with the encoding of
// ins (empty ins: a plain removal), keeping the headroom at the front.
func (nd *node) splice(from, to int, ins []string) {
	add := 0
	for _, s := range ins {
		add += entrySize(len(s))
	}
	delta := add - (to - from)
	var old []byte
	if delta > 0 && cap(nd.buf)-len(nd.buf) < delta {
		lo := int(nd.lo)
		old = nd.realloc(0, delta)
		from -= lo
		to -= lo
	}
	end := len(nd.buf)
	if delta > 0 {
		nd.buf = nd.buf[:end+delta]
	}
	copy(nd.buf[to+delta:], nd.buf[to:end])
	if delta < 0 {
		nd.buf = nd.buf[:end+delta]
	}
	p := from
	for _, s := range ins {
		putEntry(nd.buf[p:], s)
		p += entrySize(len(s))
	}
	freeBuf(old)
}

// insert makes s entry i (0 <= i <= n).
func (nd *node) insert(i int, s string) {
	p := nd.offset(i)
	nd.splice(p, p, []string{s})
	nd.n++
}

// dropFront removes the first k entries.
func (nd *node) dropFront(k int) {
	nd.lo = int32(nd.offset(k))
	nd.n -= int32(k)
	nd.shrinkIfSparse()
}

// dropBack removes the last k entries.
func (nd *node) dropBack(k int) {
	nd.buf = nd.buf[:nd.offset(int(nd.n)-k)]
	nd.n -= int32(k)
	nd.shrinkIfSparse()
}

// appendNode appends every entry of o.
func (nd *node) appendNode(o *node) {
	sz := o.size()
	var old []byte
	if cap(nd.buf)-len(nd.buf) < sz {
		old = nd.realloc(0, sz)
	}
	nd.buf = append(nd.buf, o.buf[o.lo:]...)
	nd.n += o.n
	freeBuf(old)
}

// clone returns a compact copy.
func (nd *node) clone() *node {
	out := &node{n: nd.n}
	out.buf = newBuf(nd.size(), int(datastructs.AllocSize(nd.size())))
	copy(out.buf, nd.buf[nd.lo:])
	return out
}
