package hash

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
)

func listpackOf(t testing.TB, pairs ...string) []byte {
	t.Helper()
	h := New()
	for i := 0; i < len(pairs); i += 2 {
		h.Set([]byte(pairs[i]), []byte(pairs[i+1]))
	}
	return bytes.Clone(h.Listpack())
}

func TestListpackRoundTrip(t *testing.T) {
	for _, n := range []int{1, 5, 16, 17, 100, 512} {
		var pairs []string
		for i := 0; i < n; i++ {
			pairs = append(pairs, fmt.Sprint("f", i), strings.Repeat("v", i%60))
		}
		lp := listpackOf(t, pairs...)
		h, err := FromListpack(lp)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if h.Encoding() != "listpack" || h.Len() != n || !bytes.Equal(h.Listpack(), lp) {
			t.Fatalf("n=%d: %s len %d", n, h.Encoding(), h.Len())
		}
		want := New()
		for i := 0; i < len(pairs); i += 2 {
			want.Set([]byte(pairs[i]), []byte(pairs[i+1]))
		}
		if h.Size() != want.Size() && n < 17 {
			t.Fatalf("n=%d: size %d, want %d", n, h.Size(), want.Size())
		}
		// The adopted bytes are a copy: changing the input changes nothing.
		lp[len(lp)-1] ^= 1
		if v, _ := h.Get([]byte(pairs[len(pairs)-2])); v != pairs[len(pairs)-1] {
			t.Fatalf("n=%d: value changed with the input", n)
		}
	}
	if New().Listpack() != nil {
		t.Fatal("empty hash has a listpack")
	}
	big := New()
	big.Set([]byte("f"), []byte(strings.Repeat("x", MaxListpackValue+1)))
	if big.Listpack() != nil {
		t.Fatal("hashtable has a listpack")
	}
}

// TestFromListpackLimits: a listpack that breaks the current limits (they
// were lowered since it was saved) loads as a hashtable, as in Redis.
func TestFromListpackLimits(t *testing.T) {
	lp := listpackOf(t, "a", "1", "b", "2", "c", strings.Repeat("x", 20))
	defer func(e, v int) { MaxListpackEntries, MaxListpackValue = e, v }(MaxListpackEntries, MaxListpackValue)
	for _, lim := range [][2]int{{2, 64}, {512, 10}} {
		MaxListpackEntries, MaxListpackValue = lim[0], lim[1]
		h, err := FromListpack(lp)
		if err != nil || h.Encoding() != "hashtable" || h.Len() != 3 {
			t.Fatalf("limits %v: %v %v", lim, h, err)
		}
		if v, _ := h.Get([]byte("c")); v != strings.Repeat("x", 20) {
			t.Fatalf("limits %v: c = %q", lim, v)
		}
	}
}

func TestFromListpackRefuses(t *testing.T) {
	good := listpackOf(t, "a", "1", "bb", "22")
	cases := map[string][]byte{
		"empty":           {},
		"short header":    {1, 0},
		"no pairs":        {0, 0, 0, 0},
		"count too big":   append(binary.LittleEndian.AppendUint32(nil, 3), good[4:]...),
		"count too small": append(binary.LittleEndian.AppendUint32(nil, 1), good[4:]...),
		"cut":             good[:len(good)-1],
		"trailing":        append(bytes.Clone(good), 0),
		"long length":     {1, 0, 0, 0, 0x7f, 'a', 0},
		"bad uvarint":     {1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		"not minimal":     {1, 0, 0, 0, 0x81, 0x00, 'a', 0},
		"duplicate":       listpackOf(t, "a", "1", "b", "2")[:0],
	}
	dup := []byte{2, 0, 0, 0, 1, 'a', 1, '1', 1, 'a', 1, '2'}
	cases["duplicate"] = dup
	var many []byte
	many = binary.LittleEndian.AppendUint32(many, 40)
	for i := 0; i < 40; i++ {
		f := fmt.Sprint("f", i%39) // the last repeats the first, past the pairwise range
		many = append(many, byte(len(f)))
		many = append(many, f...)
		many = append(many, 1, 'v')
	}
	cases["duplicate in a long listpack"] = many
	for name, b := range cases {
		if h, err := FromListpack(b); err == nil {
			t.Errorf("%s: accepted (%d pairs)", name, h.Len())
		}
	}
	if _, err := FromListpack(dup); err == nil || !strings.Contains(err.Error(), `duplicate field "a"`) {
		t.Errorf("duplicate: %v", err)
	}
}

func FuzzFromListpack(f *testing.F) {
	f.Add(listpackOf(f, "a", "1", "bb", "22"))
	f.Add(listpackOf(f, "field", strings.Repeat("v", 60), "", ""))
	f.Add([]byte{2, 0, 0, 0, 1, 'a', 1, '1', 1, 'a', 1, '2'})
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := FromListpack(b)
		if err != nil {
			return
		}
		// Accepted: a working hash with distinct fields, as many as the
		// header says.
		n := 0
		seen := map[string]bool{}
		h.Range(func(f, v string) bool {
			if seen[f] {
				t.Fatalf("field %q twice", f)
			}
			seen[f] = true
			if got, ok := h.Get([]byte(f)); !ok || got != v {
				t.Fatalf("Get(%q) = %q %v, want %q", f, got, ok, v)
			}
			n++
			return true
		})
		if n != h.Len() || n != int(binary.LittleEndian.Uint32(b)) {
			t.Fatalf("%d pairs, Len %d", n, h.Len())
		}
		h.Set([]byte("new field"), []byte("x"))
		h.Delete([]byte("new field"))
	})
}
