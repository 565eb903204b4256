package aof

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
)

// FormatVersion is the record format version written in the first byte of
// every record payload. Decoders reject other versions.
const FormatVersion = 1

// headerSize is the fixed part of a payload: version byte and CRC32C.
const headerSize = 5

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Cmd is one effect: a command's arguments (Args[0] is the command name) in
// the database it applies to.
type Cmd struct {
	DB   int
	Args [][]byte
}

// Record is one atomic unit of effects: a command, a MULTI/EXEC block, a
// script, or a pipelined batch. Replay never sees part of a record.
type Record struct {
	Time int64 // unix ms when the record was made
	Cmds []Cmd
}

// AppendRecord appends the payload encoding of rec with sequence number seq
// to dst and returns the extended slice. The layout is documented in the
// package doc. It panics if a Cmd has a negative DB (a programmer error).
func AppendRecord(dst []byte, seq uint64, rec Record) []byte {
	start := len(dst)
	dst = append(dst, FormatVersion, 0, 0, 0, 0)
	dst = binary.AppendUvarint(dst, seq)
	dst = binary.AppendVarint(dst, rec.Time)
	dst = binary.AppendUvarint(dst, uint64(len(rec.Cmds)))
	for _, c := range rec.Cmds {
		if c.DB < 0 {
			panic(fmt.Sprintf("aof: negative db %d", c.DB))
		}
		dst = binary.AppendUvarint(dst, uint64(c.DB))
		dst = binary.AppendUvarint(dst, uint64(len(c.Args)))
		for _, a := range c.Args {
			dst = binary.AppendUvarint(dst, uint64(len(a)))
			dst = append(dst, a...)
		}
	}
	crc := crc32c(dst[start+headerSize:])
	binary.LittleEndian.PutUint32(dst[start+1:], crc)
	return dst
}

// DecodeRecord decodes one record payload. The returned Args alias p: the
// caller must not modify p while it uses them. Errors wrap ErrBadRecord.
func DecodeRecord(p []byte) (seq uint64, rec Record, err error) {
	if len(p) < headerSize {
		return 0, Record{}, fmt.Errorf("%w: %d bytes, shorter than the header", ErrBadRecord, len(p))
	}
	if p[0] != FormatVersion {
		return 0, Record{}, fmt.Errorf("%w: unknown format version %d", ErrBadRecord, p[0])
	}
	want := binary.LittleEndian.Uint32(p[1:])
	if got := crc32c(p[headerSize:]); got != want {
		return 0, Record{}, fmt.Errorf("%w: crc32c mismatch (stored %08x, computed %08x)", ErrBadRecord, want, got)
	}
	d := decoder{b: p[headerSize:]}
	seq = d.uvarint("seq")
	rec.Time = d.varint("time")
	n := d.count("command count", 2)
	if n > 0 {
		rec.Cmds = make([]Cmd, 0, n)
	}
	for i := 0; i < n && d.err == nil; i++ {
		db := d.uvarint("db")
		if db > math.MaxInt32 {
			d.fail("db %d out of range", db)
		}
		nargs := d.count("argument count", 1)
		c := Cmd{DB: int(db)}
		if nargs > 0 {
			c.Args = make([][]byte, 0, nargs)
		}
		for j := 0; j < nargs && d.err == nil; j++ {
			c.Args = append(c.Args, d.bytes())
		}
		rec.Cmds = append(rec.Cmds, c)
	}
	if d.err == nil && len(d.b) != 0 {
		d.fail("%d trailing bytes", len(d.b))
	}
	if d.err != nil {
		return 0, Record{}, d.err
	}
	return seq, rec, nil
}

// decoder reads the fields after the header; the first error sticks.
type decoder struct {
	b       []byte
	err     error
	scratch [binary.MaxVarintLen64]byte
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: "+format, append([]any{ErrBadRecord}, args...)...)
	}
}

func (d *decoder) uvarint(what string) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 || n != uvarintLen(v) {
		d.fail("bad %s varint", what) // also non-minimal: one encoding per record
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint(what string) int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 || n != len(binary.AppendVarint(d.scratch[:0], v)) {
		d.fail("bad %s varint", what)
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads an element count, rejecting counts that cannot fit in the
// remaining bytes (each element takes at least minSize bytes), so garbage
// never causes a huge allocation.
func (d *decoder) count(what string, minSize int) int {
	v := d.uvarint(what)
	if d.err == nil && v > uint64(len(d.b)/minSize) {
		d.fail("%s %d exceeds the remaining %d bytes", what, v, len(d.b))
		return 0
	}
	return int(v)
}

func (d *decoder) bytes() []byte {
	n := d.uvarint("argument length")
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.fail("argument length %d exceeds the remaining %d bytes", n, len(d.b))
		return nil
	}
	b := d.b[:n:n]
	d.b = d.b[n:]
	return b
}

func crc32c(b []byte) uint32 { return crc32.Checksum(b, castagnoli) }
