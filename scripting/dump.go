package scripting

import (
	"encoding/binary"
	"sort"
)

// FUNCTION DUMP / RESTORE use Redis's payload format, so payloads move
// between AiKv and Redis in both directions:
//
//	for each library: 0xF5 (RDB_OPCODE_FUNCTION2) | RDB string (the code)
//	2 bytes: RDB version, little endian (10 for Redis 7.0)
//	8 bytes: CRC64 (Jones polynomial, as Redis's crc64) of all the
//	         preceding bytes, little endian
//
// AiKv writes the code as a plain length-prefixed RDB string; it reads
// LZF-compressed strings too, which is what Redis writes for long code.

const (
	opFunction2 = 0xF5
	rdbVersion  = 10
)

// RestorePolicy is FUNCTION RESTORE's collision policy.
type RestorePolicy uint8

const (
	RestoreAppend RestorePolicy = iota
	RestoreReplace
	RestoreFlush
)

const errBadPayload = "ERR DUMP payload version or checksum are wrong"

// FunctionDump serializes every library.
func (e *Engine) FunctionDump() []byte {
	names := make([]string, 0, len(e.funcs.libs))
	for name := range e.funcs.libs {
		names = append(names, name)
	}
	sort.Strings(names)
	var b []byte
	for _, name := range names {
		b = append(b, opFunction2)
		b = appendRDBString(b, e.funcs.libs[name].Code)
	}
	b = binary.LittleEndian.AppendUint16(b, rdbVersion)
	return binary.LittleEndian.AppendUint64(b, crc64Jones(0, b))
}

// FunctionRestore loads the libraries of a FUNCTION DUMP payload.
func (e *Engine) FunctionRestore(p []byte, policy RestorePolicy) string {
	if len(p) < 10 {
		return errBadPayload
	}
	body := p[:len(p)-8]
	ver := binary.LittleEndian.Uint16(p[len(p)-10:])
	if ver > rdbVersion || crc64Jones(0, body) != binary.LittleEndian.Uint64(p[len(p)-8:]) {
		return errBadPayload
	}
	data := body[:len(body)-2]
	var libs []*Library
	for len(data) > 0 {
		if data[0] != opFunction2 {
			return "ERR given type is not a function"
		}
		code, rest, ok := readRDBString(data[1:])
		if !ok {
			return "ERR payload corrupted"
		}
		data = rest
		lib, errMsg := e.buildLibrary(code)
		if errMsg != "" {
			return errMsg
		}
		libs = append(libs, lib)
	}
	if policy == RestoreFlush {
		e.FunctionFlush()
	}
	return e.funcs.install(libs, policy != RestoreAppend)
}

func appendRDBString(b []byte, s string) []byte {
	n := len(s)
	switch {
	case n < 1<<6:
		b = append(b, byte(n))
	case n < 1<<14:
		b = append(b, byte(n>>8)|0x40, byte(n))
	case uint64(n) <= 0xffffffff:
		b = append(b, 0x80)
		b = binary.BigEndian.AppendUint32(b, uint32(n))
	default:
		b = append(b, 0x81)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	return append(b, s...)
}

// readLen reads an RDB length; enc reports the special (encoded) form.
func readLen(b []byte) (n uint64, enc bool, rest []byte, ok bool) {
	if len(b) == 0 {
		return 0, false, nil, false
	}
	switch b[0] >> 6 {
	case 0:
		return uint64(b[0] & 0x3f), false, b[1:], true
	case 1:
		if len(b) < 2 {
			return 0, false, nil, false
		}
		return uint64(b[0]&0x3f)<<8 | uint64(b[1]), false, b[2:], true
	case 2:
		switch b[0] {
		case 0x80:
			if len(b) < 5 {
				return 0, false, nil, false
			}
			return uint64(binary.BigEndian.Uint32(b[1:])), false, b[5:], true
		case 0x81:
			if len(b) < 9 {
				return 0, false, nil, false
			}
			return binary.BigEndian.Uint64(b[1:]), false, b[9:], true
		}
		return 0, false, nil, false
	default:
		return uint64(b[0] & 0x3f), true, b[1:], true
	}
}

func readRDBString(b []byte) (string, []byte, bool) {
	n, enc, rest, ok := readLen(b)
	if !ok {
		return "", nil, false
	}
	if !enc {
		if uint64(len(rest)) < n {
			return "", nil, false
		}
		return string(rest[:n]), rest[n:], true
	}
	if n != 3 { // only LZF strings hold function code
		return "", nil, false
	}
	clen, _, rest, ok := readLen(rest)
	if !ok {
		return "", nil, false
	}
	ulen, _, rest, ok := readLen(rest)
	if !ok || uint64(len(rest)) < clen {
		return "", nil, false
	}
	out, ok := lzfDecompress(rest[:clen], int(ulen))
	if !ok {
		return "", nil, false
	}
	return string(out), rest[clen:], true
}

// lzfDecompress is liblzf's lzf_decompress.
func lzfDecompress(in []byte, outLen int) ([]byte, bool) {
	out := make([]byte, 0, outLen)
	for i := 0; i < len(in); {
		ctrl := int(in[i])
		i++
		if ctrl < 32 {
			n := ctrl + 1
			if i+n > len(in) || len(out)+n > outLen {
				return nil, false
			}
			out = append(out, in[i:i+n]...)
			i += n
			continue
		}
		n := ctrl >> 5
		ref := len(out) - ((ctrl & 0x1f) << 8) - 1
		if n == 7 {
			if i >= len(in) {
				return nil, false
			}
			n += int(in[i])
			i++
		}
		if i >= len(in) {
			return nil, false
		}
		ref -= int(in[i])
		i++
		n += 2
		if ref < 0 || len(out)+n > outLen {
			return nil, false
		}
		for k := 0; k < n; k++ {
			out = append(out, out[ref+k])
		}
	}
	if len(out) != outLen {
		return nil, false
	}
	return out, true
}

var crcTable = func() *[256]uint64 {
	// Reflected Jones polynomial (0xad93d23594c935a9).
	const poly = 0x95ac9329ac4bc9b5
	var t [256]uint64
	for i := range t {
		c := uint64(i)
		for k := 0; k < 8; k++ {
			if c&1 == 1 {
				c = c>>1 ^ poly
			} else {
				c >>= 1
			}
		}
		t[i] = c
	}
	return &t
}()

// crc64Jones is Redis's crc64 (reflected, no initial or final inversion).
func crc64Jones(crc uint64, b []byte) uint64 {
	for _, c := range b {
		crc = crcTable[byte(crc)^c] ^ crc>>8
	}
	return crc
}

// NumLibraries returns how many function libraries are loaded.
func (e *Engine) NumLibraries() int { return len(e.funcs.libs) }
