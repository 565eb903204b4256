package snapshot

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"time"
)

// Magic is the first 8 bytes of every snapshot file.
const Magic = "AIKVSNAP"

// endMagic closes the trailer; a file that does not end with it was cut
// short.
const endMagic = "AIKVEND\n"

// Version is the format version this package writes. Readers accept every
// version in [1, Version]. Version 2 added packed chunks (see doc.go).
const Version = 2

// writeVersion is the version writers produce: Version, except in tests
// that write the older layout to check it still loads.
var writeVersion uint16 = Version

// Header flags.
const (
	// FlagZstd marks blocks as zstd frames; without it blocks hold the raw
	// msgpack records (rdbcompression no).
	FlagZstd uint16 = 1 << 0

	// FlagLogBase marks a snapshot written while the append-only log was
	// on: it is the log's base, and recovery replays the log records
	// after Seq on top of it.
	FlagLogBase uint16 = 1 << 1
	// FlagAux means an aux section follows the header: named blobs that
	// are part of the dataset but not keys (the Lua function libraries).
	FlagAux    uint16 = 1 << 2
	knownFlags        = FlagZstd | FlagLogBase | FlagAux
)

// Section kinds: the byte that starts every block and the trailer.
const (
	kindBlock   = 'B'
	kindTrailer = 'T'
	// kindAux starts the aux section: u32 count, then per entry u32 name
	// length, name, u32 data length, data; then a CRC32C of the section.
	kindAux = 'A'
)

const (
	headerSize      = 40
	blockHeaderSize = 17
)

// Size limits. They bound what a reader allocates for a hostile file and
// what a writer accepts.
const (
	// BlockTarget is the uncompressed size at which the writer closes a
	// block (one zstd frame); records never straddle blocks.
	BlockTarget = 1 << 20
	// ChunkBytes and ChunkElems bound one record's value chunk: a string
	// value is split every ChunkBytes bytes, a collection after ChunkElems
	// elements or ChunkBytes bytes of elements, whichever comes first.
	ChunkBytes = 256 << 10
	ChunkElems = 1024
	// MaxBlockRaw is the largest uncompressed block a reader accepts, and
	// so the largest single record: key plus one collection element (or
	// one extension chunk) plus framing. Redis's proto-max-bulk-len
	// (512 MB) keeps real keys and elements well below it.
	MaxBlockRaw = 1 << 30
	// maxDatabases bounds the database count in headers and trailers.
	maxDatabases = 1 << 16
)

// The limits the writer uses; tests shrink them to get many small blocks
// and chunks from a small dataset.
var (
	blockTarget = BlockTarget
	chunkBytes  = ChunkBytes
	chunkElems  = ChunkElems
)

var (
	// ErrNotSnapshot means the file does not start with Magic.
	ErrNotSnapshot = errors.New("snapshot: not a snapshot file")
	// ErrVersion means the file was written by a newer format version or
	// uses flags this reader does not know.
	ErrVersion = errors.New("snapshot: unsupported format version")
	// ErrCorrupt means the content is damaged: a checksum mismatch, a
	// malformed record, counts that disagree with the trailer. The
	// wrapping error names the offset and what is damaged.
	ErrCorrupt = errors.New("snapshot: corrupt file")
	// ErrTruncated means the file ends early. Errors that match it match
	// ErrCorrupt too.
	ErrTruncated = errors.New("snapshot: truncated file")
	// ErrUnknownType means a record holds a value type for which no Codec
	// was given, so it can be verified and exported raw but not loaded.
	ErrUnknownType = errors.New("snapshot: unknown value type")
	// ErrTooLarge means the writer was given a key or element too large
	// for one record (see MaxBlockRaw).
	ErrTooLarge = errors.New("snapshot: record too large")
)

// corruptf builds an ErrCorrupt error at file offset off.
func corruptf(off int64, format string, args ...any) error {
	return fmt.Errorf("%w: offset %d: %s", ErrCorrupt, off, fmt.Sprintf(format, args...))
}

// truncatedf builds an error matching both ErrCorrupt and ErrTruncated.
func truncatedf(off int64, format string, args ...any) error {
	return &truncatedError{off: off, what: fmt.Sprintf(format, args...)}
}

type truncatedError struct {
	off  int64
	what string
}

func (e *truncatedError) Error() string {
	return fmt.Sprintf("snapshot: truncated file: offset %d: %s", e.off, e.what)
}

func (e *truncatedError) Unwrap() []error { return []error{ErrTruncated, ErrCorrupt} }

// Header is the fixed-size start of a snapshot file.
type Header struct {
	// Version is the format version the file was written with.
	Version uint16
	// Flags holds FlagZstd and future flags.
	Flags uint16
	// Databases is the number of databases of the saved keyspace; empty
	// databases count too, so a reload recreates them.
	Databases int
	// Created is when the snapshot was started (millisecond precision).
	Created time.Time
	// Seq is the log sequence number the snapshot covers: it holds the
	// effect of every log record up to and including Seq.
	Seq uint64
}

var crcTable = crc32.MakeTable(crc32.Castagnoli)

func (h *Header) marshal() []byte {
	b := make([]byte, headerSize)
	copy(b, Magic)
	binary.LittleEndian.PutUint16(b[8:], h.Version)
	binary.LittleEndian.PutUint16(b[10:], h.Flags)
	binary.LittleEndian.PutUint32(b[12:], uint32(h.Databases))
	binary.LittleEndian.PutUint64(b[16:], uint64(h.Created.UnixMilli()))
	binary.LittleEndian.PutUint64(b[24:], h.Seq)
	// b[32:36] reserved, zero.
	binary.LittleEndian.PutUint32(b[36:], crc32.Checksum(b[:36], crcTable))
	return b
}

// parseHeader decodes and checks the 40 header bytes.
func parseHeader(b []byte) (Header, error) {
	if string(b[:8]) != Magic {
		return Header{}, fmt.Errorf("%w: bad magic %q", ErrNotSnapshot, b[:8])
	}
	var h Header
	h.Version = binary.LittleEndian.Uint16(b[8:])
	if h.Version == 0 || h.Version > Version {
		return Header{}, fmt.Errorf("%w: file has version %d, this reader knows 1..%d", ErrVersion, h.Version, Version)
	}
	if sum := crc32.Checksum(b[:36], crcTable); sum != binary.LittleEndian.Uint32(b[36:]) {
		return Header{}, corruptf(36, "header checksum mismatch")
	}
	h.Flags = binary.LittleEndian.Uint16(b[10:])
	if h.Flags&^knownFlags != 0 {
		return Header{}, fmt.Errorf("%w: unknown header flags %#x", ErrVersion, h.Flags&^knownFlags)
	}
	n := binary.LittleEndian.Uint32(b[12:])
	if n == 0 || n > maxDatabases {
		return Header{}, corruptf(12, "header: bad database count %d", n)
	}
	h.Databases = int(n)
	h.Created = time.UnixMilli(int64(binary.LittleEndian.Uint64(b[16:])))
	h.Seq = binary.LittleEndian.Uint64(b[24:])
	if binary.LittleEndian.Uint32(b[32:]) != 0 {
		return Header{}, corruptf(32, "header: reserved field is not zero")
	}
	return h, nil
}

// Info describes a whole snapshot file, as Save, Verify and Load report it.
type Info struct {
	Header
	// Keys holds the number of keys per database (len == Databases).
	Keys []uint64
	// Records and Blocks count the file's records and blocks.
	Records uint64
	Blocks  uint64
	// Size is the file size in bytes.
	Size int64
}

// TotalKeys returns the number of keys over all databases.
func (i *Info) TotalKeys() uint64 {
	var n uint64
	for _, k := range i.Keys {
		n += k
	}
	return n
}

// readFull is io.ReadFull reporting a short read as truncation at off.
func readFull(r io.Reader, b []byte, off int64, what string) error {
	if _, err := io.ReadFull(r, b); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return truncatedf(off, "%s", what)
		}
		return fmt.Errorf("snapshot: offset %d: reading %s: %w", off, what, err)
	}
	return nil
}
