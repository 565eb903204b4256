package datastructs

import "math"

// Policy is a maxmemory-policy: which keys eviction may delete and in
// what order.
type Policy uint8

// The eight policies of Redis 7.0.
const (
	NoEviction Policy = iota
	AllKeysLRU
	AllKeysLFU
	AllKeysRandom
	VolatileLRU
	VolatileLFU
	VolatileRandom
	VolatileTTL
)

var policyNames = [...]string{"noeviction", "allkeys-lru", "allkeys-lfu", "allkeys-random",
	"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"}

// String returns the policy's configuration name.
func (p Policy) String() string { return policyNames[p] }

// ParsePolicy parses a maxmemory-policy name.
func ParsePolicy(name string) (Policy, bool) {
	for i, n := range policyNames {
		if n == name {
			return Policy(i), true
		}
	}
	return NoEviction, false
}

// LFU reports whether the policy ranks keys by access frequency.
func (p Policy) LFU() bool { return p == AllKeysLFU || p == VolatileLFU }

// volatile reports whether the policy only considers keys with a TTL.
func (p Policy) volatile() bool { return p >= VolatileLRU }

// EvictionPoolSize is the number of candidates the eviction pool keeps
// (Redis's EVPOOL_SIZE).
const EvictionPoolSize = 16

// poolEntry is one eviction candidate; a higher score is a better one.
type poolEntry struct {
	score uint64
	key   string
	db    int
}

// evictionPool holds the best candidates seen by sampling, sorted by
// ascending score, empty slots (key == "" and !used) at the end. It
// persists across evictions, as Redis's EvictionPoolLRU does, so that
// good candidates found by earlier samples are not forgotten.
type evictionPool struct {
	e [EvictionPoolSize]poolEntry
	n int
}

// insert is Redis's evictionPoolPopulate insertion step.
func (p *evictionPool) insert(score uint64, key string, db int) {
	k := 0
	for k < p.n && p.e[k].score < score {
		k++
	}
	if k == 0 && p.n == EvictionPoolSize {
		return // worse than every candidate of a full pool
	}
	if p.n < EvictionPoolSize {
		copy(p.e[k+1:p.n+1], p.e[k:p.n])
		p.n++
	} else {
		// Full: drop the worst (first) candidate to make room.
		k--
		copy(p.e[:k], p.e[1:k+1])
	}
	p.e[k] = poolEntry{score: score, key: key, db: db}
}

// remove deletes candidate i.
func (p *evictionPool) remove(i int) {
	copy(p.e[i:p.n-1], p.e[i+1:p.n])
	p.n--
	p.e[p.n] = poolEntry{}
}

// reset forgets every candidate (FLUSHALL, policy changes).
func (p *evictionPool) reset() { *p = evictionPool{} }

// score ranks a sampled key for eviction: Redis's idle value, higher
// means evict sooner.
func (ks *Keyspace) score(policy Policy, db *DB, key string, expireAt int64) (uint64, bool) {
	if policy == VolatileTTL {
		return math.MaxUint64 - uint64(expireAt), true
	}
	e := db.keys.GetPtr(key)
	if e == nil {
		return 0, false
	}
	if policy.LFU() {
		if ks.lfu == nil {
			return 0, true
		}
		return 255 - uint64(ks.lfuDecr(e.access)), true
	}
	if ks.lfu != nil {
		// The access field holds LFU data (the policy changed at run
		// time); its low byte is not a time. Treat every key alike.
		return 0, true
	}
	idle := ks.now()/1000 - int64(e.access)
	return uint64(max(idle, 0)), true
}

// populate samples db and offers the sampled keys to the pool.
func (ks *Keyspace) populate(policy Policy, db *DB, samples int) {
	if policy.volatile() {
		db.expires.Sample(ks.rnd, samples, func(k string, at int64) {
			if s, ok := ks.score(policy, db, k, at); ok {
				ks.pool.insert(s, k, db.index)
			}
		})
		return
	}
	db.keys.Sample(ks.rnd, samples, func(k string, e Entry) {
		if s, ok := ks.score(policy, db, k, e.ExpireAt); ok {
			ks.pool.insert(s, k, db.index)
		}
	})
}

// sampledDict returns the size of the table policy samples in db.
func sampledLen(policy Policy, db *DB) int {
	if policy.volatile() {
		return db.expires.Len()
	}
	return db.keys.Len()
}

// pickVictim returns the next key to evict under policy, or ok false
// when nothing is evictable.
func (ks *Keyspace) pickVictim(policy Policy, samples int) (db *DB, key string, ok bool) {
	switch policy {
	case NoEviction:
		return nil, "", false
	case AllKeysRandom, VolatileRandom:
		// Round-robin over the databases, as Redis's static next_db.
		for range ks.dbs {
			ks.nextDB = (ks.nextDB + 1) % len(ks.dbs)
			d := ks.dbs[ks.nextDB]
			if policy == VolatileRandom {
				if d.expires.Len() == 0 {
					continue
				}
				k, _, _ := d.expires.Random(ks.rnd)
				return d, k, true
			}
			if d.keys.Len() == 0 {
				continue
			}
			k, _, _ := d.keys.Random(ks.rnd)
			return d, k, true
		}
		return nil, "", false
	}
	for {
		total := 0
		for _, d := range ks.dbs {
			if n := sampledLen(policy, d); n > 0 {
				ks.populate(policy, d, samples)
				total += n
			}
		}
		if total == 0 {
			return nil, "", false
		}
		// From the best candidate down, skip ghosts: keys deleted since
		// they entered the pool.
		for i := ks.pool.n - 1; i >= 0; i-- {
			c := ks.pool.e[i]
			ks.pool.remove(i)
			d := ks.dbs[c.db]
			var live bool
			if policy.volatile() {
				_, live = d.expires.Get(c.key)
			} else {
				live = d.keys.GetPtr(c.key) != nil
			}
			if live {
				return d, c.key, true
			}
		}
	}
}

// Evict deletes keys chosen by policy, sampling samples keys per database
// per round (maxmemory-samples), while over() reports true. It returns
// how many keys it deleted and whether over() became false; false means
// nothing evictable is left (or the policy is noeviction). Evicted keys
// go through the common delete path: the observer's KeyEvicted and
// KeyModified are called, Stats.EvictedKeys counts them.
func (ks *Keyspace) Evict(policy Policy, samples int, over func() bool) (evicted int, ok bool) {
	if samples <= 0 {
		samples = 5
	}
	for over() {
		db, key, found := ks.pickVictim(policy, samples)
		if !found {
			return evicted, false
		}
		db.evict(key)
		evicted++
	}
	return evicted, true
}

// evict deletes key to free memory.
func (db *DB) evict(key string) {
	k := key
	if db.ks.observer != nil {
		k = string([]byte(key)) // key may be the table's own string
	}
	db.delete(key)
	db.ks.Stats.EvictedKeys++
	db.ks.Dirty++
	if db.ks.observer != nil {
		db.ks.observer.KeyEvicted(db.index, k)
		db.ks.observer.KeyModified(db.index, k)
	}
}

// ResetEvictionPool forgets the eviction candidates (after a policy
// change, whose scores are not comparable with the old ones).
func (ks *Keyspace) ResetEvictionPool() { ks.pool.reset() }
