package hash

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/aikv/aikv/datastructs"
)

// Listpack returns the packed bytes of a hash in the listpack encoding: a
// 4-byte little-endian pair count, then field, value, field, value... in
// insertion order, each a minimal uvarint length and the bytes (see
// doc.go). It returns nil for a hashtable or an empty hash. The bytes are
// read-only and stay valid until h is next modified; a snapshot writer
// stores them as they are and FromListpack rebuilds the hash from them.
func (h *Hash) Listpack() []byte {
	if h.ht != nil || lpCount(h.lp) == 0 {
		return nil
	}
	return h.lp
}

// errEnd is a listpack that ends inside an element.
var errEnd = errors.New("listpack: ends inside an element")

// lpElem decodes the element at b[i] with a minimal uvarint length and
// returns it (a view of b) and the offset after it.
func lpElem(b []byte, i int) (s string, j int, err error) {
	if i >= len(b) {
		return "", 0, errEnd
	}
	n, k := uint64(b[i]), 1
	if n >= 0x80 {
		n, k = binary.Uvarint(b[i:])
		if k <= 0 {
			return "", 0, fmt.Errorf("listpack: bad length at byte %d", i)
		}
	}
	if n > uint64(len(b)-i-k) {
		return "", 0, errEnd
	}
	if k != lenSize(int(n)) {
		return "", 0, fmt.Errorf("listpack: length at byte %d is not minimal", i)
	}
	at := i + k
	return view(b, at, int(n)), at + int(n), nil
}

// ParseListpack checks that b has the layout Listpack returns, with at
// least one pair and nothing after the last, and calls fn with views of
// b for each pair in order. It returns the pair count and the longest
// field or value. It does not check that fields are distinct (see
// FromListpack) or the encoding limits. It never panics on bad input.
func ParseListpack(b []byte, fn func(field, value string)) (n, longest int, err error) {
	if len(b) < lpHdr {
		return 0, 0, errors.New("listpack: shorter than its header")
	}
	n = lpCount(b)
	if n == 0 {
		return 0, 0, errors.New("listpack: no pairs")
	}
	// Each pair takes at least 2 bytes: bound n before looping.
	if n > (len(b)-lpHdr)/2 {
		return 0, 0, fmt.Errorf("listpack: %d pairs declared in %d bytes", n, len(b))
	}
	i := lpHdr
	for p := 0; p < n; p++ {
		var f, v string
		if f, i, err = lpElem(b, i); err != nil {
			return 0, 0, err
		}
		if v, i, err = lpElem(b, i); err != nil {
			return 0, 0, err
		}
		longest = max(longest, len(f), len(v))
		if fn != nil {
			fn(f, v)
		}
	}
	if i != len(b) {
		return 0, 0, fmt.Errorf("listpack: %d bytes after the last of %d pairs", len(b)-i, n)
	}
	return n, longest, nil
}

// FromListpack rebuilds a hash from bytes as Listpack returns them (b is
// copied; the caller keeps it). It checks b completely (ParseListpack,
// and that no field repeats), so a damaged b gives an error, never a
// broken hash. The encoding follows the current limits as on any load: a
// listpack when the pairs fit hash-max-listpack-entries and
// hash-max-listpack-value, else a hashtable (as Redis converts a loaded
// listpack that breaks them).
func FromListpack(b []byte) (*Hash, error) {
	var fields datastructs.DupCheck
	n, longest, err := ParseListpack(b, func(f, _ string) { fields.Add(f, lpCount(b)) })
	if err != nil {
		return nil, err
	}
	if dup, found := fields.Dup(); found {
		return nil, fmt.Errorf("duplicate field %q", strings.Clone(dup))
	}
	if n <= MaxListpackEntries && longest <= MaxListpackValue {
		return &Hash{lp: alloc(b, len(b))}, nil
	}
	// Rare (the limits were lowered since the save): the general path.
	pairs := make([]string, 0, 2*n)
	ParseListpack(b, func(f, v string) { pairs = append(pairs, strings.Clone(f), strings.Clone(v)) })
	h, _ := FromPairs(pairs)
	return h, nil
}
