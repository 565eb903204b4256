package set

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"unsafe"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/datastructs/dict"
)

// MaxIntsetEntries is Redis's set-max-intset-entries (default 512): an
// integer set with more members than this is converted to a hashtable.
// Read with the server lock held; change it only under that lock.
var MaxIntsetEntries = 512

// Set is a Redis set. The zero value is not usable; call New.
type Set struct {
	ints []int64              // "intset" encoding: sorted members; live while d == nil
	d    *dict.Dict[struct{}] // "hashtable" encoding
	// bytes is the heap size of the member strings of the hashtable
	// encoding (Size).
	bytes int64
}

var (
	setNode = datastructs.AllocSize(dict.NodeSize[struct{}]())
	setHdr  = datastructs.AllocSize(int(unsafe.Sizeof(Set{})))
	dictHdr = datastructs.AllocSize(int(unsafe.Sizeof(dict.Dict[struct{}]{})))
)

// Size implements datastructs.Sizer in O(1).
func (s *Set) Size() int64 {
	if s.d == nil {
		return setHdr + datastructs.AllocSize(cap(s.ints)*8)
	}
	return setHdr + dictHdr + int64(s.d.Buckets())*8 + int64(s.d.Len())*setNode + s.bytes
}

// New returns an empty set with the intset encoding.
func New() *Set { return &Set{} }

// NewTable returns an empty set with the hashtable encoding, its table
// sized for n members: for a loader that knows a member is not an
// integer, so the set would convert at once anyway (Redis's rdbLoad
// converts it and expands the table to the set's length).
func NewTable(n int) *Set { return &Set{d: dict.New[struct{}](n)} }

// Type implements datastructs.Value.
func (s *Set) Type() datastructs.Type { return datastructs.TypeSet }

// Encoding implements datastructs.Encoder: "intset" or "hashtable".
func (s *Set) Encoding() string {
	if s.d == nil {
		return "intset"
	}
	return "hashtable"
}

// IsIntset reports whether the set uses the intset encoding.
func (s *Set) IsIntset() bool { return s.d == nil }

// Copy implements datastructs.Copier with a deep copy (same encoding).
func (s *Set) Copy() datastructs.Value {
	if s.d == nil {
		return &Set{ints: slices.Clone(s.ints)}
	}
	d := dict.New[struct{}](s.d.Len())
	s.d.Range(func(k string, _ struct{}) bool {
		d.Set(k, struct{}{})
		return true
	})
	return &Set{d: d, bytes: s.bytes}
}

// Len returns the number of members.
func (s *Set) Len() int {
	if s.d == nil {
		return len(s.ints)
	}
	return s.d.Len()
}

// convert switches to the hashtable encoding.
func (s *Set) convert() {
	d := dict.New[struct{}](len(s.ints))
	for _, v := range s.ints {
		m := strconv.FormatInt(v, 10)
		s.bytes += datastructs.AllocSize(len(m))
		d.Set(m, struct{}{})
	}
	s.ints = nil
	s.d = d
}

// Add inserts m (copied) and reports whether it was new.
func (s *Set) Add(m []byte) bool {
	if s.d == nil {
		if v, ok := parseInt(m); ok {
			return s.addInt(v)
		}
		s.convert()
	}
	// One search: the hash it computed inserts a new member.
	p, h := s.d.GetPtrHash(bstr(m))
	if p != nil {
		return false
	}
	s.d.InsertNewCopy(bstr(m), h, struct{}{})
	s.bytes += datastructs.AllocSize(len(m))
	return true
}

// AddString inserts m, keeping the string itself (no copy), and reports
// whether it was new.
func (s *Set) AddString(m string) bool {
	if s.d == nil {
		if v, ok := parseInt(unsafe.Slice(unsafe.StringData(m), len(m))); ok {
			return s.addInt(v)
		}
		s.convert()
	}
	if !s.d.Set(m, struct{}{}) {
		return false
	}
	s.bytes += datastructs.AllocSize(len(m))
	return true
}

func (s *Set) addInt(v int64) bool {
	i, found := slices.BinarySearch(s.ints, v)
	if found {
		return false
	}
	s.ints = slices.Insert(s.ints, i, v)
	if len(s.ints) > MaxIntsetEntries {
		s.convert()
	}
	return true
}

// Remove deletes m and reports whether it was a member.
func (s *Set) Remove(m []byte) bool {
	if s.d == nil {
		v, ok := parseInt(m)
		if !ok {
			return false
		}
		i, found := slices.BinarySearch(s.ints, v)
		if !found {
			return false
		}
		s.ints = slices.Delete(s.ints, i, i+1)
		return true
	}
	_, ok := s.d.Delete(bstr(m))
	if ok {
		s.bytes -= datastructs.AllocSize(len(m))
	}
	return ok
}

// Has reports whether m is a member.
func (s *Set) Has(m []byte) bool {
	if s.d == nil {
		v, ok := parseInt(m)
		if !ok {
			return false
		}
		_, found := slices.BinarySearch(s.ints, v)
		return found
	}
	// dict.Get may run a rehash step but never retains the key.
	_, ok := s.d.Get(bstr(m))
	return ok
}

// HasString is Has for a string.
func (s *Set) HasString(m string) bool {
	return s.Has(unsafe.Slice(unsafe.StringData(m), len(m)))
}

// Range calls fn for every member (ascending for an intset, table order
// otherwise) until fn returns false. fn must not modify s.
func (s *Set) Range(fn func(m string) bool) {
	if s.d == nil {
		for _, v := range s.ints {
			if !fn(strconv.FormatInt(v, 10)) {
				return
			}
		}
		return
	}
	s.d.Range(func(k string, _ struct{}) bool { return fn(k) })
}

// Members returns every member in Range order.
func (s *Set) Members() []string {
	out := make([]string, 0, s.Len())
	s.Range(func(m string) bool {
		out = append(out, m)
		return true
	})
	return out
}

// Random returns a random member in O(1): uniform for an intset; for a
// hashtable Redis's dictGetFairRandomKey (a uniform pick among a sample of
// up to 15 entries), which evens out the bias of picking a bucket first.
// s must not be empty.
func (s *Set) Random(rnd *rand.Rand) string {
	if s.d == nil {
		return strconv.FormatInt(s.ints[rnd.IntN(len(s.ints))], 10)
	}
	return fairRandom(s.d, rnd)
}

// fairSample is Redis's GETFAIR_NUM_ENTRIES.
const fairSample = 15

// fairRandom is Redis's dictGetFairRandomKey.
func fairRandom(d *dict.Dict[struct{}], rnd *rand.Rand) string {
	k, _ := d.RandomFair(rnd, fairSample)
	return k
}

// Pop removes and returns a random member; s must not be empty.
func (s *Set) Pop(rnd *rand.Rand) string {
	if s.d == nil {
		i := rnd.IntN(len(s.ints))
		v := s.ints[i]
		s.ints = slices.Delete(s.ints, i, i+1)
		return strconv.FormatInt(v, 10)
	}
	k := fairRandom(s.d, rnd)
	s.d.Delete(k)
	s.bytes -= datastructs.AllocSize(len(k))
	return k
}

// Scan is SSCAN's step. For the hashtable encoding it visits members from
// cursor on (at least count of them unless the table ends) and returns the
// next cursor, with dict.Scan's guarantee. For an intset it visits every
// member and returns 0, as Redis does for compact encodings. fn must not
// modify s.
func (s *Set) Scan(cursor uint64, count int, fn func(m string)) uint64 {
	if s.d == nil {
		for _, v := range s.ints {
			fn(strconv.FormatInt(v, 10))
		}
		return 0
	}
	return s.d.Scan(cursor, count, func(k string, _ struct{}) { fn(k) })
}

// bstr views b as a string without copying, for lookups that do not
// retain it.
func bstr(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// parseInt is Redis's string2ll: the canonical decimal form of an int64
// only (no '+', no leading zeros, no spaces, no "-0").
// IsInt reports whether m is a member the intset encoding can hold (the
// canonical decimal form of a 64-bit integer).
func IsInt(m string) bool {
	_, ok := parseInt(unsafe.Slice(unsafe.StringData(m), len(m)))
	return ok
}

func parseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	if len(b) == 1 && b[0] == '0' {
		return 0, true
	}
	neg := b[0] == '-'
	i := 0
	if neg {
		i = 1
		if len(b) == 1 {
			return 0, false
		}
	}
	if b[i] < '1' || b[i] > '9' {
		return 0, false
	}
	var n uint64
	for ; i < len(b); i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if n > (math.MaxUint64-9)/10 {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	if neg {
		if n > 1<<63 {
			return 0, false
		}
		return -int64(n), true
	}
	if n > math.MaxInt64 {
		return 0, false
	}
	return int64(n), true
}
