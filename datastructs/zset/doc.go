// Package zset implements the sorted-set value type: members (binary-safe
// strings) each with a float64 score, ordered by (score, member).
//
// Layout: a member→score hash table (datastructs/dict, so ZSCAN gets
// Redis's reverse-binary cursor) plus an ordered index. The index is a
// skiplist with spans, as in Redis's t_zset.c: every forward link records
// how many level-0 nodes it skips, which makes rank lookups (ZRANK), access
// by rank (ZRANGE start stop) and counting below a score or lex bound
// (ZCOUNT, ZRANGEBYSCORE) O(log n) expected. github.com/tidwall/btree has
// GetAt/DeleteAt but no way to ask for the rank of an item, so it cannot
// give O(log n) ZRANK; this package keeps its own counted structure instead.
//
// Invariants:
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
