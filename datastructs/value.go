package datastructs

import (
	"errors"
	"unsafe"
)

// Type is the type of a key's value, as TYPE reports it.
type Type uint8

const (
	TypeNone Type = iota
	TypeString
	TypeList
	TypeHash
	TypeSet
	TypeZSet
	TypeJSON
	TypeStream
)

var typeNames = [...]string{"none", "string", "list", "hash", "set", "zset", "ReJSON-RL", "stream"}

// String returns the name TYPE replies with.
func (t Type) String() string { return typeNames[t] }

// ErrWrongType is returned when a key holds a value of another type. Its
// text is Redis's reply.
var ErrWrongType = errors.New("WRONGTYPE Operation against a key holding the wrong kind of value")

// Value is a non-string value stored in the keyspace (list, hash, ...).
// Implementations live in sub-packages and are not safe for concurrent use.
type Value interface {
	Type() Type
}

// Encoder is implemented by values that can name their OBJECT ENCODING
// ("listpack", "quicklist", "hashtable", "intset", "skiplist").
type Encoder interface {
	Encoding() string
}

// Copier is implemented by values that COPY can duplicate deeply.
type Copier interface {
	Copy() Value
}

// Entry is what a key maps to. Strings are stored inline (str) so a string
// key costs one allocation for the table node plus its bytes; other types
// live behind obj.
type Entry struct {
	str string
	obj Value
	// ExpireAt is the absolute expiry in Unix milliseconds, 0 for none.
	// Change it only through DB.SetExpire / DB.Persist.
	ExpireAt int64
	// access is Redis's robj.lru: with LRU tracking (the default) the
	// Unix second of the last access; with LFU tracking (Keyspace.SetLFU)
	// the minute of the last decrement (16 bits) << 8 | a logarithmic
	// access counter. Updated by DB.Lookup and DB.LookupWrite.
	access uint32
	// snap is the epoch of the last snapshot that captured this entry
	// (see snapshot.go); it fits in the padding after access.
	snap uint32
}

// Type returns the entry's value type.
func (e *Entry) Type() Type {
	if e.obj == nil {
		return TypeString
	}
	return e.obj.Type()
}

// IsString reports whether the entry holds a string.
func (e *Entry) IsString() bool { return e.obj == nil }

// Str returns the string value; ok is false for other types. The returned
// string is immutable and may be kept.
func (e *Entry) Str() (s string, ok bool) { return e.str, e.obj == nil }

// StrBytes returns the string value as bytes without copying. The caller
// must not modify or keep them beyond the current command.
func (e *Entry) StrBytes() []byte {
	return unsafe.Slice(unsafe.StringData(e.str), len(e.str))
}

// Obj returns the non-string value (nil for strings).
func (e *Entry) Obj() Value { return e.obj }

// bstr views b as a string without copying. Only for lookups that do not
// retain the string.
func bstr(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// MemorySizer is implemented by values that can estimate their memory
// footprint for MEMORY USAGE: the bytes of the value itself including its
// object header, sampling at most samples nested elements (0 means all)
// and extrapolating to the rest, as Redis's objectComputeSize does.
type MemorySizer interface {
	MemoryUsage(samples int) int64
}
