package dict

import (
	"hash/maphash"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"unsafe"
)

const (
	// minSize is the smallest bucket array a Dict ever uses.
	minSize = 4
	// shrinkRatio: shrink when Len < buckets/shrinkRatio.
	shrinkRatio = 8
	// emptyVisitsPerStep bounds the empty buckets one rehash step may skip.
	emptyVisitsPerStep = 10
)

// entry is a node of a bucket chain. It caches the key's hash: comparing
// it first avoids touching the key bytes of other entries in the chain (a
// cache miss each), and rehashing never re-reads keys. For the keyspace's
// node the field fits in the same allocation size class.
type entry[V any] struct {
	key  string
	val  V
	next *entry[V]
	hash uint64
}

// Dict maps string keys to values of type V. Not safe for concurrent use;
// callers lock. Note that Get, GetPtr and Random may perform an incremental
// rehash step, so even read operations need exclusive access.
type Dict[V any] struct {
	// ht[0] is the main table. While rehashing, ht[1] is the target table,
	// buckets of ht[0] below rehashIdx are empty (already moved), and new
	// keys are inserted into ht[1] only.
	ht   [2][]*entry[V]
	used [2]int
	// rehashIdx is the next ht[0] bucket to migrate, or -1 if not rehashing.
	rehashIdx int
	seed      maphash.Seed
	// sampleBuf is scratch space for Sample, reused across calls.
	sampleBuf []*entry[V]
	// iterating counts running Range calls: rehash steps wait for them
	// (Redis's safe iterators pause rehashing), so a lookup made from a
	// Range callback cannot move entries under the iteration.
	iterating int
}

// New returns an empty Dict pre-sized for about sizeHint entries.
func New[V any](sizeHint int) *Dict[V] {
	d := &Dict[V]{rehashIdx: -1, seed: maphash.MakeSeed()}
	d.ht[0] = make([]*entry[V], nextPow2(sizeHint))
	return d
}

// nextPow2 returns the smallest power of two >= n, and at least minSize.
func nextPow2(n int) int {
	if n <= minSize {
		return minSize
	}
	return 1 << bits.Len(uint(n-1))
}

func (d *Dict[V]) hash(key string) uint64 {
	return maphash.String(d.seed, key)
}

func (d *Dict[V]) rehashing() bool { return d.rehashIdx >= 0 }

// Len returns the number of entries.
func (d *Dict[V]) Len() int { return d.used[0] + d.used[1] }

// find returns the entry for key, or nil.
func (d *Dict[V]) find(key string) *entry[V] {
	if d.Len() == 0 {
		return nil
	}
	h := d.hash(key)
	for t := 0; t < 2; t++ {
		tab := d.ht[t]
		for e := tab[h&uint64(len(tab)-1)]; e != nil; e = e.next {
			if e.hash == h && e.key == key {
				return e
			}
		}
		if !d.rehashing() {
			break
		}
	}
	return nil
}

// Get returns the value stored for key.
func (d *Dict[V]) Get(key string) (V, bool) {
	if d.rehashing() {
		d.rehash(1)
	}
	if e := d.find(key); e != nil {
		return e.val, true
	}
	var zero V
	return zero, false
}

// Key returns the key string as stored in d (sharing its bytes), so that a
// second table can index the same key without copying it.
func (d *Dict[V]) Key(key string) (string, bool) {
	if e := d.find(key); e != nil {
		return e.key, true
	}
	return "", false
}

// GetPtr returns a pointer to the stored value for in-place mutation, or nil.
// The pointer is valid until the next mutation of d (Set/Delete/rehash step).
func (d *Dict[V]) GetPtr(key string) *V {
	if d.rehashing() {
		d.rehash(1)
	}
	if e := d.find(key); e != nil {
		return &e.val
	}
	return nil
}

// GetPtrHash is GetPtr that also returns key's hash, so that a caller
// that finds nothing can insert with InsertNew without hashing and
// searching again.
func (d *Dict[V]) GetPtrHash(key string) (*V, uint64) {
	if d.rehashing() {
		d.rehash(1)
	}
	h := d.hash(key)
	if d.Len() == 0 {
		return nil, h
	}
	for t := 0; t < 2; t++ {
		tab := d.ht[t]
		for e := tab[h&uint64(len(tab)-1)]; e != nil; e = e.next {
			if e.hash == h && e.key == key {
				return &e.val, h
			}
		}
		if !d.rehashing() {
			break
		}
	}
	return nil, h
}

// GetKeyPtrHash is GetPtrHash that also returns the key as stored (sharing
// its bytes, "" when absent), for a caller whose other structures share
// the stored string and can then recognise it by its data pointer.
func (d *Dict[V]) GetKeyPtrHash(key string) (string, *V, uint64) {
	if d.rehashing() {
		d.rehash(1)
	}
	h := d.hash(key)
	if d.Len() == 0 {
		return "", nil, h
	}
	for t := 0; t < 2; t++ {
		tab := d.ht[t]
		for e := tab[h&uint64(len(tab)-1)]; e != nil; e = e.next {
			if e.hash == h && e.key == key {
				return e.key, &e.val, h
			}
		}
		if !d.rehashing() {
			break
		}
	}
	return "", nil, h
}

// InsertNew adds key, which must be absent, with its hash h (from Hash or
// GetPtrHash). It skips the search Set makes for an existing key.
func (d *Dict[V]) InsertNew(key string, h uint64, v V) {
	if d.rehashing() {
		d.rehash(1)
	}
	d.insert(key, h, v)
}

// InsertNewCopy is InsertNew for a key the caller does not own (it may
// alias a buffer that is reused): the Dict stores a copy of it in the
// entry's own allocation (see newEntry) and returns that copy, so that
// other tables can share its bytes.
func (d *Dict[V]) InsertNewCopy(key string, h uint64, v V) string {
	if d.rehashing() {
		d.rehash(1)
	}
	e := newEntry[V](key)
	e.val, e.hash = v, h
	d.link(e)
	return e.key
}

// Set inserts or replaces; reports whether the key was new.
func (d *Dict[V]) Set(key string, v V) (added bool) {
	return d.SetHashed(key, d.hash(key), v)
}

// Hash returns key's hash, for Touch and SetHashed.
func (d *Dict[V]) Hash(key string) uint64 { return d.hash(key) }

// Touch reads the bucket a key of hash h maps to and the first entry of
// its chain, and returns a value the caller should accumulate and ignore
// (so the reads are not optimised away). A bulk insert touches the next
// few dozen keys before inserting them: their cache misses then overlap
// instead of each insert waiting for its own.
func (d *Dict[V]) Touch(h uint64) uint64 {
	tab := d.ht[0]
	if d.rehashing() {
		tab = d.ht[1]
	}
	if e := tab[h&uint64(len(tab)-1)]; e != nil {
		return e.hash
	}
	return 0
}

// PrefetchWindow is the most hashes Prefetch takes at once.
const PrefetchWindow = 16

// Prefetch reads the buckets and the first entries of their chains for
// the keys of hashes hs (at most PrefetchWindow of them, from Hash) and
// returns a value the caller should accumulate and ignore, like Touch. It
// first loads every bucket, then every first entry: the loads of one pass
// do not depend on each other, so their cache misses overlap, where
// lookups made one after another wait for each miss in turn. Read-only:
// no rehash step.
//
// With touch non-nil, a third pass calls it with the value of each first
// entry whose hash matches (most likely the key's own entry), so that the
// caller can read what the value points to.
func (d *Dict[V]) Prefetch(hs []uint64, touch func(*V) uint64) uint64 {
	tab := d.ht[0]
	if d.rehashing() && len(d.ht[1]) > len(tab) {
		tab = d.ht[1]
	}
	var heads [PrefetchWindow]*entry[V]
	hs = hs[:min(len(hs), PrefetchWindow)]
	for i, h := range hs {
		heads[i] = tab[h&uint64(len(tab)-1)]
	}
	var sink uint64
	for _, e := range heads[:len(hs)] {
		if e != nil {
			sink += e.hash + keyByte(e.key)
		}
	}
	if touch != nil {
		for i, e := range heads[:len(hs)] {
			if e != nil && e.hash == hs[i] {
				sink += touch(&e.val)
			}
		}
	}
	return sink
}

// SetHashed is Set for a key whose hash h the caller got from Hash.
func (d *Dict[V]) SetHashed(key string, h uint64, v V) (added bool) {
	if d.rehashing() {
		d.rehash(1)
	}
	for t := 0; t < 2; t++ {
		tab := d.ht[t]
		for e := tab[h&uint64(len(tab)-1)]; e != nil; e = e.next {
			if e.hash == h && e.key == key {
				e.val = v
				return false
			}
		}
		if !d.rehashing() {
			break
		}
	}
	d.insert(key, h, v)
	return true
}

// insert links a new entry for key, which is absent, growing the table
// first if needed.
func (d *Dict[V]) insert(key string, h uint64, v V) {
	d.link(&entry[V]{key: key, val: v, hash: h})
}

// link adds the new entry e (key, value and hash set) to the table new
// keys go to, growing the table first if needed.
func (d *Dict[V]) link(e *entry[V]) {
	// Grow at load factor 1 (only when no rehash is already running).
	if !d.rehashing() && d.used[0] >= len(d.ht[0]) {
		d.resize(d.used[0] + 1)
	}
	t := 0
	if d.rehashing() {
		t = 1
	}
	tab := d.ht[t]
	idx := e.hash & uint64(len(tab)-1)
	e.next = tab[idx]
	tab[idx] = e
	d.used[t]++
}

// Delete removes key and returns its previous value.
func (d *Dict[V]) Delete(key string) (V, bool) {
	var zero V
	if d.Len() == 0 {
		return zero, false
	}
	if d.rehashing() {
		d.rehash(1)
	}
	h := d.hash(key)
	for t := 0; t < 2; t++ {
		tab := d.ht[t]
		idx := h & uint64(len(tab)-1)
		var prev *entry[V]
		for e := tab[idx]; e != nil; prev, e = e, e.next {
			if e.hash != h || e.key != key {
				continue
			}
			if prev == nil {
				tab[idx] = e.next
			} else {
				prev.next = e.next
			}
			e.next = nil
			d.used[t]--
			d.shrinkIfNeeded()
			return e.val, true
		}
		if !d.rehashing() {
			break
		}
	}
	return zero, false
}

func (d *Dict[V]) shrinkIfNeeded() {
	if d.rehashing() {
		return
	}
	if n := len(d.ht[0]); n > minSize && d.used[0] < n/shrinkRatio {
		d.resize(d.used[0])
	}
}

// resize starts an incremental rehash into a table sized for n entries.
// Must not be called while rehashing.
func (d *Dict[V]) resize(n int) {
	size := nextPow2(n)
	if size == len(d.ht[0]) {
		return
	}
	tab := make([]*entry[V], size)
	if d.used[0] == 0 {
		d.ht[0] = tab
		return
	}
	d.ht[1] = tab
	d.rehashIdx = 0
}

// RehashStep migrates up to n non-empty buckets (visiting at most 10*n empty
// ones) of an in-progress rehash. It reports whether a rehash is still in
// progress afterwards.
func (d *Dict[V]) RehashStep(n int) bool {
	if !d.rehashing() {
		return false
	}
	if n < 1 {
		n = 1
	}
	return d.rehash(n)
}

// rehash is the Redis dictRehash: moves up to n buckets from ht[0] to ht[1].
func (d *Dict[V]) rehash(n int) bool {
	if d.iterating > 0 {
		return true
	}
	emptyVisits := n * emptyVisitsPerStep
	t0, t1 := d.ht[0], d.ht[1]
	mask1 := uint64(len(t1) - 1)
	shrinking := len(t1) < len(t0)
	for ; n > 0 && d.used[0] != 0; n-- {
		for t0[d.rehashIdx] == nil {
			d.rehashIdx++
			emptyVisits--
			if emptyVisits == 0 {
				return true
			}
		}
		e := t0[d.rehashIdx]
		moved := 0
		for e != nil {
			next := e.next
			var idx uint64
			if shrinking {
				// The low bits of the hash equal the low bits of the old
				// bucket index, so no rehashing of the key is needed.
				idx = uint64(d.rehashIdx) & mask1
			} else {
				idx = e.hash & mask1
			}
			e.next = t1[idx]
			t1[idx] = e
			moved++
			e = next
		}
		d.used[0] -= moved
		d.used[1] += moved
		t0[d.rehashIdx] = nil
		d.rehashIdx++
	}
	if d.used[0] == 0 {
		d.ht[0], d.used[0] = d.ht[1], d.used[1]
		d.ht[1], d.used[1] = nil, 0
		d.rehashIdx = -1
		// Deletes made during the rehash may already call for a shrink.
		d.shrinkIfNeeded()
		return d.rehashing()
	}
	return true
}

// rev reverses the bits of a cursor.
func rev(v uint64) uint64 { return bits.Reverse64(v) }

// Scan calls fn for the entries of the bucket(s) at cursor, continuing until
// at least count entries were visited or the table is exhausted; returns the
// next cursor (0 = done). Guarantee: every key present from the start to the
// end of a full scan is returned at least once, even across growth, shrink
// and rehash. Keys may be returned more than once. fn must not mutate d.
func (d *Dict[V]) Scan(cursor uint64, count int, fn func(key string, v V)) uint64 {
	return d.ScanPtr(cursor, count, func(k string, v *V) { fn(k, *v) })
}

// ScanPtr is Scan with a pointer to each stored value, which fn may
// modify in place (but fn must not add or remove keys).
func (d *Dict[V]) ScanPtr(cursor uint64, count int, fn func(key string, v *V)) uint64 {
	if count < 1 {
		count = 1
	}
	visited := 0
	for {
		cursor = d.scanOne(cursor, fn, &visited)
		if cursor == 0 || visited >= count {
			return cursor
		}
	}
}

// scanWindow is how many buckets ScanPtrAhead reads ahead at a time.
const scanWindow = 16

// ScanPtrAhead is ScanPtr for a walk over the whole table (a snapshot),
// with the table's memory read ahead: while no rehash runs it takes the
// buckets scanWindow at a time and, before calling fn for any of them,
// loads their chain heads, then those entries, then (with touch non-nil)
// what touch reads through each head's value. The loads of one pass do not
// depend on each other, so their cache misses overlap instead of fn
// waiting for each in turn (a snapshot visits entries in bucket order,
// which is random in memory). It may visit up to scanWindow-1 buckets
// more than ScanPtr before returning. fn must not add or remove keys.
func (d *Dict[V]) ScanPtrAhead(cursor uint64, count int, touch func(*V) uint64, fn func(key string, v *V)) uint64 {
	visited := 0
	var sink uint64
	defer runtime.KeepAlive(&sink)
	for {
		if d.Len() == 0 {
			return 0
		}
		if d.rehashing() {
			cursor = d.scanOne(cursor, fn, &visited)
		} else {
			t0 := d.ht[0]
			m0 := uint64(len(t0) - 1)
			var heads [scanWindow]*entry[V]
			n := 0
			for n < scanWindow {
				heads[n] = t0[cursor&m0]
				n++
				cursor = rev(rev(cursor|^m0) + 1)
				if cursor == 0 {
					break
				}
			}
			for _, e := range heads[:n] {
				if e != nil {
					sink += e.hash + keyByte(e.key)
				}
			}
			if touch != nil {
				for _, e := range heads[:n] {
					if e != nil {
						sink += touch(&e.val)
					}
				}
			}
			for _, e := range heads[:n] {
				emitBucket(e, fn, &visited)
			}
		}
		if cursor == 0 || visited >= count {
			return cursor
		}
	}
}

// keyByte reads the last byte of key (0 for ""): an embedded key starts in
// its entry's last cache line or the next one.
func keyByte(key string) uint64 {
	if len(key) == 0 {
		return 0
	}
	return uint64(key[len(key)-1])
}

func emitBucket[V any](e *entry[V], fn func(string, *V), visited *int) {
	for ; e != nil; e = e.next {
		fn(e.key, &e.val)
		*visited++
	}
}

// scanOne is Redis's dictScan: one cursor step.
func (d *Dict[V]) scanOne(v uint64, fn func(string, *V), visited *int) uint64 {
	if d.Len() == 0 {
		return 0
	}
	if !d.rehashing() {
		t0 := d.ht[0]
		m0 := uint64(len(t0) - 1)
		emitBucket(t0[v&m0], fn, visited)
		// Increment the reversed cursor over the unmasked bits.
		v |= ^m0
		v = rev(v)
		v++
		return rev(v)
	}
	t0, t1 := d.ht[0], d.ht[1]
	if len(t0) > len(t1) {
		t0, t1 = t1, t0
	}
	m0, m1 := uint64(len(t0)-1), uint64(len(t1)-1)
	emitBucket(t0[v&m0], fn, visited)
	// Visit every bucket of the larger table that expands bucket v&m0 of
	// the smaller one.
	for {
		emitBucket(t1[v&m1], fn, visited)
		v |= ^m1
		v = rev(v)
		v++
		v = rev(v)
		if v&(m0^m1) == 0 {
			return v
		}
	}
}

// Random returns a random key and its value, ok=false if empty. Like Redis it
// picks a random non-empty bucket, then a random element of its chain, so
// keys in longer chains are slightly less likely.
func (d *Dict[V]) Random(rnd *rand.Rand) (key string, v V, ok bool) {
	if d.Len() == 0 {
		return "", v, false
	}
	if d.rehashing() {
		d.rehash(1)
	}
	e := d.randomEntry(rnd)
	return e.key, e.val, true
}

// randomEntry returns a random entry; d must not be empty.
func (d *Dict[V]) randomEntry(rnd *rand.Rand) *entry[V] {
	var e *entry[V]
	if d.rehashing() {
		s0, s1 := len(d.ht[0]), len(d.ht[1])
		span := uint64(s0 + s1 - d.rehashIdx)
		for e == nil {
			h := d.rehashIdx + int(rnd.Uint64N(span))
			if h >= s0 {
				e = d.ht[1][h-s0]
			} else {
				e = d.ht[0][h]
			}
		}
	} else {
		m := uint64(len(d.ht[0]) - 1)
		for e == nil {
			e = d.ht[0][rnd.Uint64()&m]
		}
	}
	n := 0
	for p := e; p != nil; p = p.next {
		n++
	}
	for i := rnd.IntN(n); i > 0; i-- {
		e = e.next
	}
	return e
}

// Sample calls fn for up to n random, mostly distinct entries (Redis's
// dictGetSomeKeys: start at a random bucket and walk consecutive buckets,
// jumping elsewhere after long runs of empty buckets). It may return fewer
// than n entries, and entries may repeat. Entries are collected before fn is
// called, so fn may mutate d (e.g. delete expired keys).
func (d *Dict[V]) Sample(rnd *rand.Rand, n int, fn func(key string, v V)) {
	buf := d.sample(rnd, n)
	if buf == nil {
		return
	}
	d.sampleBuf = nil // guard against re-entrant use from fn
	for _, e := range buf {
		fn(e.key, e.val)
	}
	d.releaseSample(buf)
}

// RandomFair returns a key drawn uniformly from a sample of up to n
// entries (Sample's walk): Redis's dictGetFairRandomKey, which evens out
// the bias Random has for keys in short chains. ok is false if d is
// empty. It draws the same random numbers as Sample followed by a
// uniform pick among the sampled keys.
func (d *Dict[V]) RandomFair(rnd *rand.Rand, n int) (key string, ok bool) {
	buf := d.sample(rnd, n)
	if buf == nil {
		return "", false
	}
	key = buf[rnd.IntN(len(buf))].key
	d.releaseSample(buf)
	return key, true
}

// releaseSample clears a buffer returned by sample and keeps it for the
// next call.
func (d *Dict[V]) releaseSample(buf []*entry[V]) {
	clear(buf)
	if d.sampleBuf == nil && cap(buf) <= 1024 {
		d.sampleBuf = buf[:0]
	}
}

// sample collects up to n random, mostly distinct entries (see Sample);
// nil when there is nothing to sample.
func (d *Dict[V]) sample(rnd *rand.Rand, n int) []*entry[V] {
	if n > d.Len() {
		n = d.Len()
	}
	if n <= 0 {
		return nil
	}
	for j := 0; j < n && d.rehashing(); j++ {
		d.rehash(1)
	}
	buf := d.sampleBuf[:0]
	tables := 1
	if d.rehashing() {
		tables = 2
	}
	maxMask := uint64(len(d.ht[0]) - 1)
	if tables == 2 && uint64(len(d.ht[1])-1) > maxMask {
		maxMask = uint64(len(d.ht[1]) - 1)
	}
	i := rnd.Uint64() & maxMask
	emptyLen := 0
walk:
	for steps := n * 10; len(buf) < n && steps > 0; steps-- {
		for t := 0; t < tables; t++ {
			if tables == 2 && t == 0 && i < uint64(d.rehashIdx) {
				// Buckets of ht[0] below rehashIdx are empty.
				if i >= uint64(len(d.ht[1])) {
					i = uint64(d.rehashIdx)
				} else {
					continue
				}
			}
			tab := d.ht[t]
			if i >= uint64(len(tab)) {
				continue
			}
			e := tab[i]
			if e == nil {
				emptyLen++
				if emptyLen >= 5 && emptyLen > n {
					i = rnd.Uint64() & maxMask
					emptyLen = 0
				}
				continue
			}
			emptyLen = 0
			for ; e != nil; e = e.next {
				buf = append(buf, e)
				if len(buf) == n {
					break walk
				}
			}
		}
		i = (i + 1) & maxMask
	}
	if len(buf) == 0 {
		// The walk found only empty buckets (possible in a sparse table);
		// fall back to one random pick so a non-empty dict always yields.
		buf = append(buf, d.randomEntry(rnd))
	}
	return buf
}

// Range iterates all entries (no mutation allowed during it); stops when fn
// returns false. Lookups (Get...) from fn are allowed: no rehash step runs
// until Range returns.
func (d *Dict[V]) Range(fn func(key string, v V) bool) {
	d.iterating++
	defer func() { d.iterating-- }()
	for t := 0; t < 2; t++ {
		for _, e := range d.ht[t] {
			for ; e != nil; e = e.next {
				if !fn(e.key, e.val) {
					return
				}
			}
		}
	}
}

// Clear removes all entries and shrinks the table to its minimum size.
func (d *Dict[V]) Clear() {
	d.ht[0] = make([]*entry[V], minSize)
	d.ht[1] = nil
	d.used = [2]int{}
	d.rehashIdx = -1
	d.sampleBuf = nil
}

// Buckets returns the number of buckets of the table(s), for memory
// accounting (one pointer each).
func (d *Dict[V]) Buckets() int { return len(d.ht[0]) + len(d.ht[1]) }

// NodeSize is the size in bytes of the node a Dict[V] allocates per entry.
func NodeSize[V any]() int { return int(unsafe.Sizeof(entry[V]{})) }
