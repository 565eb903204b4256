package list

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func elems(l *List) []string {
	var out []string
	l.Ascend(0, func(_ int, s string) bool { out = append(out, strings.Clone(s)); return true })
	return out
}

func TestNodesRoundTrip(t *testing.T) {
	for _, n := range []int{1, 10, NodeCap, 3*NodeCap + 5} {
		src := New()
		for i := 0; i < n; i++ {
			src.PushBack(strings.Repeat("x", i%200))
			if i%3 == 0 {
				src.PushFront(fmt.Sprint(i))
			}
		}
		dst := New()
		nodes := 0
		src.Nodes(func(b []byte) bool {
			if err := dst.AppendNode(bytes.Clone(b)); err != nil {
				t.Fatalf("n=%d: %v", n, err)
			}
			nodes++
			return true
		})
		if !slices.Equal(elems(dst), elems(src)) || dst.Len() != src.Len() || dst.Size() > src.Size() {
			t.Fatalf("n=%d: got %d elements (size %d), want %d (size %d)", n, dst.Len(), dst.Size(), src.Len(), src.Size())
		}
		if n > NodeCap && nodes < 2 {
			t.Fatalf("n=%d: %d nodes", n, nodes)
		}
		// The list works on after adoption.
		dst.PushFront("head")
		dst.PushBack("tail")
		dst.Insert(1, "second")
		if v, _ := dst.Index(1); v != "second" || dst.Len() != src.Len()+3 {
			t.Fatalf("n=%d: after edits: %q len %d", n, v, dst.Len())
		}
	}
}

// TestAppendNodeSplits: entries beyond one node's limits are split into
// nodes that keep them.
func TestAppendNodeSplits(t *testing.T) {
	var b []byte
	var want []string
	for i := 0; i < 2*NodeCap+1; i++ {
		s := fmt.Sprint("e", i)
		e := make([]byte, entrySize(len(s)))
		putEntry(e, s)
		b = append(b, e...)
		want = append(want, s)
	}
	l := New()
	if err := l.AppendNode(b); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(elems(l), want) || l.nodes.len() != 3 {
		t.Fatalf("%d nodes, elements %v", l.nodes.len(), elems(l))
	}
}

func TestAppendNodeRefuses(t *testing.T) {
	cases := map[string][]byte{
		"empty":         {},
		"cut":           {3, 'a', 'b'},
		"no backlen":    {1, 'a'},
		"wrong backlen": {1, 'a', 2},
		"not minimal":   {0x81, 0, 'a', 0x81, 0},
		"bad uvarint":   {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		"huge length":   {0xff, 0xff, 0xff, 0xff, 0x0f, 'a'},
	}
	for name, b := range cases {
		l := New()
		if err := l.AppendNode(b); err == nil || l.Len() != 0 {
			t.Errorf("%s: accepted (%v), len %d", name, err, l.Len())
		}
	}
}

func FuzzAppendNode(f *testing.F) {
	f.Add([]byte{1, 'a', 1, 0, 0, 2, 'b', 'c', 2})
	f.Add([]byte{0x80, 0x01, 0x80, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		l := New()
		if err := l.AppendNode(b); err != nil {
			return
		}
		got := elems(l)
		if len(got) != l.Len() {
			t.Fatalf("%d elements, Len %d", len(got), l.Len())
		}
		var back []string
		l.Descend(l.Len()-1, func(_ int, s string) bool { back = append(back, strings.Clone(s)); return true })
		slices.Reverse(back)
		if !slices.Equal(back, got) {
			t.Fatalf("backwards %q, forwards %q", back, got)
		}
		l.PushFront("x")
		l.PopBack()
		if l.Len() > 0 {
			l.Insert(l.Len()/2, "y")
		}
	})
}
