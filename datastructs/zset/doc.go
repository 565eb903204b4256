// Package zset implements the sorted-set value type: members (binary-safe
// strings) each with a float64 score, ordered by (score, member).
//
// # Encodings
//
// Like Redis 7.0 a ZSet has two encodings, which OBJECT ENCODING reports:
//
//   - "listpack": while the set has at most MaxListpackEntries members and
//     none longer than MaxListpackValue bytes (zset-max-listpack-entries
//     128 and zset-max-listpack-value 64 by default), the elements are
//     packed into one byte slice sorted by (score, member): a 4-byte
//     count, then per element a uvarint member length, the member and
//     the 8-byte score (lp.go). Lookups are linear, bounded by the limit.
//     Like Redis's listpack, which stores scores as text, it never holds
//     a -0 score.
//   - "skiplist": a member→score hash table plus an ordered index.
//
// Conversion is one-way, as in Redis: a set converts when an insert
// would break a limit (or by ConvertToSkiplist) and never converts back,
// except that a loader builds a skiplist and calls Compact, as Redis's
// RDB load does.
//
// Skiplist layout: a member→score hash table (datastructs/dict, so ZSCAN
// gets Redis's reverse-binary cursor) plus an ordered index. The encoding
// keeps Redis's name, but the index is not Redis's skiplist: it is a
// counted B+tree (btree.go). Every inner node records, per child, how
// many elements its subtree holds, which makes rank lookups (ZRANK),
// access by rank (ZRANGE start stop) and counting below a score or lex
// bound (ZCOUNT, ZRANGEBYSCORE) O(log n), as the spans of Redis's
// skiplist (t_zset.c) do. github.com/tidwall/btree has GetAt/DeleteAt but
// no way to ask for the rank of an item, so it cannot give O(log n)
// ZRANK; this package keeps its own counted structure instead.
//
// It was a skiplist with spans, like Redis's, until the cost of a search
// showed: about 35 node visits per search in a 100k-member set, nearly
// every one a cache miss, and a ZADD that moves a member searches twice
// (redis-benchmark's zadd test spent half its time there). A B+tree node
// keeps its scores in one contiguous array (members in another, read only
// on a score tie), so a search reads a few cache lines per level, the top
// levels stay cached, and a 100k-member set is 3 levels deep.
//
//   - leaves hold up to leafCap elements, sorted, and are linked both
//     ways (ZRANGE, ZREVRANGE iterate along them with a cursor);
//   - inner nodes hold up to innerCap children with their element
//     counts and, for every child but the first, the first element of
//     its subtree as separator;
//   - a node that splits at the end of its level (a new highest or
//     lowest element) stays full, so sorted loads (RDB, Copy, listpack
//     conversion) fill the nodes; a node under half full after a removal
//     is merged with a neighbour or takes elements from it;
//   - a score change that keeps the member's place in its leaf is made
//     in place; otherwise the element is removed and inserted again
//     with its stored member string;
//   - ZREMRANGEBYRANK removes a run of a leaf at a time.
//
// Each member string is shared by the table, the leaf and possibly one
// separator; nodes are counted in a running byte total (Size).
//
// Invariants:
//   - exactly one encoding is live: lp when sk == nil, sk otherwise;
//   - lp is nil (empty) or a count header and that many elements, sorted,
//     distinct; member bytes below len(lp) are never rewritten, so the
//     strings handed out (views of lp) stay valid;
//   - the dict and the B+tree hold exactly the same (member, score) pairs;
//   - scores are never NaN (callers reject NaN before calling Set);
//   - the B+tree is sorted by score, then by member bytes, with no
//     duplicate members; all leaves are at the same depth;
//   - every inner count is the number of elements in that child's
//     subtree (Rank and At rely on it), and every separator is the first
//     element of its child's subtree (never a removed element);
//   - a non-root leaf holds at least one element, a non-root inner node
//     at least two children; the leaf links follow the order, from head
//     to tail;
//   - slots past a node's length hold no strings or pointers (nothing
//     removed is kept alive); the byte total is the nodes' allocations.
//
// ZSet is a pure data structure: no locks, no I/O, no clock. It is not safe
// for concurrent use.
package zset
