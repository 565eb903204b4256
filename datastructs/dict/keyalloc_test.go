package dict

import (
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// InsertNewCopy keeps its own copy of every key length, embedded or not:
// changing the caller's buffer afterwards changes nothing in the table.
func TestInsertNewCopyOwnsKey(t *testing.T) {
	d := New[int](0)
	lengths := []int{0, 1, 8, 9, 16, 17, 56, 64, 65, 80, 96, 112, 127, 128, 129, 1000}
	bufs := make([][]byte, len(lengths))
	for i, n := range lengths {
		bufs[i] = []byte(strings.Repeat(string(rune('a'+i)), n))
		k := unsafe.String(unsafe.SliceData(bufs[i]), n)
		stored := d.InsertNewCopy(k, d.Hash(k), i)
		if stored != k {
			t.Fatalf("len %d: stored %q", n, stored)
		}
	}
	for _, b := range bufs {
		for j := range b {
			b[j] = '!'
		}
	}
	for i, n := range lengths {
		k := strings.Repeat(string(rune('a'+i)), n)
		if v, ok := d.Get(k); !ok || v != i {
			t.Fatalf("len %d: Get = %d, %v; want %d, true", n, v, ok, i)
		}
		sk, _ := d.Key(k)
		if n > 0 && n <= maxEmbeddedKey {
			e := d.find(k)
			start := uintptr(unsafe.Pointer(e))
			p := uintptr(unsafe.Pointer(unsafe.StringData(sk)))
			if p < start || p+uintptr(n) > start+uintptr(NodeSize[int]()+keyRoom(n)) {
				t.Fatalf("len %d: key bytes are not inside the entry's allocation", n)
			}
		}
	}
	if d.Len() != len(lengths) {
		t.Fatalf("Len = %d, want %d", d.Len(), len(lengths))
	}
}

// NodeSizeWithKey describes the allocations newEntry makes.
func TestNodeSizeWithKey(t *testing.T) {
	for n := 0; n <= 200; n++ {
		node, key := NodeSizeWithKey[int](n)
		if n <= maxEmbeddedKey {
			if key != 0 || node < NodeSize[int]()+n || node > NodeSize[int]()+n+15 {
				t.Fatalf("len %d: node %d key %d", n, node, key)
			}
			continue
		}
		if node != NodeSize[int]() || key != n {
			t.Fatalf("len %d: node %d key %d", n, node, key)
		}
	}
}

// Prefetch only reads: on an empty table, in the middle of a rehash and
// with more hashes than a window, it changes neither the entries nor the
// rehash's progress.
func TestPrefetchChangesNothing(t *testing.T) {
	d := New[int](0)
	d.Prefetch([]uint64{1, 2, 3}, nil)
	for i := range 1000 {
		k := "k" + strings.Repeat("x", i%20) + string(rune('a'+i%26)) + string(rune(i))
		d.Set(k, i)
	}
	for !d.rehashing() {
		d.Set("grow"+string(rune(d.Len())), 0)
	}
	idx, n := d.rehashIdx, d.Len()
	hs := make([]uint64, 40)
	for i := range hs {
		hs[i] = uint64(i) * 0x9e3779b97f4a7c15
	}
	d.Prefetch(hs, func(*int) uint64 { return 1 })
	if d.rehashIdx != idx || d.Len() != n {
		t.Fatalf("Prefetch moved the rehash (%d -> %d) or the length (%d -> %d)", idx, d.rehashIdx, n, d.Len())
	}
}

// ScanPtrAhead returns every key of a full scan, like ScanPtr: exactly
// once on a stable table, at least once while the table rehashes.
func TestScanPtrAheadVisitsEveryKey(t *testing.T) {
	for _, rehash := range []bool{false, true} {
		d := New[int](0)
		n := 5000
		for i := range n {
			d.Set("key:"+strings.Repeat("k", i%7)+string(rune('a'+i%26))+strconv.Itoa(i), i)
		}
		for d.rehashing() {
			d.RehashStep(100)
		}
		if rehash {
			for !d.rehashing() {
				d.Set("extra"+strconv.Itoa(n), n)
				n++
			}
		}
		seen := map[int]int{}
		touched := 0
		var cursor uint64
		for {
			cursor = d.ScanPtrAhead(cursor, 100, func(*int) uint64 { touched++; return 0 }, func(k string, v *int) { seen[*v]++ })
			if cursor == 0 {
				break
			}
		}
		if len(seen) != n {
			t.Fatalf("rehash=%v: %d keys seen, want %d", rehash, len(seen), n)
		}
		for v, c := range seen {
			if c != 1 && !rehash {
				t.Fatalf("key %d seen %d times", v, c)
			}
		}
		if !rehash && touched == 0 {
			t.Fatal("touch never called")
		}
	}
}
