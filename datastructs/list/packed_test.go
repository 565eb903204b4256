package list

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// checkNodes verifies the packed layout: every node holds 1..NodeCap
// entries, at most NodeBytes of them unless it holds a single entry, and
// the entries parse both ways to the node's count.
func checkNodes(t *testing.T, l *List) {
	t.Helper()
	for i := 0; i < l.nodes.len(); i++ {
		nd := l.nodes.at(i)
		if nd.n < 1 || nd.n > NodeCap || nd.size() > NodeBytes && nd.n != 1 {
			t.Fatalf("node %d: %d entries, %d bytes", i, nd.n, nd.size())
		}
		fwd := 0
		for p := int(nd.lo); p < len(nd.buf); fwd++ {
			_, _, p = readFwd(nd.buf, p)
		}
		back := 0
		for p := len(nd.buf); p > int(nd.lo); back++ {
			p, _, _ = readBack(nd.buf, p)
		}
		if fwd != int(nd.n) || back != int(nd.n) {
			t.Fatalf("node %d: count %d, forward walk %d, backward walk %d", i, nd.n, fwd, back)
		}
	}
}

// TestPackedAgainstSlice runs random operations with elements of every
// size class of the encoding (empty, one-byte and multi-byte lengths,
// larger than a node) against a slice model, checking contents, both
// iteration directions from random starting points and the node layout;
// popped strings are kept and checked at the end (they must be copies,
// not views of reused node memory).
func TestPackedAgainstSlice(t *testing.T) {
	for seed := uint64(1); seed <= 12; seed++ {
		rng := rand.New(rand.NewPCG(seed, 99))
		l := New()
		var model []string
		type kept struct{ got, want string }
		var popped []kept
		val := func() string {
			c := byte('a' + rng.IntN(26))
			switch r := rng.IntN(100); {
			case r < 50:
				return strings.Repeat(string(c), rng.IntN(4))
			case r < 90:
				return strings.Repeat(string(c), rng.IntN(300))
			case r < 99:
				return strings.Repeat(string(c), 1000+rng.IntN(3000))
			default:
				return strings.Repeat(string(c), NodeBytes+rng.IntN(100))
			}
		}
		for step := 0; step < 1500; step++ {
			switch op := rng.IntN(100); {
			case op < 25:
				s := val()
				l.PushBack(s)
				model = append(model, s)
			case op < 45:
				s := val()
				l.PushFront(s)
				model = slices.Insert(model, 0, s)
			case op < 55:
				s, ok := l.PopFront()
				if ok != (len(model) > 0) || ok && s != model[0] {
					t.Fatalf("seed %d step %d: PopFront len %d ok %v", seed, step, len(s), ok)
				}
				if ok {
					popped = append(popped, kept{s, strings.Clone(s)})
					model = model[1:]
				}
			case op < 65:
				s, ok := l.PopBack()
				if ok != (len(model) > 0) || ok && s != model[len(model)-1] {
					t.Fatalf("seed %d step %d: PopBack len %d ok %v", seed, step, len(s), ok)
				}
				if ok {
					popped = append(popped, kept{s, strings.Clone(s)})
					model = model[:len(model)-1]
				}
			case op < 75:
				i := rng.IntN(len(model) + 1)
				s := val()
				l.Insert(i, s)
				model = slices.Insert(model, i, s)
			case op < 82:
				if len(model) > 0 {
					i := rng.IntN(len(model))
					s := val()
					l.Set(i, s)
					model[i] = s
				}
			case op < 87:
				s := val()
				if len(model) > 0 && rng.IntN(2) == 0 {
					s = model[rng.IntN(len(model))]
				}
				count := int64(rng.IntN(7) - 3)
				if n, m := l.Remove(s, count), modelRemove(&model, s, count); n != m {
					t.Fatalf("seed %d step %d: Remove = %d, want %d", seed, step, n, m)
				}
			case op < 89:
				left, right := rng.IntN(len(model)/3+2), rng.IntN(len(model)/3+2)
				l.Trim(left, right)
				if left+right >= len(model) {
					model = model[:0]
				} else {
					model = model[left : len(model)-right]
				}
			default:
				if len(model) == 0 {
					continue
				}
				from := rng.IntN(len(model))
				want := from
				l.Ascend(from, func(i int, s string) bool {
					if i != want || s != model[i] {
						t.Fatalf("seed %d step %d: Ascend(%d) at %d gave index %d", seed, step, from, want, i)
					}
					want++
					return rng.IntN(50) != 0
				})
				want = from
				l.Descend(from, func(i int, s string) bool {
					if i != want || s != model[i] {
						t.Fatalf("seed %d step %d: Descend(%d) at %d gave index %d", seed, step, from, want, i)
					}
					want--
					return rng.IntN(50) != 0
				})
			}
			if l.Len() != len(model) {
				t.Fatalf("seed %d step %d: Len %d, want %d", seed, step, l.Len(), len(model))
			}
			if step%50 == 0 {
				checkNodes(t, l)
				checkInvariants(t, l, model)
			}
		}
		checkNodes(t, l)
		checkInvariants(t, l, model)
		for i, p := range popped {
			if p.got != p.want {
				t.Fatalf("seed %d: popped string %d changed", seed, i)
			}
		}
	}
}

// TestNodeBoundaries checks where a new node starts: after NodeCap
// elements, or when the next element would take a node past NodeBytes.
func TestNodeBoundaries(t *testing.T) {
	l := New()
	for i := 0; i < NodeCap; i++ {
		l.PushBack("x")
	}
	if l.nodes.len() != 1 {
		t.Fatalf("%d small elements in %d nodes", NodeCap, l.nodes.len())
	}
	l.PushBack("x")
	if l.nodes.len() != 2 {
		t.Fatalf("element %d did not start a node", NodeCap+1)
	}
	l = New()
	big := strings.Repeat("b", 1000) // 1004 bytes encoded
	for i := 0; i < 8; i++ {
		l.PushFront(big)
	}
	if l.nodes.len() != 1 {
		t.Fatalf("8 KB of entries in %d nodes", l.nodes.len())
	}
	l.PushFront(big)
	if l.nodes.len() != 2 || l.nodes.at(0).n != 1 {
		t.Fatalf("9th 1 KB element: %d nodes", l.nodes.len())
	}
	l.PushBack(strings.Repeat("h", 3*NodeBytes))
	if l.nodes.len() != 3 {
		t.Fatalf("huge element shares a node")
	}
	checkNodes(t, l)
}

// TestEncodingLengths round-trips the entry encoding for lengths around
// the uvarint byte boundaries.
func TestEncodingLengths(t *testing.T) {
	for _, n := range []int{0, 1, 127, 128, 129, 16383, 16384, 16385, 1 << 21} {
		s := strings.Repeat("z", n)
		b := make([]byte, entrySize(n)+2)
		putEntry(b[1:], s)
		at, m, end := readFwd(b, 1)
		if m != n || end != 1+entrySize(n) || view(b, at, m) != s {
			t.Fatalf("forward %d: len %d end %d", n, m, end)
		}
		start, at, m := readBack(b, end)
		if start != 1 || m != n || view(b, at, m) != s {
			t.Fatalf("backward %d: start %d len %d", n, start, m)
		}
	}
}

// TestPushAll checks PushAll against element-by-element pushes, across
// node boundaries and with elements larger than a node, and that it
// copies its arguments.
func TestPushAll(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for round := 0; round < 200; round++ {
		a, b := New(), New()
		for k := 0; k < 6; k++ {
			front := rng.IntN(2) == 0
			var elems [][]byte
			for n := rng.IntN(300); n > 0; n-- {
				size := rng.IntN(40)
				if rng.IntN(50) == 0 {
					size = rng.IntN(2 * NodeBytes)
				}
				elems = append(elems, []byte(strings.Repeat(string(rune('a'+rng.IntN(26))), size)))
			}
			a.PushAll(front, elems)
			for _, e := range elems {
				if front {
					b.PushFront(string(e))
				} else {
					b.PushBack(string(e))
				}
			}
			for _, e := range elems {
				for i := range e {
					e[i] = '!'
				}
			}
			want := contents(b)
			checkNodes(t, a)
			checkInvariants(t, a, want)
		}
	}
}
