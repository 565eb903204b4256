package hash

import (
	"math/rand/v2"
	"slices"
	"unsafe"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/datastructs/dict"
)

// MaxListpackEntries is Redis's hash-max-listpack-entries (default 512 in
// Redis 7.0). Read with the server lock held; change it only under that
// lock.
var MaxListpackEntries = 512

// MaxListpackValue is Redis's hash-max-listpack-value (default 64 bytes).
var MaxListpackValue = 64

// Hash is a Redis hash. The zero value is not usable; call New.
type Hash struct {
	lp []string           // "listpack": field, value pairs in insertion order; live while d == nil
	d  *dict.Dict[string] // "hashtable"
	// bytes is the heap size of the field and value strings (Size).
	bytes int64
}

// New returns an empty hash with the listpack encoding.
func New() *Hash { return &Hash{} }

// Type implements datastructs.Value.
func (h *Hash) Type() datastructs.Type { return datastructs.TypeHash }

// Encoding implements datastructs.Encoder: "listpack" or "hashtable".
func (h *Hash) Encoding() string {
	if h.d == nil {
		return "listpack"
	}
	return "hashtable"
}

// Copy implements datastructs.Copier with a deep copy (same encoding).
func (h *Hash) Copy() datastructs.Value {
	if h.d == nil {
		return &Hash{lp: slices.Clone(h.lp), bytes: h.bytes}
	}
	d := dict.New[string](h.d.Len())
	h.d.Range(func(k, v string) bool {
		d.Set(k, v)
		return true
	})
	return &Hash{d: d, bytes: h.bytes}
}

// strSize is the heap size of a stored string.
func strSize(s string) int64 { return datastructs.AllocSize(len(s)) }

var (
	hashNode = datastructs.AllocSize(dict.NodeSize[string]())
	hashHdr  = datastructs.AllocSize(int(unsafe.Sizeof(Hash{})))
	dictHdr  = datastructs.AllocSize(int(unsafe.Sizeof(dict.Dict[string]{})))
)

// Size implements datastructs.Sizer in O(1): the structure plus the
// strings, kept as a running count.
func (h *Hash) Size() int64 {
	if h.d == nil {
		return hashHdr + datastructs.AllocSize(cap(h.lp)*16) + h.bytes
	}
	return hashHdr + dictHdr + int64(h.d.Buckets())*8 + int64(h.d.Len())*hashNode + h.bytes
}

// Len returns the number of fields.
func (h *Hash) Len() int {
	if h.d == nil {
		return len(h.lp) / 2
	}
	return h.d.Len()
}

// convert switches to the hashtable encoding.
func (h *Hash) convert() {
	d := dict.New[string](len(h.lp) / 2)
	for i := 0; i < len(h.lp); i += 2 {
		d.Set(h.lp[i], h.lp[i+1])
	}
	h.lp = nil
	h.d = d
}

// Prepare converts to the hashtable encoding if field or value is too long
// for a listpack. Set does this itself; Prepare exists for Redis's
// hashTypeTryConversion, which HSET and HSETNX run on their arguments
// before anything is stored, so that HSETNX of an existing field with a
// long value still converts (a Redis wart copied on purpose, as it shows
// in OBJECT ENCODING).
func (h *Hash) Prepare(field, value []byte) {
	if h.d == nil && (len(field) > MaxListpackValue || len(value) > MaxListpackValue) {
		h.convert()
	}
}

// index returns the position of field in lp, or -1.
func (h *Hash) index(field []byte) int {
	f := bstr(field)
	for i := 0; i < len(h.lp); i += 2 {
		if h.lp[i] == f {
			return i
		}
	}
	return -1
}

// Get returns the value of field.
func (h *Hash) Get(field []byte) (string, bool) {
	if h.d == nil {
		if i := h.index(field); i >= 0 {
			return h.lp[i+1], true
		}
		return "", false
	}
	return h.d.Get(bstr(field))
}

// Exists reports whether field is present.
func (h *Hash) Exists(field []byte) bool {
	_, ok := h.Get(field)
	return ok
}

// Set stores value (copied) under field (copied if new) and reports
// whether the field was new.
func (h *Hash) Set(field, value []byte) bool {
	return h.SetString(field, string(value))
}

// SetString is Set with a value the caller gives away.
func (h *Hash) SetString(field []byte, value string) bool {
	if h.d == nil && (len(field) > MaxListpackValue || len(value) > MaxListpackValue) {
		h.convert()
	}
	if h.d == nil {
		if i := h.index(field); i >= 0 {
			h.bytes += strSize(value) - strSize(h.lp[i+1])
			h.lp[i+1] = value
			return false
		}
		h.bytes += datastructs.AllocSize(len(field)) + strSize(value)
		if n := len(h.lp) + 2; n > cap(h.lp) {
			// Grow by a quarter rather than append's doubling: small
			// hashes are the common case and their slack is memory per
			// key (a 5-field hash takes 160 bytes of headers, not 256).
			lp := make([]string, len(h.lp), n+n/4)
			copy(lp, h.lp)
			h.lp = lp
		}
		h.lp = append(h.lp, string(field), value)
		if len(h.lp)/2 > MaxListpackEntries {
			h.convert()
		}
		return true
	}
	if p := h.d.GetPtr(bstr(field)); p != nil {
		h.bytes += strSize(value) - strSize(*p)
		*p = value
		return false
	}
	h.bytes += datastructs.AllocSize(len(field)) + strSize(value)
	h.d.Set(string(field), value)
	return true
}

// Delete removes field and reports whether it was present.
func (h *Hash) Delete(field []byte) bool {
	if h.d == nil {
		i := h.index(field)
		if i < 0 {
			return false
		}
		h.bytes -= strSize(h.lp[i]) + strSize(h.lp[i+1])
		h.lp = slices.Delete(h.lp, i, i+2)
		return true
	}
	v, ok := h.d.Delete(bstr(field))
	if ok {
		h.bytes -= datastructs.AllocSize(len(field)) + strSize(v)
	}
	return ok
}

// Range calls fn for every pair (insertion order for a listpack, table
// order otherwise) until fn returns false. fn must not modify h.
func (h *Hash) Range(fn func(field, value string) bool) {
	if h.d == nil {
		for i := 0; i < len(h.lp); i += 2 {
			if !fn(h.lp[i], h.lp[i+1]) {
				return
			}
		}
		return
	}
	h.d.Range(fn)
}

// Random returns a random pair in O(1): uniform for a listpack; for a
// hashtable Redis's dictGetFairRandomKey (a uniform pick among a sample of
// up to 15 entries), which evens out the bias of picking a bucket first.
// h must not be empty.
func (h *Hash) Random(rnd *rand.Rand) (field, value string) {
	if h.d == nil {
		i := rnd.IntN(len(h.lp)/2) * 2
		return h.lp[i], h.lp[i+1]
	}
	var buf [fairSample][2]string
	n := 0
	h.d.Sample(rnd, fairSample, func(f, v string) {
		if n < fairSample {
			buf[n] = [2]string{f, v}
			n++
		}
	})
	if n == 0 {
		f, v, _ := h.d.Random(rnd)
		return f, v
	}
	p := buf[rnd.IntN(n)]
	return p[0], p[1]
}

// fairSample is Redis's GETFAIR_NUM_ENTRIES.
const fairSample = 15

// Scan is HSCAN's step. For the hashtable encoding it visits pairs from
// cursor on (at least count of them unless the table ends) and returns the
// next cursor, with dict.Scan's guarantee. For a listpack it visits every
// pair and returns 0, as Redis does. fn must not modify h.
func (h *Hash) Scan(cursor uint64, count int, fn func(field, value string)) uint64 {
	if h.d == nil {
		for i := 0; i < len(h.lp); i += 2 {
			fn(h.lp[i], h.lp[i+1])
		}
		return 0
	}
	return h.d.Scan(cursor, count, fn)
}

// bstr views b as a string without copying, for lookups that do not
// retain it.
func bstr(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
