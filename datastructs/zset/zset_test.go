package zset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
)

type elem struct {
	m string
	s float64
}

// model is a sorted slice the ZSet is checked against.
type model []elem

func (md model) sort() {
	sort.Slice(md, func(i, j int) bool {
		return md[i].s < md[j].s || (md[i].s == md[j].s && md[i].m < md[j].m)
	})
}

func (md model) find(m string) int {
	for i, e := range md {
		if e.m == m {
			return i
		}
	}
	return -1
}

func check(t *testing.T, z *ZSet, md model) {
	t.Helper()
	if z.Len() != len(md) {
		t.Fatalf("Len = %d, want %d", z.Len(), len(md))
	}
	var got model
	z.Range(0, z.Len()-1, false, func(m string, s float64) bool {
		got = append(got, elem{m, s})
		return true
	})
	if fmt.Sprint(got) != fmt.Sprint(md) && !(len(got) == 0 && len(md) == 0) {
		t.Fatalf("Range = %v, want %v", got, md)
	}
	var rev model
	z.Range(0, z.Len()-1, true, func(m string, s float64) bool {
		rev = append(rev, elem{m, s})
		return true
	})
	for i := range rev {
		if rev[i] != md[len(md)-1-i] {
			t.Fatalf("reverse Range differs at %d", i)
		}
	}
	for i, e := range md {
		r, ok := z.Rank(e.m)
		if !ok || r != i {
			t.Fatalf("Rank(%q) = %d,%v want %d", e.m, r, ok, i)
		}
		if m, s := z.At(i); m != e.m || s != e.s {
			t.Fatalf("At(%d) = %q %v want %v", i, m, s, e)
		}
		if s, ok := z.Score(e.m); !ok || s != e.s {
			t.Fatalf("Score(%q) = %v %v", e.m, s, ok)
		}
	}
}

func TestRandomAgainstModel(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	z := New()
	var md model
	for step := 0; step < 20000; step++ {
		m := fmt.Sprintf("m%d", rnd.IntN(300))
		switch op := rnd.IntN(10); {
		case op < 5:
			s := float64(rnd.IntN(50))
			added := z.Set(m, s)
			i := md.find(m)
			if added != (i < 0) {
				t.Fatalf("Set(%q) added=%v", m, added)
			}
			if i < 0 {
				md = append(md, elem{m, s})
			} else {
				md[i].s = s
			}
			md.sort()
		case op < 8:
			removed := z.Remove(m)
			i := md.find(m)
			if removed != (i >= 0) {
				t.Fatalf("Remove(%q) = %v", m, removed)
			}
			if i >= 0 {
				md = append(md[:i], md[i+1:]...)
			}
		case op < 9:
			lo := float64(rnd.IntN(60) - 5)
			hi := lo + float64(rnd.IntN(20))
			minB, maxB := ScoreBound{lo, rnd.IntN(2) == 0}, ScoreBound{hi, rnd.IntN(2) == 0}
			start, stop := z.ScoreRange(minB, maxB)
			ws, we := -1, -2
			for i, e := range md {
				in := (e.s > lo || (!minB.Excl && e.s == lo)) && (e.s < hi || (!maxB.Excl && e.s == hi))
				if in {
					if ws < 0 {
						ws = i
					}
					we = i
				}
			}
			if ws >= 0 && (start != ws || stop != we) || ws < 0 && start <= stop {
				t.Fatalf("ScoreRange(%v,%v) = %d,%d want %d,%d", minB, maxB, start, stop, ws, we)
			}
		default:
			if len(md) == 0 {
				continue
			}
			a, b := rnd.IntN(len(md)), rnd.IntN(len(md))
			if a > b {
				a, b = b, a
			}
			if b-a > 5 {
				b = a + 5
			}
			if n := z.DeleteRange(a, b); n != b-a+1 {
				t.Fatalf("DeleteRange = %d", n)
			}
			md = append(md[:a], md[b+1:]...)
		}
		if step%97 == 0 {
			check(t, z, md)
		}
	}
	check(t, z, md)
	c := z.Copy().(*ZSet)
	check(t, c, md)
	c.Set("new", 1)
	check(t, z, md)
}

func TestLexRange(t *testing.T) {
	z := New()
	for _, m := range []string{"a", "b", "c", "d", "e"} {
		z.Set(m, 0)
	}
	cases := []struct {
		min, max    LexBound
		start, stop int
	}{
		{LexBound{NegInf: true}, LexBound{PosInf: true}, 0, 4},
		{LexBound{Value: "b"}, LexBound{Value: "d"}, 1, 3},
		{LexBound{Value: "b", Excl: true}, LexBound{Value: "d", Excl: true}, 2, 2},
		{LexBound{Value: "bb"}, LexBound{PosInf: true}, 2, 4},
		{LexBound{PosInf: true}, LexBound{PosInf: true}, 5, 4},
		{LexBound{NegInf: true}, LexBound{NegInf: true}, 0, -1},
	}
	for _, tc := range cases {
		s, e := z.LexRange(tc.min, tc.max)
		if s != tc.start || e != tc.stop {
			t.Errorf("LexRange(%+v,%+v) = %d,%d want %d,%d", tc.min, tc.max, s, e, tc.start, tc.stop)
		}
	}
}

func TestEncoding(t *testing.T) {
	z := New()
	for i := 0; i < MaxListpackEntries; i++ {
		z.Set(fmt.Sprint(i), float64(i))
	}
	if z.Encoding() != "listpack" {
		t.Fatalf("encoding %s at %d members", z.Encoding(), z.Len())
	}
	z.Set("x", 1)
	if z.Encoding() != "skiplist" {
		t.Fatal("want skiplist above 128 members")
	}
	z.DeleteRange(0, 100)
	if z.Encoding() != "skiplist" {
		t.Fatal("encoding must not convert back")
	}
	y := New()
	y.Set(strings.Repeat("a", MaxListpackValue), 1)
	if y.Encoding() != "listpack" {
		t.Fatal("64-byte member is still listpack")
	}
	y.Set(strings.Repeat("a", MaxListpackValue+1), 1)
	if y.Encoding() != "skiplist" {
		t.Fatal("65-byte member must convert")
	}
}

func TestScanVisitsAll(t *testing.T) {
	z := New()
	for i := 0; i < 1000; i++ {
		z.Set(fmt.Sprint(i), float64(i))
	}
	seen := map[string]bool{}
	var cur uint64
	for {
		cur = z.Scan(cur, 10, func(m string, s float64) { seen[m] = true })
		if cur == 0 {
			break
		}
	}
	if len(seen) != 1000 {
		t.Fatalf("scan saw %d", len(seen))
	}
}

func TestNewSkiplistCompact(t *testing.T) {
	negZero := math.Copysign(0, -1)
	// A loaded set of more than MaxListpackEntries members keeps -0 and
	// stays a skiplist.
	big := NewSkiplist()
	big.Set("a", negZero)
	for i := 0; i < MaxListpackEntries; i++ {
		big.Set(fmt.Sprintf("m%03d", i), float64(i+1))
	}
	big.Compact()
	if big.Encoding() != "skiplist" {
		t.Fatalf("big set: encoding %s", big.Encoding())
	}
	if s, _ := big.Score("a"); !math.Signbit(s) {
		t.Fatalf("big set lost -0: %v", s)
	}
	// A small one becomes a listpack and, like any listpack, holds no -0.
	small := NewSkiplist()
	small.Set("a", negZero)
	small.Set("b", 1)
	if small.Encoding() != "skiplist" {
		t.Fatalf("before Compact: %s", small.Encoding())
	}
	small.Compact()
	if small.Encoding() != "listpack" {
		t.Fatalf("small set: encoding %s", small.Encoding())
	}
	if s, _ := small.Score("a"); math.Signbit(s) {
		t.Fatal("listpack kept -0 in dict")
	}
	small.Range(0, 1, false, func(m string, s float64) bool {
		if math.Signbit(s) {
			t.Fatalf("listpack kept -0 for %s in the index", m)
		}
		return true
	})
	if r, _ := small.Rank("b"); r != 1 {
		t.Fatalf("rank of b = %d", r)
	}
	// A long member keeps the skiplist encoding.
	long := NewSkiplist()
	long.Set(strings.Repeat("x", MaxListpackValue+1), 1)
	long.Compact()
	if long.Encoding() != "skiplist" {
		t.Fatalf("long member: encoding %s", long.Encoding())
	}
}

// TestFromMembers checks FromMembers against NewSkiplistSized + Set +
// Compact (a table grown one member at a time may be mid-rehash, which
// Size counts):
// same members, scores, order, encoding and size; a repeated member is
// reported.
func TestFromMembers(t *testing.T) {
	for _, n := range []int{1, 10, 128, 129, 1000} {
		var ms []string
		var sc []float64
		for i := 0; i < n; i++ {
			ms = append(ms, fmt.Sprintf("m%d", i))
			sc = append(sc, float64((i*37)%101))
		}
		sc[0] = math.Copysign(0, -1)
		got, dup := FromMembers(append([]string(nil), ms...), sc)
		if got == nil {
			t.Fatalf("n=%d: duplicate %q reported", n, dup)
		}
		want := NewSkiplistSized(n)
		for i, m := range ms {
			want.Set(m, sc[i])
		}
		want.Compact()
		if got.Len() != want.Len() || got.Encoding() != want.Encoding() || got.Size() != want.Size() {
			t.Fatalf("n=%d: len %d enc %s size %d, want %d %s %d", n, got.Len(), got.Encoding(), got.Size(), want.Len(), want.Encoding(), want.Size())
		}
		for i := 0; i < n; i++ {
			gm, gs := got.At(i)
			wm, ws := want.At(i)
			if gm != wm || math.Float64bits(gs) != math.Float64bits(ws) {
				t.Fatalf("n=%d: at %d got %q %v, want %q %v", n, i, gm, gs, wm, ws)
			}
		}
		if n > 1 {
			if z, dup := FromMembers(append(ms, ms[n/2]), append(sc, 5)); z != nil || dup != ms[n/2] {
				t.Fatalf("n=%d: repeated member: got %v %q", n, z, dup)
			}
		}
	}
}

// TestSetBytesDoesNotKeepTheBuffer checks that SetBytes copies a new
// member and that an update which moves a node keeps the stored member,
// in both encodings: the caller's buffer is overwritten after each call.
func TestSetBytesDoesNotKeepTheBuffer(t *testing.T) {
	for _, n := range []int{10, 500} { // listpack, then skiplist
		z := New()
		buf := make([]byte, 0, 32)
		for i := 0; i < n; i++ {
			buf = fmt.Appendf(buf[:0], "m%04d", i)
			if !z.SetBytes(buf, float64(i)) {
				t.Fatalf("SetBytes(%s) not added", buf)
			}
			copy(buf, "XXXXX")
		}
		// Move every member to the other end of the order.
		for i := 0; i < n; i++ {
			buf = fmt.Appendf(buf[:0], "m%04d", i)
			if z.SetBytes(buf, float64(-i)) {
				t.Fatalf("SetBytes(%s) added an existing member", buf)
			}
			copy(buf, "XXXXX")
		}
		if z.Len() != n {
			t.Fatalf("Len %d, want %d", z.Len(), n)
		}
		for i := 0; i < n; i++ {
			m, s := z.At(i)
			if want := fmt.Sprintf("m%04d", n-1-i); m != want || s != float64(-(n-1-i)) {
				t.Fatalf("%d members: At(%d) = %q %v, want %q %v", n, i, m, s, want, float64(-(n - 1 - i)))
			}
			if got, ok := z.Score(m); !ok || got != s {
				t.Fatalf("Score(%q) = %v %v, want %v", m, got, ok, s)
			}
		}
	}
}
