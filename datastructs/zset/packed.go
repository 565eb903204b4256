package zset

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/aikv/aikv/datastructs"
)

// Listpack returns the packed bytes of a sorted set in the listpack
// encoding: a 4-byte little-endian element count, then the elements
// sorted by (score, member), each a minimal uvarint member length, the
// member and the score as 8 little-endian bytes (see lp.go). It returns
// nil for a skiplist or an empty set. The bytes are read-only and stay
// valid until z is next modified; a snapshot writer stores them as they
// are and FromListpack rebuilds the set from them.
func (z *ZSet) Listpack() []byte {
	if z.sk != nil || lpCount(z.lp) == 0 {
		return nil
	}
	return z.lp
}

var errEnd = errors.New("listpack: ends inside an element")

// ParseListpack checks that b has the layout Listpack returns: at least
// one element, minimal lengths, no NaN or -0 score, elements in strictly
// ascending (score, member) order, nothing after the last. It calls fn
// with each element in order (the member views b) and returns the count
// and the longest member. It does not check that members are distinct
// (see FromListpack) or the encoding limits. It never panics on bad
// input.
func ParseListpack(b []byte, fn func(member string, score float64)) (n, longest int, err error) {
	if len(b) < lpHdr {
		return 0, 0, errors.New("listpack: shorter than its header")
	}
	n = lpCount(b)
	if n == 0 {
		return 0, 0, errors.New("listpack: no elements")
	}
	// Each element takes at least 9 bytes: bound n before looping.
	if n > (len(b)-lpHdr)/9 {
		return 0, 0, fmt.Errorf("listpack: %d elements declared in %d bytes", n, len(b))
	}
	var prevM string
	var prevS float64
	i := lpHdr
	for e := 0; e < n; e++ {
		if i >= len(b) {
			return 0, 0, errEnd
		}
		m, k := uint64(b[i]), 1
		if m >= 0x80 {
			if m, k = binary.Uvarint(b[i:]); k <= 0 {
				return 0, 0, fmt.Errorf("listpack: bad length at byte %d", i)
			}
		}
		if m > uint64(len(b)-i-k) || uint64(len(b)-i-k)-m < 8 {
			return 0, 0, errEnd
		}
		if k != lenSize(int(m)) {
			return 0, 0, fmt.Errorf("listpack: length at byte %d is not minimal", i)
		}
		member, score, j := lpNext(b, i)
		switch {
		case math.IsNaN(score):
			return 0, 0, fmt.Errorf("listpack: member %q has a NaN score", strings.Clone(member))
		case score == 0 && math.Signbit(score):
			return 0, 0, fmt.Errorf("listpack: member %q has score -0", strings.Clone(member))
		case e > 0 && (score < prevS || score == prevS && member <= prevM):
			return 0, 0, fmt.Errorf("listpack: member %q is out of order", strings.Clone(member))
		}
		prevM, prevS = member, score
		longest = max(longest, len(member))
		if fn != nil {
			fn(member, score)
		}
		i = j
	}
	if i != len(b) {
		return 0, 0, fmt.Errorf("listpack: %d bytes after the last of %d elements", len(b)-i, n)
	}
	return n, longest, nil
}

// FromListpack rebuilds a sorted set from bytes as Listpack returns them
// (b is copied; the caller keeps it). It checks b completely
// (ParseListpack, and that no member repeats), so a damaged b gives an
// error, never a broken set. The encoding follows the current limits as
// on any load: a listpack when the elements fit zset-max-listpack-entries
// and zset-max-listpack-value, else a skiplist (as Redis converts a loaded
// listpack that breaks them).
func FromListpack(b []byte) (*ZSet, error) {
	// Equal members sort next to each other only when their scores are
	// equal too, which the order check refuses: compare across scores.
	var seen datastructs.DupCheck
	n, longest, err := ParseListpack(b, func(m string, _ float64) { seen.Add(m, lpCount(b)) })
	if err != nil {
		return nil, err
	}
	if dup, found := seen.Dup(); found {
		return nil, fmt.Errorf("duplicate member %q", strings.Clone(dup))
	}
	if n <= MaxListpackEntries && longest <= MaxListpackValue {
		lp := make([]byte, len(b), datastructs.AllocSize(len(b)))
		copy(lp, b)
		return &ZSet{lp: lp}, nil
	}
	// Rare (the limits were lowered since the save): the general path.
	members, scores := make([]string, 0, n), make([]float64, 0, n)
	ParseListpack(b, func(m string, s float64) {
		members = append(members, strings.Clone(m))
		scores = append(scores, s)
	})
	z, _ := FromMembers(members, scores)
	return z, nil
}
