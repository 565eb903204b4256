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
// gets Redis's reverse-binary cursor) plus an ordered index. The index is a
// skiplist with spans, as in Redis's t_zset.c: every forward link records
// how many level-0 nodes it skips, which makes rank lookups (ZRANK), access
// by rank (ZRANGE start stop) and counting below a score or lex bound
// (ZCOUNT, ZRANGEBYSCORE) O(log n) expected. github.com/tidwall/btree has
// GetAt/DeleteAt but no way to ask for the rank of an item, so it cannot
// give O(log n) ZRANK; this package keeps its own counted structure instead.
//
// Nodes carry their levels inline, in one allocation, like Redis's
// zskiplistNode (skiplist.go), and each member string is shared by the
// table and the node.
//
// Invariants:
//   - exactly one encoding is live: lp when sk == nil, sk otherwise;
//   - lp is nil (empty) or a count header and that many elements, sorted,
//     distinct; member bytes below len(lp) are never rewritten, so the
//     strings handed out (views of lp) stay valid;
//   - the dict and the skiplist hold exactly the same (member, score) pairs;
//   - scores are never NaN (callers reject NaN before calling Set);
//   - the skiplist is sorted by score, then by member bytes, with no
//     duplicate members;
//   - for every node and level, span = number of level-0 steps the link
//     covers (Rank and At rely on it).
//
// ZSet is a pure data structure: no locks, no I/O, no clock. It is not safe
// for concurrent use.
package zset
