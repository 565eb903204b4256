package hash

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/aikv/aikv/datastructs"
)

// TestSizeTracksStrings checks the hashtable's running byte count against
// a recount, and that a listpack's size is its one buffer.
func TestSizeTracksStrings(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	h := New()
	check := func(op string) {
		t.Helper()
		var want int64
		h.Range(func(f, v string) bool {
			want += datastructs.AllocSize(len(f)) + datastructs.AllocSize(len(v))
			return true
		})
		if h.ht == nil {
			if got, lp := h.Size(), hashHdr+datastructs.AllocSize(cap(h.lp)); got != lp {
				t.Fatalf("after %s: listpack Size %d, want %d", op, got, lp)
			}
			return
		}
		if h.ht.bytes != want {
			t.Fatalf("after %s (%s): bytes %d, recount %d", op, h.Encoding(), h.ht.bytes, want)
		}
		if h.Size() < want {
			t.Fatalf("Size %d below the strings alone (%d)", h.Size(), want)
		}
	}
	for i := 0; i < 4000; i++ {
		f := []byte("f" + strconv.Itoa(rnd.IntN(700)))
		if rnd.IntN(3) == 0 {
			h.Delete(f)
			check("Delete")
			continue
		}
		h.Set(f, []byte(strings.Repeat("v", rnd.IntN(100))))
		check("Set")
	}
	if h.Encoding() != "hashtable" {
		t.Fatalf("test never converted: %s", h.Encoding())
	}
	if c := h.Copy().(*Hash); c.ht.bytes != h.ht.bytes {
		t.Fatalf("copy bytes %d, want %d", c.ht.bytes, h.ht.bytes)
	}
}
