package hash

import (
	"encoding/binary"
	"math/rand/v2"
	"strings"
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
	// lp is the "listpack" encoding, live while ht == nil: a 4-byte
	// little-endian pair count, then field, value, field, value... in
	// insertion order, each a uvarint length and the bytes. nil when
	// empty. Bytes below len(lp), except the count, are never written
	// again once stored (see doc.go), so strings aliasing them stay valid.
	lp []byte
	ht *table // "hashtable"
}

// table is the hashtable encoding.
type table struct {
	d *dict.Dict[string]
	// bytes is the heap size of the field and value strings (Size).
	bytes int64
}

// lpHdr is the size of the listpack's count header.
const lpHdr = 4

// New returns an empty hash with the listpack encoding.
func New() *Hash { return &Hash{} }

// Type implements datastructs.Value.
func (h *Hash) Type() datastructs.Type { return datastructs.TypeHash }

// Encoding implements datastructs.Encoder: "listpack" or "hashtable".
func (h *Hash) Encoding() string {
	if h.ht == nil {
		return "listpack"
	}
	return "hashtable"
}

// Copy implements datastructs.Copier with a deep copy (same encoding).
func (h *Hash) Copy() datastructs.Value {
	if h.ht == nil {
		if h.lp == nil {
			return &Hash{}
		}
		return &Hash{lp: alloc(h.lp, len(h.lp))}
	}
	d := dict.New[string](h.ht.d.Len())
	h.ht.d.Range(func(k, v string) bool {
		d.Set(k, v)
		return true
	})
	return &Hash{ht: &table{d: d, bytes: h.ht.bytes}}
}

// strSize is the heap size of a stored string.
func strSize(s string) int64 { return datastructs.AllocSize(len(s)) }

var (
	hashNode = datastructs.AllocSize(dict.NodeSize[string]())
	hashHdr  = datastructs.AllocSize(int(unsafe.Sizeof(Hash{})))
	tableHdr = datastructs.AllocSize(int(unsafe.Sizeof(table{})))
	dictHdr  = datastructs.AllocSize(int(unsafe.Sizeof(dict.Dict[string]{})))
)

// Size implements datastructs.Sizer in O(1): for a listpack the structure
// and its one buffer; for a hashtable the table plus the strings, kept as
// a running count.
func (h *Hash) Size() int64 {
	if h.ht == nil {
		return hashHdr + datastructs.AllocSize(cap(h.lp))
	}
	t := h.ht
	return hashHdr + tableHdr + dictHdr + int64(t.d.Buckets())*8 + int64(t.d.Len())*hashNode + t.bytes
}

// Len returns the number of fields.
func (h *Hash) Len() int {
	if h.ht == nil {
		return lpCount(h.lp)
	}
	return h.ht.d.Len()
}

// lpCount is the pair count of a listpack.
func lpCount(lp []byte) int {
	if len(lp) < lpHdr {
		return 0
	}
	return int(binary.LittleEndian.Uint32(lp))
}

func setCount(lp []byte, n int) { binary.LittleEndian.PutUint32(lp, uint32(n)) }

// alloc returns a new buffer holding src[:n] (n <= len(src)) whose
// capacity is the whole allocator size class it occupies.
func alloc(src []byte, n int) []byte {
	return allocCap(src, n, n)
}

// allocCap is alloc with room for at least c bytes (c >= n).
func allocCap(src []byte, n, c int) []byte {
	b := make([]byte, n, datastructs.AllocSize(c))
	copy(b, src[:n])
	return b
}

// readLen decodes the uvarint length at lp[i] and returns it with the
// offset of the bytes it prefixes.
func readLen(lp []byte, i int) (n, at int) {
	if c := lp[i]; c < 0x80 {
		return int(c), i + 1
	}
	v, k := binary.Uvarint(lp[i:])
	return int(v), i + k
}

// lenSize is the size of n's uvarint encoding.
func lenSize(n int) int {
	k := 1
	for n >= 0x80 {
		n >>= 7
		k++
	}
	return k
}

// view returns lp[i:i+n] as a string without copying. Valid forever:
// listpack bytes are never rewritten.
func view(lp []byte, i, n int) string {
	if n == 0 {
		return ""
	}
	return unsafe.String(&lp[i], n)
}

// next decodes the element at lp[i] and returns it and the offset of the
// following one.
func next(lp []byte, i int) (s string, j int) {
	n, at := readLen(lp, i)
	return view(lp, at, n), at + n
}

// find returns the offsets of field's pair in the listpack: where the
// field's entry starts, where the value's entry starts and where it ends;
// start is -1 when the field is absent.
func (h *Hash) find(field []byte) (start, val, end int) {
	lp := h.lp
	f := bstr(field)
	for i := lpHdr; i < len(lp); {
		n, at := readLen(lp, i)
		match := n == len(f) && string(lp[at:at+n]) == f
		vn, vat := readLen(lp, at+n)
		if match {
			return i, at + n, vat + vn
		}
		i = vat + vn
	}
	return -1, 0, 0
}

// convert switches to the hashtable encoding.
func (h *Hash) convert() {
	t := &table{d: dict.New[string](lpCount(h.lp))}
	h.Range(func(f, v string) bool {
		// Clone: strings viewing the listpack would keep it all alive.
		t.d.Set(strings.Clone(f), strings.Clone(v))
		t.bytes += strSize(f) + strSize(v)
		return true
	})
	h.lp = nil
	h.ht = t
}

// Prepare converts to the hashtable encoding if field or value is too long
// for a listpack. Set does this itself; Prepare exists for Redis's
// hashTypeTryConversion, which HSET and HSETNX run on their arguments
// before anything is stored, so that HSETNX of an existing field with a
// long value still converts (a Redis wart copied on purpose, as it shows
// in OBJECT ENCODING).
func (h *Hash) Prepare(field, value []byte) {
	if h.ht == nil && (len(field) > MaxListpackValue || len(value) > MaxListpackValue) {
		h.convert()
	}
}

// Reserve makes room in a listpack for the pairs in args (field, value,
// field, value..., as HSET receives them) if all were new, so a hash
// built by one HSET is one allocation instead of one per field. It does
// nothing for a hashtable, or when the pairs could not all fit a
// listpack.
func (h *Hash) Reserve(args [][]byte) {
	if h.ht != nil || lpCount(h.lp)+len(args)/2 > MaxListpackEntries {
		return
	}
	need := max(len(h.lp), lpHdr)
	for _, a := range args {
		if len(a) > MaxListpackValue {
			return
		}
		need += lenSize(len(a)) + len(a)
	}
	if need > cap(h.lp) {
		if h.lp == nil {
			h.lp = make([]byte, lpHdr, datastructs.AllocSize(need))
		} else {
			h.lp = allocCap(h.lp, len(h.lp), need)
		}
	}
}

// Get returns the value of field.
func (h *Hash) Get(field []byte) (string, bool) {
	if h.ht == nil {
		_, val, _ := h.find(field)
		if val == 0 {
			return "", false
		}
		v, _ := next(h.lp, val)
		return v, true
	}
	return h.ht.d.Get(bstr(field))
}

// Exists reports whether field is present.
func (h *Hash) Exists(field []byte) bool {
	_, ok := h.Get(field)
	return ok
}

// Set stores value (copied) under field (copied if new) and reports
// whether the field was new.
func (h *Hash) Set(field, value []byte) bool {
	if h.ht == nil && len(field) <= MaxListpackValue && len(value) <= MaxListpackValue {
		return h.lpSet(field, bstr(value))
	}
	if h.ht != nil {
		// One search; the value is copied only when it is stored.
		t := h.ht
		p, hv := t.d.GetPtrHash(bstr(field))
		if p != nil {
			if *p != bstr(value) { // an equal value stays as it is
				v := string(value)
				t.bytes += strSize(v) - strSize(*p)
				*p = v
			}
			return false
		}
		v := string(value)
		t.bytes += datastructs.AllocSize(len(field)) + strSize(v)
		t.d.InsertNewCopy(bstr(field), hv, v)
		return true
	}
	return h.SetString(field, string(value))
}

// SetString is Set with a value the caller gives away.
func (h *Hash) SetString(field []byte, value string) bool {
	if h.ht == nil && (len(field) > MaxListpackValue || len(value) > MaxListpackValue) {
		h.convert()
	}
	if h.ht == nil {
		return h.lpSet(field, value)
	}
	t := h.ht
	p, hv := t.d.GetPtrHash(bstr(field))
	if p != nil {
		t.bytes += strSize(value) - strSize(*p)
		*p = value
		return false
	}
	t.bytes += datastructs.AllocSize(len(field)) + strSize(value)
	t.d.InsertNewCopy(bstr(field), hv, value)
	return true
}

// lpSet is Set on a listpack; value is copied into it.
func (h *Hash) lpSet(field []byte, value string) bool {
	lp := h.lp
	if _, val, end := h.find(field); val != 0 {
		if old, _ := next(lp, val); old == value {
			return false
		}
		// Copy on write: the old bytes may be viewed by strings handed
		// out earlier.
		n := len(lp) - (end - val) + lenSize(len(value)) + len(value)
		nb := make([]byte, 0, datastructs.AllocSize(n))
		nb = append(nb, lp[:val]...)
		nb = binary.AppendUvarint(nb, uint64(len(value)))
		nb = append(nb, value...)
		nb = append(nb, lp[end:]...)
		h.lp = nb
		return false
	}
	need := lenSize(len(field)) + len(field) + lenSize(len(value)) + len(value)
	if lp == nil {
		lp = make([]byte, lpHdr, datastructs.AllocSize(lpHdr+need))
	} else if len(lp)+need > cap(lp) {
		// Small listpacks grow to fit (their slack is memory per key);
		// larger ones by a quarter, so building one field at a time
		// stays linear.
		c := len(lp) + need
		if len(lp) > 256 {
			c += c / 4
		}
		lp = allocCap(lp, len(lp), c)
	}
	// Appending writes only past len(lp): no handed-out string changes.
	lp = binary.AppendUvarint(lp, uint64(len(field)))
	lp = append(lp, field...)
	lp = binary.AppendUvarint(lp, uint64(len(value)))
	lp = append(lp, value...)
	n := lpCount(lp) + 1
	setCount(lp, n)
	h.lp = lp
	if n > MaxListpackEntries || n >= 1<<31 { // the count header is 32 bits
		h.convert()
	}
	return true
}

// Delete removes field and reports whether it was present.
func (h *Hash) Delete(field []byte) bool {
	if h.ht == nil {
		start, val, end := h.find(field)
		if val == 0 {
			return false
		}
		n := lpCount(h.lp) - 1
		if n == 0 {
			h.lp = nil
			return true
		}
		// Copy on write, as in lpSet.
		nb := make([]byte, 0, datastructs.AllocSize(len(h.lp)-(end-start)))
		nb = append(nb, h.lp[:start]...)
		nb = append(nb, h.lp[end:]...)
		setCount(nb, n)
		h.lp = nb
		return true
	}
	t := h.ht
	v, ok := t.d.Delete(bstr(field))
	if ok {
		t.bytes -= datastructs.AllocSize(len(field)) + strSize(v)
	}
	return ok
}

// Range calls fn for every pair (insertion order for a listpack, table
// order otherwise) until fn returns false. fn must not modify h. The
// strings stay valid after h changes.
func (h *Hash) Range(fn func(field, value string) bool) {
	if h.ht == nil {
		lp := h.lp
		for i := lpHdr; i < len(lp); {
			var f, v string
			f, i = next(lp, i)
			v, i = next(lp, i)
			if !fn(f, v) {
				return
			}
		}
		return
	}
	h.ht.d.Range(fn)
}

// Random returns a random pair: uniform for a listpack (a walk to the
// chosen pair, bounded by hash-max-listpack-entries); for a hashtable in
// O(1) with Redis's dictGetFairRandomKey (a uniform pick among a sample of
// up to 15 entries), which evens out the bias of picking a bucket first.
// h must not be empty.
func (h *Hash) Random(rnd *rand.Rand) (field, value string) {
	if h.ht == nil {
		k := rnd.IntN(lpCount(h.lp))
		h.Range(func(f, v string) bool {
			field, value = f, v
			k--
			return k >= 0
		})
		return field, value
	}
	var buf [fairSample][2]string
	n := 0
	h.ht.d.Sample(rnd, fairSample, func(f, v string) {
		if n < fairSample {
			buf[n] = [2]string{f, v}
			n++
		}
	})
	if n == 0 {
		f, v, _ := h.ht.d.Random(rnd)
		return f, v
	}
	p := buf[rnd.IntN(n)]
	return p[0], p[1]
}

// RandomPairs calls fn with count pairs drawn independently as Random
// does (HRANDFIELD with a negative count), in O(count) after an O(n) pass
// for a listpack rather than a walk per pick. h must not be empty.
func (h *Hash) RandomPairs(rnd *rand.Rand, count int, fn func(field, value string)) {
	if h.ht != nil || count < 4 {
		for range count {
			fn(h.Random(rnd))
		}
		return
	}
	offs := make([]int32, 0, lpCount(h.lp))
	for i := lpHdr; i < len(h.lp); {
		offs = append(offs, int32(i))
		_, i = next(h.lp, i)
		_, i = next(h.lp, i)
	}
	for range count {
		f, i := next(h.lp, int(offs[rnd.IntN(len(offs))]))
		v, _ := next(h.lp, i)
		fn(f, v)
	}
}

// fairSample is Redis's GETFAIR_NUM_ENTRIES.
const fairSample = 15

// Scan is HSCAN's step. For the hashtable encoding it visits pairs from
// cursor on (at least count of them unless the table ends) and returns the
// next cursor, with dict.Scan's guarantee. For a listpack it visits every
// pair and returns 0, as Redis does. fn must not modify h.
func (h *Hash) Scan(cursor uint64, count int, fn func(field, value string)) uint64 {
	if h.ht == nil {
		h.Range(func(f, v string) bool {
			fn(f, v)
			return true
		})
		return 0
	}
	return h.ht.d.Scan(cursor, count, fn)
}

// bstr views b as a string without copying, for lookups that do not
// retain it.
func bstr(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// FromPairs builds a hash from field, value, field, value... (a loader's
// input: the strings are taken over), with the encoding Set would reach,
// in that order. It returns nil and the field when a field repeats.
func FromPairs(pairs []string) (h *Hash, dup string) {
	h = New()
	n := len(pairs) / 2
	small := n <= MaxListpackEntries
	need := lpHdr
	for _, s := range pairs {
		if len(s) > MaxListpackValue {
			small = false
			break
		}
		need += lenSize(len(s)) + len(s)
	}
	if !small || n > 32 {
		// Big or long: the general path (a table, or a listpack whose
		// duplicate check is then a scan per field).
		if small {
			h.lp = make([]byte, lpHdr, datastructs.AllocSize(need))
		} else {
			// As Redis's load: straight into a table sized for the
			// pairs, not a listpack that converts on the way after a
			// quadratic fill.
			h.ht = &table{d: dict.New[string](n)}
		}
		for i := 0; i < len(pairs); i += 2 {
			f := pairs[i]
			if !h.SetString(unsafe.Slice(unsafe.StringData(f), len(f)), pairs[i+1]) {
				return nil, f
			}
		}
		return h, ""
	}
	// A few short fields: compare them pairwise, then write the listpack
	// in one allocation.
	for i := 2; i < len(pairs); i += 2 {
		for j := 0; j < i; j += 2 {
			if pairs[i] == pairs[j] {
				return nil, pairs[i]
			}
		}
	}
	if n == 0 {
		return h, ""
	}
	lp := make([]byte, lpHdr, datastructs.AllocSize(need))
	for _, s := range pairs {
		lp = binary.AppendUvarint(lp, uint64(len(s)))
		lp = append(lp, s...)
	}
	setCount(lp, n)
	h.lp = lp
	return h, ""
}
