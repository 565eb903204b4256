package zset

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"unsafe"
)

// ref is the reference the B-tree is checked against: a sorted slice.
type ref []elem

func elemLess(a, b elem) bool { return cmpLess(a.s, a.m, b.s, b.m) }

func (r ref) pos(e elem) (int, bool) {
	i, _ := slices.BinarySearchFunc(r, e, func(x, y elem) int {
		if elemLess(x, y) {
			return -1
		}
		if elemLess(y, x) {
			return 1
		}
		return 0
	})
	return i, i < len(r) && r[i] == e
}

// checkTree verifies every structural invariant of t and that it holds
// exactly the elements of want, in order.
func checkTree(t *testing.T, bt *btree, want ref) {
	t.Helper()
	if bt.length != len(want) {
		t.Fatalf("length %d, want %d", bt.length, len(want))
	}
	var leaves []*leaf
	var nodes int64
	var walk func(p unsafe.Pointer, h int, root bool) (count int, fs float64, fm string)
	walk = func(p unsafe.Pointer, h int, root bool) (int, float64, string) {
		if h == 0 {
			l := (*leaf)(p)
			nodes += leafBytes
			if l.n > bt.maxLeaf || (!root && l.n < 1) {
				t.Fatalf("leaf with %d elements (max %d)", l.n, bt.maxLeaf)
			}
			for i := l.n; i < leafCap; i++ {
				if l.members[i] != "" {
					t.Fatalf("leaf keeps a member in free slot %d", i)
				}
			}
			leaves = append(leaves, l)
			if l.n == 0 {
				return 0, 0, ""
			}
			return l.n, l.scores[0], l.members[0]
		}
		x := (*inner)(p)
		nodes += innerBytes
		if x.n > bt.maxInner || x.n < 2 {
			t.Fatalf("inner node with %d children (max %d)", x.n, bt.maxInner)
		}
		if x.members[0] != "" {
			t.Fatal("inner slot 0 keeps a member")
		}
		for i := x.n; i < innerCap; i++ {
			if x.members[i] != "" || x.kids[i] != nil {
				t.Fatalf("inner node keeps a member or child in free slot %d", i)
			}
		}
		total := 0
		var fs float64
		var fm string
		for j := 0; j < x.n; j++ {
			c, s, m := walk(x.kids[j], h-1, false)
			if c != x.counts[j] {
				t.Fatalf("height %d child %d: count %d, subtree has %d", h, j, x.counts[j], c)
			}
			if j == 0 {
				fs, fm = s, m
			} else if x.scores[j] != s || x.members[j] != m {
				t.Fatalf("height %d child %d: separator (%v,%q), first element (%v,%q)", h, j, x.scores[j], x.members[j], s, m)
			}
			total += c
		}
		return total, fs, fm
	}
	if c, _, _ := walk(bt.root, bt.height, true); c != len(want) {
		t.Fatalf("tree holds %d elements, length %d", c, len(want))
	}
	if nodes != bt.bytes {
		t.Fatalf("bytes %d, nodes take %d", bt.bytes, nodes)
	}
	if bt.head != leaves[0] || bt.tail != leaves[len(leaves)-1] || leaves[0].prev != nil || leaves[len(leaves)-1].next != nil {
		t.Fatal("head or tail wrong")
	}
	for i := 1; i < len(leaves); i++ {
		if leaves[i-1].next != leaves[i] || leaves[i].prev != leaves[i-1] {
			t.Fatalf("leaf links broken at %d", i)
		}
	}
	i := 0
	for c := bt.first(); c.valid(); c.next() {
		m, s := c.get()
		if i >= len(want) || want[i] != (elem{m, s}) {
			t.Fatalf("element %d is (%v,%q), want %v", i, s, m, want[min(i, len(want)-1)])
		}
		i++
	}
	if i != len(want) {
		t.Fatalf("forward iteration gave %d elements, want %d", i, len(want))
	}
	for c := bt.last(); c.valid(); c.prev() {
		i--
		if m, s := c.get(); want[i] != (elem{m, s}) {
			t.Fatalf("backward: element %d is (%v,%q), want %v", i, s, m, want[i])
		}
	}
}

// TestBtreeAgainstSortedSlice runs random operations on trees with small
// node capacities (so that nodes split and merge at every level of deep
// trees) and on the real capacities, checking against a sorted slice.
func TestBtreeAgainstSortedSlice(t *testing.T) {
	caps := []struct{ leaf, inner int }{{2, 4}, {3, 5}, {4, 4}, {5, 7}, {8, 6}, {leafCap, innerCap}}
	for ci, cp := range caps {
		t.Run(fmt.Sprintf("leaf%d-inner%d", cp.leaf, cp.inner), func(t *testing.T) {
			rnd := rand.New(rand.NewPCG(uint64(ci), 42))
			var bt btree
			bt.initCaps(cp.leaf, cp.inner)
			var want ref
			universe := 4000
			if cp.leaf == leafCap {
				universe = 6000
			}
			maxHeight, maxLen := 0, 0
			steps := 30000
			if testing.Short() {
				steps = 8000
			}
			for step := 0; step < steps; step++ {
				// Grow, then shrink, then grow again.
				growing := (step/(steps/4))%2 == 0
				e := elem{"m" + strconv.Itoa(rnd.IntN(universe)), float64(rnd.IntN(universe / 8))}
				idx := slices.IndexFunc(want, func(x elem) bool { return x.m == e.m })
				switch op := rnd.IntN(20); {
				case op < 8 && (growing || op < 3):
					if idx >= 0 {
						// updateScore with a member in a buffer the caller
						// then overwrites: the tree keeps its own string.
						// Or with the stored string itself (leaf.find's
						// identity path).
						buf := []byte(e.m)
						old := want[idx]
						if rnd.IntN(2) == 0 {
							bt.updateScore(old.s, unsafe.String(&buf[0], len(buf)), e.s)
						} else {
							bt.updateScore(old.s, old.m, e.s)
						}
						for i := range buf {
							buf[i] = '#'
						}
						want = slices.Delete(want, idx, idx+1)
					} else {
						bt.insert(e.s, e.m)
					}
					i, _ := want.pos(e)
					want = slices.Insert(want, i, e)
				case op < 14:
					if idx < 0 {
						if bt.delete(e.s, e.m) {
							t.Fatalf("delete of absent %v reported true", e)
						}
						break
					}
					m := e.m // equal bytes, or the stored string
					if rnd.IntN(2) == 0 {
						m = want[idx].m
					}
					if !bt.delete(want[idx].s, m) {
						t.Fatalf("delete of %v reported false", want[idx])
					}
					want = slices.Delete(want, idx, idx+1)
				case op < 15:
					if len(want) == 0 {
						break
					}
					a := rnd.IntN(len(want))
					b := min(a+rnd.IntN(3), len(want)-1)
					if !growing {
						b = min(a+rnd.IntN(3*cp.leaf+3), len(want)-1)
					}
					if !growing && rnd.IntN(8) == 0 {
						b = min(a+rnd.IntN(len(want)/3+1), len(want)-1)
					}
					var got []string
					n := bt.deleteRangeByRank(a+1, b+1, func(m string) { got = append(got, m) })
					if n != b-a+1 || len(got) != n {
						t.Fatalf("deleteRangeByRank(%d,%d) = %d, %d callbacks", a+1, b+1, n, len(got))
					}
					for i, m := range got {
						if m != want[a+i].m {
							t.Fatalf("deleteRangeByRank callback %d: %q want %q", i, m, want[a+i].m)
						}
					}
					want = slices.Delete(want, a, b+1)
				case op < 17:
					// rank and byRank of a present and an absent element.
					if r := bt.rank(e.s, e.m); r != 0 && (idx < 0 || want[idx] != e) {
						t.Fatalf("rank of absent %v = %d", e, r)
					}
					if len(want) > 0 {
						i := rnd.IntN(len(want))
						if r := bt.rank(want[i].s, want[i].m); r != i+1 {
							t.Fatalf("rank(%v) = %d want %d", want[i], r, i+1)
						}
						c := bt.byRank(i + 1)
						if m, s := c.get(); (elem{m, s}) != want[i] {
							t.Fatalf("byRank(%d) = (%v,%q) want %v", i+1, s, m, want[i])
						}
					}
					if bt.byRank(0).valid() || bt.byRank(len(want)+1).valid() {
						t.Fatal("byRank out of range is valid")
					}
				default:
					// countWhile with a score bound and an element bound.
					lim := float64(rnd.IntN(universe/8+2)) - 1
					got := bt.countWhile(func(s float64, _ string) bool { return s < lim })
					w := 0
					for w < len(want) && want[w].s < lim {
						w++
					}
					if got != w {
						t.Fatalf("countWhile(score < %v) = %d want %d", lim, got, w)
					}
					got = bt.countWhile(func(s float64, m string) bool { return !cmpLess(e.s, e.m, s, m) })
					w, found := want.pos(e)
					if found {
						w++
					}
					if got != w {
						t.Fatalf("countWhile(<= %v) = %d want %d", e, got, w)
					}
				}
				maxHeight, maxLen = max(maxHeight, bt.height), max(maxLen, len(want))
				if step%97 == 0 || len(want) < 20 {
					checkTree(t, &bt, want)
				}
			}
			checkTree(t, &bt, want)
			t.Logf("up to %d elements, height %d", maxLen, maxHeight)
			if cp.leaf < 8 && maxHeight < 4 {
				t.Fatalf("tree never got deeper than %d", maxHeight)
			}
			// Empty it from both ends and the middle: every level merges
			// away.
			for len(want) > 0 {
				var i int
				switch rnd.IntN(3) {
				case 0:
					i = 0
				case 1:
					i = len(want) - 1
				default:
					i = rnd.IntN(len(want))
				}
				if !bt.delete(want[i].s, want[i].m) {
					t.Fatalf("delete %v", want[i])
				}
				want = slices.Delete(want, i, i+1)
				if len(want)%53 == 0 {
					checkTree(t, &bt, want)
				}
			}
			checkTree(t, &bt, want)
			if bt.height != 0 || bt.bytes != leafBytes {
				t.Fatalf("empty tree: height %d, %d bytes", bt.height, bt.bytes)
			}
		})
	}
}

// TestBtreeSortedLoadFillsNodes: ascending and descending inserts leave
// every leaf but the last one inserted full.
func TestBtreeSortedLoadFillsNodes(t *testing.T) {
	const n = 100000
	for _, desc := range []bool{false, true} {
		var bt btree
		bt.init()
		var want ref
		for i := 0; i < n; i++ {
			k := i
			if desc {
				k = n - 1 - i
			}
			bt.insert(float64(k/3), fmt.Sprintf("m%06d", k))
		}
		for i := 0; i < n; i++ {
			want = append(want, elem{fmt.Sprintf("m%06d", i), float64(i / 3)})
		}
		checkTree(t, &bt, want)
		var leaves int64
		for l := bt.head; l != nil; l = l.next {
			leaves++
		}
		if min := int64(n+leafCap-1) / leafCap; leaves > min+1 {
			t.Fatalf("desc=%v: %d leaves for %d elements, %d would do", desc, leaves, n, min)
		}
		// The whole tree within 10% of full leaves.
		if full := (n/leafCap + 1) * leafBytes; bt.bytes > full*11/10 {
			t.Fatalf("desc=%v: %d bytes of nodes, full leaves take %d", desc, bt.bytes, full)
		}
	}
}

// TestBtreeUpdateInLeaf: a score change that keeps the element's place in
// its leaf is made in place, and one that moves it anywhere else is not
// (checked against the reference either way).
func TestBtreeUpdateInLeaf(t *testing.T) {
	var bt btree
	bt.init()
	var want ref
	for i := 0; i < 1000; i++ {
		e := elem{fmt.Sprintf("m%04d", i), float64(i * 10)}
		bt.insert(e.s, e.m)
		want = append(want, e)
	}
	rnd := rand.New(rand.NewPCG(3, 4))
	for step := 0; step < 5000; step++ {
		i := rnd.IntN(len(want))
		e := want[i]
		ns := e.s + float64(rnd.IntN(41)-20)
		if rnd.IntN(10) == 0 {
			ns = float64(rnd.IntN(10000))
		}
		if ns == e.s {
			continue
		}
		bt.updateScore(e.s, e.m, ns)
		want = slices.Delete(want, i, i+1)
		e.s = ns
		j, _ := want.pos(e)
		want = slices.Insert(want, j, e)
		if step%50 == 0 {
			checkTree(t, &bt, want)
		}
	}
	checkTree(t, &bt, want)
}

// TestNodeSizes: the node capacities fill their allocation size classes.
func TestNodeSizes(t *testing.T) {
	if s := unsafe.Sizeof(leaf{}); int64(s) > leafBytes || leafBytes-int64(s) >= 24 {
		t.Fatalf("leaf is %d bytes in a %d-byte class", s, leafBytes)
	}
	if s := unsafe.Sizeof(inner{}); int64(s) > innerBytes || innerBytes-int64(s) >= 40 {
		t.Fatalf("inner node is %d bytes in a %d-byte class", s, innerBytes)
	}
}
