package list

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aikv/aikv/datastructs"
)

// contents returns copies of the list's elements via Range (the strings
// Range passes view the list's memory).
func contents(l *List) []string {
	out := []string{}
	l.Range(0, l.Len()-1, func(_ int, s string) bool {
		out = append(out, strings.Clone(s))
		return true
	})
	return out
}

// checkInvariants verifies the package invariants and that the list holds
// want.
func checkInvariants(t *testing.T, l *List, want []string) {
	t.Helper()
	total := 0
	for i := 0; i < l.nodes.len(); i++ {
		nd := l.nodes.at(i)
		if nd.n < 1 || nd.n > NodeCap {
			t.Fatalf("node %d has %d elements", i, nd.n)
		}
		total += int(nd.n)
	}
	if total != l.length {
		t.Fatalf("node lengths sum to %d, length is %d", total, l.length)
	}
	if l.Len() != len(want) {
		t.Fatalf("Len = %d, want %d", l.Len(), len(want))
	}
	if got := contents(l); !slices.Equal(got, want) {
		t.Fatalf("contents differ:\n got %v\nwant %v", got, want)
	}
	for i := range want {
		if s, ok := l.Index(i); !ok || s != want[i] {
			t.Fatalf("Index(%d) = %q, %v; want %q", i, s, ok, want[i])
		}
	}
}

func TestValueInterfaces(t *testing.T) {
	l := New()
	var v datastructs.Value = l
	if v.Type() != datastructs.TypeList {
		t.Fatalf("Type = %v", v.Type())
	}
	if e, ok := v.(datastructs.Encoder); !ok || e.Encoding() != "quicklist" {
		t.Fatal("want Encoder reporting quicklist")
	}
	if _, ok := v.(datastructs.Copier); !ok {
		t.Fatal("want Copier")
	}
}

func TestPushPopBothEnds(t *testing.T) {
	l := New()
	if _, ok := l.PopFront(); ok {
		t.Fatal("PopFront on empty list succeeded")
	}
	if _, ok := l.PopBack(); ok {
		t.Fatal("PopBack on empty list succeeded")
	}
	var want []string
	for i := 0; i < 1000; i++ {
		s := strconv.Itoa(i)
		if i%2 == 0 {
			l.PushBack(s)
			want = append(want, s)
		} else {
			l.PushFront(s)
			want = append([]string{s}, want...)
		}
	}
	checkInvariants(t, l, want)
	for len(want) > 0 {
		s, ok := l.PopFront()
		if !ok || s != want[0] {
			t.Fatalf("PopFront = %q, %v; want %q", s, ok, want[0])
		}
		want = want[1:]
		if len(want) == 0 {
			break
		}
		s, ok = l.PopBack()
		if !ok || s != want[len(want)-1] {
			t.Fatalf("PopBack = %q, %v; want %q", s, ok, want[len(want)-1])
		}
		want = want[:len(want)-1]
	}
	checkInvariants(t, l, nil)
	if l.nodes.len() != 0 {
		t.Fatalf("empty list keeps %d nodes", l.nodes.len())
	}
}

func TestIndexSetOutOfRange(t *testing.T) {
	l := New()
	l.PushBack("a")
	for _, i := range []int{-1, 1, 100} {
		if _, ok := l.Index(i); ok {
			t.Errorf("Index(%d) ok", i)
		}
		if l.Set(i, "x") {
			t.Errorf("Set(%d) ok", i)
		}
	}
	if !l.Set(0, "b") {
		t.Fatal("Set(0) failed")
	}
	checkInvariants(t, l, []string{"b"})
}

func TestInsertSplitsFullNodes(t *testing.T) {
	l := New()
	var want []string
	for i := 0; i < 3*NodeCap; i++ {
		l.PushBack(strconv.Itoa(i))
		want = append(want, strconv.Itoa(i))
	}
	// Insert in the middle of full nodes, at node boundaries and at ends.
	for _, i := range []int{NodeCap / 2, NodeCap, NodeCap + 1, 0, len(want), 2*NodeCap - 1, 5} {
		s := fmt.Sprintf("ins%d", i)
		l.Insert(i, s)
		want = slices.Insert(want, i, s)
		checkInvariants(t, l, want)
	}
}

func TestRemove(t *testing.T) {
	mk := func(s ...string) *List {
		l := New()
		for _, e := range s {
			l.PushBack(e)
		}
		return l
	}
	tests := []struct {
		count int64
		n     int
		want  []string
	}{
		{0, 3, []string{"b", "c"}},
		{1, 1, []string{"b", "a", "c", "a"}},
		{2, 2, []string{"b", "c", "a"}},
		{-1, 1, []string{"a", "b", "a", "c"}},
		{-2, 2, []string{"a", "b", "c"}},
		{100, 3, []string{"b", "c"}},
		{math.MinInt64, 3, []string{"b", "c"}},
	}
	for _, tt := range tests {
		t.Run(strconv.FormatInt(tt.count, 10), func(t *testing.T) {
			l := mk("a", "b", "a", "c", "a")
			if n := l.Remove("a", tt.count); n != tt.n {
				t.Fatalf("removed %d, want %d", n, tt.n)
			}
			checkInvariants(t, l, tt.want)
		})
	}
}

func TestTrim(t *testing.T) {
	l := New()
	var want []string
	for i := 0; i < 5*NodeCap+7; i++ {
		l.PushBack(strconv.Itoa(i))
		want = append(want, strconv.Itoa(i))
	}
	l.Trim(NodeCap+3, 2*NodeCap+1)
	want = want[NodeCap+3 : len(want)-(2*NodeCap+1)]
	checkInvariants(t, l, want)
	l.Trim(l.Len()+10, 0)
	checkInvariants(t, l, nil)
}

func TestAscendDescend(t *testing.T) {
	l := New()
	for i := 0; i < 300; i++ {
		l.PushBack(strconv.Itoa(i))
	}
	var got []int
	l.Descend(250, func(i int, s string) bool {
		if s != strconv.Itoa(i) {
			t.Fatalf("Descend gave %q at %d", s, i)
		}
		got = append(got, i)
		return i > 3
	})
	if len(got) != 248 || got[0] != 250 || got[len(got)-1] != 3 {
		t.Fatalf("Descend visited %d..%d (%d)", got[0], got[len(got)-1], len(got))
	}
	got = got[:0]
	l.Ascend(140, func(i int, s string) bool {
		if s != strconv.Itoa(i) {
			t.Fatalf("Ascend gave %q at %d", s, i)
		}
		got = append(got, i)
		return true
	})
	if len(got) != 160 || got[0] != 140 || got[len(got)-1] != 299 {
		t.Fatalf("Ascend visited %d..%d (%d)", got[0], got[len(got)-1], len(got))
	}
	got = got[:0]
	l.Range(10, 12, func(i int, _ string) bool { got = append(got, i); return true })
	if !slices.Equal(got, []int{10, 11, 12}) {
		t.Fatalf("Range(10,12) visited %v", got)
	}
}

func TestCopyIsDeep(t *testing.T) {
	l := New()
	for i := 0; i < 500; i++ {
		l.PushBack(strconv.Itoa(i))
	}
	c := l.Copy().(*List)
	want := contents(l)
	l.Set(0, "changed")
	l.PopBack()
	l.Insert(200, "new")
	checkInvariants(t, c, want)
}

// TestRandomAgainstSlice runs random operations on a List and on a plain
// slice and checks they agree after every step.
func TestRandomAgainstSlice(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		l := New()
		var model []string
		// Few distinct values so Remove finds matches.
		val := func() string { return strconv.Itoa(rng.IntN(12)) }
		steps := 3000
		for step := 0; step < steps; step++ {
			switch op := rng.IntN(100); {
			case op < 25:
				s := val()
				l.PushBack(s)
				model = append(model, s)
			case op < 45:
				s := val()
				l.PushFront(s)
				model = append([]string{s}, model...)
			case op < 55:
				s, ok := l.PopFront()
				if ok != (len(model) > 0) || (ok && s != model[0]) {
					t.Fatalf("seed %d step %d: PopFront = %q, %v", seed, step, s, ok)
				}
				if ok {
					model = model[1:]
				}
			case op < 65:
				s, ok := l.PopBack()
				if ok != (len(model) > 0) || (ok && s != model[len(model)-1]) {
					t.Fatalf("seed %d step %d: PopBack = %q, %v", seed, step, s, ok)
				}
				if ok {
					model = model[:len(model)-1]
				}
			case op < 78:
				i := rng.IntN(len(model) + 1)
				s := val()
				l.Insert(i, s)
				model = slices.Insert(model, i, s)
			case op < 85:
				if len(model) > 0 {
					i := rng.IntN(len(model))
					s := val()
					l.Set(i, s)
					model[i] = s
				}
			case op < 90:
				s := val()
				count := int64(rng.IntN(7) - 3)
				n := l.Remove(s, count)
				m := modelRemove(&model, s, count)
				if n != m {
					t.Fatalf("seed %d step %d: Remove(%q, %d) = %d, want %d", seed, step, s, count, n, m)
				}
			case op < 92:
				left, right := rng.IntN(len(model)/4+2), rng.IntN(len(model)/4+2)
				l.Trim(left, right)
				if left+right >= len(model) {
					model = model[:0]
				} else {
					model = model[left : len(model)-right]
				}
			default:
				if len(model) > 0 {
					i := rng.IntN(len(model))
					if s, ok := l.Index(i); !ok || s != model[i] {
						t.Fatalf("seed %d step %d: Index(%d) = %q, want %q", seed, step, i, s, model[i])
					}
				}
			}
			if step%97 == 0 || step == steps-1 {
				checkInvariants(t, l, model)
			}
		}
	}
}

// modelRemove is LREM on a slice.
func modelRemove(model *[]string, s string, count int64) int {
	m := *model
	removed := 0
	if count >= 0 {
		out := m[:0:0]
		for _, v := range m {
			if v == s && (count == 0 || int64(removed) < count) {
				removed++
				continue
			}
			out = append(out, v)
		}
		*model = out
		return removed
	}
	var keep []string
	for i := len(m) - 1; i >= 0; i-- {
		if m[i] == s && int64(removed) < -count {
			removed++
			continue
		}
		keep = append(keep, m[i])
	}
	slices.Reverse(keep)
	*model = keep
	return removed
}

// TestRemoveCompactsNodes checks that thinning a long list merges its
// nodes, so index walks stay proportional to the remaining length.
func TestRemoveCompactsNodes(t *testing.T) {
	l := New()
	var want []string
	for i := 0; i < 100*NodeCap; i++ {
		s := "x"
		if i%NodeCap == 0 {
			s = "keep" + strconv.Itoa(i)
			want = append(want, s)
		}
		l.PushBack(s)
	}
	l.Remove("x", 0)
	checkInvariants(t, l, want)
	for i := 0; i+1 < l.nodes.len(); i++ {
		if a, b := l.nodes.at(i).n, l.nodes.at(i+1).n; a+b <= NodeCap/2 {
			t.Fatalf("nodes %d and %d hold %d+%d elements and were not merged", i, i+1, a, b)
		}
	}
	if l.nodes.len() > 2 {
		t.Fatalf("100 elements left in %d nodes", l.nodes.len())
	}
}
