package set

import (
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"testing"

	"github.com/aikv/aikv/datastructs"
)

func b(s string) []byte { return []byte(s) }

func members(s *Set) []string {
	m := s.Members()
	sort.Strings(m)
	return m
}

func TestIntsetEncoding(t *testing.T) {
	s := New()
	if s.Type() != datastructs.TypeSet {
		t.Fatalf("Type = %v", s.Type())
	}
	for _, m := range []string{"3", "-1", "2", "9223372036854775807", "-9223372036854775808", "0"} {
		if !s.Add(b(m)) {
			t.Fatalf("Add(%q) = false", m)
		}
	}
	if s.Add(b("2")) {
		t.Fatal("duplicate Add reported new")
	}
	if got := s.Encoding(); got != "intset" {
		t.Fatalf("Encoding = %q, want intset", got)
	}
	want := []string{"-9223372036854775808", "-1", "0", "2", "3", "9223372036854775807"}
	if got := s.Members(); !slices.Equal(got, want) {
		t.Fatalf("Members = %v, want ascending %v", got, want)
	}
	// Non-canonical integers are not members of an intset.
	for _, m := range []string{"02", "+2", " 2", "2 ", "-0", "2.0", ""} {
		if s.Has(b(m)) {
			t.Errorf("Has(%q) = true", m)
		}
		if s.Remove(b(m)) {
			t.Errorf("Remove(%q) = true", m)
		}
	}
	if !s.Remove(b("2")) || s.Has(b("2")) || s.Len() != 5 {
		t.Fatal("Remove(2) failed")
	}
}

func TestConversions(t *testing.T) {
	for _, tc := range []struct {
		name    string
		members []string
		enc     string
	}{
		{"ints", []string{"1", "2"}, "intset"},
		{"leading zero", []string{"1", "01"}, "hashtable"},
		{"minus zero", []string{"-0"}, "hashtable"},
		{"too big", []string{"9223372036854775808"}, "hashtable"},
		{"plus", []string{"+1"}, "hashtable"},
		{"word", []string{"1", "a"}, "hashtable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := New()
			for _, m := range tc.members {
				s.Add(b(m))
			}
			if s.Encoding() != tc.enc {
				t.Fatalf("Encoding = %q, want %q", s.Encoding(), tc.enc)
			}
			for _, m := range tc.members {
				if !s.Has(b(m)) {
					t.Fatalf("lost %q", m)
				}
			}
		})
	}
}

func TestIntsetMaxEntries(t *testing.T) {
	s := New()
	for i := 0; i < MaxIntsetEntries; i++ {
		s.Add(b(strconv.Itoa(i)))
	}
	if s.Encoding() != "intset" {
		t.Fatalf("at %d entries: %q", MaxIntsetEntries, s.Encoding())
	}
	s.Add(b(strconv.Itoa(MaxIntsetEntries)))
	if s.Encoding() != "hashtable" || s.Len() != MaxIntsetEntries+1 {
		t.Fatalf("past the limit: %q len %d", s.Encoding(), s.Len())
	}
	// One-way: removing members does not go back.
	for i := 0; i < 500; i++ {
		s.Remove(b(strconv.Itoa(i)))
	}
	if s.Encoding() != "hashtable" {
		t.Fatal("converted back to intset")
	}
	for i := 500; i <= MaxIntsetEntries; i++ {
		if !s.Has(b(strconv.Itoa(i))) {
			t.Fatalf("lost %d", i)
		}
	}
}

func TestAddCopiesMember(t *testing.T) {
	s := New()
	buf := b("hello")
	s.Add(buf)
	copy(buf, "jelly")
	if !s.Has(b("hello")) || s.Has(b("jelly")) {
		t.Fatal("Add kept the caller's buffer")
	}
}

func TestCopy(t *testing.T) {
	for _, ms := range [][]string{{"1", "2"}, {"a", "b", "1"}} {
		s := New()
		for _, m := range ms {
			s.Add(b(m))
		}
		c := s.Copy().(*Set)
		if c.Encoding() != s.Encoding() || !slices.Equal(members(c), members(s)) {
			t.Fatalf("copy differs: %v vs %v", members(c), members(s))
		}
		c.Add(b("new"))
		c.Remove(b(ms[0]))
		if s.Has(b("new")) || !s.Has(b(ms[0])) {
			t.Fatal("copy shares state with the original")
		}
	}
}

// TestRandomizedAgainstMap drives a Set and a Go map with the same random
// operations and compares them, across both encodings.
func TestRandomizedAgainstMap(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 20; round++ {
		s := New()
		ref := map[string]bool{}
		intsOnly := round%2 == 0
		universe := 50 + rnd.IntN(2000)
		gen := func() string {
			n := rnd.IntN(universe) - universe/4
			if !intsOnly && rnd.IntN(10) == 0 {
				return "m" + strconv.Itoa(n)
			}
			return strconv.Itoa(n)
		}
		for op := 0; op < 3000; op++ {
			m := gen()
			switch rnd.IntN(5) {
			case 0, 1:
				if got, want := s.Add(b(m)), !ref[m]; got != want {
					t.Fatalf("round %d: Add(%q) = %v, want %v", round, m, got, want)
				}
				ref[m] = true
			case 2:
				if got := s.Remove(b(m)); got != ref[m] {
					t.Fatalf("Remove(%q) = %v, want %v", m, got, ref[m])
				}
				delete(ref, m)
			case 3:
				if got := s.Has(b(m)); got != ref[m] {
					t.Fatalf("Has(%q) = %v", m, got)
				}
			case 4:
				if len(ref) > 0 && rnd.IntN(4) == 0 {
					p := s.Pop(rnd)
					if !ref[p] {
						t.Fatalf("Pop returned non-member %q", p)
					}
					delete(ref, p)
				} else if len(ref) > 0 {
					if r := s.Random(rnd); !ref[r] {
						t.Fatalf("Random returned non-member %q", r)
					}
				}
			}
			if s.Len() != len(ref) {
				t.Fatalf("Len = %d, want %d", s.Len(), len(ref))
			}
		}
		want := make([]string, 0, len(ref))
		for m := range ref {
			want = append(want, m)
		}
		sort.Strings(want)
		if got := members(s); !slices.Equal(got, want) {
			t.Fatalf("round %d: members differ", round)
		}
		if s.IsIntset() {
			if s.Len() > MaxIntsetEntries {
				t.Fatalf("intset with %d members", s.Len())
			}
			if !slices.IsSorted(s.ints) {
				t.Fatal("intset not sorted")
			}
		}
		// A full scan returns every member.
		seen := map[string]bool{}
		var cur uint64
		for {
			cur = s.Scan(cur, 7, func(m string) { seen[m] = true })
			if cur == 0 {
				break
			}
		}
		if len(seen) != len(ref) {
			t.Fatalf("scan saw %d of %d", len(seen), len(ref))
		}
	}
}

// TestRandomIsSpread checks that Random and Pop reach every member of
// both encodings (a broken index would leave some unreachable).
func TestRandomIsSpread(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	for _, prefix := range []string{"", "x"} {
		s := New()
		for i := 0; i < 100; i++ {
			s.Add(b(prefix + strconv.Itoa(i)))
		}
		seen := map[string]int{}
		for i := 0; i < 20000; i++ {
			seen[s.Random(rnd)]++
		}
		if len(seen) != 100 {
			t.Fatalf("%s: Random reached %d of 100 members", s.Encoding(), len(seen))
		}
		for m, n := range seen {
			// Expected 200; a hashtable member in a long bucket chain is
			// picked less often (Redis's bias, inherited from dict.Random).
			if n < 10 {
				t.Fatalf("%s: member %s picked only %d times", s.Encoding(), m, n)
			}
		}
		popped := map[string]bool{}
		for s.Len() > 0 {
			p := s.Pop(rnd)
			if popped[p] {
				t.Fatalf("popped %q twice", p)
			}
			popped[p] = true
		}
		if len(popped) != 100 {
			t.Fatalf("popped %d", len(popped))
		}
	}
}

func TestParseInt(t *testing.T) {
	for _, tc := range []struct {
		in string
		n  int64
		ok bool
	}{
		{"0", 0, true}, {"-1", -1, true}, {"123", 123, true},
		{"9223372036854775807", 9223372036854775807, true},
		{"-9223372036854775808", -9223372036854775808, true},
		{"9223372036854775808", 0, false}, {"-9223372036854775809", 0, false},
		{"99999999999999999999", 0, false}, {"", 0, false}, {"-", 0, false},
		{"-0", 0, false}, {"00", 0, false}, {"01", 0, false}, {"+1", 0, false},
		{" 1", 0, false}, {"1a", 0, false},
	} {
		n, ok := parseInt(b(tc.in))
		if ok != tc.ok || n != tc.n {
			t.Errorf("parseInt(%q) = %d, %v; want %d, %v", tc.in, n, ok, tc.n, tc.ok)
		}
	}
}

func benchSet(n int, ints bool) *Set {
	s := New()
	for i := 0; i < n; i++ {
		if ints {
			s.Add(b(strconv.Itoa(i)))
		} else {
			s.Add(b("member:" + strconv.Itoa(i)))
		}
	}
	return s
}

func BenchmarkSet(b *testing.B) {
	for _, n := range []int{10, 1000, 1000000} {
		for _, ints := range []bool{true, false} {
			kind := "str"
			if ints {
				kind = "int"
			}
			s := benchSet(n, ints)
			name := kind + "/" + strconv.Itoa(n)
			probe := make([][]byte, 1024)
			for i := range probe {
				if ints {
					probe[i] = []byte(strconv.Itoa(i * 7 % n))
				} else {
					probe[i] = []byte("member:" + strconv.Itoa(i*7%n))
				}
			}
			b.Run("Has/"+name, func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					s.Has(probe[i&1023])
				}
			})
			b.Run("Random/"+name, func(b *testing.B) {
				rnd := rand.New(rand.NewPCG(1, 1))
				for i := 0; i < b.N; i++ {
					s.Random(rnd)
				}
			})
			b.Run("AddRemove/"+name, func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					p := probe[i&1023]
					s.Remove(p)
					s.Add(p)
				}
			})
		}
	}
}
