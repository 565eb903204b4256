package snapshot

import (
	"encoding/binary"
	"math"

	"github.com/vmihailenco/msgpack/v5"
)

// Fast msgpack decoding of the current block.
//
// The block is in memory (r.raw) and r.roff is the offset of the next
// unread byte. The methods below decode the encodings the writer uses
// straight from r.raw; any other encoding, and anything that would run
// past the block, goes to msgpack's own Decoder positioned at the same
// offset (slow), so what is accepted and every error are exactly
// msgpack's. Strings are copied out of the block with one allocation.

// rest is the number of unread bytes of the current block.
func (r *Reader) rest() int { return len(r.raw) - r.roff }

// slow returns msgpack's decoder positioned at r.roff; call synced after
// using it.
func (r *Reader) slow() *msgpack.Decoder {
	r.br.Reset(r.raw[r.roff:])
	r.dec.Reset(&r.br)
	return r.dec
}

// synced moves r.roff past what the slow decoder read.
func (r *Reader) synced() { r.roff = len(r.raw) - r.br.Len() }

func (r *Reader) mpArrayLen() (int, error) {
	if r.roff < len(r.raw) {
		if c := r.raw[r.roff]; c >= 0x90 && c <= 0x9f {
			r.roff++
			return int(c & 0x0f), nil
		}
	}
	n, err := r.slow().DecodeArrayLen()
	r.synced()
	return n, err
}

func (r *Reader) mpUint() (uint64, error) {
	if r.roff < len(r.raw) {
		if c := r.raw[r.roff]; c <= 0x7f {
			r.roff++
			return uint64(c), nil
		}
	}
	n, err := r.slow().DecodeUint64()
	r.synced()
	return n, err
}

func (r *Reader) mpInt() (int64, error) {
	if r.roff < len(r.raw) {
		c := r.raw[r.roff]
		switch {
		case c <= 0x7f:
			r.roff++
			return int64(c), nil
		case (c == 0xcf || c == 0xd3) && r.rest() >= 9: // uint64, int64
			n := binary.BigEndian.Uint64(r.raw[r.roff+1:])
			r.roff += 9
			return int64(n), nil
		}
	}
	n, err := r.slow().DecodeInt64()
	r.synced()
	return n, err
}

func (r *Reader) mpFloat() (float64, error) {
	if r.rest() >= 9 && r.raw[r.roff] == 0xcb {
		f := math.Float64frombits(binary.BigEndian.Uint64(r.raw[r.roff+1:]))
		r.roff += 9
		return f, nil
	}
	f, err := r.slow().DecodeFloat64()
	r.synced()
	return f, err
}

// mpString decodes a str or bin as a new string.
func (r *Reader) mpString() (string, error) {
	if r.roff < len(r.raw) {
		c := r.raw[r.roff]
		hdr, n := 0, -1
		switch {
		case c >= 0xa0 && c <= 0xbf: // fixstr
			hdr, n = 1, int(c&0x1f)
		case (c == 0xd9 || c == 0xc4) && r.rest() >= 2: // str8, bin8
			hdr, n = 2, int(r.raw[r.roff+1])
		case (c == 0xda || c == 0xc5) && r.rest() >= 3: // str16, bin16
			hdr, n = 3, int(binary.BigEndian.Uint16(r.raw[r.roff+1:]))
		case (c == 0xdb || c == 0xc6) && r.rest() >= 5: // str32, bin32
			hdr, n = 5, int(binary.BigEndian.Uint32(r.raw[r.roff+1:]))
		}
		if n >= 0 && n <= r.rest()-hdr {
			start := r.roff + hdr
			r.roff = start + n
			return string(r.raw[start:r.roff]), nil
		}
	}
	s, err := r.slow().DecodeString()
	r.synced()
	return s, err
}

func (r *Reader) mpPeek() (byte, error) {
	if r.roff < len(r.raw) {
		return r.raw[r.roff], nil
	}
	c, err := r.slow().PeekCode()
	r.synced()
	return c, err
}

func (r *Reader) mpBytesLen() (int, error) {
	if r.roff < len(r.raw) {
		c, rest := r.raw[r.roff], r.rest()
		switch {
		case c == 0xc4 && rest >= 2: // bin8
			r.roff += 2
			return int(r.raw[r.roff-1]), nil
		case c == 0xc5 && rest >= 3: // bin16
			r.roff += 3
			return int(binary.BigEndian.Uint16(r.raw[r.roff-2:])), nil
		case c == 0xc6 && rest >= 5: // bin32
			r.roff += 5
			return int(binary.BigEndian.Uint32(r.raw[r.roff-4:])), nil
		}
	}
	n, err := r.slow().DecodeBytesLen()
	r.synced()
	return n, err
}

// mpReadFull reads len(b) raw bytes (the caller checked they are there).
func (r *Reader) mpReadFull(b []byte) error {
	err := r.slow().ReadFull(b)
	r.synced()
	return err
}
