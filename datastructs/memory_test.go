package datastructs

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"unsafe"
)

// sized is a test value whose size the test controls.
type sized struct{ n int64 }

func (s *sized) Type() Type     { return TypeList }
func (s *sized) Size() int64    { return s.n }
func (s *sized) Copy() Value    { c := *s; return &c }
func (s *sized) String() string { return fmt.Sprint(s.n) }

// recount recomputes db.used from scratch.
func recount(db *DB) int64 {
	var n int64
	db.keys.Range(func(k string, e Entry) bool {
		n += keyCost(k) + (valueSize(&e)+sizeUnit-1)/sizeUnit*sizeUnit
		return true
	})
	return n
}

func TestAllocSize(t *testing.T) {
	for _, c := range []struct{ n, want int }{{0, 0}, {1, 8}, {8, 8}, {9, 16}, {33, 48}, {1025, 1152}, {32768, 32768}, {32769, 40960}} {
		if got := AllocSize(c.n); got != int64(c.want) {
			t.Errorf("AllocSize(%d) = %d, want %d", c.n, got, c.want)
		}
	}
}

// TestUsedMemoryIsIncremental drives every keyspace write path and checks
// the running total against a recount after each step.
func TestUsedMemoryIsIncremental(t *testing.T) {
	ks, clk, _ := newTestKS(t)
	rnd := rand.New(rand.NewPCG(1, 1))
	db0, db1 := ks.DB(0), ks.DB(1)
	check := func(op string) {
		t.Helper()
		for _, db := range []*DB{db0, db1} {
			if got, want := db.used, recount(db); got != want {
				t.Fatalf("after %s: db %d used %d, recount %d", op, db.index, got, want)
			}
		}
	}
	key := func() []byte { return []byte(fmt.Sprintf("key:%d", rnd.IntN(200))) }
	for i := 0; i < 20000; i++ {
		db := db0
		if rnd.IntN(3) == 0 {
			db = db1
		}
		switch rnd.IntN(11) {
		case 0, 1:
			var ttl int64
			if rnd.IntN(2) == 0 {
				ttl = clk.ms + int64(rnd.IntN(50))
			}
			db.SetString(key(), []byte(strings.Repeat("v", rnd.IntN(100))), ttl, rnd.IntN(4) == 0)
			check("SetString")
		case 2:
			db.SetValue(key(), &sized{n: int64(rnd.IntN(5000))}, 0, false)
			check("SetValue")
		case 3:
			k := key()
			if e := db.LookupWrite(k); e != nil {
				if s, ok := e.Obj().(*sized); ok {
					s.n = int64(rnd.IntN(100000))
					db.Modified(k)
				}
			}
			check("Modified")
		case 4:
			db.Delete(key())
			check("Delete")
		case 5:
			if a, b := key(), key(); string(a) != string(b) {
				db.Rename(a, b)
			}
			check("Rename")
		case 6:
			db.MoveTo(key(), ks.DB(1-db.index))
			check("MoveTo")
		case 7:
			db.CopyTo(key(), ks.DB(rnd.IntN(2)), key(), true)
			check("CopyTo")
		case 8:
			db.SetExpire(key(), clk.ms+int64(rnd.IntN(50)-5))
			db.Persist(key())
			check("SetExpire/Persist")
		case 9:
			clk.ms += 5
			db.ExpireSample(20)
			db.Exists(key())
			check("expiry")
		case 10:
			if rnd.IntN(50) == 0 {
				ks.Swap(0, 1)
				check("Swap")
			}
		}
	}
	db0.Flush()
	if db0.used != 0 {
		t.Fatalf("used %d after Flush", db0.used)
	}
}

// liveHeap runs a GC and returns the heap it found live.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestEstimateMatchesRuntime loads strings and checks the estimate
// against the live heap the Go runtime measures. The documented factor
// (README "Memory") is 1.25 either way; in practice it is within a few
// percent for strings.
func TestEstimateMatchesRuntime(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates ~100 MB")
	}
	for _, shape := range []struct {
		name   string
		keyLen string
		valLen int
		ttl    bool
	}{
		{"small strings", "key:%d", 16, false},
		{"volatile strings", "key:%d", 16, true},
		{"long strings", "some-longer-key-name:%d", 300, false},
	} {
		t.Run(shape.name, func(t *testing.T) {
			before := liveHeap()
			ks := New(Options{})
			db := ks.DB(0)
			val := make([]byte, shape.valLen)
			for i := 0; i < 300000; i++ {
				var ttl int64
				if shape.ttl {
					ttl = ks.Now() + 3600_000
				}
				db.SetString([]byte(fmt.Sprintf(shape.keyLen, i)), val, ttl, false)
			}
			after := liveHeap()
			est := ks.UsedMemory()
			real := int64(after) - int64(before)
			ratio := float64(est) / float64(real)
			t.Logf("estimate %d, live heap grew %d: ratio %.3f (%.1f bytes/key estimated)", est, real, ratio, float64(est)/300000)
			if ratio < 0.8 || ratio > 1.25 {
				t.Fatalf("estimate %d vs live heap %d: ratio %.3f outside [0.8, 1.25]", est, real, ratio)
			}
			runtime.KeepAlive(ks)
		})
	}
}

// TestEntryPacking pins the layout that keeps a string key's table node
// in the 64-byte size class.
func TestEntryPacking(t *testing.T) {
	if n := unsafe.Sizeof(Entry{}); n != 32 {
		t.Fatalf("Entry is %d bytes, want 32", n)
	}
	if keyNodeSize != 64 {
		t.Fatalf("key node takes %d bytes, want 64", keyNodeSize)
	}
	for _, s := range []string{"", "x", strings.Repeat("y", 1000)} {
		e := strEntry(s)
		if got, ok := e.Str(); !ok || got != s || !e.IsString() || e.Obj() != nil || e.Type() != TypeString {
			t.Fatalf("strEntry(%q) reads back %q, %v", s, got, ok)
		}
	}
	v := &sized{n: 3}
	e := objEntry(v)
	if e.IsString() || e.Obj() != Value(v) || e.Type() != TypeList {
		t.Fatal("objEntry does not read back")
	}
	if s, ok := e.Str(); ok || s != "" {
		t.Fatal("Str of an object entry")
	}
}
