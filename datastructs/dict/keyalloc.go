package dict

import (
	"strings"
	"unsafe"
)

// withKey is an entry followed by its key's bytes in one allocation.
type withKey[V any, A any] struct {
	e entry[V]
	k A
}

// alloc allocates an entry together with room for n key bytes and returns
// the entry and that room (nil when the key would not fit: the caller then
// allocates the key on its own).
func alloc[V any, A any](n int) (*entry[V], []byte) {
	p := new(withKey[V, A])
	return &p.e, unsafe.Slice((*byte)(unsafe.Pointer(&p.k)), n)
}

// maxEmbeddedKey is the longest key newEntry stores inside its entry's
// allocation; longer keys get an allocation of their own.
const maxEmbeddedKey = 128

// newEntry allocates an entry for a copy of key. Keys of up to
// maxEmbeddedKey bytes are stored right after the entry, in the same
// allocation (like Redis 7.2's embedded keys): a lookup that finds the entry
// then compares key bytes that came into the cache with it, instead of
// taking a cache miss on a separately allocated string. The room is rounded
// to 8 bytes up to 64 and 16 beyond, so the allocation's size class is the
// same as or smaller than an entry plus a separate key of that length.
func newEntry[V any](key string) *entry[V] {
	n := len(key)
	var e *entry[V]
	var room []byte
	switch {
	case n <= 8:
		e, room = alloc[V, [8]byte](n)
	case n <= 16:
		e, room = alloc[V, [16]byte](n)
	case n <= 24:
		e, room = alloc[V, [24]byte](n)
	case n <= 32:
		e, room = alloc[V, [32]byte](n)
	case n <= 40:
		e, room = alloc[V, [40]byte](n)
	case n <= 48:
		e, room = alloc[V, [48]byte](n)
	case n <= 56:
		e, room = alloc[V, [56]byte](n)
	case n <= 64:
		e, room = alloc[V, [64]byte](n)
	case n <= 80:
		e, room = alloc[V, [80]byte](n)
	case n <= 96:
		e, room = alloc[V, [96]byte](n)
	case n <= 112:
		e, room = alloc[V, [112]byte](n)
	case n <= maxEmbeddedKey:
		e, room = alloc[V, [maxEmbeddedKey]byte](n)
	default:
		e = new(entry[V])
		e.key = strings.Clone(key)
		return e
	}
	copy(room, key)
	e.key = unsafe.String(unsafe.SliceData(room), n)
	return e
}

// keyRoom is the room newEntry reserves for a key of n bytes, 0 when the
// key gets an allocation of its own.
func keyRoom(n int) int {
	switch {
	case n <= 64:
		return max(8, (n+7)&^7)
	case n <= maxEmbeddedKey:
		return (n + 15) &^ 15
	}
	return 0
}

// NodeSizeWithKey returns the sizes (before rounding to a size class) of
// the allocations an entry with a value of type V and a copied key of
// keyLen bytes takes: the entry with its embedded key, or the entry and
// the key (see newEntry).
func NodeSizeWithKey[V any](keyLen int) (node, key int) {
	if room := keyRoom(keyLen); room > 0 {
		return NodeSize[V]() + room, 0
	}
	return NodeSize[V](), keyLen
}
