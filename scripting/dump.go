package scripting

import (
	"sort"

	"github.com/aikv/aikv/snapshot/rdb"
)

// FUNCTION DUMP / RESTORE use Redis's payload format, so payloads move
// between AiKv and Redis in both directions:
//
//	for each library: 0xF5 (RDB_OPCODE_FUNCTION2) | RDB string (the code)
//	2 bytes: RDB version, little endian (10 for Redis 7.0)
//	8 bytes: CRC64 (Jones polynomial, as Redis's crc64) of all the
//	         preceding bytes, little endian
//
// The encodings, checksum and LZF compression are package snapshot/rdb's,
// shared with DUMP/RESTORE and RDB files.

const opFunction2 = 0xF5

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
		b = rdb.AppendString(b, e.funcs.libs[name].Code)
	}
	return rdb.SealPayload(b)
}

// FunctionRestore loads the libraries of a FUNCTION DUMP payload.
func (e *Engine) FunctionRestore(p []byte, policy RestorePolicy) string {
	data, err := rdb.OpenPayload(p)
	if err != nil {
		return errBadPayload
	}
	var libs []*Library
	for len(data) > 0 {
		if data[0] != opFunction2 {
			return "ERR given type is not a function"
		}
		code, rest, err := rdb.ReadString(data[1:])
		if err != nil {
			return "ERR payload corrupted"
		}
		data = rest
		lib, errMsg := e.buildLibrary(string(code))
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

// NumLibraries returns how many function libraries are loaded.
func (e *Engine) NumLibraries() int { return len(e.funcs.libs) }
