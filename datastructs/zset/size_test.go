package zset

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/aikv/aikv/datastructs"
)

// TestSizeTracksMembers checks the running byte count against a recount.
func TestSizeTracksMembers(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 8))
	z := NewSkiplist()
	check := func(op string) {
		t.Helper()
		var want int64
		z.Range(0, z.Len()-1, false, func(m string, _ float64) bool {
			want += datastructs.AllocSize(len(m))
			return true
		})
		if z.sk.bytes != want {
			t.Fatalf("after %s: bytes %d, recount %d", op, z.sk.bytes, want)
		}
	}
	for i := 0; i < 3000; i++ {
		m := "member" + strconv.Itoa(rnd.IntN(500))
		switch rnd.IntN(5) {
		case 0:
			z.Remove(m)
			check("Remove")
		case 1:
			if z.Len() > 0 {
				a := rnd.IntN(z.Len())
				z.DeleteRange(a, a+rnd.IntN(3))
				check("DeleteRange")
			}
		default:
			z.Set(m, float64(rnd.IntN(100)))
			check("Set")
		}
	}
	if c := z.Copy().(*ZSet); c.sk.bytes != z.sk.bytes {
		t.Fatalf("copy bytes %d, want %d", c.sk.bytes, z.sk.bytes)
	}
}
