package hash

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// withLimits runs fn with the listpack limits set to entries and value.
func withLimits(t *testing.T, entries, value int, fn func()) {
	t.Helper()
	oe, ov := MaxListpackEntries, MaxListpackValue
	MaxListpackEntries, MaxListpackValue = entries, value
	defer func() { MaxListpackEntries, MaxListpackValue = oe, ov }()
	fn()
}

// TestListpackViewsStayValid keeps strings returned by Get, Range and
// Random and checks that later updates, deletes and appends (in place or
// not) never change them.
func TestListpackViewsStayValid(t *testing.T) {
	h := New()
	type kept struct{ got, want string }
	var all []kept
	keep := func(got, want string) { all = append(all, kept{got, want}) }
	rnd := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < 300; i++ {
		f := "f" + strconv.Itoa(rnd.IntN(40))
		v := strings.Repeat(strconv.Itoa(i%10), rnd.IntN(20))
		h.Set(b(f), b(v))
		got, _ := h.Get(b(f))
		keep(got, v)
		if h.Len() > 0 {
			rf, rv := h.Random(rnd)
			cur, _ := h.Get(b(rf))
			keep(rv, cur)
		}
		h.Range(func(f, v string) bool {
			keep(f, strings.Clone(f))
			keep(v, strings.Clone(v))
			return true
		})
		if rnd.IntN(3) == 0 {
			h.Delete(b("f" + strconv.Itoa(rnd.IntN(40))))
		}
		if h.Encoding() != "listpack" {
			t.Fatalf("converted: %s", h.Encoding())
		}
	}
	for i, k := range all {
		if k.got != k.want {
			t.Fatalf("view %d changed: %q, was %q", i, k.got, k.want)
		}
	}
}

// TestListpackLongLengths stores elements whose lengths take a multi-byte
// uvarint (128 bytes and more), under a raised hash-max-listpack-value.
func TestListpackLongLengths(t *testing.T) {
	withLimits(t, 512, 1000, func() {
		h := New()
		for _, n := range []int{0, 1, 127, 128, 129, 300, 1000} {
			h.Set(b("f"+strconv.Itoa(n)), b(strings.Repeat("x", n)))
			h.Set(b(strings.Repeat("k", n)), b(strconv.Itoa(n)))
		}
		if h.Encoding() != "listpack" {
			t.Fatalf("encoding %s", h.Encoding())
		}
		for _, n := range []int{0, 1, 127, 128, 129, 300, 1000} {
			if v, ok := h.Get(b("f" + strconv.Itoa(n))); !ok || v != strings.Repeat("x", n) {
				t.Fatalf("f%d: len %d %v", n, len(v), ok)
			}
			if v, ok := h.Get(b(strings.Repeat("k", n))); !ok || v != strconv.Itoa(n) {
				t.Fatalf("k*%d: %q %v", n, v, ok)
			}
		}
		h.Set(b("f128"), b("short"))
		h.Delete(b("f127"))
		if v, _ := h.Get(b("f129")); len(v) != 129 {
			t.Fatalf("neighbour damaged: %d", len(v))
		}
		h.Set(b("big"), b(strings.Repeat("y", 1001)))
		if h.Encoding() != "hashtable" {
			t.Fatalf("1001-byte value kept %s", h.Encoding())
		}
		if v, _ := h.Get(b("f1000")); len(v) != 1000 || h.Len() != 14 {
			t.Fatalf("after conversion: len %d, Len %d", len(v), h.Len())
		}
	})
}

// TestRandomizedListpackModel drives a Hash and an ordered model with
// random operations under random small limits. While the model says the
// hash must still be a listpack (never more than the entry limit, never an
// element over the value limit) the encoding and the exact pair order are
// checked; afterwards the encoding must be "hashtable" and the contents
// equal.
func TestRandomizedListpackModel(t *testing.T) {
	rnd := rand.New(rand.NewPCG(11, 12))
	for round := 0; round < 300; round++ {
		entries, value := rnd.IntN(20), rnd.IntN(200)
		withLimits(t, entries, value, func() {
			h := New()
			type pair struct{ f, v string }
			var model []pair
			lp := true
			index := func(f string) int {
				return slices.IndexFunc(model, func(p pair) bool { return p.f == f })
			}
			for op := 0; op < 200; op++ {
				f := strings.Repeat("f", rnd.IntN(3)) + strconv.Itoa(rnd.IntN(25))
				if rnd.IntN(30) == 0 {
					f = strings.Repeat("F", rnd.IntN(300))
				}
				switch rnd.IntN(6) {
				case 0, 1, 2:
					v := strings.Repeat("v", rnd.IntN(value+2))
					if len(f) > value || len(v) > value {
						lp = false
					}
					i := index(f)
					if added := h.Set(b(f), b(v)); added != (i < 0) {
						t.Fatalf("Set(%q) added=%v", f, added)
					}
					if i >= 0 {
						model[i].v = v
					} else {
						model = append(model, pair{f, v})
						if len(model) > entries {
							lp = false
						}
					}
				case 3:
					if len(f) > value || rnd.IntN(4) == 0 {
						h.Prepare(b(f), b(strings.Repeat("p", rnd.IntN(value+2))))
						if h.Encoding() == "hashtable" {
							lp = false
						}
					}
				default:
					i := index(f)
					if got := h.Delete(b(f)); got != (i >= 0) {
						t.Fatalf("Delete(%q) = %v", f, got)
					}
					if i >= 0 {
						model = slices.Delete(model, i, i+1)
					}
				}
				if h.Len() != len(model) {
					t.Fatalf("Len %d, model %d", h.Len(), len(model))
				}
				if want := map[bool]string{true: "listpack", false: "hashtable"}[lp]; h.Encoding() != want {
					t.Fatalf("limits %d/%d: encoding %s, want %s", entries, value, h.Encoding(), want)
				}
				var got []pair
				h.Range(func(f, v string) bool {
					got = append(got, pair{f, v})
					return true
				})
				if !lp {
					slices.SortFunc(got, func(a, b pair) int { return strings.Compare(a.f, b.f) })
					m := slices.Clone(model)
					slices.SortFunc(m, func(a, b pair) int { return strings.Compare(a.f, b.f) })
					if !slices.Equal(got, m) {
						t.Fatalf("hashtable contents differ")
					}
					continue
				}
				if !slices.Equal(got, model) {
					t.Fatalf("listpack order %v, model %v", got, model)
				}
				for _, p := range model {
					if v, ok := h.Get(b(p.f)); !ok || v != p.v {
						t.Fatalf("Get(%q) = %q %v", p.f, v, ok)
					}
				}
			}
		})
	}
}

func TestRandomPairs(t *testing.T) {
	rnd := rand.New(rand.NewPCG(9, 9))
	for _, n := range []int{1, 7, MaxListpackEntries + 1} {
		h := New()
		for i := 0; i < n; i++ {
			h.Set(b("f"+strconv.Itoa(i)), b(strconv.Itoa(i)))
		}
		seen := map[string]int{}
		calls := 0
		h.RandomPairs(rnd, n*50, func(f, v string) {
			calls++
			if "f"+v != f {
				t.Fatalf("%s: pair %q=%q", h.Encoding(), f, v)
			}
			seen[f]++
		})
		if calls != n*50 || len(seen) != n {
			t.Fatalf("%s: %d calls, %d distinct of %d", h.Encoding(), calls, len(seen), n)
		}
	}
}

// TestCopyOriginalChanges checks that changing the original does not
// show in a listpack copy (the count header is written in place).
func TestCopyOriginalChanges(t *testing.T) {
	h := New()
	h.Set(b("a"), b("1"))
	c := h.Copy().(*Hash)
	h.Set(b("b"), b("2"))
	h.Set(b("a"), b("3"))
	if c.Len() != 1 || !slices.Equal(pairs(c), []string{"a=1"}) {
		t.Fatalf("copy changed: %v", pairs(c))
	}
	empty := New().Copy().(*Hash)
	if empty.Len() != 0 || empty.Encoding() != "listpack" {
		t.Fatal("copy of an empty hash")
	}
}

// TestReserve checks that a hash built by one HSET after Reserve needs no
// further allocation, and that Reserve leaves hashtables and oversized
// arguments alone.
func TestReserve(t *testing.T) {
	args := [][]byte{b("field1"), b("v1"), b("field2"), b("value2"), b("f3"), b("")}
	h := New()
	h.Reserve(args)
	if h.Len() != 0 {
		t.Fatalf("Reserve changed Len: %d", h.Len())
	}
	buf := &h.lp[:cap(h.lp)][0]
	for i := 0; i < len(args); i += 2 {
		h.Set(args[i], args[i+1])
	}
	if &h.lp[0] != buf || !slices.Equal(pairs(h), []string{"field1=v1", "field2=value2", "f3="}) {
		t.Fatalf("reallocated or wrong: %v", pairs(h))
	}
	h.Reserve([][]byte{b("x"), b(strings.Repeat("y", MaxListpackValue+1))})
	if &h.lp[0] != buf {
		t.Fatal("Reserve grew for a value that converts")
	}
	withLimits(t, 2, 64, func() {
		h := New()
		h.Reserve(args)
		if h.lp != nil {
			t.Fatal("Reserve for more pairs than hash-max-listpack-entries")
		}
	})
}
