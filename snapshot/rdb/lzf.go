package rdb

import (
	"errors"
	"sync"
)

var errLZF = errors.New("rdb: corrupt LZF data")

// LZFDecompress is liblzf's lzf_decompress: it expands in, which must
// produce exactly outLen bytes.
func LZFDecompress(in []byte, outLen int) ([]byte, error) {
	// A back reference of 3 bytes expands to at most 264 bytes: a larger
	// claimed length is corrupt, and refusing it early keeps hostile input
	// from allocating gigabytes.
	if outLen < 0 || outLen > len(in)*90+8 {
		return nil, errLZF
	}
	out := make([]byte, 0, outLen)
	for i := 0; i < len(in); {
		ctrl := int(in[i])
		i++
		if ctrl < 32 {
			n := ctrl + 1
			if i+n > len(in) || len(out)+n > outLen {
				return nil, errLZF
			}
			out = append(out, in[i:i+n]...)
			i += n
			continue
		}
		n := ctrl >> 5
		ref := len(out) - ((ctrl & 0x1f) << 8) - 1
		if n == 7 {
			if i >= len(in) {
				return nil, errLZF
			}
			n += int(in[i])
			i++
		}
		if i >= len(in) {
			return nil, errLZF
		}
		ref -= int(in[i])
		i++
		n += 2
		if ref < 0 || len(out)+n > outLen {
			return nil, errLZF
		}
		for k := 0; k < n; k++ {
			out = append(out, out[ref+k])
		}
	}
	if len(out) != outLen {
		return nil, errLZF
	}
	return out, nil
}

const (
	lzfHLog   = 16
	lzfHSize  = 1 << lzfHLog
	lzfMaxLit = 1 << 5
	lzfMaxOff = 1 << 13
	lzfMaxRef = (1 << 8) + (1 << 3)
)

// lzfTable is the compressor's hash table. Entries carry the generation
// of the call that wrote them, so a pooled table needs no clearing.
type lzfTable struct {
	tab [lzfHSize]uint64
	gen uint32
}

var lzfTables = sync.Pool{New: func() any { return new(lzfTable) }}

func lzfIdx(h uint32) uint32 { return ((h >> (3*8 - lzfHLog)) - h*5) & (lzfHSize - 1) }

// LZFCompress is liblzf's lzf_compress as Redis builds it (HLOG 16,
// VERY_FAST), so its output matches Redis's byte for byte. It returns nil
// when the result would not fit in maxOut bytes; Redis asks for at most
// len(in)-4 and stores the string uncompressed otherwise.
func LZFCompress(in []byte, maxOut int) []byte {
	if len(in) == 0 || maxOut <= 0 {
		return nil
	}
	ht := lzfTables.Get().(*lzfTable)
	defer lzfTables.Put(ht)
	ht.gen++
	if ht.gen == 0 { // wrapped: stale entries could look current
		clear(ht.tab[:])
		ht.gen = 1
	}
	gen := uint64(ht.gen) << 32
	// get returns the position stored in a slot (0, which never matches,
	// when the slot is from an earlier call); set stores one.
	get := func(slot uint32) int {
		v := ht.tab[slot]
		if v&^0xffffffff != gen {
			return 0
		}
		return int(uint32(v))
	}
	set := func(slot uint32, pos int) { ht.tab[slot] = gen | uint64(uint32(pos)) }
	out := make([]byte, maxOut+4)
	outEnd := maxOut
	inEnd := len(in)
	lit := 0
	op := 1 // start run
	ip := 0
	var hval uint32
	if inEnd >= 2 {
		hval = uint32(in[0])<<8 | uint32(in[1])
	}
	for ip < inEnd-2 {
		hval = hval<<8 | uint32(in[ip+2])
		slot := lzfIdx(hval)
		ref := get(slot)
		set(slot, ip)
		off := ip - ref - 1
		if ref > 0 && off >= 0 && off < lzfMaxOff && in[ref+2] == in[ip+2] &&
			in[ref] == in[ip] && in[ref+1] == in[ip+1] {
			l := 2
			maxLen := inEnd - ip - l
			if maxLen > lzfMaxRef {
				maxLen = lzfMaxRef
			}
			if op+3+1 >= outEnd {
				undo := 0
				if lit == 0 {
					undo = 1
				}
				if op-undo+3+1 >= outEnd {
					return nil
				}
			}
			out[op-lit-1] = byte(lit - 1) // stop run
			if lit == 0 {
				op-- // undo run if length is zero
			}
			done := false
			if maxLen > 16 { // liblzf's unrolled loop: no bound check
				for k := 0; k < 16; k++ {
					l++
					if in[ref+l] != in[ip+l] {
						done = true
						break
					}
				}
			}
			if !done {
				for {
					l++
					if l >= maxLen || in[ref+l] != in[ip+l] {
						break
					}
				}
			}
			l -= 2
			ip++
			if l < 7 {
				out[op] = byte(off>>8) + byte(l<<5)
				op++
			} else {
				out[op] = byte(off>>8) + 7<<5
				out[op+1] = byte(l - 7)
				op += 2
			}
			out[op] = byte(off)
			op++
			lit = 0
			op++ // start run
			ip += l + 1
			if ip >= inEnd-2 {
				break
			}
			ip -= 2
			hval = uint32(in[ip])<<8 | uint32(in[ip+1])
			hval = hval<<8 | uint32(in[ip+2])
			set(lzfIdx(hval), ip)
			ip++
			hval = hval<<8 | uint32(in[ip+2])
			set(lzfIdx(hval), ip)
			ip++
			continue
		}
		if op >= outEnd {
			return nil
		}
		lit++
		out[op] = in[ip]
		op++
		ip++
		if lit == lzfMaxLit {
			out[op-lit-1] = byte(lit - 1)
			lit = 0
			op++
		}
	}
	if op+3 > outEnd {
		return nil
	}
	for ip < inEnd {
		lit++
		out[op] = in[ip]
		op++
		ip++
		if lit == lzfMaxLit {
			out[op-lit-1] = byte(lit - 1)
			lit = 0
			op++
		}
	}
	out[op-lit-1] = byte(lit - 1) // end run
	if lit == 0 {
		op--
	}
	return out[:op]
}
