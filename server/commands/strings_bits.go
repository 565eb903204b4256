package commands

import (
	"math"
	"math/bits"

	"github.com/aikv/aikv/server/command"
)

// Bitmap commands: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD
// BITFIELD_RO. Bits are numbered from the most significant bit of the
// first byte, as in Redis.

// bitOffsetArg parses a bit offset like Redis's getBitOffsetFromArgument:
// with hash and bits > 0, "#N" means N*bits. Offsets whose byte is at or
// beyond 512MB are errors.
func bitOffsetArg(c *command.Context, arg []byte, hash bool, width int) (uint64, bool) {
	useHash := hash && width > 0 && len(arg) > 0 && arg[0] == '#'
	if useHash {
		arg = arg[1:]
	}
	off, ok := parseInt(arg)
	if ok && useHash {
		off *= int64(width) // may wrap, as the C multiplication does
	}
	if !ok || off < 0 || off>>3 >= maxStringLen {
		c.W.Error(command.ErrBitOffset)
		return 0, false
	}
	return uint64(off), true
}

// growForBits returns a fresh copy of s at least byteLen bytes long
// (zero padded), for a command that will modify bits in it.
func growForBits(s string, byteLen uint64) []byte {
	n := max(uint64(len(s)), byteLen)
	buf := make([]byte, n)
	copy(buf, s)
	return buf
}

func setbit(c *command.Context) {
	off, ok := bitOffsetArg(c, c.Args[2], false, 0)
	if !ok {
		return
	}
	on, ok := parseInt(c.Args[3])
	if !ok || on&^1 != 0 {
		c.W.Error(command.ErrBitValue)
		return
	}
	key := c.Args[1]
	e := c.DB.LookupWrite(key)
	var old string
	if e != nil {
		var isStr bool
		if old, isStr = e.Str(); !isStr {
			strWrongType(c)
			return
		}
	}
	byteIdx := off >> 3
	shift := 7 - off&7
	var bitval byte
	if byteIdx < uint64(len(old)) {
		bitval = old[byteIdx] >> shift & 1
	}
	// Redis writes only when the key is created, grows, or the bit flips.
	if e == nil || byteIdx >= uint64(len(old)) || int64(bitval) != on {
		buf := growForBits(old, byteIdx+1)
		if on == 1 {
			buf[byteIdx] |= 1 << shift
		} else {
			buf[byteIdx] &^= 1 << shift
		}
		c.DB.SetStringOwned(key, strOwned(buf), 0, true)
		c.Notify(command.NotifyString, "setbit", key)
	}
	c.W.Int(int64(bitval))
}

func getbit(c *command.Context) {
	off, ok := bitOffsetArg(c, c.Args[2], false, 0)
	if !ok {
		return
	}
	s, _, ok := lookupString(c, c.Args[1], false)
	if !ok {
		return
	}
	var bitval byte
	if byteIdx := off >> 3; byteIdx < uint64(len(s)) {
		bitval = s[byteIdx] >> (7 - off&7) & 1
	}
	c.W.Int(int64(bitval))
}

// bitsPopcount counts the set bits of s.
func bitsPopcount(s string) int64 {
	var n int
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		n += bits.OnesCount64(w)
	}
	for ; i < len(s); i++ {
		n += bits.OnesCount8(s[i])
	}
	return int64(n)
}

// bitUnitArg parses BITCOUNT/BITPOS's BYTE|BIT argument.
func bitUnitArg(c *command.Context, arg []byte) (isBit, ok bool) {
	switch {
	case eq(arg, "bit"):
		return true, true
	case eq(arg, "byte"):
		return false, true
	}
	c.W.Error(command.ErrSyntax)
	return false, false
}

// bitRange converts negative indexes and clamps [start, end] to a string
// of total units, as BITCOUNT and BITPOS do.
func bitRange(start, end, total int64) (int64, int64) {
	if start < 0 {
		start += total
	}
	if end < 0 {
		end += total
	}
	start = max(start, 0)
	end = max(end, 0)
	if end >= total {
		end = total - 1
	}
	return start, end
}

// bitcount follows Redis 7.0: the key is looked up first (a missing key
// answers 0 whatever the other arguments are), then the range is parsed.
func bitcount(c *command.Context) {
	s, found, ok := lookupString(c, c.Args[1], false)
	if !ok {
		return
	}
	if !found {
		c.W.Int(0)
		return
	}
	var start, end int64
	isBit := false
	switch len(c.Args) {
	case 4, 5:
		if start, ok = intArg(c, c.Args[2]); !ok {
			return
		}
		if end, ok = intArg(c, c.Args[3]); !ok {
			return
		}
		if start < 0 && end < 0 && start > end {
			c.W.Int(0)
			return
		}
		if len(c.Args) == 5 {
			if isBit, ok = bitUnitArg(c, c.Args[4]); !ok {
				return
			}
		}
		total := int64(len(s))
		if isBit {
			total <<= 3
		}
		start, end = bitRange(start, end, total)
	case 2:
		start, end = 0, int64(len(s))-1
	default:
		c.W.Error(command.ErrSyntax)
		return
	}
	if start > end {
		c.W.Int(0)
		return
	}
	if !isBit {
		c.W.Int(bitsPopcount(s[start : end+1]))
		return
	}
	sb, eb := start>>3, end>>3
	n := bitsPopcount(s[sb : eb+1])
	// Drop the bits of the edge bytes that lie outside the range.
	n -= int64(bits.OnesCount8(s[sb] & ^byte(0xFF>>(start&7))))
	n -= int64(bits.OnesCount8(s[eb] & byte(0xFF>>(end&7+1))))
	c.W.Int(n)
}

// firstBit returns the index of the first bit equal to bit in s within
// bit positions [from, to], or -1.
func firstBit(s string, bit byte, from, to int64) int64 {
	var skip byte // a byte made only of bits we are not looking for
	if bit == 0 {
		skip = 0xFF
	}
	for i := from; i <= to; {
		if i&7 == 0 && i+7 <= to && s[i>>3] == skip {
			i += 8
			continue
		}
		if s[i>>3]>>(7-i&7)&1 == bit {
			return i
		}
		i++
	}
	return -1
}

func bitpos(c *command.Context) {
	b, ok := intArg(c, c.Args[2])
	if !ok {
		return
	}
	if b != 0 && b != 1 {
		c.W.Error(command.ErrBitArg)
		return
	}
	s, found, ok := lookupString(c, c.Args[1], false)
	if !ok {
		return
	}
	if !found {
		// A missing key is an infinite run of zeros.
		if b == 1 {
			c.W.Int(-1)
		} else {
			c.W.Int(0)
		}
		return
	}
	var start, end int64
	isBit, endGiven := false, false
	switch len(c.Args) {
	case 4, 5, 6:
		total := int64(len(s))
		if start, ok = intArg(c, c.Args[3]); !ok {
			return
		}
		if len(c.Args) == 6 {
			if isBit, ok = bitUnitArg(c, c.Args[5]); !ok {
				return
			}
		}
		if len(c.Args) >= 5 {
			if end, ok = intArg(c, c.Args[4]); !ok {
				return
			}
			endGiven = true
		} else {
			end = total - 1
			if isBit {
				end = total<<3 + 7
			}
		}
		if isBit {
			total <<= 3
		}
		start, end = bitRange(start, end, total)
	case 3:
		start, end = 0, int64(len(s))-1
	default:
		c.W.Error(command.ErrSyntax)
		return
	}
	if start > end {
		c.W.Int(-1)
		return
	}
	from, to := start, end
	if !isBit {
		from, to = start<<3, end<<3+7
	}
	pos := firstBit(s, byte(b), from, to)
	if pos == -1 && b == 0 && !endGiven {
		// Looking for a clear bit with no explicit end: the string is
		// taken as padded with zeros on the right.
		pos = to + 1
	}
	c.W.Int(pos)
}

func bitop(c *command.Context) {
	const (
		opAnd = iota
		opOr
		opXor
		opNot
	)
	var op int
	switch name := c.Args[1]; {
	case eq(name, "and"):
		op = opAnd
	case eq(name, "or"):
		op = opOr
	case eq(name, "xor"):
		op = opXor
	case eq(name, "not"):
		op = opNot
	default:
		c.W.Error(command.ErrSyntax)
		return
	}
	if op == opNot && len(c.Args) != 4 {
		c.W.Error(command.ErrBitopNot)
		return
	}
	dest := c.Args[2]
	srcKeys := c.Args[3:]
	srcs := make([]string, len(srcKeys))
	maxLen := 0
	for i, k := range srcKeys {
		s, _, ok := lookupString(c, k, false)
		if !ok {
			return
		}
		srcs[i] = s
		maxLen = max(maxLen, len(s))
	}
	if maxLen == 0 {
		if c.DB.Delete(dest) {
			c.Notify(command.NotifyGeneric, "del", dest)
		}
		c.W.Int(0)
		return
	}
	res := make([]byte, maxLen)
	copy(res, srcs[0])
	switch op {
	case opNot:
		for i := range res {
			res[i] = ^res[i]
		}
	case opAnd:
		for _, s := range srcs[1:] {
			for i := range res {
				if i < len(s) {
					res[i] &= s[i]
				} else {
					res[i] = 0
				}
			}
		}
	case opOr:
		for _, s := range srcs[1:] {
			for i := 0; i < len(s); i++ {
				res[i] |= s[i]
			}
		}
	case opXor:
		for _, s := range srcs[1:] {
			for i := 0; i < len(s); i++ {
				res[i] ^= s[i]
			}
		}
	}
	c.DB.SetStringOwned(dest, strOwned(res), 0, false)
	c.Notify(command.NotifyString, "set", dest)
	c.W.Int(int64(maxLen))
}

// BITFIELD.

// Overflow behaviours of BITFIELD.
const (
	bfWrap = iota
	bfSat
	bfFail
)

// bitfieldOp is one GET/SET/INCRBY of a BITFIELD call.
type bitfieldOp struct {
	offset uint64
	value  int64 // SET value or INCRBY increment
	width  uint
	signed bool
	write  bool
	incr   bool // INCRBY (else SET, when write)
	ow     int  // overflow behaviour in force for this op
}

// bitfieldTypeArg parses "i1".."i64" / "u1".."u63" (lower case only, as
// in Redis 7.0). Like Redis, which reads the width with strlen, the width
// stops at a NUL byte: "u8\x00junk" is u8 (a wart we copy).
func bitfieldTypeArg(arg []byte) (width uint, signed, ok bool) {
	if len(arg) == 0 {
		return 0, false, false
	}
	switch arg[0] {
	case 'i':
		signed = true
	case 'u':
	default:
		return 0, false, false
	}
	num := arg[1:]
	for i, ch := range num {
		if ch == 0 {
			num = num[:i]
			break
		}
	}
	n, ok := parseInt(num)
	if !ok || n < 1 || (signed && n > 64) || (!signed && n > 63) {
		return 0, false, false
	}
	return uint(n), signed, true
}

// getUnsignedBits reads width bits at offset (MSB first) from p.
func getUnsignedBits(p []byte, offset uint64, width uint) uint64 {
	var v uint64
	for j := uint(0); j < width; j++ {
		b := p[offset>>3] >> (7 - offset&7) & 1
		v = v<<1 | uint64(b)
		offset++
	}
	return v
}

// getSignedBits reads a two's complement field.
func getSignedBits(p []byte, offset uint64, width uint) int64 {
	v := int64(getUnsignedBits(p, offset, width))
	if width < 64 && v&(1<<(width-1)) != 0 {
		v |= -1 << width
	}
	return v
}

// setBits writes the low width bits of v at offset.
func setBits(p []byte, offset uint64, width uint, v uint64) {
	for j := uint(0); j < width; j++ {
		mask := byte(1) << (7 - offset&7)
		if v&(1<<(width-1-j)) != 0 {
			p[offset>>3] |= mask
		} else {
			p[offset>>3] &^= mask
		}
		offset++
	}
}

// unsignedOverflow is Redis's checkUnsignedBitfieldOverflow: it reports
// whether value+incr leaves the width's range (1 above, -1 below, 0 in
// range) and, for WRAP and SAT, the value to store instead.
func unsignedOverflow(value uint64, incr int64, width uint, ow int) (int, uint64) {
	maxv := uint64(1)<<width - 1
	if width == 64 {
		maxv = math.MaxUint64
	}
	maxincr := int64(maxv - value)
	minincr := -int64(value)
	wrap := func() uint64 { return (value + uint64(incr)) & maxv }
	if value > maxv || (incr > 0 && incr > maxincr) {
		switch ow {
		case bfWrap:
			return 1, wrap()
		case bfSat:
			return 1, maxv
		}
		return 1, 0
	}
	if incr < 0 && incr < minincr {
		switch ow {
		case bfWrap:
			return 1, wrap() // Redis reports wrap as 1 either way
		case bfSat:
			return -1, 0
		}
		return -1, 0
	}
	return 0, 0
}

// signedOverflow is Redis's checkSignedBitfieldOverflow.
func signedOverflow(value, incr int64, width uint, ow int) (int, int64) {
	maxv := int64(math.MaxInt64)
	if width != 64 {
		maxv = 1<<(width-1) - 1
	}
	minv := -maxv - 1
	maxincr := int64(uint64(maxv) - uint64(value))
	minincr := minv - value
	wrap := func() int64 {
		r := uint64(value) + uint64(incr)
		if width < 64 {
			mask := ^uint64(0) << width
			if r&(1<<(width-1)) != 0 {
				r |= mask
			} else {
				r &^= mask
			}
		}
		return int64(r)
	}
	if value > maxv || (width != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr) {
		switch ow {
		case bfWrap:
			return 1, wrap()
		case bfSat:
			return 1, maxv
		}
		return 1, 0
	}
	if value < minv || (width != 64 && incr < minincr) || (value < 0 && incr < 0 && incr < minincr) {
		switch ow {
		case bfWrap:
			return 1, wrap()
		case bfSat:
			return -1, minv
		}
		return -1, 0
	}
	return 0, 0
}

// applyBitfieldOp runs one SET/INCRBY on buf (long enough). It returns
// the reply value, or ok=false for an overflow under FAIL (null reply,
// nothing written).
func applyBitfieldOp(buf []byte, op *bitfieldOp) (reply int64, ok bool) {
	if op.signed {
		old := getSignedBits(buf, op.offset, op.width)
		var nv int64
		var of int
		var lim int64
		if op.incr {
			of, lim = signedOverflow(old, op.value, op.width, op.ow)
			nv = old + op.value
			if of != 0 {
				nv = lim
			}
			reply = nv
		} else {
			nv = op.value
			of, lim = signedOverflow(nv, 0, op.width, op.ow)
			if of != 0 {
				nv = lim
			}
			reply = old
		}
		if of != 0 && op.ow == bfFail {
			return 0, false
		}
		setBits(buf, op.offset, op.width, uint64(nv))
		return reply, true
	}
	old := getUnsignedBits(buf, op.offset, op.width)
	var nv uint64
	var of int
	var lim uint64
	if op.incr {
		nv = old + uint64(op.value)
		of, lim = unsignedOverflow(old, op.value, op.width, op.ow)
		if of != 0 {
			nv = lim
		}
		reply = int64(nv)
	} else {
		nv = uint64(op.value)
		of, lim = unsignedOverflow(nv, 0, op.width, op.ow)
		if of != 0 {
			nv = lim
		}
		reply = int64(old)
	}
	if of != 0 && op.ow == bfFail {
		return 0, false
	}
	setBits(buf, op.offset, op.width, nv)
	return reply, true
}

// readBitfield reads a GET field from src, which may be shorter than the
// field (missing bytes read as zero).
func readBitfield(src []byte, op *bitfieldOp) int64 {
	var window [9]byte
	first := op.offset >> 3
	for i := uint64(0); i < 9 && first+i < uint64(len(src)); i++ {
		window[i] = src[first+i]
	}
	off := op.offset - first*8
	if op.signed {
		return getSignedBits(window[:], off, op.width)
	}
	return int64(getUnsignedBits(window[:], off, op.width))
}

func bitfield(c *command.Context)   { bitfieldGeneric(c, false) }
func bitfieldRO(c *command.Context) { bitfieldGeneric(c, true) }

// bitfieldGeneric is Redis's bitfieldGeneric: every argument is parsed
// first, then the key is looked up (and, for writes, created or grown to
// the highest bit written, even when every write then fails), then the
// operations run in order.
func bitfieldGeneric(c *command.Context, readOnly bool) {
	var ops []bitfieldOp
	ow := bfWrap
	hasWrite := false
	var highest uint64
	args := c.Args
	for j := 2; j < len(args); j++ {
		rem := len(args) - j - 1
		sub := args[j]
		var op bitfieldOp
		switch {
		case eq(sub, "get") && rem >= 2:
		case eq(sub, "set") && rem >= 3:
			op.write = true
		case eq(sub, "incrby") && rem >= 3:
			op.write, op.incr = true, true
		case eq(sub, "overflow") && rem >= 1:
			j++
			switch t := args[j]; {
			case eq(t, "wrap"):
				ow = bfWrap
			case eq(t, "sat"):
				ow = bfSat
			case eq(t, "fail"):
				ow = bfFail
			default:
				c.W.Error(command.ErrBitfieldOverflow)
				return
			}
			continue
		default:
			c.W.Error(command.ErrSyntax)
			return
		}
		var ok bool
		op.width, op.signed, ok = bitfieldTypeArg(args[j+1])
		if !ok {
			c.W.Error(command.ErrBitfieldType)
			return
		}
		if op.offset, ok = bitOffsetArg(c, args[j+2], true, int(op.width)); !ok {
			return
		}
		if op.write {
			hasWrite = true
			highest = max(highest, op.offset+uint64(op.width)-1)
			if op.value, ok = intArg(c, args[j+3]); !ok {
				return
			}
			j += 3
		} else {
			j += 2
		}
		op.ow = ow
		ops = append(ops, op)
	}

	key := args[1]
	if !hasWrite {
		s, _, ok := lookupString(c, key, false)
		if !ok {
			return
		}
		src := strBytes(s)
		c.W.Array(len(ops))
		for i := range ops {
			c.W.Int(readBitfield(src, &ops[i]))
		}
		return
	}
	if readOnly {
		c.W.Error(command.ErrBitfieldRO)
		return
	}
	var old string
	e := c.DB.LookupWrite(key)
	if e != nil {
		var isStr bool
		if old, isStr = e.Str(); !isStr {
			strWrongType(c)
			return
		}
	}
	buf := growForBits(old, highest>>3+1)
	// As Redis 7.0, only a write that changes the field's value counts as
	// a change, or creating or growing the string (lookupStringForBitCommand's
	// dirty): otherwise nothing is notified.
	changes := 0
	if e == nil || len(buf) > len(old) {
		changes++
	}
	c.W.Array(len(ops))
	for i := range ops {
		op := &ops[i]
		if !op.write {
			c.W.Int(readBitfield(buf, op))
			continue
		}
		before := readBitfield(buf, op)
		if v, ok := applyBitfieldOp(buf, op); ok {
			c.W.Int(v)
			if readBitfield(buf, op) != before {
				changes++
			}
		} else {
			c.W.Null()
		}
	}
	if changes > 0 {
		c.DB.SetStringOwned(key, strOwned(buf), 0, true)
		c.Notify(command.NotifyString, "setbit", key)
	}
}
