package datastructs

import (
	"container/list"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
)

// evictN evicts exactly n keys (or until nothing is evictable) with a
// sample size covering the whole keyspace, so the choice is exact.
func evictN(ks *Keyspace, p Policy, n, samples int) (int, bool) {
	left := n
	return ks.Evict(p, samples, func() bool {
		left--
		return left >= 0
	})
}

func TestParsePolicy(t *testing.T) {
	for i, name := range policyNames {
		p, ok := ParsePolicy(name)
		if !ok || p != Policy(i) || p.String() != name {
			t.Errorf("ParsePolicy(%q) = %v, %v", name, p, ok)
		}
	}
	if _, ok := ParsePolicy("allkeys-mru"); ok {
		t.Error("unknown policy accepted")
	}
}

func TestNoEvictionEvictsNothing(t *testing.T) {
	ks, _, _ := newTestKS(t)
	ks.DB(0).SetString([]byte("a"), []byte("1"), 0, false)
	if n, ok := evictN(ks, NoEviction, 1, 5); n != 0 || ok {
		t.Fatalf("noeviction: evicted %d, ok %v", n, ok)
	}
	if ks.DB(0).Len() != 1 {
		t.Fatal("key gone")
	}
}

func TestVolatileTTLEvictsSoonestFirst(t *testing.T) {
	ks, clk, rec := newTestKS(t)
	db := ks.DB(0)
	for i := 0; i < 40; i++ {
		db.SetString([]byte(fmt.Sprintf("v%02d", i)), []byte("x"), clk.ms+int64(1000*(40-i)), false)
		db.SetString([]byte(fmt.Sprintf("p%02d", i)), []byte("x"), 0, false)
	}
	if n, ok := evictN(ks, VolatileTTL, 10, 100); n != 10 || !ok {
		t.Fatalf("evicted %d, ok %v", n, ok)
	}
	// v30..v39 expire soonest.
	for i := 30; i < 40; i++ {
		if db.Peek(fmt.Sprintf("v%02d", i)) != nil {
			t.Errorf("v%02d (expiring soonest) survived", i)
		}
	}
	if db.Len() != 70 || len(rec.evicted) != 10 || ks.Stats.EvictedKeys != 10 {
		t.Fatalf("len %d, observer saw %d evictions, stats %d", db.Len(), len(rec.evicted), ks.Stats.EvictedKeys)
	}
	// With the default sample size the order is approximate, but the
	// pool keeps the best candidates seen: evicting half the volatile
	// keys removes mostly the sooner half.
	ks2, clk2, _ := newTestKS(t)
	db2 := ks2.DB(0)
	for i := 0; i < 1000; i++ {
		db2.SetString([]byte(strconv.Itoa(i)), []byte("x"), clk2.ms+int64(1000+i), false)
	}
	evictN(ks2, VolatileTTL, 500, 5)
	late := 0
	for i := 500; i < 1000; i++ {
		if db2.Peek(strconv.Itoa(i)) == nil {
			late++
		}
	}
	if late > 100 {
		t.Fatalf("%d of the 500 evicted keys were from the later half", late)
	}
}

func TestVolatilePoliciesSpareKeysWithoutTTL(t *testing.T) {
	for _, p := range []Policy{VolatileLRU, VolatileLFU, VolatileRandom, VolatileTTL} {
		t.Run(p.String(), func(t *testing.T) {
			ks, clk, _ := newTestKS(t)
			if p.LFU() {
				ks.SetLFU(&LFUOptions{LogFactor: 10, DecayTime: 1})
			}
			for d := 0; d < 3; d++ {
				db := ks.DB(d)
				for i := 0; i < 50; i++ {
					db.SetString([]byte(fmt.Sprintf("p%d", i)), []byte("x"), 0, false)
					if i%5 == 0 {
						db.SetString([]byte(fmt.Sprintf("v%d", i)), []byte("x"), clk.ms+100000, false)
					}
				}
			}
			n, ok := evictN(ks, p, 1000, 5)
			if n != 30 || ok {
				t.Fatalf("evicted %d (want the 30 volatile keys), ok %v (want false: nothing left)", n, ok)
			}
			for d := 0; d < 3; d++ {
				if got := ks.DB(d).Len(); got != 50 {
					t.Fatalf("db %d has %d keys, want the 50 without TTL", d, got)
				}
				if ks.DB(d).ExpiresLen() != 0 {
					t.Fatalf("db %d still has volatile keys", d)
				}
			}
		})
	}
}

func TestAllKeysRandomEvictsAnything(t *testing.T) {
	ks, clk, _ := newTestKS(t)
	for d := 0; d < 2; d++ {
		for i := 0; i < 30; i++ {
			var ttl int64
			if i%2 == 0 {
				ttl = clk.ms + 100000
			}
			ks.DB(d).SetString([]byte(strconv.Itoa(i)), []byte("x"), ttl, false)
		}
	}
	if n, ok := evictN(ks, AllKeysRandom, 60, 5); n != 60 || !ok {
		t.Fatalf("evicted %d, ok %v", n, ok)
	}
	if n, ok := evictN(ks, AllKeysRandom, 1, 5); n != 0 || ok {
		t.Fatalf("empty keyspace: evicted %d, ok %v", n, ok)
	}
}

func TestAllKeysLRUEvictsLeastRecentlyUsed(t *testing.T) {
	ks, clk, _ := newTestKS(t)
	db := ks.DB(0)
	for i := 0; i < 100; i++ {
		db.SetString([]byte(strconv.Itoa(i)), []byte("x"), 0, false)
		clk.ms += 1000
	}
	// Touch the first 20: now the most recently used.
	for i := 0; i < 20; i++ {
		db.Lookup([]byte(strconv.Itoa(i)))
		clk.ms += 1000
	}
	evictN(ks, AllKeysLRU, 30, 200)
	for i := 20; i < 50; i++ {
		if db.Peek(strconv.Itoa(i)) != nil {
			t.Errorf("key %d (least recently used) survived", i)
		}
	}
	for i := 0; i < 20; i++ {
		if db.Peek(strconv.Itoa(i)) == nil {
			t.Errorf("key %d (recently used) evicted", i)
		}
	}
}

func TestAllKeysLFUEvictsLeastFrequentlyUsed(t *testing.T) {
	ks, _, _ := newTestKS(t)
	ks.SetLFU(&LFUOptions{LogFactor: 0, DecayTime: 0})
	db := ks.DB(0)
	for i := 0; i < 100; i++ {
		k := []byte(strconv.Itoa(i))
		db.SetString(k, []byte("x"), 0, false)
		// Key i is read i times: with log factor 0 the counter
		// grows with every access.
		for j := 0; j < i; j++ {
			db.Lookup(k)
		}
	}
	evictN(ks, AllKeysLFU, 40, 200)
	for i := 0; i < 100; i++ {
		gone := db.Peek(strconv.Itoa(i)) == nil
		if gone != (i < 40) {
			t.Errorf("key %d (read %d times): evicted %v", i, i, gone)
		}
	}
}

// TestLRUHitRatioOnZipf runs a cache workload (read; on a miss, write
// the key, evicting to stay at capacity) with a Zipf key distribution
// and compares the hit ratio of the sampled LRU with an exact LRU of the
// same capacity. Redis's approximation with maxmemory-samples 5 and the
// 16-entry pool stays within a point or two of the real thing (random eviction
// loses about 3.5 points here).
func TestLRUHitRatioOnZipf(t *testing.T) {
	const (
		keys     = 20000
		capacity = 2000
		ops      = 300000
	)
	for _, samples := range []int{5, 10} {
		rnd := rand.New(rand.NewPCG(42, 7))
		zipf := rand.NewZipf(rnd, 1.1, 1, keys-1)
		ks, clk, _ := newTestKS(t)
		db := ks.DB(0)
		over := func() bool { return db.Len() >= capacity }
		// Exact LRU reference.
		ll := list.New()
		idx := map[uint64]*list.Element{}
		var hits, refHits int
		for i := 0; i < ops; i++ {
			k := zipf.Uint64()
			clk.ms += 1000 // one LRU clock tick per operation
			key := []byte(strconv.FormatUint(k, 10))
			if db.Lookup(key) != nil {
				hits++
			} else {
				ks.Evict(AllKeysLRU, samples, over)
				db.SetString(key, []byte("v"), 0, false)
			}
			if e, ok := idx[k]; ok {
				refHits++
				ll.MoveToFront(e)
			} else {
				if ll.Len() >= capacity {
					last := ll.Back()
					delete(idx, last.Value.(uint64))
					ll.Remove(last)
				}
				idx[k] = ll.PushFront(k)
			}
		}
		ratio, ref := float64(hits)/ops, float64(refHits)/ops
		t.Logf("samples %d: hit ratio %.4f, exact LRU %.4f", samples, ratio, ref)
		if ref-ratio > 0.015 {
			t.Errorf("samples %d: hit ratio %.4f more than 1.5 points below exact LRU's %.4f", samples, ratio, ref)
		}
	}
}
