package zset

import (
	"encoding/binary"
	"math"
	"unsafe"

	"github.com/aikv/aikv/datastructs"
)

// The "listpack" encoding: one byte slice holding a 4-byte little-endian
// element count, then the elements sorted by (score, member), each a
// uvarint member length, the member bytes and the score as 8 little-endian
// bytes (IEEE 754 bits). Member bytes below len(lp) are never written
// again once stored: inserting or removing an element builds a new slice
// (copy on write, as cheap as Redis's memmove for these small buffers),
// except that an element appended at the end goes past len(lp) in place.
// Only the count header and score bytes are ever rewritten in place. So
// the member strings handed out view lp without copying and stay valid
// whatever happens to the set later.

// lpHdr is the size of the count header.
const lpHdr = 4

// lpCount is the element count of a listpack.
func lpCount(lp []byte) int {
	if len(lp) < lpHdr {
		return 0
	}
	return int(binary.LittleEndian.Uint32(lp))
}

func setCount(lp []byte, n int) { binary.LittleEndian.PutUint32(lp, uint32(n)) }

// lenSize is the size of n's uvarint encoding.
func lenSize(n int) int {
	k := 1
	for n >= 0x80 {
		n >>= 7
		k++
	}
	return k
}

// entrySize is the encoded size of an element whose member has n bytes.
func entrySize(n int) int { return lenSize(n) + n + 8 }

// appendEntry appends one encoded element to lp.
func appendEntry(lp []byte, member string, score float64) []byte {
	lp = binary.AppendUvarint(lp, uint64(len(member)))
	lp = append(lp, member...)
	return binary.LittleEndian.AppendUint64(lp, math.Float64bits(score))
}

// lpNext decodes the element at lp[i] and returns it with the offset of
// the next one. The member views lp.
func lpNext(lp []byte, i int) (member string, score float64, j int) {
	n, at := int(lp[i]), i+1
	if n >= 0x80 {
		v, k := binary.Uvarint(lp[i:])
		n, at = int(v), i+k
	}
	if n > 0 {
		member = unsafe.String(&lp[at], n)
	}
	at += n
	return member, math.Float64frombits(binary.LittleEndian.Uint64(lp[at:])), at + 8
}

// lpFind returns the byte range [start, end) of member's element and its
// score; start is -1 when member is absent.
func (z *ZSet) lpFind(member string) (start, end int, score float64) {
	lp := z.lp
	for i := lpHdr; i < len(lp); {
		m, s, j := lpNext(lp, i)
		if m == member {
			return i, j, s
		}
		i = j
	}
	return -1, 0, 0
}

// lpOffset returns the offset of the element at index i (len(lp) for
// i == Len()).
func (z *ZSet) lpOffset(i int) int {
	lp := z.lp
	off := lpHdr
	for ; i > 0; i-- {
		_, _, off = lpNext(lp, off)
	}
	return min(off, len(lp))
}

// lpSet stores (member, score) in the listpack: a new element when start
// is -1, otherwise a new score for the element at [start, end).
func (z *ZSet) lpSet(start, end int, member string, score float64) {
	lp := z.lp
	// at is where the element goes: before the first other element
	// that sorts after it.
	at := len(lp)
	for i := lpHdr; i < len(lp); {
		m, s, j := lpNext(lp, i)
		if i != start && (score < s || (score == s && member < m)) {
			at = i
			break
		}
		i = j
	}
	if start >= 0 {
		if at == start || at == end {
			// Same place: only the score bytes change.
			binary.LittleEndian.PutUint64(lp[end-8:], math.Float64bits(score))
			return
		}
		// Move: a new buffer without the old element, with the new one.
		nb := make([]byte, 0, datastructs.AllocSize(len(lp)))
		if at < start {
			nb = append(nb, lp[:at]...)
			nb = appendEntry(nb, member, score)
			nb = append(nb, lp[at:start]...)
			nb = append(nb, lp[end:]...)
		} else {
			nb = append(nb, lp[:start]...)
			nb = append(nb, lp[end:at]...)
			nb = appendEntry(nb, member, score)
			nb = append(nb, lp[at:]...)
		}
		z.lp = nb
		return
	}
	need := entrySize(len(member))
	if lp == nil {
		lp = make([]byte, lpHdr, datastructs.AllocSize(lpHdr+need))
		at = lpHdr
	}
	n := lpCount(lp) + 1
	if at == len(lp) {
		if len(lp)+need > cap(lp) {
			// Small listpacks grow to fit (their slack is memory per
			// key); larger ones by a quarter, so building one in
			// ascending order stays linear.
			c := len(lp) + need
			if len(lp) > 256 {
				c += c / 4
			}
			nb := make([]byte, len(lp), datastructs.AllocSize(c))
			copy(nb, lp)
			lp = nb
		}
		// Appending writes only past len(lp): no handed-out string
		// changes.
		lp = appendEntry(lp, member, score)
	} else {
		nb := make([]byte, 0, datastructs.AllocSize(len(lp)+need))
		nb = append(nb, lp[:at]...)
		nb = appendEntry(nb, member, score)
		lp = append(nb, lp[at:]...)
	}
	setCount(lp, n)
	z.lp = lp
}

// lpCut removes the n elements in lp[start:end], copying on write.
func (z *ZSet) lpCut(start, end, n int) {
	left := lpCount(z.lp) - n
	if left == 0 {
		z.lp = nil
		return
	}
	lp := z.lp
	nb := make([]byte, 0, datastructs.AllocSize(len(lp)-(end-start)))
	nb = append(nb, lp[:start]...)
	nb = append(nb, lp[end:]...)
	setCount(nb, left)
	z.lp = nb
}

// lpRank returns member's 0-based rank.
func (z *ZSet) lpRank(member string) (int, bool) {
	lp := z.lp
	r := 0
	for i := lpHdr; i < len(lp); r++ {
		m, _, j := lpNext(lp, i)
		if m == member {
			return r, true
		}
		i = j
	}
	return 0, false
}

// lpRange is Range on the listpack (valid bounds).
func (z *ZSet) lpRange(start, stop int, rev bool, fn func(member string, score float64) bool) {
	lp := z.lp
	i := z.lpOffset(start)
	if !rev {
		for k := start; k <= stop; k++ {
			m, s, j := lpNext(lp, i)
			if !fn(m, s) {
				return
			}
			i = j
		}
		return
	}
	// Elements can only be decoded forwards: note the offsets first.
	var buf [128]int32
	offs := buf[:0]
	for k := start; k <= stop; k++ {
		offs = append(offs, int32(i))
		_, _, i = lpNext(lp, i)
	}
	for k := len(offs) - 1; k >= 0; k-- {
		m, s, _ := lpNext(lp, int(offs[k]))
		if !fn(m, s) {
			return
		}
	}
}

// lpCountWhile returns how many leading elements satisfy pred, which must
// be true for a prefix of the order and false afterwards.
func (z *ZSet) lpCountWhile(pred func(member string, score float64) bool) int {
	lp := z.lp
	r := 0
	for i := lpHdr; i < len(lp); r++ {
		m, s, j := lpNext(lp, i)
		if !pred(m, s) {
			break
		}
		i = j
	}
	return r
}
