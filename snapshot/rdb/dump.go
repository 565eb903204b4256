package rdb

import (
	"encoding/binary"
	"errors"

	"github.com/aikv/aikv/datastructs"
)

// Version is the RDB version AiKv writes: Redis 7.0's.
const Version = 10

// MaxVersion is the newest RDB file version Load reads (Redis 7.2's).
const MaxVersion = 11

// ErrBadPayload is a DUMP payload that is too short, comes from a newer
// RDB version or fails its checksum. Its text is Redis's reply.
var ErrBadPayload = errors.New("ERR DUMP payload version or checksum are wrong")

// Dump returns e's DUMP payload: the value as RESTORE reads it, then the
// RDB version (2 bytes, little endian) and a CRC64 of everything before it
// (8 bytes, little endian).
func Dump(e *datastructs.Entry) ([]byte, error) {
	b, err := AppendValue(nil, e)
	if err != nil {
		return nil, err
	}
	return SealPayload(b), nil
}

// SealPayload appends the DUMP trailer (version and checksum) to body.
func SealPayload(body []byte) []byte {
	body = binary.LittleEndian.AppendUint16(body, Version)
	return binary.LittleEndian.AppendUint64(body, CRC64(0, body))
}

// OpenPayload checks a DUMP payload's trailer as Redis 7.0's
// verifyDumpPayload does (version at most 10, checksum) and returns the
// body before it.
func OpenPayload(p []byte) ([]byte, error) {
	if len(p) < 10 {
		return nil, ErrBadPayload
	}
	ver := binary.LittleEndian.Uint16(p[len(p)-10:])
	if ver > Version || CRC64(0, p[:len(p)-8]) != binary.LittleEndian.Uint64(p[len(p)-8:]) {
		return nil, ErrBadPayload
	}
	return p[:len(p)-10], nil
}

// Restore decodes a DUMP payload. Errors: ErrBadPayload (trailer), an
// *UnsupportedError (a stream or an unknown module type), ErrEmptyKey, or
// one wrapping ErrCorrupt.
func Restore(p []byte) (Object, error) {
	if _, err := OpenPayload(p); err != nil {
		return Object{}, err
	}
	// Like Redis, decode from the whole payload: a value that claims more
	// bytes than its body reads into the trailer, and trailing bytes are
	// ignored.
	d := &decoder{b: p}
	t := d.byte()
	if d.err != nil {
		return Object{}, d.err
	}
	if !IsValueType(t) {
		return Object{}, corrupt("unknown value type")
	}
	return d.value(t)
}

// opFunction2 prefixes each library in a FUNCTION DUMP payload, as in
// RDB files.

// FunctionPayload builds a FUNCTION DUMP payload from library source codes.
func FunctionPayload(codes []string) []byte {
	var b []byte
	for _, c := range codes {
		b = AppendString(append(b, opFunction2), c)
	}
	return SealPayload(b)
}

// FunctionCodes returns the library source codes in a FUNCTION DUMP
// payload.
func FunctionCodes(p []byte) ([]string, error) {
	body, err := OpenPayload(p)
	if err != nil {
		return nil, err
	}
	var codes []string
	for len(body) > 0 {
		if body[0] != opFunction2 {
			return nil, corrupt("not a function payload")
		}
		code, rest, err := ReadString(body[1:])
		if err != nil {
			return nil, err
		}
		codes = append(codes, string(code))
		body = rest
	}
	return codes, nil
}
