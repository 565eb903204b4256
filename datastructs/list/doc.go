// Package list implements the list value type: a chunked deque in the
// spirit of Redis's quicklist.
//
// A List is a ring buffer of nodes; each node is a ring buffer of at most
// NodeCap element strings. Both rings grow by doubling, so a list of a few
// elements costs a few small allocations, and push and pop at either end
// are amortised O(1). Access by index walks the nodes from the nearer end
// using their lengths, so LINDEX on a list of n elements costs about
// n/(2*NodeCap) node steps plus one ring lookup, not n.
//
// Invariants:
//   - No node is empty; a node that loses its last element is removed.
//   - Every node holds between 1 and NodeCap elements.
//   - List.length equals the sum of the node lengths.
//   - Unused ring slots hold "" so removed strings can be collected.
//
// Elements are Go strings and therefore immutable: callers that build them
// from a request buffer must copy (string(b) does). A List is a pure data
// structure: no locks, no I/O; it is not safe for concurrent use.
//
// Usage:
//
//	l := list.New()
//	l.PushBack("a")
//	l.PushFront("b")
//	v, _ := l.Index(0) // "b"
//	l.Range(0, l.Len()-1, func(i int, s string) bool { fmt.Println(s); return true })
package list
