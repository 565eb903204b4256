package list

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/aikv/aikv/datastructs"
)

// TestPoolClasses checks which capacities are recycled: exactly the Go
// size classes from minPooled to maxPooled, and that newBuf returns the
// length and capacity asked for, recycled or not.
func TestPoolClasses(t *testing.T) {
	for c := 1; c <= maxPooled+9000; c++ {
		class := int(datastructs.AllocSize(c)) == c
		want := class && c >= minPooled && c <= maxPooled
		if got := poolOf(c) != nil; got != want {
			t.Fatalf("poolOf(%d) recycled = %v, want %v", c, got, want)
		}
	}
	for _, c := range []int{8, 16, 24, 48, 1280, 8192, 9472, maxPooled, maxPooled + 8192} {
		for range 3 {
			b := newBuf(c/2, c)
			if len(b) != c/2 || cap(b) != c {
				t.Fatalf("newBuf(%d, %d): len %d cap %d", c/2, c, len(b), cap(b))
			}
			freeBuf(b)
		}
	}
}

// TestRecycledBuffersStayPrivate runs random operations on several lists
// at once, so that the buffers one list lets go of are taken up by the
// others, against slice models. Every list is checked in full every few
// steps: a buffer recycled while its node still used it would show as
// another list's bytes. Element sizes straddle the recycled range (tiny
// nodes below minPooled, single elements whose node buffer lands just
// below or just above maxPooled), and every element is distinct.
func TestRecycledBuffersStayPrivate(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	const nlists = 5
	lists := make([]*List, nlists)
	models := make([][]string, nlists)
	for i := range lists {
		lists[i] = New()
	}
	serial := 0
	val := func() string {
		serial++
		tag := fmt.Sprintf("<%d>", serial)
		var size int
		switch r := rng.IntN(100); {
		case r < 40:
			size = rng.IntN(12)
		case r < 85:
			size = rng.IntN(200)
		case r < 95:
			size = 1000 + rng.IntN(3000)
		default:
			// A node of its own whose buffer is near maxPooled:
			// entrySize adds 6 bytes of lengths at this size.
			size = maxPooled - 64 + rng.IntN(128)
		}
		if size < len(tag) {
			return tag[:size]
		}
		return tag + strings.Repeat(string(rune('a'+serial%26)), size-len(tag))
	}
	for step := 0; step < 4000; step++ {
		k := rng.IntN(nlists)
		l, model := lists[k], models[k]
		switch op := rng.IntN(100); {
		case op < 20:
			s := val()
			l.PushBack(s)
			model = append(model, s)
		case op < 35:
			s := val()
			l.PushFront(s)
			model = slices.Insert(model, 0, s)
		case op < 50:
			front := rng.IntN(2) == 0
			var elems [][]byte
			for n := 1 + rng.IntN(20); n > 0; n-- {
				elems = append(elems, []byte(val()))
			}
			l.PushAll(front, elems)
			for _, e := range elems {
				if front {
					model = slices.Insert(model, 0, string(e))
				} else {
					model = append(model, string(e))
				}
			}
		case op < 58:
			if s, ok := l.PopFront(); ok {
				if s != model[0] {
					t.Fatalf("step %d list %d: PopFront = %.20q, want %.20q", step, k, s, model[0])
				}
				model = model[1:]
			}
		case op < 66:
			if s, ok := l.PopBack(); ok {
				if s != model[len(model)-1] {
					t.Fatalf("step %d list %d: PopBack = %.20q, want %.20q", step, k, s, model[len(model)-1])
				}
				model = model[:len(model)-1]
			}
		case op < 76:
			i := rng.IntN(len(model) + 1)
			s := val()
			l.Insert(i, s)
			model = slices.Insert(model, i, s)
		case op < 84:
			if len(model) > 0 {
				i := rng.IntN(len(model))
				s := val()
				l.Set(i, s)
				model[i] = s
			}
		case op < 92:
			if len(model) > 0 {
				s := model[rng.IntN(len(model))]
				count := int64(rng.IntN(3) - 1)
				if n, m := l.Remove(s, count), modelRemove(&model, s, count); n != m {
					t.Fatalf("step %d list %d: Remove = %d, want %d", step, k, n, m)
				}
			}
		default:
			left, right := rng.IntN(len(model)/4+2), rng.IntN(len(model)/4+2)
			l.Trim(left, right)
			if left+right >= len(model) {
				model = model[:0]
			} else {
				model = model[left : len(model)-right]
			}
		}
		models[k] = model
		if step%40 == 0 || step == 3999 {
			for j := range lists {
				checkNodes(t, lists[j])
				checkInvariants(t, lists[j], models[j])
			}
		}
	}
}

// TestPushAllRecyclesBuffers checks that building lists by many small
// pushes does not allocate a new buffer per push: ten ten-element pushes
// of ten-byte elements grow a node through ten size classes, about 7 KB
// of buffers without recycling, and should cost little more than the
// final 1.3 KB buffer and the headers with it.
func TestPushAllRecyclesBuffers(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop entries at random")
	}
	elems := make([][]byte, 10)
	for i := range elems {
		elems[i] = []byte(fmt.Sprintf("e:%08d", i))
	}
	const n = 2000
	keep := make([]*List, 0, n)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range n {
		l := New()
		for range 10 {
			l.PushAll(false, elems)
		}
		keep = append(keep, l)
	}
	runtime.ReadMemStats(&after)
	perList := float64(after.TotalAlloc-before.TotalAlloc) / n
	final := float64(keep[0].Size())
	t.Logf("%.0f bytes allocated per list of size %.0f", perList, final)
	// Half the unrecycled cost: generous enough for the pool's
	// occasional miss (a collection emptying it, a goroutine moving
	// between Ps), far below what allocating every buffer costs.
	if limit := 2.5 * final; perList > limit {
		t.Fatalf("building a list allocated %.0f bytes, want at most %.0f (the list's size is %.0f)", perList, limit, final)
	}
}
