package datastructs

import (
	"errors"
	"math"
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

// Entry is what a key maps to. It is packed into 32 bytes so that the
// keyspace's table node (key, Entry, chain pointer, cached hash) fits the
// allocator's 64-byte size class: a string is its data pointer and
// length inline (one allocation for the node plus the string's bytes);
// any other value sits behind a small box.
type Entry struct {
	// p is the string's data (n < bigStr), a *string (n == bigStr, for
	// strings of 4 GB and more) or an *objBox (n == isObj).
	p unsafe.Pointer
	n uint32
	// access is Redis's robj.lru: with LRU tracking (the default) the
	// Unix second of the last access; with LFU tracking (Keyspace.SetLFU)
	// the minute of the last decrement (16 bits) << 8 | a logarithmic
	// access counter. Updated by DB.Lookup and DB.LookupWrite.
	access uint32
	// ExpireAt is the absolute expiry in Unix milliseconds, 0 for none.
	// Change it only through DB.SetExpire / DB.Persist.
	ExpireAt int64
	// size is the value's accounted heap size in 8-byte units (see
	// memory.go).
	size uint32
	// snap is the epoch of the last snapshot that captured this entry
	// (see snapshot.go); it fits in the struct's padding.
	snap uint32
}

// Sentinels of Entry.n.
const (
	isObj  = math.MaxUint32
	bigStr = math.MaxUint32 - 1
)

// objBox holds a non-string value.
type objBox struct{ v Value }

// strEntry returns an entry holding s.
func strEntry(s string) Entry {
	if uint64(len(s)) >= bigStr {
		box := new(string) // not &s: that would move s to the heap on every call
		*box = s
		return Entry{p: unsafe.Pointer(box), n: bigStr}
	}
	return Entry{p: unsafe.Pointer(unsafe.StringData(s)), n: uint32(len(s))}
}

// objEntry returns an entry holding v.
func objEntry(v Value) Entry { return Entry{p: unsafe.Pointer(&objBox{v: v}), n: isObj} }

// strVal returns the string value ("" for other types).
func (e *Entry) strVal() string {
	switch e.n {
	case isObj:
		return ""
	case bigStr:
		return *(*string)(e.p)
	}
	return unsafe.String((*byte)(e.p), int(e.n))
}

// objVal returns the non-string value (nil for strings).
func (e *Entry) objVal() Value {
	if e.n != isObj {
		return nil
	}
	return (*objBox)(e.p).v
}

// Type returns the entry's value type.
func (e *Entry) Type() Type {
	if e.n != isObj {
		return TypeString
	}
	return e.objVal().Type()
}

// IsString reports whether the entry holds a string.
func (e *Entry) IsString() bool { return e.n != isObj }

// Str returns the string value; ok is false for other types. The returned
// string is immutable and may be kept.
func (e *Entry) Str() (s string, ok bool) { return e.strVal(), e.n != isObj }

// StrBytes returns the string value as bytes without copying. The caller
// must not modify or keep them beyond the current command.
func (e *Entry) StrBytes() []byte {
	s := e.strVal()
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// Obj returns the non-string value (nil for strings).
func (e *Entry) Obj() Value { return e.objVal() }

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
