package hash

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aikv/aikv/datastructs"
)

func b(s string) []byte { return []byte(s) }

func pairs(h *Hash) []string {
	var out []string
	h.Range(func(f, v string) bool {
		out = append(out, f+"="+v)
		return true
	})
	return out
}

func TestListpackKeepsInsertionOrder(t *testing.T) {
	h := New()
	if h.Type() != datastructs.TypeHash || h.Encoding() != "listpack" {
		t.Fatalf("new hash: %v %q", h.Type(), h.Encoding())
	}
	h.Set(b("c"), b("3"))
	h.Set(b("a"), b("1"))
	h.Set(b("b"), b("2"))
	if h.Set(b("a"), b("10")) {
		t.Fatal("update reported new")
	}
	h.Delete(b("c"))
	h.Set(b("c"), b("30"))
	want := []string{"a=10", "b=2", "c=30"}
	if got := pairs(h); !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	var scanned []string
	if cur := h.Scan(0, 1, func(f, v string) { scanned = append(scanned, f+"="+v) }); cur != 0 {
		t.Fatalf("listpack scan cursor %d, want 0", cur)
	}
	if !slices.Equal(scanned, want) {
		t.Fatalf("scan %v", scanned)
	}
}

func TestConversionThresholds(t *testing.T) {
	long := strings.Repeat("x", MaxListpackValue+1)
	exact := strings.Repeat("x", MaxListpackValue)
	for _, tc := range []struct {
		name string
		ops  func(h *Hash)
		enc  string
	}{
		{"value at limit", func(h *Hash) { h.Set(b("f"), b(exact)) }, "listpack"},
		{"long value", func(h *Hash) { h.Set(b("f"), b(long)) }, "hashtable"},
		{"long field", func(h *Hash) { h.Set(b(long), b("v")) }, "hashtable"},
		{"prepare converts without storing", func(h *Hash) { h.Prepare(b("f"), b(long)) }, "hashtable"},
		{"prepare short", func(h *Hash) { h.Prepare(b("f"), b("v")) }, "listpack"},
		{"entries at limit", func(h *Hash) {
			for i := 0; i < MaxListpackEntries; i++ {
				h.Set(b(strconv.Itoa(i)), b("v"))
			}
		}, "listpack"},
		{"entries past limit", func(h *Hash) {
			for i := 0; i <= MaxListpackEntries; i++ {
				h.Set(b(strconv.Itoa(i)), b("v"))
			}
		}, "hashtable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := New()
			tc.ops(h)
			if h.Encoding() != tc.enc {
				t.Fatalf("Encoding = %q, want %q", h.Encoding(), tc.enc)
			}
		})
	}
	// One-way conversion, contents preserved.
	h := New()
	h.Set(b("a"), b("1"))
	h.Set(b("b"), b(long))
	h.Delete(b("b"))
	if h.Encoding() != "hashtable" {
		t.Fatal("converted back to listpack")
	}
	if v, ok := h.Get(b("a")); !ok || v != "1" {
		t.Fatalf("lost a: %q %v", v, ok)
	}
}

func TestSetCopiesArguments(t *testing.T) {
	h := New()
	f, v := b("field"), b("value")
	h.Set(f, v)
	copy(f, "xxxxx")
	copy(v, "yyyyy")
	if got, ok := h.Get(b("field")); !ok || got != "value" {
		t.Fatalf("Get = %q %v: Set kept caller's buffers", got, ok)
	}
}

func TestCopy(t *testing.T) {
	for _, n := range []int{3, MaxListpackEntries + 10} {
		h := New()
		for i := 0; i < n; i++ {
			h.Set(b("f"+strconv.Itoa(i)), b(strconv.Itoa(i)))
		}
		c := h.Copy().(*Hash)
		if c.Encoding() != h.Encoding() || c.Len() != h.Len() {
			t.Fatalf("copy: %q/%d vs %q/%d", c.Encoding(), c.Len(), h.Encoding(), h.Len())
		}
		c.Set(b("f0"), b("changed"))
		c.Delete(b("f1"))
		if v, _ := h.Get(b("f0")); v != "0" || !h.Exists(b("f1")) {
			t.Fatal("copy shares state with the original")
		}
	}
}

// TestRandomizedAgainstMap drives a Hash and a Go map with the same random
// operations, across both encodings.
func TestRandomizedAgainstMap(t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 6))
	for round := 0; round < 20; round++ {
		h := New()
		ref := map[string]string{}
		universe := 20 + rnd.IntN(1500)
		for op := 0; op < 3000; op++ {
			f := "f" + strconv.Itoa(rnd.IntN(universe))
			switch rnd.IntN(5) {
			case 0, 1:
				v := strconv.Itoa(rnd.IntN(1000))
				if rnd.IntN(200) == 0 {
					v = strings.Repeat("v", 100)
				}
				_, had := ref[f]
				if added := h.Set(b(f), b(v)); added == had {
					t.Fatalf("Set(%q) added=%v, had=%v", f, added, had)
				}
				ref[f] = v
			case 2:
				_, had := ref[f]
				if got := h.Delete(b(f)); got != had {
					t.Fatalf("Delete(%q) = %v", f, got)
				}
				delete(ref, f)
			case 3:
				got, ok := h.Get(b(f))
				want, had := ref[f]
				if ok != had || got != want {
					t.Fatalf("Get(%q) = %q,%v want %q,%v", f, got, ok, want, had)
				}
			case 4:
				if len(ref) > 0 {
					rf, rv := h.Random(rnd)
					if ref[rf] != rv {
						t.Fatalf("Random = %q=%q, not in map", rf, rv)
					}
				}
			}
			if h.Len() != len(ref) {
				t.Fatalf("Len = %d, want %d", h.Len(), len(ref))
			}
		}
		got := map[string]string{}
		h.Range(func(f, v string) bool {
			got[f] = v
			return true
		})
		if len(got) != len(ref) {
			t.Fatalf("Range saw %d, want %d", len(got), len(ref))
		}
		for f, v := range ref {
			if got[f] != v {
				t.Fatalf("field %q = %q, want %q", f, got[f], v)
			}
		}
		seen := map[string]string{}
		var cur uint64
		for {
			cur = h.Scan(cur, 5, func(f, v string) { seen[f] = v })
			if cur == 0 {
				break
			}
		}
		if len(seen) != len(ref) {
			t.Fatalf("scan saw %d of %d", len(seen), len(ref))
		}
	}
}

func TestRandomReachesAll(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{50, 2000} {
		h := New()
		for i := 0; i < n; i++ {
			h.Set(b(strconv.Itoa(i)), b("v"))
		}
		seen := map[string]bool{}
		for i := 0; i < n*40; i++ {
			f, _ := h.Random(rnd)
			seen[f] = true
		}
		if len(seen) != n {
			t.Fatalf("%s: Random reached %d of %d fields", h.Encoding(), len(seen), n)
		}
	}
}

func BenchmarkHash(b *testing.B) {
	for _, n := range []int{10, 1000, 1000000} {
		h := New()
		for i := 0; i < n; i++ {
			h.Set([]byte("field:"+strconv.Itoa(i)), []byte(strconv.Itoa(i)))
		}
		probe := make([][]byte, 1024)
		for i := range probe {
			probe[i] = []byte("field:" + strconv.Itoa(i*7%n))
		}
		name := strconv.Itoa(n)
		b.Run("Get/"+name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				h.Get(probe[i&1023])
			}
		})
		b.Run("Set/"+name, func(b *testing.B) {
			v := []byte("value")
			for i := 0; i < b.N; i++ {
				h.Set(probe[i&1023], v)
			}
		})
		b.Run("Random/"+name, func(b *testing.B) {
			rnd := rand.New(rand.NewPCG(1, 1))
			for i := 0; i < b.N; i++ {
				h.Random(rnd)
			}
		})
		b.Run("DeleteSet/"+name, func(b *testing.B) {
			v := []byte("value")
			for i := 0; i < b.N; i++ {
				p := probe[i&1023]
				h.Delete(p)
				h.Set(p, v)
			}
		})
	}
}

// TestFromPairs checks that FromPairs builds what SetString does, field
// by field, for short and long listpacks and for a hashtable, and that it
// reports a repeated field.
func TestFromPairs(t *testing.T) {
	for _, tc := range []struct {
		n    int
		vlen int
	}{{1, 5}, {10, 5}, {32, 5}, {33, 5}, {200, 5}, {600, 5}, {5, 100}} {
		var pairs []string
		for i := 0; i < tc.n; i++ {
			pairs = append(pairs, fmt.Sprintf("f%d", i), strings.Repeat("v", tc.vlen)+fmt.Sprint(i))
		}
		got, dup := FromPairs(append([]string(nil), pairs...))
		if got == nil {
			t.Fatalf("n=%d: duplicate %q reported", tc.n, dup)
		}
		want := New()
		for i := 0; i < len(pairs); i += 2 {
			want.SetString([]byte(pairs[i]), pairs[i+1])
		}
		// A hashtable is sized for the pairs at once, so it is never
		// bigger than one grown field by field (which may stop halfway
		// through a rehash, with both tables).
		sizeOK := got.Size() == want.Size() || want.Encoding() == "hashtable" && got.Size() <= want.Size()
		if got.Len() != want.Len() || got.Encoding() != want.Encoding() || !sizeOK {
			t.Fatalf("n=%d: len %d enc %s size %d, want %d %s %d", tc.n, got.Len(), got.Encoding(), got.Size(), want.Len(), want.Encoding(), want.Size())
		}
		var g, w []string
		got.Range(func(f, v string) bool { g = append(g, f+"="+v); return true })
		want.Range(func(f, v string) bool { w = append(w, f+"="+v); return true })
		if want.Encoding() == "hashtable" { // table order is random
			slices.Sort(g)
			slices.Sort(w)
		}
		if !slices.Equal(g, w) {
			t.Fatalf("n=%d: got %v, want %v", tc.n, g, w)
		}
		if tc.n > 1 {
			bad := append([]string(nil), pairs...)
			bad = append(bad, pairs[len(pairs)-4], "x") // repeat the second to last field
			if h, dup := FromPairs(bad); h != nil || dup != pairs[len(pairs)-4] {
				t.Fatalf("n=%d: repeated field: got %v %q", tc.n, h, dup)
			}
		}
	}
}
