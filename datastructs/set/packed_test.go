package set

import (
	"encoding/binary"
	"math"
	"slices"
	"testing"
)

func ints(vs ...int64) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint64(b, uint64(v))
	}
	return b
}

func TestIntsetRoundTrip(t *testing.T) {
	s := New()
	for _, m := range []string{"5", "-3", "9223372036854775807", "-9223372036854775808", "0"} {
		s.Add([]byte(m))
	}
	b, ok := s.AppendIntset(nil)
	if !ok {
		t.Fatal("intset not exported")
	}
	got, err := FromIntset(b)
	if err != nil || !got.IsIntset() || !slices.Equal(got.Members(), s.Members()) || got.Size() > s.Size() {
		t.Fatalf("got %v %v", got.Members(), err)
	}
	if _, ok := NewTable(1).AppendIntset(nil); ok {
		t.Fatal("hashtable exported as an intset")
	}
	if _, ok := New().AppendIntset(nil); ok {
		t.Fatal("empty set exported")
	}
	defer func(m int) { MaxIntsetEntries = m }(MaxIntsetEntries)
	MaxIntsetEntries = 3
	got, err = FromIntset(b)
	if err != nil || got.IsIntset() || got.Len() != 5 || !got.Has([]byte("-3")) {
		t.Fatalf("over the limit: %v %v", got, err)
	}
}

func TestFromIntsetRefuses(t *testing.T) {
	for name, b := range map[string][]byte{
		"empty":      {},
		"odd length": ints(1)[:7],
		"repeat":     ints(1, 1),
		"order":      ints(2, 1),
		"wrap":       ints(math.MaxInt64, math.MinInt64),
	} {
		if s, err := FromIntset(b); err == nil {
			t.Errorf("%s: accepted %v", name, s.Members())
		}
	}
}
