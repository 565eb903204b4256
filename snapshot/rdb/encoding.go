package rdb

import (
	"encoding/binary"
	"errors"
	"math"
	"strconv"
)

// Length encodings (rdb.h): the two top bits of the first byte.
const (
	len6bit  = 0
	len14bit = 1
	len32bit = 0x80
	len64bit = 0x81
	lenEnc   = 3 // the low 6 bits name a special string encoding

	encInt8  = 0
	encInt16 = 1
	encInt32 = 2
	encLZF   = 3
)

// ErrCorrupt is returned (wrapped) for data that does not decode.
var ErrCorrupt = errors.New("rdb: corrupt data")

func corrupt(what string) error { return &corruptError{what} }

type corruptError struct{ what string }

func (e *corruptError) Error() string { return "rdb: corrupt data: " + e.what }
func (e *corruptError) Unwrap() error { return ErrCorrupt }

// decoder reads RDB encodings from a byte slice. Errors are sticky: after
// the first one every read returns zero values, so callers check err at
// convenient points (and in every loop, so hostile counts end quickly).
type decoder struct {
	b   []byte
	off int
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = corrupt(what)
	}
}

func (d *decoder) remaining() int { return len(d.b) - d.off }

func (d *decoder) bytes(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || n > len(d.b)-d.off {
		d.fail("unexpected end of data")
		return nil
	}
	p := d.b[d.off : d.off+n]
	d.off += n
	return p
}

func (d *decoder) byte() byte {
	p := d.bytes(1)
	if p == nil {
		return 0
	}
	return p[0]
}

func (d *decoder) uint32LE() uint32 {
	p := d.bytes(4)
	if p == nil {
		return 0
	}
	return binary.LittleEndian.Uint32(p)
}

func (d *decoder) uint64LE() uint64 {
	p := d.bytes(8)
	if p == nil {
		return 0
	}
	return binary.LittleEndian.Uint64(p)
}

// length reads an RDB length; encoded reports the special string form, in
// which the value is the encoding (encInt8 ... encLZF).
func (d *decoder) length() (n uint64, encoded bool) {
	b := d.byte()
	if d.err != nil {
		return 0, false
	}
	switch b >> 6 {
	case len6bit:
		return uint64(b & 0x3f), false
	case len14bit:
		return uint64(b&0x3f)<<8 | uint64(d.byte()), false
	case lenEnc:
		return uint64(b & 0x3f), true
	}
	switch b {
	case len32bit:
		p := d.bytes(4)
		if p == nil {
			return 0, false
		}
		return uint64(binary.BigEndian.Uint32(p)), false
	case len64bit:
		p := d.bytes(8)
		if p == nil {
			return 0, false
		}
		return binary.BigEndian.Uint64(p), false
	}
	d.fail("unknown length encoding")
	return 0, false
}

// count reads a plain length used as an element count. Each element takes
// at least one byte, so a count beyond the remaining data is corrupt; this
// keeps hostile counts from driving long loops or big allocations.
func (d *decoder) count() int {
	n, enc := d.length()
	if enc {
		d.fail("encoded length where a count was expected")
		return 0
	}
	if n > uint64(d.remaining()) {
		d.fail("count larger than the data")
		return 0
	}
	return int(n)
}

// stringBytes reads an RDB string. The result may alias the input.
func (d *decoder) stringBytes() []byte {
	n, enc := d.length()
	if d.err != nil {
		return nil
	}
	if !enc {
		if n > uint64(d.remaining()) {
			d.fail("string longer than the data")
			return nil
		}
		return d.bytes(int(n))
	}
	switch n {
	case encInt8:
		return strconv.AppendInt(nil, int64(int8(d.byte())), 10)
	case encInt16:
		p := d.bytes(2)
		if p == nil {
			return nil
		}
		return strconv.AppendInt(nil, int64(int16(binary.LittleEndian.Uint16(p))), 10)
	case encInt32:
		p := d.bytes(4)
		if p == nil {
			return nil
		}
		return strconv.AppendInt(nil, int64(int32(binary.LittleEndian.Uint32(p))), 10)
	case encLZF:
		clen, e1 := d.length()
		ulen, e2 := d.length()
		if d.err != nil {
			return nil
		}
		if e1 || e2 || clen > uint64(d.remaining()) || ulen > math.MaxInt32 {
			d.fail("bad LZF string header")
			return nil
		}
		out, err := LZFDecompress(d.bytes(int(clen)), int(ulen))
		if err != nil {
			d.fail("bad LZF string")
			return nil
		}
		return out
	}
	d.fail("unknown string encoding")
	return nil
}

// str reads an RDB string as a Go string (always a copy).
func (d *decoder) str() string { return string(d.stringBytes()) }

// binaryDouble reads an 8-byte little-endian IEEE double (RDB_TYPE_ZSET_2).
func (d *decoder) binaryDouble() float64 { return math.Float64frombits(d.uint64LE()) }

// textDouble reads the old text double (RDB_TYPE_ZSET): a length byte, or
// 253 NaN, 254 +inf, 255 -inf.
func (d *decoder) textDouble() float64 {
	n := d.byte()
	switch n {
	case 253:
		return math.NaN()
	case 254:
		return math.Inf(1)
	case 255:
		return math.Inf(-1)
	}
	p := d.bytes(int(n))
	if p == nil {
		return 0
	}
	f, err := strconv.ParseFloat(string(p), 64)
	if err != nil {
		d.fail("bad double")
	}
	return f
}

// AppendLength appends n in RDB length encoding.
func AppendLength(b []byte, n uint64) []byte {
	switch {
	case n < 1<<6:
		return append(b, byte(n))
	case n < 1<<14:
		return append(b, byte(n>>8)|0x40, byte(n))
	case n <= math.MaxUint32:
		b = append(b, len32bit)
		return binary.BigEndian.AppendUint32(b, uint32(n))
	default:
		b = append(b, len64bit)
		return binary.BigEndian.AppendUint64(b, n)
	}
}

// AppendRawString appends s as a plain length-prefixed string.
func AppendRawString(b []byte, s string) []byte {
	return append(AppendLength(b, uint64(len(s))), s...)
}

// AppendString appends s the way Redis's rdbSaveRawString does with
// rdbcompression on: integers of up to 11 characters that fit in 32 bits
// as int encodings, strings longer than 20 bytes LZF-compressed when that
// saves at least 4 bytes, others raw.
func AppendString(b []byte, s string) []byte {
	if len(s) <= 11 {
		if v, ok := parseStrictInt(s); ok {
			switch {
			case v >= math.MinInt8 && v <= math.MaxInt8:
				return append(b, lenEnc<<6|encInt8, byte(int8(v)))
			case v >= math.MinInt16 && v <= math.MaxInt16:
				b = append(b, lenEnc<<6|encInt16)
				return binary.LittleEndian.AppendUint16(b, uint16(int16(v)))
			case v >= math.MinInt32 && v <= math.MaxInt32:
				b = append(b, lenEnc<<6|encInt32)
				return binary.LittleEndian.AppendUint32(b, uint32(int32(v)))
			}
		}
	}
	if len(s) > 20 {
		if c := LZFCompress([]byte(s), len(s)-4); c != nil {
			b = append(b, lenEnc<<6|encLZF)
			b = AppendLength(b, uint64(len(c)))
			b = AppendLength(b, uint64(len(s)))
			return append(b, c...)
		}
	}
	return AppendRawString(b, s)
}

// parseStrictInt is Redis's string2ll: the string must be the canonical
// decimal form of an int64 (no '+', no leading zeros, no spaces).
func parseStrictInt(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 20 {
		return 0, false
	}
	if s == "0" {
		return 0, true
	}
	i := 0
	neg := s[0] == '-'
	if neg {
		i = 1
	}
	if i >= len(s) || s[i] < '1' || s[i] > '9' {
		return 0, false
	}
	var n uint64
	for ; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' || n > (math.MaxUint64-9)/10 {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	if neg {
		if n > 1<<63 {
			return 0, false
		}
		return -int64(n), true
	}
	if n > math.MaxInt64 {
		return 0, false
	}
	return int64(n), true
}

// ReadString decodes one RDB string (any encoding) at the start of b and
// returns it and the bytes after it.
func ReadString(b []byte) (s, rest []byte, err error) {
	d := &decoder{b: b}
	s = d.stringBytes()
	if d.err != nil {
		return nil, nil, d.err
	}
	return s, b[d.off:], nil
}
