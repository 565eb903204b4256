package list

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/aikv/aikv/datastructs"
)

// Nodes calls fn with the packed entries of each node, head to tail, until
// fn returns false: per element a minimal uvarint length, the bytes and
// the length again as a reversed uvarint (see node.go). The bytes are
// read-only and valid until l is next modified; a snapshot writer stores
// each node as it is and AppendNode rebuilds the list from them.
func (l *List) Nodes(fn func(entries []byte) bool) {
	for i := 0; i < l.nodes.len(); i++ {
		nd := l.nodes.at(i)
		if !fn(nd.buf[nd.lo:]) {
			return
		}
	}
}

// ParseNode checks that b holds packed entries as Nodes gives them: at
// least one, each with a minimal length and a matching reversed length,
// nothing after the last. It calls fn (if not nil) with each element, a
// view of b, and returns the count. It never panics on bad input.
func ParseNode(b []byte, fn func(s string)) (int, error) {
	if len(b) == 0 {
		return 0, errors.New("list node: no entries")
	}
	n := 0
	for i := 0; i < len(b); n++ {
		v, k := uint64(b[i]), 1
		if v >= 0x80 {
			if v, k = binary.Uvarint(b[i:]); k <= 0 {
				return 0, fmt.Errorf("list node: bad length at byte %d", i)
			}
		}
		if v > uint64(len(b)-i-k) || uint64(len(b)-i-k)-v < uint64(k) {
			return 0, errors.New("list node: ends inside an entry")
		}
		if k != lenSize(int(v)) {
			return 0, fmt.Errorf("list node: length at byte %d is not minimal", i)
		}
		at, m, end := readFwd(b, i)
		var back [binary.MaxVarintLen64]byte
		putBacklen(back[:k], m)
		if string(b[at+m:end]) != string(back[:k]) {
			return 0, fmt.Errorf("list node: entry at byte %d: reversed length does not match", i)
		}
		if fn != nil {
			fn(view(b, at, m))
		}
		i = end
	}
	return n, nil
}

// AppendNode appends the elements packed in b (as Nodes gives them; b is
// copied, the caller keeps it) at the tail. It checks b completely
// (ParseNode), so a damaged b gives an error and leaves l unchanged.
// Entries that fit one node (NodeCap elements, NodeBytes bytes, or a
// single element) become one node in one copy; others are pushed as
// PushAll does.
func (l *List) AppendNode(b []byte) error {
	n, err := ParseNode(b, nil)
	if err != nil {
		return err
	}
	if n > NodeCap || n > 1 && len(b) > NodeBytes {
		elems := make([][]byte, 0, n)
		ParseNode(b, func(s string) { elems = append(elems, []byte(s)) })
		l.PushAll(false, elems)
		return nil
	}
	nd := &node{buf: newBuf(len(b), int(datastructs.AllocSize(len(b)))), n: int32(n)}
	copy(nd.buf, b)
	l.nodes.pushBack(nd)
	l.alloc += nd.alloc()
	l.length += n
	return nil
}
