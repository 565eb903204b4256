package datastructs

import (
	"errors"
	"math/rand/v2"
	"time"

	"github.com/aikv/aikv/datastructs/dict"
)

// Observer is told about changes made through the keyspace. Methods are
// called with the keyspace lock held and must not call back into it. The
// key string may alias a caller's buffer: an observer that keeps it must
// copy it.
type Observer interface {
	// KeyModified is called after any change to a key's value or TTL,
	// including deletion (WATCH, client-side caching).
	KeyModified(db int, key string)
	// KeyExpired is called when a key is deleted because its TTL passed
	// (the AOF logs it as DEL; notifications send "expired").
	KeyExpired(db int, key string)
	// KeyEvicted is called when a key is deleted to free memory under
	// maxmemory (the AOF logs it as DEL; notifications send "evicted").
	KeyEvicted(db int, key string)
}

// AddObserver is implemented by an Observer that also wants to know about
// every key added to a database (Redis's dbAdd: a new key, and the
// destination of RENAME, MOVE and COPY); keyspace notifications send "new".
type AddObserver interface {
	KeyAdded(db int, key string)
}

// MissObserver is implemented by an Observer that also wants to know
// about every read lookup (Lookup) that finds no live key: Redis's
// lookupKeyRead sends the "keymiss" notification there. key aliases the
// caller's buffer.
type MissObserver interface {
	KeyMissed(db int, key []byte)
}

// Options configures a Keyspace. The zero value is usable.
type Options struct {
	// Databases is the number of databases (the "databases" config);
	// 0 means 16.
	Databases int
	// Now returns the current Unix time in milliseconds; nil means the
	// wall clock. Tests inject a fake clock instead of sleeping.
	Now func() int64
	// Observer, if set, is told about modifications and expirations.
	Observer Observer
}

// Stats are keyspace counters reported by INFO stats.
type Stats struct {
	ExpiredKeys    int64
	EvictedKeys    int64
	KeyspaceHits   int64
	KeyspaceMisses int64
}

// Keyspace is the whole dataset: a fixed number of databases. It is not
// safe for concurrent use; the server serialises access.
type Keyspace struct {
	dbs      []*DB
	now      func() int64
	observer Observer
	adder    AddObserver  // observer, if it implements AddObserver
	misser   MissObserver // observer, if it implements MissObserver
	rnd      *rand.Rand
	// Stats are updated by lookups and expiry.
	Stats Stats
	// Dirty counts changes since the last successful save
	// (rdb_changes_since_last_save).
	Dirty int64
	// snap is the running snapshot (nil: none) and snapEpoch its epoch;
	// see snapshot.go.
	snap      *snapState
	snapEpoch uint32
	// frozenNow, when not 0, is the time every clock read returns (see
	// FreezeClock).
	frozenNow int64
	// Loading is true while the dataset is being loaded; expiry is not
	// applied then, so replay reproduces the logged state exactly.
	Loading bool
	// lfu, when set, makes entries track access frequency instead of
	// access time (see SetLFU).
	lfu *LFUOptions
	// pool and nextDB are the eviction state (evict.go).
	pool   evictionPool
	nextDB int
}

// LFUOptions are the LFU tracking parameters (Redis's lfu-log-factor and
// lfu-decay-time).
type LFUOptions struct {
	LogFactor int // higher: the counter grows more slowly
	DecayTime int // minutes per counter decrement; 0 never decays
}

// lfuInitVal is the counter of a new key (Redis's LFU_INIT_VAL), so new
// keys are not evicted before they had a chance to be accessed.
const lfuInitVal = 5

// SetLFU switches access tracking to LFU (o != nil; an "*-lfu"
// maxmemory-policy) or back to LRU (nil). As in Redis, existing entries
// keep their old field, which is read under the new interpretation until
// they are next accessed: switching at runtime takes a while to settle.
func (ks *Keyspace) SetLFU(o *LFUOptions) {
	if o != nil {
		c := *o
		o = &c
	}
	ks.lfu = o
}

// LFU reports whether access frequency (rather than time) is tracked.
func (ks *Keyspace) LFU() bool { return ks.lfu != nil }

// newAccess is the access field of a newly created entry.
func (ks *Keyspace) newAccess() uint32 {
	if ks.lfu != nil {
		return ks.lfuMinutes()<<8 | lfuInitVal
	}
	return uint32(ks.clockMs() / 1000)
}

// lfuMinutes is Redis's LFUGetTimeInMinutes.
func (ks *Keyspace) lfuMinutes() uint32 { return uint32(ks.clockMs()/60000) & 0xffff }

// touch records an access to e (Redis's updateLFU / LRU_CLOCK update).
func (ks *Keyspace) touch(e *Entry) {
	if ks.lfu == nil {
		e.access = uint32(ks.clockMs() / 1000)
		return
	}
	counter := ks.lfuDecr(e.access)
	if counter < 255 {
		// LFULogIncr: increment with probability 1/((c-init)*factor+1).
		base := float64(int(counter) - lfuInitVal)
		if base < 0 {
			base = 0
		}
		if ks.rnd.Float64() < 1.0/(base*float64(ks.lfu.LogFactor)+1) {
			counter++
		}
	}
	e.access = ks.lfuMinutes()<<8 | uint32(counter)
}

// lfuDecr is Redis's LFUDecrAndReturn: the counter after decay.
func (ks *Keyspace) lfuDecr(access uint32) uint8 {
	ldt, counter := access>>8, access&255
	now := ks.lfuMinutes()
	var elapsed uint32
	if now >= ldt {
		elapsed = now - ldt
	} else {
		elapsed = 65535 - ldt + now
	}
	if ks.lfu.DecayTime > 0 {
		periods := elapsed / uint32(ks.lfu.DecayTime)
		if periods > counter {
			counter = 0
		} else {
			counter -= periods
		}
	}
	return uint8(counter)
}

// New returns an empty keyspace.
func New(opts Options) *Keyspace {
	n := opts.Databases
	if n <= 0 {
		n = 16
	}
	now := opts.Now
	if now == nil {
		now = func() int64 { return time.Now().UnixMilli() }
	}
	ks := &Keyspace{now: now, rnd: rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))}
	ks.SetObserver(opts.Observer)
	ks.dbs = make([]*DB, n)
	for i := range ks.dbs {
		ks.dbs[i] = newDB(ks, i)
	}
	return ks
}

// SetObserver replaces the observer (nil removes it).
func (ks *Keyspace) SetObserver(o Observer) {
	ks.observer = o
	ks.adder, _ = o.(AddObserver)
	ks.misser, _ = o.(MissObserver)
}

// Now returns the keyspace clock in Unix milliseconds.
func (ks *Keyspace) Now() int64 { return ks.clockMs() }

// clockMs is the keyspace's current time: the time frozen by FreezeClock
// while a batch of commands runs, else the clock itself.
func (ks *Keyspace) clockMs() int64 {
	if ks.frozenNow != 0 {
		return ks.frozenNow
	}
	return ks.now()
}

// FreezeClock makes the keyspace see one instant, read once, until
// ThawClock: the dispatcher freezes it for each batch of commands, as
// Redis uses one cached time per command, so expiry checks and LRU
// bookkeeping do not read the clock for every key they touch.
func (ks *Keyspace) FreezeClock() { ks.frozenNow = ks.now() }

// FreezeClockAt is FreezeClock with a time the caller already read.
func (ks *Keyspace) FreezeClockAt(ms int64) { ks.frozenNow = ms }

// ThawClock undoes FreezeClock.
func (ks *Keyspace) ThawClock() { ks.frozenNow = 0 }

// AlreadyExpired reports whether an absolute expiry time (Unix ms) has
// passed, so a command setting it should delete the key instead. While
// loading it is always false: replay stores what the log recorded and
// the deletion, if any, follows as its own DEL record.
func (ks *Keyspace) AlreadyExpired(at int64) bool {
	return !ks.Loading && at <= ks.clockMs()
}

// Rand returns the keyspace's random source (for SPOP, RANDOMKEY...).
func (ks *Keyspace) Rand() *rand.Rand { return ks.rnd }

// NumDBs returns the number of databases.
func (ks *Keyspace) NumDBs() int { return len(ks.dbs) }

// DB returns database i; i must be in [0, NumDBs()).
func (ks *Keyspace) DB(i int) *DB { return ks.dbs[i] }

// Swap exchanges the contents of databases a and b (SWAPDB). Every key of
// both databases counts as modified, before the swap (a key that leaves a
// database: WATCH) and after it (a key that arrives: clients blocked on
// it in that database are served, as Redis's scanDatabaseForReadyKeys).
//
// SWAPDB of a database with itself changes nothing and notifies nothing:
// Redis returns early, so a WATCH survives it.
func (ks *Keyspace) Swap(a, b int) {
	ks.Dirty++
	if a == b {
		return
	}
	da, db := ks.dbs[a], ks.dbs[b]
	da.captureAll()
	db.captureAll()
	ks.notifyAll(da)
	ks.notifyAll(db)
	da.keys, db.keys = db.keys, da.keys
	da.expires, db.expires = db.expires, da.expires
	da.used, db.used = db.used, da.used
	ks.notifyAll(da)
	ks.notifyAll(db)
}

// FlushAll empties every database.
func (ks *Keyspace) FlushAll() {
	for _, db := range ks.dbs {
		db.Flush()
	}
}

func (ks *Keyspace) notifyAll(db *DB) {
	if ks.observer == nil {
		return
	}
	db.keys.Range(func(k string, _ Entry) bool {
		ks.observer.KeyModified(db.index, k)
		return true
	})
}

// DB is one numbered database.
type DB struct {
	ks    *Keyspace
	index int
	keys  *dict.Dict[Entry]
	// expires maps every key that has a TTL to its ExpireAt; it is what
	// the active expiry cycle samples.
	expires *dict.Dict[int64]
	// used is the accounted size of the keys and values (memory.go),
	// without the TTL index and buckets.
	used int64
}

func newDB(ks *Keyspace, index int) *DB {
	return &DB{ks: ks, index: index, keys: dict.New[Entry](0), expires: dict.New[int64](0)}
}

// Index returns the database number.
func (db *DB) Index() int { return db.index }

// Keyspace returns the keyspace the database belongs to.
func (db *DB) Keyspace() *Keyspace { return db.ks }

// Len returns the number of keys, including expired keys not yet reclaimed
// (as Redis's DBSIZE does).
func (db *DB) Len() int { return db.keys.Len() }

// ExpiresLen returns the number of keys with a TTL.
func (db *DB) ExpiresLen() int { return db.expires.Len() }

// lookup finds key, deleting it first if it has expired.
func (db *DB) lookup(key string) *Entry {
	e := db.keys.GetPtr(key)
	if e == nil {
		return nil
	}
	if e.ExpireAt != 0 && e.ExpireAt <= db.ks.clockMs() && !db.ks.Loading {
		db.expire(key)
		return nil
	}
	return e
}

// expire deletes an expired key through the common delete path.
func (db *DB) expire(key string) {
	k := key
	if db.ks.observer != nil {
		// key may be the table's own string, about to be dropped; keep
		// a copy for the observer.
		k = string([]byte(key))
	}
	db.delete(key)
	db.ks.Stats.ExpiredKeys++
	db.ks.Dirty++
	if db.ks.observer != nil {
		db.ks.observer.KeyExpired(db.index, k)
		db.ks.observer.KeyModified(db.index, k)
	}
}

// Lookup returns the live entry for key for reading, or nil. It counts a
// keyspace hit or miss, and tells a MissObserver about a miss. The pointer is valid until the next change to db.
//
// While a snapshot runs, the first lookup of an entry not yet captured
// captures it (as LookupWrite does): a handler that mutates what it got
// from Lookup can then never change a value the snapshot still needs.
func (db *DB) Lookup(key []byte) *Entry {
	k := bstr(key)
	e := db.lookup(k)
	if e == nil {
		db.ks.Stats.KeyspaceMisses++
		if db.ks.misser != nil {
			db.ks.misser.KeyMissed(db.index, key)
		}
	} else {
		db.ks.Stats.KeyspaceHits++
		db.ks.touch(e)
		if db.ks.snap != nil {
			db.preWrite(k, e)
		}
	}
	return e
}

// LookupWrite returns the live entry for key for a command that will
// modify it, or nil. It does not count hits or misses. After modifying the
// value in place the caller must call Modified(key).
func (db *DB) LookupWrite(key []byte) *Entry {
	k := bstr(key)
	e := db.lookup(k)
	if e != nil {
		db.ks.touch(e)
		db.preWrite(k, e)
	}
	return e
}

// IdleSeconds returns how many seconds ago e was last accessed (OBJECT
// IDLETIME). Only meaningful while LRU tracking is on.
func (db *DB) IdleSeconds(e *Entry) int64 {
	idle := db.ks.clockMs()/1000 - int64(e.access)
	if idle < 0 {
		idle = 0
	}
	return idle
}

// Freq returns e's decayed LFU access counter (OBJECT FREQ). Only
// meaningful while LFU tracking is on; 0 otherwise.
func (db *DB) Freq(e *Entry) int {
	if db.ks.lfu == nil {
		return 0
	}
	return int(db.ks.lfuDecr(e.access))
}

// SetAccess sets a key's access record the way RESTORE's IDLETIME and
// FREQ do (Redis's objectSetLRUOrLFU): with LFU tracking the counter
// becomes freq (0-255), otherwise the last access moves idle seconds into
// the past. A negative argument leaves that record alone.
func (db *DB) SetAccess(key []byte, idle int64, freq int) {
	e := db.keys.GetPtr(bstr(key))
	if e == nil {
		return
	}
	if db.ks.lfu != nil {
		if freq >= 0 {
			e.access = db.ks.lfuMinutes()<<8 | uint32(min(freq, 255))
		}
		return
	}
	if idle >= 0 {
		e.access = uint32(max(db.ks.now()/1000-idle, 0))
	}
}

// Peek returns the entry without expiring it or counting stats (for
// introspection such as OBJECT, SCAN filters and snapshots). It returns
// nil for a logically expired key.
func (db *DB) Peek(key string) *Entry {
	e := db.keys.GetPtr(key)
	if e == nil || (e.ExpireAt != 0 && e.ExpireAt <= db.ks.clockMs() && !db.ks.Loading) {
		return nil
	}
	return e
}

// Stored reports whether the table holds key, live or expired but not
// yet reclaimed, and whether its TTL has passed. It neither expires the
// key nor counts stats: WATCH uses it to tell a key that expires while
// watched from one that was already dead when watched.
func (db *DB) Stored(key string) (present, expired bool) {
	e := db.keys.GetPtr(key)
	if e == nil {
		return false, false
	}
	return true, e.ExpireAt != 0 && e.ExpireAt <= db.ks.clockMs() && !db.ks.Loading
}

// Exists reports whether key is live (expiring it if needed), without
// counting hits or misses.
func (db *DB) Exists(key []byte) bool { return db.lookup(bstr(key)) != nil }

// Modified records that key's value changed in place.
func (db *DB) Modified(key []byte) {
	db.ks.Dirty++
	if e := db.keys.GetPtr(bstr(key)); e != nil && !e.IsString() {
		db.used += e.setSize(valueSize(e))
	}
	if db.ks.observer != nil {
		db.ks.observer.KeyModified(db.index, bstr(key))
	}
}

// SetString stores a string value, replacing any value. With keepTTL the
// key's current TTL (if it exists) is kept; otherwise expireAt (0 = none)
// becomes the TTL. val is copied.
func (db *DB) SetString(key, val []byte, expireAt int64, keepTTL bool) {
	db.set(key, strEntry(string(val)), expireAt, keepTTL)
}

// SetStringOwned is SetString for a string the caller gives away.
func (db *DB) SetStringOwned(key []byte, val string, expireAt int64, keepTTL bool) {
	db.set(key, strEntry(val), expireAt, keepTTL)
}

// SetValue stores a non-string value, replacing any value, with the same
// TTL rules as SetString. v must not be empty.
func (db *DB) SetValue(key []byte, v Value, expireAt int64, keepTTL bool) {
	db.set(key, objEntry(v), expireAt, keepTTL)
}

func (db *DB) set(key []byte, e Entry, expireAt int64, keepTTL bool) {
	k := bstr(key)
	e.snap = db.ks.snapEpoch
	e.setSize(valueSize(&e))
	// One search serves the whole update: a new key is inserted with the
	// hash it computed.
	old, h := db.keys.GetPtrHash(k)
	if old != nil && old.ExpireAt != 0 && old.ExpireAt <= db.ks.clockMs() && !db.ks.Loading {
		// A dead key is reclaimed first ("expired"), as Redis's setKey
		// does through lookupKeyWrite: the value then arrives as a new
		// key.
		db.expire(k)
		old = nil
	}
	if old != nil {
		db.preWrite(k, old)
		db.used += e.recordedSize() - old.recordedSize()
		if db.ks.lfu != nil {
			// An overwritten key keeps its access frequency (Redis's
			// dbOverwrite); under LRU the new value is freshly accessed.
			e.access = old.access
		} else {
			e.access = db.ks.newAccess()
		}
		if keepTTL {
			e.ExpireAt = old.ExpireAt
		} else {
			e.ExpireAt = expireAt
			if old.ExpireAt != 0 && expireAt == 0 {
				db.expires.Delete(k)
			}
		}
		*old = e
		if e.ExpireAt != 0 && !keepTTL {
			db.expires.Set(db.storedKey(k), e.ExpireAt)
		}
	} else {
		e.access = db.ks.newAccess()
		if !keepTTL {
			e.ExpireAt = expireAt
		}
		ks := db.keys.InsertNewCopy(k, h, e)
		db.used += keyCost(ks) + e.recordedSize()
		if e.ExpireAt != 0 {
			db.expires.Set(ks, e.ExpireAt)
		}
		db.added(ks)
	}
	// What Modified does, without searching for the entry again: its
	// size was recorded above.
	db.ks.Dirty++
	if db.ks.observer != nil {
		db.ks.observer.KeyModified(db.index, k)
	}
}

// Prefetch brings into the CPU cache, as far as it can, the table slots
// of the given keys (at most dict.PrefetchWindow): a pipelined batch calls
// it with the keys its commands are about to look up, so that their cache
// misses overlap instead of each command waiting for its own. Nothing
// changes; the result only keeps the reads from being optimised away.
func (db *DB) Prefetch(keys [][]byte) uint64 {
	var hs [dict.PrefetchWindow]uint64
	keys = keys[:min(len(keys), len(hs))]
	for i, k := range keys {
		hs[i] = db.keys.Hash(bstr(k))
	}
	return db.keys.Prefetch(hs[:len(keys)], touchValue)
}

// touchValue reads the first byte of a string value (GET and INCR read
// it next).
func touchValue(e *Entry) uint64 {
	if e.n != isObj && e.n != bigStr && e.n > 0 {
		return uint64(*(*byte)(e.p))
	}
	return 0
}

// storedKey returns the key string held by the keys table (so the expires
// table shares its bytes instead of allocating a copy).
func (db *DB) storedKey(k string) string {
	if sk, ok := db.keys.Key(k); ok {
		return sk
	}
	return string([]byte(k))
}

// Delete removes key if it is live and reports whether it did.
func (db *DB) Delete(key []byte) bool {
	k := bstr(key)
	if db.lookup(k) == nil {
		return false
	}
	db.delete(k)
	db.Modified(key)
	return true
}

func (db *DB) delete(k string) {
	if db.ks.snap != nil {
		if e := db.keys.GetPtr(k); e != nil {
			db.preWrite(k, e)
		}
	}
	e, ok := db.keys.Delete(k)
	if !ok {
		return
	}
	db.used -= keyCost(k) + e.recordedSize()
	if e.ExpireAt != 0 {
		db.expires.Delete(k)
	}
}

// SetExpire sets the absolute expiry (Unix ms) of a live key. at must be
// positive. It reports whether the key exists. A time in the past deletes
// the key at once, as Redis does (the caller reports it as deleted).
func (db *DB) SetExpire(key []byte, at int64) bool {
	k := bstr(key)
	e := db.lookup(k)
	if e == nil {
		return false
	}
	if at <= db.ks.clockMs() && !db.ks.Loading {
		db.delete(k)
		db.Modified(key)
		return true
	}
	db.preWrite(k, e)
	if e.ExpireAt == 0 {
		db.expires.Set(db.storedKey(k), at)
	} else {
		*db.expires.GetPtr(k) = at
	}
	e.ExpireAt = at
	db.Modified(key)
	return true
}

// Persist removes key's TTL and reports whether it had one.
func (db *DB) Persist(key []byte) bool {
	k := bstr(key)
	e := db.lookup(k)
	if e == nil || e.ExpireAt == 0 {
		return false
	}
	db.preWrite(k, e)
	e.ExpireAt = 0
	db.expires.Delete(k)
	db.Modified(key)
	return true
}

// Flush deletes every key.
func (db *DB) Flush() {
	db.captureAll()
	db.ks.notifyAll(db)
	db.ks.Dirty += int64(db.keys.Len())
	db.keys = dict.New[Entry](0)
	db.expires = dict.New[int64](0)
	db.used = 0
}

// Scan visits keys from cursor on, at least count of them (unless the
// table ends), and returns the next cursor (0 when done). Every key
// present for the whole of a scan is visited at least once; a key may be
// visited twice. Expired keys are skipped. fn must not modify db.
func (db *DB) Scan(cursor uint64, count int, fn func(key string, e *Entry)) uint64 {
	now := db.ks.clockMs()
	return db.keys.Scan(cursor, count, func(k string, e Entry) {
		if e.ExpireAt != 0 && e.ExpireAt <= now && !db.ks.Loading {
			return
		}
		fn(k, &e)
	})
}

// Range visits every live key; fn returns false to stop. fn must not
// modify db.
func (db *DB) Range(fn func(key string, e *Entry) bool) {
	now := db.ks.clockMs()
	db.keys.Range(func(k string, e Entry) bool {
		if e.ExpireAt != 0 && e.ExpireAt <= now && !db.ks.Loading {
			return true
		}
		return fn(k, &e)
	})
}

// RandomKey returns a random live key, expiring dead ones it meets (as
// Redis does, giving up on expiry after a number of tries).
func (db *DB) RandomKey() (string, bool) {
	for tries := 0; tries < 100; tries++ {
		k, e, ok := db.keys.Random(db.ks.rnd)
		if !ok {
			return "", false
		}
		if e.ExpireAt != 0 && e.ExpireAt <= db.ks.clockMs() && !db.ks.Loading {
			if db.keys.Len() == db.expires.Len() && tries > 50 {
				// Every key is volatile and we keep hitting dead ones:
				// return it anyway, like Redis, rather than loop.
				return k, true
			}
			db.expire(k)
			continue
		}
		return k, true
	}
	return "", false
}

// ExpireSample samples up to n keys with a TTL and deletes the expired
// ones. It returns how many were sampled and how many expired. It is the
// step the active expiry cycle repeats.
func (db *DB) ExpireSample(n int) (sampled, expired int) {
	if db.expires.Len() == 0 || db.ks.Loading {
		return 0, 0
	}
	now := db.ks.clockMs()
	var dead []string
	db.expires.Sample(db.ks.rnd, n, func(k string, at int64) {
		sampled++
		if at <= now {
			dead = append(dead, k)
		}
	})
	for _, k := range dead {
		if db.keys.GetPtr(k) != nil {
			db.expire(k)
			expired++
		}
	}
	return sampled, expired
}

// RehashStep advances incremental rehashing of the tables by n buckets;
// the server's cron calls it so idle tables finish resizing.
func (db *DB) RehashStep(n int) {
	db.keys.RehashStep(n)
	db.expires.RehashStep(n)
}

// ErrNotCopyable is returned by CopyTo for a value that does not
// implement Copier.
var ErrNotCopyable = errors.New("datastructs: value type cannot be copied")

// insert adds an entry for a key known to be absent, indexing its TTL.
// k must not alias a caller's buffer.
func (db *DB) insert(k string, e Entry) {
	e.snap = db.ks.snapEpoch
	db.keys.Set(k, e)
	db.used += keyCost(k) + e.recordedSize()
	if e.ExpireAt != 0 {
		db.expires.Set(k, e.ExpireAt)
	}
	db.added(k)
}

// added tells the AddObserver about a new key.
func (db *DB) added(k string) {
	if db.ks.adder != nil {
		db.ks.adder.KeyAdded(db.index, k)
	}
}

// notify tells the observer that key changed, without counting a change.
func (db *DB) notify(key []byte) {
	if db.ks.observer != nil {
		db.ks.observer.KeyModified(db.index, string(key))
	}
}

// Rename moves src's value to dst together with its TTL and access data,
// replacing whatever dst held, and deletes src (RENAME). It reports false
// and changes nothing when src is not live. src and dst must differ.
func (db *DB) Rename(src, dst []byte) bool {
	s := bstr(src)
	e := db.lookup(s)
	if e == nil {
		return false
	}
	db.ks.touch(e)
	moved := *e
	db.delete(s)
	d := bstr(dst)
	if db.lookup(d) != nil { // expires a dead dst first, as Redis does
		db.delete(d)
	}
	db.insert(string(dst), moved)
	db.ks.Dirty++
	db.notify(src)
	db.notify(dst)
	return true
}

// MoveTo moves key with its TTL to database to (MOVE) when key is live
// in db and absent from to; it reports whether it moved. to must not be db.
func (db *DB) MoveTo(key []byte, to *DB) bool {
	k := bstr(key)
	e := db.lookup(k)
	if e == nil || to.lookup(k) != nil {
		return false
	}
	db.ks.touch(e)
	moved := *e
	db.delete(k)
	to.insert(string(key), moved)
	db.ks.Dirty++
	db.notify(key)
	to.notify(key)
	return true
}

// CopyTo duplicates src's value and TTL into database to under dstKey
// (COPY). It returns false and changes nothing when src is not live, or
// when dstKey is live in to and replace is false. Strings share their
// immutable bytes; other values are duplicated with Copier, and a value
// without it gives ErrNotCopyable. The caller rejects copying a key onto
// itself. The copy counts as a new key for LRU/LFU tracking.
func (db *DB) CopyTo(src []byte, to *DB, dstKey []byte, replace bool) (bool, error) {
	e := db.Lookup(src)
	if e == nil {
		return false, nil
	}
	old := *e // e may not survive changes to the table below
	d := bstr(dstKey)
	if to.lookup(d) != nil && !replace {
		return false, nil
	}
	n := old // strings share their immutable bytes
	n.access = db.ks.newAccess()
	if !old.IsString() {
		c, ok := old.objVal().(Copier)
		if !ok {
			return false, ErrNotCopyable
		}
		n = objEntry(c.Copy())
		n.ExpireAt = old.ExpireAt
		n.access = db.ks.newAccess()
	}
	n.setSize(valueSize(&n))
	to.delete(d)
	to.insert(string(dstKey), n)
	db.ks.Dirty++
	to.notify(dstKey)
	return true, nil
}

// Reserve pre-sizes an empty database for about n keys, as Redis's
// RESIZEDB does while loading, so a load does not rehash the table again
// and again as it grows. It does nothing to a database that holds keys.
func (db *DB) Reserve(n int) {
	if db.keys.Len() == 0 && n > 0 {
		db.keys = dict.New[Entry](n)
	}
}
