package set

import (
	"encoding/binary"
	"fmt"
	"strconv"
)

// AppendIntset appends the members of an intset-encoded set to dst as
// 8-byte little-endian integers in ascending order and returns it; ok is
// false (dst unchanged) for a hashtable or an empty set. A snapshot writer
// stores the bytes and FromIntset rebuilds the set from them.
func (s *Set) AppendIntset(dst []byte) (out []byte, ok bool) {
	if s.d != nil || len(s.ints) == 0 {
		return dst, false
	}
	for _, v := range s.ints {
		dst = binary.LittleEndian.AppendUint64(dst, uint64(v))
	}
	return dst, true
}

// ParseIntset checks that b holds integers as AppendIntset writes them
// (at least one, strictly ascending) and calls fn (if not nil) with each.
// It returns the count. It never panics on bad input.
func ParseIntset(b []byte, fn func(v int64)) (int, error) {
	if len(b) == 0 || len(b)%8 != 0 {
		return 0, fmt.Errorf("intset: length %d is not a positive multiple of 8", len(b))
	}
	n := len(b) / 8
	for i := 0; i < n; i++ {
		v := int64(binary.LittleEndian.Uint64(b[8*i:]))
		if i > 0 && v <= int64(binary.LittleEndian.Uint64(b[8*i-8:])) {
			return 0, fmt.Errorf("intset: member %d out of order (or repeated)", v)
		}
		if fn != nil {
			fn(v)
		}
	}
	return n, nil
}

// FromIntset rebuilds a set from bytes as AppendIntset writes them (b is
// copied). It checks b completely, so a damaged b gives an error, never a
// broken set. Like Redis's load, an intset longer than
// set-max-intset-entries becomes a hashtable.
func FromIntset(b []byte) (*Set, error) {
	n, err := ParseIntset(b, nil)
	if err != nil {
		return nil, err
	}
	if n <= MaxIntsetEntries {
		ints := make([]int64, 0, n)
		ParseIntset(b, func(v int64) { ints = append(ints, v) })
		return &Set{ints: ints}, nil
	}
	s := NewTable(n)
	ParseIntset(b, func(v int64) { s.AddString(strconv.FormatInt(v, 10)) })
	return s, nil
}
