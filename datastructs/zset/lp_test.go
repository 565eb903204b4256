package zset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"unsafe"

	"github.com/aikv/aikv/datastructs"
)

// randMember draws from a pool of members of varied lengths, including
// the empty string and members long enough for a two-byte length.
func randMember(rnd *rand.Rand, pool int) string {
	k := rnd.IntN(pool)
	switch k % 7 {
	case 0:
		return ""
	case 1:
		return strings.Repeat("L", 125+k%10) + fmt.Sprint(k) // a two-byte length
	case 2:
		return fmt.Sprintf("\x00b%d\xff", k)
	}
	return fmt.Sprintf("m%d", k)
}

var specialScores = []float64{math.Inf(1), math.Inf(-1), 0, 1.5, -2.25, 1e300, -1e-300}

func randScore(rnd *rand.Rand) float64 {
	if rnd.IntN(8) == 0 {
		return specialScores[rnd.IntN(len(specialScores))]
	}
	return float64(rnd.IntN(40) - 10)
}

// checkAll compares every read operation of z with the model.
func checkAll(t *testing.T, z *ZSet, md model, rnd *rand.Rand) {
	t.Helper()
	check(t, z, md)
	if z.Len() == 0 {
		return
	}
	// Partial ranges, both directions, with early stops.
	a, b := rnd.IntN(len(md)), rnd.IntN(len(md))
	if a > b {
		a, b = b, a
	}
	for _, rev := range []bool{false, true} {
		var got []elem
		limit := 1 + rnd.IntN(b-a+1)
		z.Range(a, b, rev, func(m string, s float64) bool {
			got = append(got, elem{m, s})
			return len(got) < limit
		})
		for i, e := range got {
			want := md[a+i]
			if rev {
				want = md[b-i]
			}
			if e != want {
				t.Fatalf("Range(%d,%d,rev=%v)[%d] = %v want %v", a, b, rev, i, e, want)
			}
		}
		if len(got) != limit {
			t.Fatalf("Range stopped after %d, want %d", len(got), limit)
		}
	}
	// Score ranges against a linear scan.
	lo, hi := randScore(rnd), randScore(rnd)
	minB, maxB := ScoreBound{lo, rnd.IntN(2) == 0}, ScoreBound{hi, rnd.IntN(2) == 0}
	start, stop := z.ScoreRange(minB, maxB)
	ws, we := 0, -1
	for i, e := range md {
		if minB.belowMin(e.s) {
			ws = i + 1
		}
		if maxB.withinMax(e.s) {
			we = i
		}
	}
	if (ws <= we || start <= stop) && (start != ws || stop != we) {
		t.Fatalf("ScoreRange(%v,%v) = %d,%d want %d,%d", minB, maxB, start, stop, ws, we)
	}
	// Random returns a member with its score.
	m, s := z.Random(rnd)
	if i := md.find(m); i < 0 || md[i].s != s {
		t.Fatalf("Random = %q %v", m, s)
	}
	var scanned int
	if z.IsListpack() {
		if next := z.Scan(0, 1, func(string, float64) { scanned++ }); next != 0 || scanned != len(md) {
			t.Fatalf("listpack Scan: next %d, %d of %d", next, scanned, len(md))
		}
	}
}

// TestListpackAgainstModel drives a listpack set (kept under the limits)
// and a skiplist twin with the same random operations, checking both
// against a sorted-slice model.
func TestListpackAgainstModel(t *testing.T) {
	defer func(v int) { MaxListpackValue = v }(MaxListpackValue)
	MaxListpackValue = 200
	for seed := uint64(1); seed <= 4; seed++ {
		rnd := rand.New(rand.NewPCG(seed, 99))
		lp, sk := New(), NewSkiplist()
		var md model
		for step := 0; step < 6000; step++ {
			m := randMember(rnd, 90)
			switch op := rnd.IntN(12); {
			case op < 6:
				s := randScore(rnd)
				added := lp.Set(m, s)
				if added2 := sk.Set(m, s); added2 != added {
					t.Fatalf("Set(%q): listpack added=%v, skiplist %v", m, added, added2)
				}
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
			case op < 9:
				removed := lp.Remove(m)
				if sk.Remove(m) != removed {
					t.Fatalf("Remove(%q) differs", m)
				}
				i := md.find(m)
				if removed != (i >= 0) {
					t.Fatalf("Remove(%q) = %v", m, removed)
				}
				if i >= 0 {
					md = append(md[:i], md[i+1:]...)
				}
			case op < 10:
				_, ok := lp.Rank(m)
				if _, ok2 := lp.Score(m); ok != (md.find(m) >= 0) || ok2 != ok {
					t.Fatalf("Rank/Score(%q) presence %v %v", m, ok, ok2)
				}
			default:
				a := rnd.IntN(len(md)+2) - 1
				b := a + rnd.IntN(4)
				n := lp.DeleteRange(a, b)
				if n2 := sk.DeleteRange(a, b); n2 != n {
					t.Fatalf("DeleteRange(%d,%d) = %d, skiplist %d", a, b, n, n2)
				}
				a, b = max(a, 0), min(b, len(md)-1)
				if want := max(b-a+1, 0); n != want {
					t.Fatalf("DeleteRange = %d want %d", n, want)
				}
				if n > 0 {
					md = append(md[:a], md[b+1:]...)
				}
			}
			if lp.Encoding() != "listpack" {
				t.Fatalf("step %d: encoding %s with %d members", step, lp.Encoding(), lp.Len())
			}
			if step%13 == 0 {
				checkAll(t, lp, md, rnd)
				checkAll(t, sk, md, rnd)
			}
		}
		checkAll(t, lp, md, rnd)
		c := lp.Copy().(*ZSet)
		checkAll(t, c, md, rnd)
		c.Set("copy-only", 1)
		check(t, lp, md)
		lp.ConvertToSkiplist()
		if lp.Encoding() != "skiplist" {
			t.Fatal("ConvertToSkiplist")
		}
		checkAll(t, lp, md, rnd)
	}
}

// TestListpackLexRange checks LexRange on equal scores in both encodings.
func TestListpackLexRange(t *testing.T) {
	defer func(v int) { MaxListpackValue = v }(MaxListpackValue)
	MaxListpackValue = 200
	rnd := rand.New(rand.NewPCG(5, 6))
	lp, sk := New(), NewSkiplist()
	var ms []string
	for i := 0; i < 60; i++ {
		m := randMember(rnd, 200)
		lp.Set(m, 0)
		sk.Set(m, 0)
	}
	lp.Range(0, lp.Len()-1, false, func(m string, _ float64) bool { ms = append(ms, m); return true })
	bounds := func() LexBound {
		switch rnd.IntN(6) {
		case 0:
			return LexBound{NegInf: true}
		case 1:
			return LexBound{PosInf: true}
		}
		return LexBound{Value: randMember(rnd, 200), Excl: rnd.IntN(2) == 0}
	}
	for i := 0; i < 2000; i++ {
		lo, hi := bounds(), bounds()
		s1, e1 := lp.LexRange(lo, hi)
		s2, e2 := sk.LexRange(lo, hi)
		ws, we := 0, -1
		for j, m := range ms {
			if lo.belowMin(m) {
				ws = j + 1
			}
			if hi.withinMax(m) {
				we = j
			}
		}
		if s1 != ws || e1 != we || s2 != ws || e2 != we {
			t.Fatalf("LexRange(%+v,%+v) = %d,%d / %d,%d want %d,%d", lo, hi, s1, e1, s2, e2, ws, we)
		}
	}
}

// TestListpackViewsStayValid: strings handed out by a listpack view its
// bytes, which are never rewritten, so they survive any later change.
func TestListpackViewsStayValid(t *testing.T) {
	defer func(v int) { MaxListpackValue = v }(MaxListpackValue)
	MaxListpackValue = 200
	rnd := rand.New(rand.NewPCG(3, 4))
	z := New()
	type held struct{ view, copy string }
	var hs []held
	for step := 0; step < 5000; step++ {
		m := randMember(rnd, 80)
		switch rnd.IntN(4) {
		case 0:
			z.Remove(m)
		case 1:
			z.DeleteRange(rnd.IntN(10), rnd.IntN(10))
		default:
			z.Set(m, randScore(rnd))
		}
		if z.Len() > 0 {
			v, _ := z.At(rnd.IntN(z.Len()))
			hs = append(hs, held{v, strings.Clone(v)})
		}
	}
	for i, h := range hs {
		if h.view != h.copy {
			t.Fatalf("view %d changed: %q, was %q", i, h.view, h.copy)
		}
	}
}

// TestListpackNegativeZero: a listpack stores -0 as 0 (Redis writes the
// score as text "0"); a skiplist keeps it.
func TestListpackNegativeZero(t *testing.T) {
	negZero := math.Copysign(0, -1)
	z := New()
	z.Set("a", negZero)
	z.Set("b", 1)
	z.Set("b", negZero) // an update too
	z.Range(0, 1, false, func(m string, s float64) bool {
		if math.Signbit(s) {
			t.Fatalf("%s kept -0", m)
		}
		return true
	})
	if z.Set("a", 0) {
		t.Fatal("a re-added")
	}
	z.ConvertToSkiplist()
	z.Set("c", negZero)
	if s, _ := z.Score("c"); !math.Signbit(s) {
		t.Fatal("skiplist lost -0")
	}
}

// TestConfiguredLimits converts at the configured limits, as CONFIG SET
// zset-max-listpack-entries / -value make Redis do.
func TestConfiguredLimits(t *testing.T) {
	defer func(e, v int) { MaxListpackEntries, MaxListpackValue = e, v }(MaxListpackEntries, MaxListpackValue)
	MaxListpackEntries, MaxListpackValue = 3, 4
	z := New()
	for _, m := range []string{"a", "b", "c"} {
		z.Set(m, 1)
	}
	z.Set("a", 2) // an update never converts
	if z.Encoding() != "listpack" {
		t.Fatal("3 members")
	}
	z.Set("d", 1)
	if z.Encoding() != "skiplist" || z.Len() != 4 {
		t.Fatalf("4 members: %s %d", z.Encoding(), z.Len())
	}
	y := New()
	y.Set("abcd", 1)
	if y.Encoding() != "listpack" {
		t.Fatal("4-byte member")
	}
	y.Set("abcde", 1)
	if y.Encoding() != "skiplist" {
		t.Fatal("5-byte member")
	}
	MaxListpackEntries = 0
	x := New()
	x.Set("a", 1)
	if x.Encoding() != "skiplist" {
		t.Fatal("zset-max-listpack-entries 0")
	}
}

// TestListpackSize: a listpack's Size is its header and one buffer.
func TestListpackSize(t *testing.T) {
	z := New()
	for i := 0; i < 5; i++ {
		z.Set(fmt.Sprintf("member:%d", i), float64(i))
	}
	want := datastructs.AllocSize(int(unsafe.Sizeof(ZSet{}))) + datastructs.AllocSize(cap(z.lp))
	if z.Size() != want {
		t.Fatalf("Size %d want %d", z.Size(), want)
	}
	if cap(z.lp) > 4+5*(1+8+8)+64 {
		t.Fatalf("5-member listpack takes %d bytes", cap(z.lp))
	}
}
