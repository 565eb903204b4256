package list

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unsafe"

	"github.com/aikv/aikv/datastructs"
)

// TestSizeTracksElements checks the running count of node buffers against
// a recount after every kind of mutation.
func TestSizeTracksElements(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	l := New()
	check := func(op string) {
		t.Helper()
		var want, data int64
		for i := 0; i < l.nodes.len(); i++ {
			want += datastructs.AllocSize(cap(l.nodes.at(i).buf))
		}
		l.Ascend(0, func(_ int, s string) bool {
			data += int64(len(s))
			return true
		})
		if l.alloc != want {
			t.Fatalf("after %s: alloc %d, recount %d", op, l.alloc, want)
		}
		if l.Size() < data {
			t.Fatalf("after %s: Size %d below the elements alone (%d)", op, l.Size(), data)
		}
	}
	elem := func() string { return strings.Repeat("x", rnd.IntN(40)) }
	for i := 0; i < 5000; i++ {
		switch op := rnd.IntN(8); op {
		case 0, 1:
			l.PushBack(elem())
			check("PushBack")
		case 2:
			l.PushFront(elem())
			check("PushFront")
		case 3:
			l.PopFront()
			l.PopBack()
			check("Pop")
		case 4:
			if l.Len() > 0 {
				l.Set(rnd.IntN(l.Len()), elem())
				check("Set")
			}
		case 5:
			l.Insert(rnd.IntN(l.Len()+1), elem())
			check("Insert")
		case 6:
			l.Remove(strings.Repeat("x", rnd.IntN(40)), int64(rnd.IntN(5)-2))
			check("Remove")
		case 7:
			if rnd.IntN(20) == 0 {
				l.Trim(rnd.IntN(30), rnd.IntN(30))
				check("Trim")
			}
		}
	}
	c := l.Copy().(*List)
	if c.Size() > l.Size() {
		t.Fatalf("copy Size %d above the original's %d", c.Size(), l.Size())
	}
	l.Trim(l.Len(), 0)
	check("Trim all")
}

// TestHeaderSizes guards the per-list and per-node overhead: a list's
// header fits the 48-byte size class, a node header 32 bytes, and a
// one-node list's node index is a single pointer.
func TestHeaderSizes(t *testing.T) {
	if got := datastructs.AllocSize(int(unsafe.Sizeof(List{}))); got > 48 {
		t.Errorf("List header takes %d bytes, want at most 48", got)
	}
	if got := datastructs.AllocSize(int(unsafe.Sizeof(node{}))); got > 32 {
		t.Errorf("node header takes %d bytes, want at most 32", got)
	}
	l := New()
	l.PushAll(false, [][]byte{[]byte("a"), []byte("b")})
	if len(l.nodes.buf) != 1 {
		t.Errorf("one-node list has a node index of %d slots", len(l.nodes.buf))
	}
	if want := int64(48 + 8 + 32 + 8); l.Size() != want {
		t.Errorf("Size of a two-element list = %d, want %d", l.Size(), want)
	}
}
