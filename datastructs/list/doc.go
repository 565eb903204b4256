// Package list implements the list value type: a chunked deque in the
// spirit of Redis's quicklist.
//
// A List is a ring buffer of nodes; each node packs at most NodeCap
// elements, and at most NodeBytes bytes of them (Redis's default
// list-max-listpack-size -2) unless it holds a single element, into one
// byte slice, like a Redis listpack: per element a uvarint length, the
// bytes, and the length again reversed, so a node can be walked from
// either end. A list of 100 short elements is one buffer, not 100
// strings. Each node keeps headroom at both ends of its buffer, so push
// and pop at either end are amortised O(1) (a push that finds no room
// moves at most one node's bytes). Access by index walks the nodes from
// the nearer end using their counts, then the entries of one node from
// its nearer end: LINDEX on a list of n elements costs about
// n/(2*NodeCap) node steps plus at most NodeCap/2 entry steps.
//
// Invariants:
//   - No node is empty; a node that loses its last element is removed.
//   - Every node holds between 1 and NodeCap elements, and at most
//     NodeBytes bytes of entries unless it holds exactly one.
//   - The entries of a node are buf[lo:len(buf)], back to back.
//   - List.length equals the sum of the node counts; List.alloc the sum
//     of the node buffers' allocation sizes.
//   - A node's buffer is a whole allocation (buf[0] is its first byte)
//     that no other node or list refers to; a buffer the list lets go of
//     is recycled for the next node buffer of its size class (pool.go),
//     so building a list by many small pushes leaves no garbage.
//
// Strings returned by Index, Range, Ascend and Descend view the list's
// memory without copying: they are valid until the list is next modified
// (callers that keep one longer must copy it, e.g. strings.Clone; after
// the modification the memory may hold another list's elements). Popped
// strings are copies. Elements passed in are copied into the list. A List
// is a pure data structure: no locks, no I/O; it is not safe for
// concurrent use.
//
// Usage:
//
//	l := list.New()
//	l.PushBack("a")
//	l.PushFront("b")
//	v, _ := l.Index(0) // "b"
//	l.Range(0, l.Len()-1, func(i int, s string) bool { fmt.Println(s); return true })
package list
