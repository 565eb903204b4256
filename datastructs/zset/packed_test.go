package zset

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"testing"
)

func listpackOf(t testing.TB, n int) []byte {
	t.Helper()
	z := New()
	for i := 0; i < n; i++ {
		z.Set(fmt.Sprint("m", i), float64(i%7)/2)
	}
	return bytes.Clone(z.Listpack())
}

// entry encodes one listpack element.
func entry(m string, s float64) []byte { return appendEntry(nil, m, s) }

func lpOf(entries ...[]byte) []byte {
	b := binary.LittleEndian.AppendUint32(nil, uint32(len(entries)))
	for _, e := range entries {
		b = append(b, e...)
	}
	return b
}

func TestListpackRoundTrip(t *testing.T) {
	for _, n := range []int{1, 10, 16, 17, 128} {
		lp := listpackOf(t, n)
		z, err := FromListpack(lp)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if !z.IsListpack() || z.Len() != n || !bytes.Equal(z.Listpack(), lp) {
			t.Fatalf("n=%d: %s len %d", n, z.Encoding(), z.Len())
		}
		if s, ok := z.Score("m3"); n > 3 && (!ok || s != 1.5) {
			t.Fatalf("n=%d: score of m3 = %v %v", n, s, ok)
		}
	}
	defer func(e int) { MaxListpackEntries = e }(MaxListpackEntries)
	lp := listpackOf(t, 20)
	MaxListpackEntries = 10
	z, err := FromListpack(lp)
	if err != nil || z.Encoding() != "skiplist" || z.Len() != 20 {
		t.Fatalf("over the limit: %v %v", z, err)
	}
	if r, ok := z.Rank("m0"); !ok || r != 0 {
		t.Fatalf("rank of m0 in the skiplist: %d %v", r, ok)
	}
}

func TestFromListpackRefuses(t *testing.T) {
	good := lpOf(entry("a", 1), entry("b", 2))
	var many [][]byte
	for i := 0; i < 30; i++ {
		many = append(many, entry(fmt.Sprintf("m%02d", i), float64(i)))
	}
	many = append(many, entry("m00", 99)) // repeats the first, past the pairwise range
	cases := map[string][]byte{
		"empty":           {},
		"no elements":     {0, 0, 0, 0},
		"cut":             good[:len(good)-1],
		"trailing":        append(bytes.Clone(good), 0),
		"count too big":   append(binary.LittleEndian.AppendUint32(nil, 3), good[4:]...),
		"not minimal":     lpOf(append([]byte{0x81, 0}, entry("", 1)[1:]...)),
		"NaN":             lpOf(entry("a", math.NaN())),
		"-0":              lpOf(entry("a", math.Copysign(0, -1))),
		"score order":     lpOf(entry("a", 2), entry("b", 1)),
		"member order":    lpOf(entry("b", 1), entry("a", 1)),
		"same element":    lpOf(entry("a", 1), entry("a", 1)),
		"duplicate":       lpOf(entry("a", 1), entry("a", 2)),
		"empty duplicate": lpOf(entry("", 1), entry("", 2)),
		"long duplicate":  lpOf(many...),
	}
	for name, b := range cases {
		if z, err := FromListpack(b); err == nil {
			t.Errorf("%s: accepted (%d members)", name, z.Len())
		}
	}
	if _, err := FromListpack(cases["duplicate"]); err == nil || !strings.Contains(err.Error(), `duplicate member "a"`) {
		t.Errorf("duplicate: %v", err)
	}
}

func FuzzFromListpack(f *testing.F) {
	f.Add(listpackOf(f, 3))
	f.Add(lpOf(entry("a", math.Inf(-1)), entry("", 0), entry("b", math.Inf(1))))
	f.Add(lpOf(entry("a", 1), entry("a", 2)))
	f.Fuzz(func(t *testing.T, b []byte) {
		z, err := FromListpack(b)
		if err != nil {
			return
		}
		// Accepted: a working set, sorted, members distinct.
		seen := map[string]bool{}
		var prev float64
		z.Range(0, z.Len()-1, false, func(m string, s float64) bool {
			if seen[m] || math.IsNaN(s) || len(seen) > 0 && s < prev {
				t.Fatalf("member %q score %v: repeated, NaN or out of order", m, s)
			}
			seen[m] = true
			prev = s
			if got, ok := z.Score(m); !ok || got != s {
				t.Fatalf("Score(%q) = %v %v, want %v", m, got, ok, s)
			}
			return true
		})
		if len(seen) != z.Len() {
			t.Fatalf("%d members, Len %d", len(seen), z.Len())
		}
		z.Set("new member", 0.5)
		z.Remove("new member")
	})
}
