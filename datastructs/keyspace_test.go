package datastructs

import (
	"errors"
	"fmt"
	"sort"
	"testing"
)

// clock is a fake keyspace clock in Unix milliseconds.
type clock struct{ ms int64 }

func (c *clock) now() int64 { return c.ms }

// recorder is an Observer that logs what it is told.
type recorder struct{ modified, expired, evicted []string }

func (r *recorder) KeyEvicted(db int, key string) {
	r.evicted = append(r.evicted, fmt.Sprintf("%d:%s", db, key))
}

func (r *recorder) KeyModified(db int, key string) {
	r.modified = append(r.modified, fmt.Sprintf("%d:%s", db, key))
}
func (r *recorder) KeyExpired(db int, key string) {
	r.expired = append(r.expired, fmt.Sprintf("%d:%s", db, key))
}

func newTestKS(t testing.TB) (*Keyspace, *clock, *recorder) {
	t.Helper()
	c := &clock{ms: 1_700_000_000_000}
	r := &recorder{}
	return New(Options{Now: c.now, Observer: r}), c, r
}

func str(t testing.TB, db *DB, key string) (string, bool) {
	t.Helper()
	e := db.Peek(key)
	if e == nil {
		return "", false
	}
	s, ok := e.Str()
	if !ok {
		t.Fatalf("%s is not a string", key)
	}
	return s, true
}

// checkInvariants verifies that the expires table holds exactly the keys
// with a TTL, with the same times.
func checkInvariants(t testing.TB, db *DB) {
	t.Helper()
	n := 0
	db.keys.Range(func(k string, e Entry) bool {
		at, ok := db.expires.Get(k)
		if e.ExpireAt != 0 {
			n++
			if !ok || at != e.ExpireAt {
				t.Errorf("db %d key %q: ExpireAt %d, expires table %d (%v)", db.index, k, e.ExpireAt, at, ok)
			}
		} else if ok {
			t.Errorf("db %d key %q: no TTL but in expires table", db.index, k)
		}
		return true
	})
	if n != db.expires.Len() {
		t.Errorf("db %d: %d keys with TTL, expires table has %d", db.index, n, db.expires.Len())
	}
}

func TestLazyExpiry(t *testing.T) {
	ks, clk, rec := newTestKS(t)
	db := ks.DB(0)
	db.SetString([]byte("k"), []byte("v"), clk.ms+100, false)
	db.SetString([]byte("p"), []byte("v"), 0, false)
	checkInvariants(t, db)
	if db.Lookup([]byte("k")) == nil {
		t.Fatal("key gone before its TTL")
	}
	clk.ms += 99
	if !db.Exists([]byte("k")) {
		t.Fatal("key gone 1ms before its TTL")
	}
	clk.ms++
	// Peek hides the dead key but does not delete it.
	if db.Peek("k") != nil {
		t.Fatal("Peek returned an expired key")
	}
	if db.Len() != 2 {
		t.Fatalf("Len = %d, want 2 (expired key not yet reclaimed)", db.Len())
	}
	if db.Lookup([]byte("k")) != nil {
		t.Fatal("Lookup returned an expired key")
	}
	if db.Len() != 1 || db.ExpiresLen() != 0 {
		t.Fatalf("after lazy expiry Len=%d ExpiresLen=%d, want 1 0", db.Len(), db.ExpiresLen())
	}
	if ks.Stats.ExpiredKeys != 1 || len(rec.expired) != 1 || rec.expired[0] != "0:k" {
		t.Fatalf("expired stats %d, observer %v", ks.Stats.ExpiredKeys, rec.expired)
	}
	checkInvariants(t, db)

	// While loading, nothing expires.
	db.SetString([]byte("l"), []byte("v"), clk.ms+1, false)
	clk.ms += 10
	ks.Loading = true
	if db.Lookup([]byte("l")) == nil {
		t.Fatal("key expired while loading")
	}
	ks.Loading = false
	if db.Lookup([]byte("l")) != nil {
		t.Fatal("key alive after loading ended")
	}
}

func TestSetExpirePersist(t *testing.T) {
	ks, clk, _ := newTestKS(t)
	db := ks.DB(0)
	k := []byte("k")
	if db.SetExpire(k, clk.ms+1000) {
		t.Fatal("SetExpire on a missing key reported true")
	}
	if db.Persist(k) {
		t.Fatal("Persist on a missing key reported true")
	}
	db.SetString(k, []byte("v"), 0, false)
	if db.Persist(k) {
		t.Fatal("Persist without a TTL reported true")
	}
	if !db.SetExpire(k, clk.ms+1000) {
		t.Fatal("SetExpire failed")
	}
	if got := db.Peek("k").ExpireAt; got != clk.ms+1000 {
		t.Fatalf("ExpireAt = %d", got)
	}
	checkInvariants(t, db)
	// Changing an existing TTL updates the index.
	db.SetExpire(k, clk.ms+5000)
	checkInvariants(t, db)
	if !db.Persist(k) || db.Peek("k").ExpireAt != 0 || db.ExpiresLen() != 0 {
		t.Fatal("Persist did not clear the TTL")
	}
	checkInvariants(t, db)
	// A time not in the future deletes the key at once.
	if !db.SetExpire(k, clk.ms) {
		t.Fatal("SetExpire in the past reported false")
	}
	if db.Len() != 0 {
		t.Fatal("key not deleted by a past expiry")
	}
	// SET without KEEPTTL drops the TTL; with KEEPTTL keeps it.
	db.SetString(k, []byte("v"), clk.ms+10, false)
	db.SetString(k, []byte("w"), 0, true)
	if db.Peek("k").ExpireAt != clk.ms+10 {
		t.Fatal("keepTTL lost the TTL")
	}
	db.SetString(k, []byte("x"), 0, false)
	if db.Peek("k").ExpireAt != 0 || db.ExpiresLen() != 0 {
		t.Fatal("overwrite kept the TTL")
	}
	checkInvariants(t, db)
}

func TestScanVisitsEveryKey(t *testing.T) {
	ks, clk, _ := newTestKS(t)
	db := ks.DB(0)
	const n = 5000
	for i := 0; i < n; i++ {
		db.SetString(fmt.Appendf(nil, "key:%d", i), []byte("v"), 0, false)
	}
	// A few dead keys are never reported.
	for i := 0; i < 10; i++ {
		db.SetString(fmt.Appendf(nil, "dead:%d", i), []byte("v"), clk.ms+1, false)
	}
	clk.ms += 2
	seen := map[string]bool{}
	var cursor uint64
	steps := 0
	// Keys added and deleted during the scan may or may not be seen, but
	// every key present throughout must be.
	for {
		cursor = db.Scan(cursor, 10, func(k string, e *Entry) {
			seen[k] = true
		})
		steps++
		if steps%7 == 0 {
			for j := 0; j < 50; j++ { // grow the table mid-scan
				db.SetString(fmt.Appendf(nil, "new:%d:%d", steps, j), []byte("v"), 0, false)
			}
		}
		if steps%11 == 0 {
			db.RehashStep(3)
		}
		if cursor == 0 {
			break
		}
	}
	for i := 0; i < n; i++ {
		if !seen[fmt.Sprintf("key:%d", i)] {
			t.Fatalf("key:%d never returned", i)
		}
	}
	for k := range seen {
		if len(k) > 4 && k[:4] == "dead" {
			t.Fatalf("expired key %s returned", k)
		}
	}
}

func TestRandomKey(t *testing.T) {
	ks, clk, _ := newTestKS(t)
	db := ks.DB(0)
	if _, ok := db.RandomKey(); ok {
		t.Fatal("RandomKey on an empty db")
	}
	keys := []string{"a", "b", "c"}
	for _, k := range keys {
		db.SetString([]byte(k), []byte("v"), 0, false)
	}
	got := map[string]bool{}
	for i := 0; i < 300; i++ {
		k, ok := db.RandomKey()
		if !ok {
			t.Fatal("RandomKey failed")
		}
		got[k] = true
	}
	if len(got) != 3 {
		t.Fatalf("RandomKey returned %v, want all of %v", got, keys)
	}
	// Dead keys are expired rather than returned while live keys remain.
	for i := 0; i < 20; i++ {
		db.SetString(fmt.Appendf(nil, "dead%d", i), []byte("v"), clk.ms+1, false)
	}
	clk.ms += 5
	for i := 0; i < 50; i++ {
		k, _ := db.RandomKey()
		if len(k) > 4 && k[:4] == "dead" {
			t.Fatalf("RandomKey returned expired key %s", k)
		}
	}
}

func TestFlushAndSwap(t *testing.T) {
	ks, clk, rec := newTestKS(t)
	d0, d1 := ks.DB(0), ks.DB(1)
	d0.SetString([]byte("a"), []byte("0"), clk.ms+1000, false)
	d0.SetString([]byte("b"), []byte("0"), 0, false)
	d1.SetString([]byte("c"), []byte("1"), 0, false)
	rec.modified = nil
	ks.Swap(0, 1)
	if s, _ := str(t, d0, "c"); s != "1" || d0.Len() != 1 || d1.Len() != 2 || d1.ExpiresLen() != 1 {
		t.Fatal("Swap did not exchange contents")
	}
	checkInvariants(t, d0)
	checkInvariants(t, d1)
	sort.Strings(rec.modified)
	// Each key counts as modified in the database it leaves and in the
	// one it arrives in.
	if fmt.Sprint(rec.modified) != "[0:a 0:b 0:c 1:a 1:b 1:c]" {
		t.Fatalf("Swap notified %v", rec.modified)
	}
	d1.Flush()
	if d1.Len() != 0 || d1.ExpiresLen() != 0 || d0.Len() != 1 {
		t.Fatal("Flush")
	}
	ks.FlushAll()
	if d0.Len() != 0 {
		t.Fatal("FlushAll")
	}
}

func TestRename(t *testing.T) {
	ks, clk, rec := newTestKS(t)
	db := ks.DB(0)
	if db.Rename([]byte("nope"), []byte("x")) {
		t.Fatal("renamed a missing key")
	}
	db.SetString([]byte("src"), []byte("v"), clk.ms+1000, false)
	db.SetString([]byte("dst"), []byte("old"), 0, false)
	rec.modified = nil
	if !db.Rename([]byte("src"), []byte("dst")) {
		t.Fatal("Rename failed")
	}
	if db.Peek("src") != nil {
		t.Fatal("src still exists")
	}
	e := db.Peek("dst")
	if s, _ := e.Str(); s != "v" || e.ExpireAt != clk.ms+1000 {
		t.Fatalf("dst = %q ttl %d, want v with the TTL kept", s, e.ExpireAt)
	}
	if fmt.Sprint(rec.modified) != "[0:src 0:dst]" {
		t.Fatalf("notified %v", rec.modified)
	}
	checkInvariants(t, db)
	// Renaming a key without a TTL onto one with a TTL drops that TTL.
	db.SetString([]byte("p"), []byte("p"), 0, false)
	db.Rename([]byte("p"), []byte("dst"))
	if db.Peek("dst").ExpireAt != 0 {
		t.Fatal("dst kept its old TTL")
	}
	checkInvariants(t, db)
}

func TestMoveTo(t *testing.T) {
	ks, clk, _ := newTestKS(t)
	d0, d1 := ks.DB(0), ks.DB(1)
	d0.SetString([]byte("k"), []byte("v"), clk.ms+1000, false)
	if d0.MoveTo([]byte("nope"), d1) {
		t.Fatal("moved a missing key")
	}
	d1.SetString([]byte("k"), []byte("other"), 0, false)
	if d0.MoveTo([]byte("k"), d1) {
		t.Fatal("moved onto an existing key")
	}
	d1.Delete([]byte("k"))
	if !d0.MoveTo([]byte("k"), d1) {
		t.Fatal("MoveTo failed")
	}
	if d0.Len() != 0 || d0.ExpiresLen() != 0 {
		t.Fatal("key left in source")
	}
	if e := d1.Peek("k"); e == nil || e.ExpireAt != clk.ms+1000 {
		t.Fatal("key or TTL missing in target")
	}
	checkInvariants(t, d0)
	checkInvariants(t, d1)
	// An expired key in the target does not block the move.
	d0.SetString([]byte("x"), []byte("new"), 0, false)
	d1.SetString([]byte("x"), []byte("dead"), clk.ms+1, false)
	clk.ms += 2
	if !d0.MoveTo([]byte("x"), d1) {
		t.Fatal("blocked by an expired key")
	}
	if s, _ := str(t, d1, "x"); s != "new" {
		t.Fatalf("x = %q", s)
	}
	checkInvariants(t, d1)
}

// fakeList is a minimal collection for CopyTo.
type fakeList struct{ items []string }

func (l *fakeList) Type() Type { return TypeList }
func (l *fakeList) Copy() Value {
	return &fakeList{items: append([]string(nil), l.items...)}
}

type noCopy struct{}

func (noCopy) Type() Type { return TypeJSON }

func TestCopyTo(t *testing.T) {
	ks, clk, _ := newTestKS(t)
	d0, d1 := ks.DB(0), ks.DB(1)
	if ok, err := d0.CopyTo([]byte("nope"), d0, []byte("x"), false); ok || err != nil {
		t.Fatal("copied a missing key")
	}
	d0.SetString([]byte("s"), []byte("v"), clk.ms+500, false)
	if ok, _ := d0.CopyTo([]byte("s"), d1, []byte("s"), false); !ok {
		t.Fatal("copy to another db failed")
	}
	if e := d1.Peek("s"); e == nil || e.ExpireAt != clk.ms+500 {
		t.Fatal("copy lost the value or the TTL")
	}
	d0.SetString([]byte("t"), []byte("old"), 0, false)
	if ok, _ := d0.CopyTo([]byte("s"), d0, []byte("t"), false); ok {
		t.Fatal("overwrote without replace")
	}
	if ok, _ := d0.CopyTo([]byte("s"), d0, []byte("t"), true); !ok {
		t.Fatal("replace failed")
	}
	if s, _ := str(t, d0, "t"); s != "v" {
		t.Fatalf("t = %q", s)
	}
	checkInvariants(t, d0)
	checkInvariants(t, d1)

	l := &fakeList{items: []string{"a"}}
	d0.SetValue([]byte("l"), l, 0, false)
	if ok, err := d0.CopyTo([]byte("l"), d0, []byte("l2"), false); !ok || err != nil {
		t.Fatal("copying a Copier failed")
	}
	l.items[0] = "changed"
	if c := d0.Peek("l2").Obj().(*fakeList); c == l || c.items[0] != "a" {
		t.Fatal("copy shares the value")
	}
	d0.SetValue([]byte("j"), noCopy{}, 0, false)
	if _, err := d0.CopyTo([]byte("j"), d0, []byte("j2"), false); !errors.Is(err, ErrNotCopyable) {
		t.Fatalf("err = %v, want ErrNotCopyable", err)
	}
	if d0.Peek("j2") != nil {
		t.Fatal("failed copy created the key")
	}
}

func TestIdleAndFreq(t *testing.T) {
	ks, clk, _ := newTestKS(t)
	db := ks.DB(0)
	k := []byte("k")
	db.SetString(k, []byte("v"), 0, false)
	clk.ms += 12_000
	if got := db.IdleSeconds(db.Peek("k")); got != 12 {
		t.Fatalf("idle = %d, want 12", got)
	}
	db.Exists(k) // does not count as an access
	if got := db.IdleSeconds(db.Peek("k")); got != 12 {
		t.Fatalf("idle after Exists = %d, want 12", got)
	}
	db.Lookup(k)
	if got := db.IdleSeconds(db.Peek("k")); got != 0 {
		t.Fatalf("idle after Lookup = %d, want 0", got)
	}

	ks.SetLFU(&LFUOptions{LogFactor: 10, DecayTime: 1})
	db.SetString([]byte("f"), []byte("v"), 0, false)
	if got := db.Freq(db.Peek("f")); got != lfuInitVal {
		t.Fatalf("new key freq = %d, want %d", got, lfuInitVal)
	}
	// Below the initial value every access counts.
	db.Lookup([]byte("f"))
	if got := db.Freq(db.Peek("f")); got != lfuInitVal+1 {
		t.Fatalf("freq after one access = %d, want %d", got, lfuInitVal+1)
	}
	// Overwriting keeps the counter.
	db.SetString([]byte("f"), []byte("w"), 0, false)
	if got := db.Freq(db.Peek("f")); got != lfuInitVal+1 {
		t.Fatalf("freq after overwrite = %d", got)
	}
	// One decay period per minute.
	clk.ms += 3 * 60_000
	if got := db.Freq(db.Peek("f")); got != lfuInitVal-2 {
		t.Fatalf("freq after 3 minutes = %d, want %d", got, lfuInitVal-2)
	}
	for i := 0; i < 10000; i++ {
		db.Lookup([]byte("f"))
	}
	if got := db.Freq(db.Peek("f")); got <= lfuInitVal+1 || got == 255 {
		t.Fatalf("freq after 10000 accesses = %d, want logarithmic growth", got)
	}
	ks.SetLFU(nil)
	if db.Freq(db.Peek("f")) != 0 || ks.LFU() {
		t.Fatal("LFU still on")
	}
}

func TestStored(t *testing.T) {
	ks, clk, _ := newTestKS(t)
	db := ks.DB(0)
	db.SetString([]byte("live"), []byte("v"), clk.ms+1000, false)
	db.SetString([]byte("dead"), []byte("v"), clk.ms+10, false)
	clk.ms += 20
	for _, tc := range []struct {
		key              string
		present, expired bool
	}{{"live", true, false}, {"dead", true, true}, {"none", false, false}} {
		p, e := db.Stored(tc.key)
		if p != tc.present || e != tc.expired {
			t.Errorf("Stored(%s) = %v, %v; want %v, %v", tc.key, p, e, tc.present, tc.expired)
		}
	}
	// Stored does not reclaim the dead key.
	if p, _ := db.Stored("dead"); !p || db.Len() != 2 {
		t.Fatal("Stored expired the key")
	}
	ks.Loading = true
	if _, e := db.Stored("dead"); e {
		t.Fatal("a key counts as expired while loading")
	}
}

func TestSwapWithItselfNotifiesNothing(t *testing.T) {
	ks, _, rec := newTestKS(t)
	ks.DB(0).SetString([]byte("a"), []byte("0"), 0, false)
	rec.modified = nil
	ks.Swap(0, 0)
	if len(rec.modified) != 0 || ks.DB(0).Len() != 1 {
		t.Fatalf("SWAPDB 0 0 notified %v", rec.modified)
	}
}

func TestReserve(t *testing.T) {
	ks := New(Options{})
	db := ks.DB(0)
	db.Reserve(1000)
	for i := 0; i < 1000; i++ {
		db.SetString([]byte(fmt.Sprint("k", i)), []byte("v"), 0, false)
	}
	if db.Len() != 1000 {
		t.Fatalf("len %d", db.Len())
	}
	db.Reserve(10) // not empty: kept
	if db.Len() != 1000 || db.Peek("k999") == nil {
		t.Fatal("Reserve dropped keys")
	}
}
