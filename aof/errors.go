package aof

import "errors"

// Sentinel errors. Errors returned by this package wrap them with context
// (segment file, byte offset, sequence number); test with errors.Is.
var (
	// ErrCorrupt means the log holds a damaged record somewhere other than
	// a repairable torn tail: a CRC mismatch, a garbled frame followed by
	// valid records, a record in an earlier segment, or a sequence gap
	// between segments. Open refuses such a log; aikv-check aof --fix can
	// cut it at the first bad record.
	ErrCorrupt = errors.New("aof: corrupt log")

	// ErrBadRecord means a record payload could not be decoded: unknown
	// format version, checksum mismatch, or malformed fields. Errors from
	// DecodeRecord wrap it; errors about records inside a log file wrap
	// ErrCorrupt as well.
	ErrBadRecord = errors.New("aof: bad record")

	// ErrClosed is returned by operations on a closed Log.
	ErrClosed = errors.New("aof: log closed")

	// ErrOutOfRange is returned by TruncateFront, Replay and Wait for a
	// sequence number outside the log.
	ErrOutOfRange = errors.New("aof: seq out of range")

	// ErrMissing is returned by Replay when records before FirstSeq are
	// asked for: they were truncated away (or never existed), so replaying
	// from there would silently skip effects.
	ErrMissing = errors.New("aof: records missing")
)
