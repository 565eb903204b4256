package rdb

import (
	"encoding/binary"
	"strconv"
)

// Decoders for Redis's packed blobs: ziplist, listpack, intset, zipmap.
// Each returns the elements as strings (integers in decimal) and fails on
// anything that does not parse exactly, without reading out of bounds.

// ziplistEntries decodes a ziplist (Redis < 7.0 small lists, hashes and
// sorted sets).
func ziplistEntries(zl []byte) ([]string, error) {
	if len(zl) < 11 || binary.LittleEndian.Uint32(zl) != uint32(len(zl)) || zl[len(zl)-1] != 0xff {
		return nil, corrupt("ziplist header")
	}
	var out []string
	p := 10
	for {
		if p >= len(zl) {
			return nil, corrupt("ziplist without end")
		}
		if zl[p] == 0xff {
			if p != len(zl)-1 {
				return nil, corrupt("ziplist end before its size")
			}
			return out, nil
		}
		// prevlen
		if zl[p] == 0xfe {
			p += 5
		} else {
			p++
		}
		if p >= len(zl) {
			return nil, corrupt("ziplist entry")
		}
		e := zl[p]
		p++
		var need int
		var s string
		switch {
		case e>>6 == 0:
			need = int(e & 0x3f)
		case e>>6 == 1:
			if p >= len(zl) {
				return nil, corrupt("ziplist entry")
			}
			need = int(e&0x3f)<<8 | int(zl[p])
			p++
		case e == 0x80:
			if p+4 > len(zl) {
				return nil, corrupt("ziplist entry")
			}
			need = int(binary.BigEndian.Uint32(zl[p:]))
			p += 4
		default:
			var v int64
			var n int
			switch {
			case e == 0xc0:
				n = 2
			case e == 0xd0:
				n = 4
			case e == 0xe0:
				n = 8
			case e == 0xf0:
				n = 3
			case e == 0xfe:
				n = 1
			case e >= 0xf1 && e <= 0xfd:
				n = 0
				v = int64(e&0x0f) - 1
			default:
				return nil, corrupt("ziplist encoding")
			}
			if p+n > len(zl) {
				return nil, corrupt("ziplist entry")
			}
			b := zl[p : p+n]
			switch n {
			case 1:
				v = int64(int8(b[0]))
			case 2:
				v = int64(int16(binary.LittleEndian.Uint16(b)))
			case 3:
				v = int64(int32(uint32(b[0])<<8|uint32(b[1])<<16|uint32(b[2])<<24) >> 8)
			case 4:
				v = int64(int32(binary.LittleEndian.Uint32(b)))
			case 8:
				v = int64(binary.LittleEndian.Uint64(b))
			}
			p += n
			out = append(out, strconv.FormatInt(v, 10))
			continue
		}
		if need < 0 || p+need > len(zl)-1 {
			return nil, corrupt("ziplist string")
		}
		s = string(zl[p : p+need])
		p += need
		out = append(out, s)
	}
}

// listpackEntries decodes a listpack (Redis 7 small lists, hashes, sets
// and sorted sets).
func listpackEntries(lp []byte) ([]string, error) {
	if len(lp) < 7 || binary.LittleEndian.Uint32(lp) != uint32(len(lp)) || lp[len(lp)-1] != 0xff {
		return nil, corrupt("listpack header")
	}
	declared := int(binary.LittleEndian.Uint16(lp[4:]))
	var out []string
	p := 6
	end := len(lp) - 1
	for p < end {
		start := p
		e := lp[p]
		var s string
		isInt := true
		var v int64
		switch {
		case e&0x80 == 0:
			v = int64(e & 0x7f)
			p++
		case e&0xc0 == 0x80:
			n := int(e & 0x3f)
			p++
			if p+n > end {
				return nil, corrupt("listpack string")
			}
			s, isInt = string(lp[p:p+n]), false
			p += n
		case e&0xe0 == 0xc0:
			if p+2 > end {
				return nil, corrupt("listpack int")
			}
			uv := uint64(e&0x1f)<<8 | uint64(lp[p+1])
			if uv >= 1<<12 {
				v = int64(uv) - 1<<13
			} else {
				v = int64(uv)
			}
			p += 2
		case e&0xf0 == 0xe0:
			if p+2 > end {
				return nil, corrupt("listpack string")
			}
			n := int(e&0x0f)<<8 | int(lp[p+1])
			p += 2
			if p+n > end {
				return nil, corrupt("listpack string")
			}
			s, isInt = string(lp[p:p+n]), false
			p += n
		case e == 0xf0:
			if p+5 > end {
				return nil, corrupt("listpack string")
			}
			n := int(binary.LittleEndian.Uint32(lp[p+1:]))
			p += 5
			if n < 0 || n > end-p {
				return nil, corrupt("listpack string")
			}
			s, isInt = string(lp[p:p+n]), false
			p += n
		case e >= 0xf1 && e <= 0xf4:
			n := [...]int{2, 3, 4, 8}[e-0xf1]
			if p+1+n > end {
				return nil, corrupt("listpack int")
			}
			b := lp[p+1 : p+1+n]
			switch n {
			case 2:
				v = int64(int16(binary.LittleEndian.Uint16(b)))
			case 3:
				v = int64(int32(uint32(b[0])<<8|uint32(b[1])<<16|uint32(b[2])<<24) >> 8)
			case 4:
				v = int64(int32(binary.LittleEndian.Uint32(b)))
			case 8:
				v = int64(binary.LittleEndian.Uint64(b))
			}
			p += 1 + n
		default:
			return nil, corrupt("listpack encoding")
		}
		p += backlenSize(p - start)
		if p > end {
			return nil, corrupt("listpack backlen")
		}
		if isInt {
			s = strconv.FormatInt(v, 10)
		}
		out = append(out, s)
	}
	if p != end || (declared != 0xffff && declared != len(out)) {
		return nil, corrupt("listpack length")
	}
	return out, nil
}

func backlenSize(l int) int {
	switch {
	case l <= 127:
		return 1
	case l < 16383:
		return 2
	case l < 2097151:
		return 3
	case l < 268435455:
		return 4
	}
	return 5
}

// intsetEntries decodes an intset.
func intsetEntries(is []byte) ([]int64, error) {
	if len(is) < 8 {
		return nil, corrupt("intset header")
	}
	enc := int(binary.LittleEndian.Uint32(is))
	n := int(binary.LittleEndian.Uint32(is[4:]))
	if (enc != 2 && enc != 4 && enc != 8) || n < 0 || uint64(len(is)-8) != uint64(n)*uint64(enc) {
		return nil, corrupt("intset size")
	}
	out := make([]int64, n)
	for i := range out {
		b := is[8+i*enc:]
		switch enc {
		case 2:
			out[i] = int64(int16(binary.LittleEndian.Uint16(b)))
		case 4:
			out[i] = int64(int32(binary.LittleEndian.Uint32(b)))
		default:
			out[i] = int64(binary.LittleEndian.Uint64(b))
		}
	}
	return out, nil
}

// zipmapEntries decodes a zipmap (Redis < 2.6 small hashes).
func zipmapEntries(zm []byte) ([]string, error) {
	if len(zm) < 2 || zm[len(zm)-1] != 0xff {
		return nil, corrupt("zipmap")
	}
	p := 1
	readLen := func() (int, bool) {
		if p >= len(zm) || zm[p] == 0xff {
			return 0, false
		}
		if zm[p] < 254 {
			p++
			return int(zm[p-1]), true
		}
		if zm[p] == 254 && p+5 <= len(zm) {
			n := int(binary.LittleEndian.Uint32(zm[p+1:]))
			p += 5
			return n, n >= 0
		}
		return 0, false
	}
	var out []string
	for p < len(zm)-1 {
		klen, ok := readLen()
		if !ok || klen > len(zm)-1-p {
			return nil, corrupt("zipmap key")
		}
		out = append(out, string(zm[p:p+klen]))
		p += klen
		vlen, ok := readLen()
		if !ok || p >= len(zm) {
			return nil, corrupt("zipmap value")
		}
		free := int(zm[p])
		p++
		if vlen+free > len(zm)-1-p {
			return nil, corrupt("zipmap value")
		}
		out = append(out, string(zm[p:p+vlen]))
		p += vlen + free
	}
	if p != len(zm)-1 {
		return nil, corrupt("zipmap end")
	}
	return out, nil
}

// listpackBuilder writes a listpack the way Redis's lpAppend does.
type listpackBuilder struct {
	b []byte
	n int
}

func newListpack() *listpackBuilder {
	return &listpackBuilder{b: make([]byte, 6, 64)}
}

func (lb *listpackBuilder) size() int { return len(lb.b) + 1 }

func (lb *listpackBuilder) append(s string) {
	start := len(lb.b)
	b := lb.b
	if v, ok := parseStrictInt(s); ok {
		switch {
		case v >= 0 && v <= 127:
			b = append(b, byte(v))
		case v >= -4096 && v <= 4095:
			uv := uint64(v)
			if v < 0 {
				uv = uint64(1<<13 + v)
			}
			b = append(b, byte(uv>>8)|0xc0, byte(uv))
		case v >= -32768 && v <= 32767:
			b = append(b, 0xf1)
			b = binary.LittleEndian.AppendUint16(b, uint16(v))
		case v >= -8388608 && v <= 8388607:
			uv := uint32(v)
			b = append(b, 0xf2, byte(uv), byte(uv>>8), byte(uv>>16))
		case v >= -2147483648 && v <= 2147483647:
			b = append(b, 0xf3)
			b = binary.LittleEndian.AppendUint32(b, uint32(v))
		default:
			b = append(b, 0xf4)
			b = binary.LittleEndian.AppendUint64(b, uint64(v))
		}
	} else {
		switch n := len(s); {
		case n < 64:
			b = append(b, 0x80|byte(n))
		case n < 4096:
			b = append(b, 0xe0|byte(n>>8), byte(n))
		default:
			b = append(b, 0xf0)
			b = binary.LittleEndian.AppendUint32(b, uint32(n))
		}
		b = append(b, s...)
	}
	l := uint64(len(b) - start)
	switch {
	case l <= 127:
		b = append(b, byte(l))
	case l < 16383:
		b = append(b, byte(l>>7), byte(l&127)|128)
	case l < 2097151:
		b = append(b, byte(l>>14), byte((l>>7)&127)|128, byte(l&127)|128)
	case l < 268435455:
		b = append(b, byte(l>>21), byte((l>>14)&127)|128, byte((l>>7)&127)|128, byte(l&127)|128)
	default:
		b = append(b, byte(l>>28), byte((l>>21)&127)|128, byte((l>>14)&127)|128, byte((l>>7)&127)|128, byte(l&127)|128)
	}
	lb.b = b
	lb.n++
}

// bytes finishes the listpack: header and terminator.
func (lb *listpackBuilder) bytes() []byte {
	b := append(lb.b, 0xff)
	binary.LittleEndian.PutUint32(b, uint32(len(b)))
	n := lb.n
	if n > 0xffff {
		n = 0xffff
	}
	binary.LittleEndian.PutUint16(b[4:], uint16(n))
	return b
}
