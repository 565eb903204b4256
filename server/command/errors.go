package command

import "strings"

// Reply error texts, exactly as Redis 7.0 sends them. Handlers reply with
// these instead of building strings by hand.
const (
	ErrSyntax          = "ERR syntax error"
	ErrNotInteger      = "ERR value is not an integer or out of range"
	ErrNotFloat        = "ERR value is not a valid float"
	ErrOverflow        = "ERR increment or decrement would overflow"
	ErrIncrFloatNaN    = "ERR increment would produce NaN or Infinity"
	ErrNoSuchKey       = "ERR no such key"
	ErrDBIndex         = "ERR DB index is out of range"
	ErrInvalidExpire   = "ERR invalid expire time in '%s' command" // use InvalidExpire
	ErrBitOffset       = "ERR bit offset is not an integer or out of range"
	ErrBitValue        = "ERR bit is not an integer or out of range"
	ErrStringTooLong   = "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
	ErrNoAuth          = "NOAUTH Authentication required."
	ErrWrongPass       = "WRONGPASS invalid username-password pair or user is disabled."
	ErrSameObject      = "ERR source and destination objects are the same"
	ErrTimeoutNegative = "ERR timeout is negative"
	ErrTimeoutInvalid  = "ERR timeout is not a float or out of range"
	ErrLoading         = "LOADING Redis is loading the dataset in memory"
	ErrBusyKey         = "BUSYKEY Target key name already exists."
	ErrBadDataFormat   = "ERR Bad data format"

	// String and bitmap commands.
	ErrOffsetRange      = "ERR offset is out of range"
	ErrDecrOverflow     = "ERR decrement would overflow"
	ErrBitArg           = "ERR The bit argument must be 1 or 0."
	ErrBitopNot         = "ERR BITOP NOT must be called with a single source key."
	ErrBitfieldType     = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."
	ErrBitfieldOverflow = "ERR Invalid OVERFLOW type specified"
	ErrBitfieldRO       = "ERR BITFIELD_RO only supports the GET subcommand"
	ErrLCSNotString     = "ERR The specified keys must contain string values"
	ErrLCSLenAndIdx     = "ERR If you want both the length and indexes, please just use IDX."
	ErrLCSMemory        = "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"

	// Replication (AiKv's own text: AiKv has no replication stream).
	ErrNoReplication = "ERR AiKv does not support replication: SYNC only sends one point-in-time snapshot " +
		"(REPLCONF rdb-only 1, as redis-cli --rdb does) and closes the connection"
)

// ArgCountError is Redis's arity error for the named command (as sent:
// lower-cased, "container|sub" for subcommands).
func ArgCountError(name string) string {
	return "ERR wrong number of arguments for '" + name + "' command"
}

// InvalidExpire is the error for an out-of-range expire time.
func InvalidExpire(cmd string) string {
	return "ERR invalid expire time in '" + cmd + "' command"
}

// UnknownCommand is Redis's error for an unknown command name, with the
// preview of the arguments Redis shows (each argument quoted, up to 128
// bytes of them in total).
func UnknownCommand(args [][]byte) string {
	var b strings.Builder
	b.WriteString("ERR unknown command '")
	b.WriteString(truncate(string(args[0]), 128))
	b.WriteString("', with args beginning with: ")
	remaining := 128
	for _, a := range args[1:] {
		if remaining <= 0 {
			break
		}
		s := truncate(string(a), remaining)
		remaining -= len(s)
		b.WriteString("'")
		b.WriteString(s)
		b.WriteString("' ")
	}
	return sanitize(b.String())
}

// UnknownSubcommand is Redis's error for CONTAINER <unknown>.
func UnknownSubcommand(container string, sub []byte) string {
	return sanitize("ERR unknown subcommand '" + truncate(string(sub), 128) +
		"'. Try " + strings.ToUpper(container) + " HELP.")
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// sanitize replaces newlines, which cannot appear in an error reply.
func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return ' '
		}
		return r
	}, s)
}

// Error texts of the generic key commands.
const (
	ErrInvalidCursor      = "ERR invalid cursor"
	ErrExpireNXAndOthers  = "ERR NX and XX, GT or LT options at the same time are not compatible"
	ErrExpireGTAndLT      = "ERR GT and LT options at the same time are not compatible"
	ErrNotCopyable        = "ERR not supported for this module type"
	ErrOOM                = "OOM command not allowed when used memory > 'maxmemory'."
	ErrLFUNotSelected     = "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."
	ErrLFUSelected        = "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."
	ErrInvalidFirstDBIdx  = "ERR invalid first DB index"
	ErrInvalidSecondDBIdx = "ERR invalid second DB index"
	// ErrIntOutOfRange is getIntFromObjectOrReply's error for an integer
	// outside int32.
	ErrIntOutOfRange = "ERR value is out of range, value must between -2147483648 and 2147483647"
)

// Error texts of the JSON commands, as RedisJSON 2.x sends them. Some
// lack the "ERR" prefix or spell it "Err": RedisJSON's own warts, kept.
const (
	ErrJSONNoKey        = "ERR could not perform this operation on a key that doesn't exist"
	ErrJSONNewAtRoot    = "ERR new objects must be created at the root"
	ErrJSONWrongStatic  = "Err wrong static path"
	ErrJSONPathEnd      = "Err path must end with object key to set"
	ErrJSONIndexRange   = "ERR array index out of range"
	ErrJSONIndexBounds  = "ERR index out of bounds"
	ErrJSONParseInt     = "Couldn't parse as integer"
	ErrJSONNotANumber   = "result is not a number"
	ErrJSONBadNumber    = "bad input number"
	ErrJSONDebugSub     = "ERR unknown subcommand - try `JSON.DEBUG HELP`"
	ErrJSONFormatRESP2  = "ERR FORMAT argument is not supported on RESP2"
	ErrJSONReplyFormat  = "ERR wrong reply format"
	ErrJSONWrongFormat  = "ERR wrong format"
	ErrJSONPathNotExist = "ERR Path does not exist"
	// ErrJSONWrongRedisType is redis-module-rs's verify_type error: every
	// JSON command but JSON.MGET answers it for a key of another type
	// (not WRONGTYPE, and without an ERR prefix).
	ErrJSONWrongRedisType = "Existing key has wrong Redis type"
)

// JSONPathMissing is RedisJSON's error for a legacy path without a match.
func JSONPathMissing(path string) string { return "ERR Path '" + path + "' does not exist" }

// JSONPathMissingOr is JSONPathMissing with a reason ("not an array").
func JSONPathMissingOr(path, or string) string {
	return "ERR Path '" + path + "' does not exist or " + or
}

// JSONExpected is RedisJSON's error for a value of the wrong JSON type.
func JSONExpected(expected, found string) string {
	return "WRONGTYPE wrong type of path value - expected " + expected + " but found " + found
}

// Transaction errors (MULTI, EXEC, DISCARD, WATCH).
const (
	ErrMultiNested      = "ERR MULTI calls can not be nested"
	ErrExecWithoutMulti = "ERR EXEC without MULTI"
	ErrDiscardNoMulti   = "ERR DISCARD without MULTI"
	ErrWatchInMulti     = "ERR WATCH inside MULTI is not allowed"
	ErrNotInMulti       = "ERR Command not allowed inside a transaction"
	ErrExecAbort        = "EXECABORT Transaction discarded because of previous errors."
)

// ExecAbort is the error for an EXEC that is itself refused (arity,
// MISCONF, ...): Redis discards the transaction and reports the reason
// without its "ERR " prefix.
func ExecAbort(reason string) string {
	return "EXECABORT Transaction discarded because of: " + strings.TrimPrefix(reason, "ERR ")
}
