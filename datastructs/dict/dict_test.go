package dict

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// checkInvariants verifies the internal structure of d.
func checkInvariants[V any](t *testing.T, d *Dict[V]) {
	t.Helper()
	if d.rehashing() != (d.ht[1] != nil) {
		t.Fatalf("rehashIdx=%d but ht[1]!=nil is %v", d.rehashIdx, d.ht[1] != nil)
	}
	seen := make(map[string]bool)
	for ti := 0; ti < 2; ti++ {
		tab := d.ht[ti]
		if tab == nil {
			continue
		}
		if len(tab) < minSize || len(tab)&(len(tab)-1) != 0 {
			t.Fatalf("table %d has bad size %d", ti, len(tab))
		}
		n := 0
		for i, e := range tab {
			if ti == 0 && d.rehashing() && i < d.rehashIdx && e != nil {
				t.Fatalf("ht[0] bucket %d below rehashIdx %d not empty", i, d.rehashIdx)
			}
			for ; e != nil; e = e.next {
				if want := int(d.hash(e.key) & uint64(len(tab)-1)); want != i {
					t.Fatalf("key %q in bucket %d of table %d, want %d", e.key, i, ti, want)
				}
				if seen[e.key] {
					t.Fatalf("key %q stored twice", e.key)
				}
				seen[e.key] = true
				n++
			}
		}
		if n != d.used[ti] {
			t.Fatalf("table %d: used=%d, counted %d", ti, d.used[ti], n)
		}
	}
	if d.ht[1] == nil && d.used[1] != 0 {
		t.Fatalf("used[1]=%d without ht[1]", d.used[1])
	}
}

func checkEqual(t *testing.T, d *Dict[int], ref map[string]int) {
	t.Helper()
	if d.Len() != len(ref) {
		t.Fatalf("Len=%d want %d", d.Len(), len(ref))
	}
	n := 0
	d.Range(func(k string, v int) bool {
		n++
		if rv, ok := ref[k]; !ok || rv != v {
			t.Fatalf("Range gave %q=%d, ref has %d,%v", k, v, rv, ok)
		}
		return true
	})
	if n != len(ref) {
		t.Fatalf("Range visited %d, want %d", n, len(ref))
	}
}

func TestBasic(t *testing.T) {
	d := New[int](0)
	if _, ok := d.Get("x"); ok {
		t.Fatal("empty Get found")
	}
	if _, ok := d.Delete("x"); ok {
		t.Fatal("empty Delete found")
	}
	if !d.Set("x", 1) || d.Set("x", 2) {
		t.Fatal("Set added reporting wrong")
	}
	if v, ok := d.Get("x"); !ok || v != 2 {
		t.Fatalf("Get=%d,%v", v, ok)
	}
	if v, ok := d.Delete("x"); !ok || v != 2 || d.Len() != 0 {
		t.Fatalf("Delete=%d,%v len=%d", v, ok, d.Len())
	}
	for i := range 1000 {
		d.Set(strconv.Itoa(i), i)
	}
	d.Clear()
	if d.Len() != 0 || len(d.ht[0]) != minSize {
		t.Fatalf("Clear: len=%d buckets=%d", d.Len(), len(d.ht[0]))
	}
	d.Set("", 7) // empty key is a valid key
	if v, ok := d.Get(""); !ok || v != 7 {
		t.Fatal("empty key")
	}
	if got := len(New[int](1000).ht[0]); got != 1024 {
		t.Fatalf("New(1000) buckets=%d", got)
	}
}

func TestRandomizedAgainstMap(t *testing.T) {
	for _, tc := range []struct {
		maxKeys, ops   int
		fullCheckEvery int
	}{
		{maxKeys: 50, ops: 20000, fullCheckEvery: 1},
		{maxKeys: 600, ops: 30000, fullCheckEvery: 1},
		{maxKeys: 20000, ops: 200000, fullCheckEvery: 997},
	} {
		t.Run(strconv.Itoa(tc.maxKeys), func(t *testing.T) {
			rnd := rand.New(rand.NewPCG(uint64(tc.maxKeys), 42))
			d := New[int](0)
			ref := map[string]int{}
			grows, shrinks := 0, 0
			growing := true
			for i := range tc.ops {
				// Alternate between growth phases and shrink phases so the
				// table resizes in both directions many times.
				if growing && len(ref) >= tc.maxKeys {
					growing = false
				} else if !growing && len(ref) <= tc.maxKeys/50 {
					growing = true
				}
				pAdd := 0.15
				if growing {
					pAdd = 0.7
				}
				k := "k" + strconv.Itoa(rnd.IntN(tc.maxKeys*2))
				if !growing && len(ref) > 0 && rnd.IntN(2) == 0 {
					for k = range ref { // an existing key
						break
					}
				}
				before := len(d.ht[0])
				wasRehashing := d.rehashing()
				switch r := rnd.Float64(); {
				case r < pAdd:
					_, existed := ref[k]
					if added := d.Set(k, i); added == existed {
						t.Fatalf("Set(%q) added=%v existed=%v", k, added, existed)
					}
					ref[k] = i
				case r < 0.95:
					v, ok := d.Delete(k)
					rv, rok := ref[k]
					if ok != rok || v != rv {
						t.Fatalf("Delete(%q)=%d,%v want %d,%v", k, v, ok, rv, rok)
					}
					delete(ref, k)
				case r < 0.98:
					if p := d.GetPtr(k); p != nil {
						*p += 1000
						ref[k] += 1000
					} else if _, ok := ref[k]; ok {
						t.Fatalf("GetPtr(%q)=nil, key present", k)
					}
				default:
					d.RehashStep(rnd.IntN(5))
				}
				if !wasRehashing && d.rehashing() {
					if len(d.ht[1]) > before {
						grows++
					} else {
						shrinks++
					}
				}
				v, ok := d.Get(k)
				rv, rok := ref[k]
				if ok != rok || v != rv {
					t.Fatalf("op %d Get(%q)=%d,%v want %d,%v", i, k, v, ok, rv, rok)
				}
				if d.Len() != len(ref) {
					t.Fatalf("op %d Len=%d want %d", i, d.Len(), len(ref))
				}
				if i%tc.fullCheckEvery == 0 {
					checkEqual(t, d, ref)
					checkInvariants(t, d)
				}
			}
			checkEqual(t, d, ref)
			checkInvariants(t, d)
			for k, rv := range ref {
				if v, ok := d.Get(k); !ok || v != rv {
					t.Fatalf("final Get(%q)=%d,%v want %d", k, v, ok, rv)
				}
			}
			if grows < 3 || shrinks < 3 {
				t.Fatalf("not enough resizes: grows=%d shrinks=%d", grows, shrinks)
			}
			t.Logf("grows=%d shrinks=%d", grows, shrinks)
		})
	}
}

func TestLoadFactorAndShrink(t *testing.T) {
	d := New[int](0)
	for i := range 100000 {
		d.Set(strconv.Itoa(i), i)
	}
	for d.RehashStep(100) {
	}
	if len(d.ht[0]) != 131072 {
		t.Fatalf("buckets=%d", len(d.ht[0]))
	}
	for i := range 100000 {
		d.Delete(strconv.Itoa(i))
	}
	for d.RehashStep(100) {
	}
	if d.Len() != 0 || len(d.ht[0]) != minSize {
		t.Fatalf("after deleting all: len=%d buckets=%d", d.Len(), len(d.ht[0]))
	}
	checkInvariants(t, d)
}

// TestRehashIsIncremental checks that a single operation never migrates a
// large table in one go.
func TestRehashIsIncremental(t *testing.T) {
	d := New[int](0)
	for i := range 1 << 16 {
		d.Set(strconv.Itoa(i), i)
	}
	for d.RehashStep(1000) {
	}
	d.Set("trigger", 0) // Len == buckets: starts a grow
	if !d.rehashing() {
		t.Fatal("expected rehash in progress")
	}
	if d.used[0] < (1<<16)-10 {
		t.Fatalf("too much migrated in one op: used0=%d", d.used[0])
	}
	steps := 0
	for d.RehashStep(1) {
		steps++
	}
	if steps < 1000 {
		t.Fatalf("rehash finished in %d steps", steps)
	}
	checkInvariants(t, d)
}

func TestGetPtr(t *testing.T) {
	type rec struct{ n int }
	d := New[rec](0)
	if d.GetPtr("a") != nil {
		t.Fatal("GetPtr on missing key")
	}
	d.Set("a", rec{1})
	p := d.GetPtr("a")
	p.n = 42
	if v, _ := d.Get("a"); v.n != 42 {
		t.Fatalf("mutation not visible: %d", v.n)
	}
	// Mutation via GetPtr remains visible across a full resize.
	for i := range 5000 {
		d.Set(strconv.Itoa(i), rec{i})
		if p := d.GetPtr("a"); p != nil {
			p.n++
		}
	}
	if v, _ := d.Get("a"); v.n != 42+5000 {
		t.Fatalf("got %d", v.n)
	}
}

// scanAll performs a full scan with no concurrent mutation.
func scanAll(d *Dict[int], count int) map[string]int {
	got := map[string]int{}
	var c uint64
	for {
		c = d.Scan(c, count, func(k string, _ int) { got[k]++ })
		if c == 0 {
			return got
		}
	}
}

func TestScanStatic(t *testing.T) {
	for _, n := range []int{0, 1, 3, 100, 5000} {
		d := New[int](0)
		for i := range n {
			d.Set(strconv.Itoa(i), i)
		}
		// Without mutation, each key is returned exactly once — also when
		// the table is frozen mid-rehash (grow or shrink).
		states := []string{"initial"}
		check := func(state string) {
			for _, count := range []int{1, 7, 1000} {
				got := scanAll(d, count)
				if len(got) != d.Len() {
					t.Fatalf("n=%d %s count=%d: scanned %d keys want %d", n, state, count, len(got), d.Len())
				}
				for k, c := range got {
					if c != 1 {
						t.Fatalf("n=%d %s: key %q returned %d times", n, state, k, c)
					}
				}
			}
		}
		check(states[0])
		if n >= 100 {
			// Grow mid-rehash.
			for d.RehashStep(100) {
			}
			for i := n; d.Len() < len(d.ht[0])+1; i++ {
				d.Set(strconv.Itoa(i), i)
			}
			d.RehashStep(3)
			if !d.rehashing() || len(d.ht[1]) <= len(d.ht[0]) {
				t.Fatal("expected grow in progress")
			}
			check("growing")
			// Shrink mid-rehash.
			for d.RehashStep(100) {
			}
			for i := 0; !d.rehashing(); i++ {
				d.Delete(strconv.Itoa(i))
			}
			d.RehashStep(2)
			if !d.rehashing() || len(d.ht[1]) >= len(d.ht[0]) {
				t.Fatal("expected shrink in progress")
			}
			check("shrinking")
		}
	}
}

// TestScanGuarantee interleaves mutations of other keys between Scan calls
// (forcing grows, shrinks and mid-rehash states) and checks that every key
// present for the whole scan was returned.
func TestScanGuarantee(t *testing.T) {
	var sawGrow, sawShrink, sawRehashScan int
	for trial := range 200 {
		rnd := rand.New(rand.NewPCG(uint64(trial), 7))
		d := New[int](0)
		stable := 50 + rnd.IntN(500)
		for i := range stable {
			d.Set("s"+strconv.Itoa(i), i)
		}
		// Some volatile keys that may be deleted during the scan.
		present := map[string]bool{}
		for i := range stable {
			present["s"+strconv.Itoa(i)] = true
		}
		removed := map[string]bool{}
		others := []string{}
		nextOther := 0
		target := 0 // number of other keys to converge to
		returned := map[string]bool{}
		var cursor uint64
		calls := 0
		for {
			if d.rehashing() {
				sawRehashScan++
			}
			cursor = d.Scan(cursor, 1+rnd.IntN(20), func(k string, v int) {
				returned[k] = true
			})
			calls++
			if cursor == 0 {
				break
			}
			if calls > 1_000_000 {
				t.Fatal("scan did not terminate")
			}
			// Mutate between calls.
			if rnd.IntN(10) == 0 {
				switch rnd.IntN(3) {
				case 0:
					target = 0
				case 1:
					target = 2000 + rnd.IntN(8000)
				default:
					target = rnd.IntN(1000)
				}
			}
			burst := rnd.IntN(200)
			for range burst {
				wasRehashing := d.rehashing()
				before := len(d.ht[0])
				switch {
				case len(others) < target:
					k := "o" + strconv.Itoa(nextOther)
					nextOther++
					d.Set(k, 0)
					others = append(others, k)
				case len(others) > target:
					j := rnd.IntN(len(others))
					d.Delete(others[j])
					others[j] = others[len(others)-1]
					others = others[:len(others)-1]
				default:
					d.RehashStep(1)
				}
				if !wasRehashing && d.rehashing() {
					if len(d.ht[1]) > before {
						sawGrow++
					} else {
						sawShrink++
					}
				}
			}
			// Occasionally delete a stable key (it is then no longer
			// "present throughout").
			if rnd.IntN(50) == 0 {
				k := "s" + strconv.Itoa(rnd.IntN(stable))
				if present[k] {
					d.Delete(k)
					delete(present, k)
					removed[k] = true
				}
			}
			if rnd.IntN(20) == 0 {
				d.RehashStep(rnd.IntN(50))
			}
		}
		for k := range present {
			if !returned[k] {
				t.Fatalf("trial %d: key %q present throughout but not returned (calls=%d)", trial, k, calls)
			}
		}
		checkInvariants(t, d)
	}
	if sawGrow == 0 || sawShrink == 0 || sawRehashScan == 0 {
		t.Fatalf("did not exercise resizes: grow=%d shrink=%d scansMidRehash=%d", sawGrow, sawShrink, sawRehashScan)
	}
	t.Logf("grows=%d shrinks=%d scan calls mid-rehash=%d", sawGrow, sawShrink, sawRehashScan)
}

func TestScanCount(t *testing.T) {
	d := New[int](0)
	for i := range 1000 {
		d.Set(strconv.Itoa(i), i)
	}
	n := 0
	c := d.Scan(0, 100, func(string, int) { n++ })
	if c == 0 || n < 100 {
		t.Fatalf("Scan(count=100) visited %d, cursor %d", n, c)
	}
	if New[int](0).Scan(0, 10, func(string, int) { t.Fatal("entry in empty dict") }) != 0 {
		t.Fatal("empty scan cursor != 0")
	}
}

func TestRandomAndSample(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	d := New[int](0)
	if _, _, ok := d.Random(rnd); ok {
		t.Fatal("Random on empty dict")
	}
	d.Sample(rnd, 5, func(string, int) { t.Fatal("Sample on empty dict") })

	for _, state := range []string{"stable", "growing", "shrinking"} {
		d := New[int](0)
		switch state {
		case "stable":
			for i := range 20 {
				d.Set(strconv.Itoa(i), i)
			}
		case "growing":
			for i := range 64 {
				d.Set(strconv.Itoa(i), i)
			}
			for d.RehashStep(10) {
			}
			d.Set("64", 64) // starts a grow
		case "shrinking":
			for i := range 300 {
				d.Set(strconv.Itoa(i), i)
			}
			for d.RehashStep(10) {
			}
			for i := 0; !d.rehashing(); i++ {
				d.Delete(strconv.Itoa(i))
			}
		}
		keys := map[string]int{}
		d.Range(func(k string, v int) bool { keys[k] = v; return true })

		// Random/Sample may perform rehash steps; copy the dict state
		// freshly each round so the mid-rehash state is exercised.
		hitR := map[string]bool{}
		hitS := map[string]bool{}
		for range 5000 {
			k, v, ok := d.Random(rnd)
			if !ok || keys[k] != v {
				t.Fatalf("%s: Random returned %q=%d ok=%v", state, k, v, ok)
			}
			if _, ok := keys[k]; !ok {
				t.Fatalf("%s: Random returned absent key %q", state, k)
			}
			hitR[k] = true
			n := 0
			d.Sample(rnd, 1+rnd.IntN(5), func(k string, v int) {
				n++
				if kv, ok := keys[k]; !ok || kv != v {
					t.Fatalf("%s: Sample returned %q=%d", state, k, v)
				}
				hitS[k] = true
			})
			if n == 0 {
				t.Fatalf("%s: Sample returned nothing", state)
			}
		}
		// Sample, like Redis's dictGetSomeKeys, starts at a bucket's
		// head and stops after n entries: an entry deeper than 5 in a
		// chain (possible while shrinking into a small table) is never
		// sampled with n <= 5. Random must reach every key.
		if len(hitR) != len(keys) || len(hitS) < len(keys)*9/10 {
			t.Fatalf("%s: Random hit %d, Sample hit %d of %d keys", state, len(hitR), len(hitS), len(keys))
		}
	}

	// Sample of n >= Len returns every key of a small dict, and fn may
	// delete the sampled keys.
	d = New[int](0)
	for i := range 10 {
		d.Set(strconv.Itoa(i), i)
	}
	got := map[string]bool{}
	d.Sample(rnd, 100, func(k string, _ int) {
		got[k] = true
		d.Delete(k)
	})
	if len(got) != 10 || d.Len() != 0 {
		t.Fatalf("Sample(100) got %d keys, Len after deletes %d", len(got), d.Len())
	}
}

func TestSampleDuringRehashOnlyPresent(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	d := New[int](0)
	ref := map[string]int{}
	for i := range 100000 {
		k := strconv.Itoa(rnd.IntN(5000))
		if rnd.IntN(3) == 0 {
			d.Delete(k)
			delete(ref, k)
		} else {
			d.Set(k, i)
			ref[k] = i
		}
		if i%10 == 0 {
			d.Sample(rnd, 20, func(k string, v int) {
				if rv, ok := ref[k]; !ok || rv != v {
					t.Fatalf("Sample returned stale %q=%d", k, v)
				}
			})
			if k, v, ok := d.Random(rnd); ok != (len(ref) > 0) || (ok && ref[k] != v) {
				t.Fatalf("Random returned %q=%d,%v", k, v, ok)
			}
		}
	}
}

func TestRangeStop(t *testing.T) {
	d := New[int](0)
	for i := range 100 {
		d.Set(fmt.Sprint(i), i)
	}
	n := 0
	d.Range(func(string, int) bool { n++; return n < 10 })
	if n != 10 {
		t.Fatalf("Range visited %d after stop", n)
	}
}

// TestRangeWithLookupsDuringRehash: lookups from a Range callback (ZINTER
// of a set with itself does this) must not move entries under the
// iteration: every entry is visited exactly once.
func TestRangeWithLookupsDuringRehash(t *testing.T) {
	for n := 5; n < 300; n++ {
		d := New[int](0)
		for i := 0; i < n; i++ {
			d.Set(strconv.Itoa(i), i)
		}
		seen := map[string]int{}
		d.Range(func(k string, _ int) bool {
			seen[k]++
			for j := 0; j < 3; j++ {
				d.Get(strconv.Itoa(j)) // would step the rehash
			}
			return true
		})
		if len(seen) != n {
			t.Fatalf("n=%d: Range visited %d distinct keys", n, len(seen))
		}
		for k, c := range seen {
			if c != 1 {
				t.Fatalf("n=%d: key %s visited %d times", n, k, c)
			}
		}
	}
}

// TestSetHashedAndTouch checks that SetHashed with Hash's value behaves
// like Set, through growth and incremental rehashing, and that Touch is
// safe on any table state.
func TestSetHashedAndTouch(t *testing.T) {
	d := New[int](0)
	d.Touch(d.Hash("x")) // empty table
	for i := 0; i < 5000; i++ {
		k := fmt.Sprintf("k%d", i)
		h := d.Hash(k)
		d.Touch(h)
		if !d.SetHashed(k, h, i) {
			t.Fatalf("%s: not added", k)
		}
		if i%3 == 0 && d.SetHashed(k, h, -i) {
			t.Fatalf("%s: added twice", k)
		}
	}
	if d.Len() != 5000 {
		t.Fatalf("Len = %d", d.Len())
	}
	for i := 0; i < 5000; i++ {
		v, ok := d.Get(fmt.Sprintf("k%d", i))
		want := i
		if i%3 == 0 {
			want = -i
		}
		if !ok || v != want {
			t.Fatalf("k%d = %d, %v; want %d", i, v, ok, want)
		}
	}
}

// TestGetPtrHashInsertNew checks the search-once update path against a
// map, across growth, shrinking and rehashing: GetPtrHash finds what Set
// stored and returns the key's hash, and InsertNew with that hash stores
// a key that Get then finds.
func TestGetPtrHashInsertNew(t *testing.T) {
	d := New[int](0)
	ref := map[string]int{}
	rnd := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 20000; i++ {
		k := "k" + strconv.Itoa(rnd.IntN(3000))
		if rnd.IntN(4) == 0 {
			d.Delete(k)
			delete(ref, k)
			continue
		}
		p, h := d.GetPtrHash(k)
		if h != d.Hash(k) {
			t.Fatalf("GetPtrHash(%q) hash %x, Hash %x", k, h, d.Hash(k))
		}
		want, ok := ref[k]
		if (p != nil) != ok || (ok && *p != want) {
			t.Fatalf("GetPtrHash(%q) = %v, want %d present=%v", k, p, want, ok)
		}
		if p != nil {
			*p = i
		} else {
			d.InsertNew(k, h, i)
		}
		ref[k] = i
		if i%997 == 0 {
			checkInvariants(t, d)
		}
	}
	checkInvariants(t, d)
	if d.Len() != len(ref) {
		t.Fatalf("Len %d, want %d", d.Len(), len(ref))
	}
	for k, v := range ref {
		if got, ok := d.Get(k); !ok || got != v {
			t.Fatalf("Get(%q) = %d, %v; want %d", k, got, ok, v)
		}
	}
}

// TestGetKeyPtrHash: GetKeyPtrHash finds what GetPtrHash finds, with the
// stored key itself (the same bytes as the key inserted, not a copy of
// the one asked for), across growth and rehashing.
func TestGetKeyPtrHash(t *testing.T) {
	d := New[int](0)
	stored := map[string]string{}
	rnd := rand.New(rand.NewPCG(9, 10))
	for i := 0; i < 20000; i++ {
		k := "k" + strconv.Itoa(rnd.IntN(3000))
		if rnd.IntN(4) == 0 {
			d.Delete(k)
			delete(stored, k)
			continue
		}
		key, p, h := d.GetKeyPtrHash(strings.Clone(k))
		if h != d.Hash(k) {
			t.Fatalf("GetKeyPtrHash(%q) hash %x, Hash %x", k, h, d.Hash(k))
		}
		s, ok := stored[k]
		if (p != nil) != ok {
			t.Fatalf("GetKeyPtrHash(%q) found=%v, want %v", k, p != nil, ok)
		}
		if !ok {
			if key != "" {
				t.Fatalf("GetKeyPtrHash(%q) of an absent key returned key %q", k, key)
			}
			d.InsertNew(k, h, i)
			stored[k] = k
			continue
		}
		if key != k || unsafe.StringData(key) != unsafe.StringData(s) {
			t.Fatalf("GetKeyPtrHash(%q) returned a key other than the stored one", k)
		}
		*p = i
		if v, _ := d.Get(k); v != i {
			t.Fatalf("write through GetKeyPtrHash(%q) lost", k)
		}
	}
}

// TestRandomFairIsSampleThenPick checks that RandomFair draws the same
// key as Sample followed by a uniform pick among the sampled keys, given
// the same random source: SPOP and SRANDMEMBER keep Redis's
// dictGetFairRandomKey distribution.
func TestRandomFairIsSampleThenPick(t *testing.T) {
	d := New[struct{}](0)
	if _, ok := d.RandomFair(rand.New(rand.NewPCG(1, 1)), 15); ok {
		t.Fatal("RandomFair on an empty dict reported a key")
	}
	for i := 0; i < 5000; i++ {
		d.Set("m"+strconv.Itoa(i), struct{}{})
		if i%7 == 0 {
			d.Delete("m" + strconv.Itoa(i/2))
		}
		if i%50 != 0 || d.Len() == 0 {
			continue
		}
		// Both walks must see the same table: a rehash step taken by the
		// first would move entries under the second.
		for d.RehashStep(100) {
		}
		r1, r2 := rand.New(rand.NewPCG(uint64(i), 9)), rand.New(rand.NewPCG(uint64(i), 9))
		got, ok := d.RandomFair(r1, 15)
		var keys []string
		d.Sample(r2, 15, func(k string, _ struct{}) { keys = append(keys, k) })
		want := keys[r2.IntN(len(keys))]
		if !ok || got != want {
			t.Fatalf("after %d inserts: RandomFair = %q, %v; Sample then pick = %q", i+1, got, ok, want)
		}
	}
}
