package set

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/aikv/aikv/datastructs"
)

// TestSizeTracksMembers checks the running byte count against a recount,
// across the intset to hashtable conversion.
func TestSizeTracksMembers(t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 6))
	s := New()
	check := func(op string) {
		t.Helper()
		var want int64
		if !s.IsIntset() {
			s.Range(func(m string) bool {
				want += datastructs.AllocSize(len(m))
				return true
			})
		}
		if s.bytes != want {
			t.Fatalf("after %s (%s): bytes %d, recount %d", op, s.Encoding(), s.bytes, want)
		}
	}
	for i := 0; i < 3000; i++ {
		m := strconv.Itoa(rnd.IntN(1000))
		if i > 1500 && rnd.IntN(4) == 0 {
			m = "m" + m
		}
		switch rnd.IntN(4) {
		case 0:
			s.Remove([]byte(m))
			check("Remove")
		case 1:
			if s.Len() > 0 {
				s.Pop(rnd)
				check("Pop")
			}
		case 2:
			s.AddString(m)
			check("AddString")
		default:
			s.Add([]byte(m))
			check("Add")
		}
	}
	if s.IsIntset() {
		t.Fatal("test never converted")
	}
	if c := s.Copy().(*Set); c.bytes != s.bytes {
		t.Fatalf("copy bytes %d, want %d", c.bytes, s.bytes)
	}
}
