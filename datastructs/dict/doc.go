// Package dict implements a Redis-style hash table with string keys, modelled
// on Redis's dict.c.
//
// Go maps cannot provide two things a Redis server needs: a cursor-based SCAN
// that returns every key present for the whole duration of the scan (even
// while the table resizes), and cheap random sampling of keys (RANDOMKEY,
// active expiry, eviction). Dict provides both.
//
// # Layout
//
// Keys are hashed with hash/maphash using a per-Dict random seed. Each table
// is a power-of-two array of buckets; each bucket is a singly linked chain of
// entries (key, value, next, the key's hash) — one allocation per entry, which
// also holds the key's bytes when the key was inserted with InsertNewCopy
// (one cache line or two per lookup instead of a second miss on the key).
// The collections' size estimates still count such a key as a node plus a
// key allocation; for keys up to 128 bytes the two differ by at most one
// size-class step.
//
// # Resizing and incremental rehash
//
// The table grows (to double size) when an insert finds Len >= buckets (load
// factor 1) and shrinks (to the smallest power of two >= Len, minimum 4) when a
// delete leaves Len < buckets/8. A resize never moves all keys at once: it
// allocates a second table and migrates buckets incrementally. Invariants
// while rehashing:
//
//   - ht[0] is the old table, ht[1] the new one; every key is in exactly one
//     of them.
//   - Buckets of ht[0] with index < rehashIdx are empty (already migrated).
//   - New keys are inserted into ht[1] only; lookups, replacements and
//     deletes check both tables.
//   - Each Get, GetPtr, Set, Delete and Random call migrates one non-empty
//     bucket (visiting at most 10 empty ones; Sample migrates up to n);
//     RehashStep(n) lets a periodic cron drive the migration faster. When
//     ht[0] becomes empty, ht[1] replaces it.
//   - No new resize starts while one is in progress; when a rehash finishes,
//     a pending shrink (from deletes made meanwhile) starts immediately.
//
// Because even lookups may perform a rehash step, all methods need exclusive
// access: Dict is not safe for concurrent use, callers lock.
//
// # Scan cursor
//
// Scan implements Redis's reverse-binary cursor (dictScan). The cursor is a
// bucket index whose bits are incremented from the most significant masked
// bit downwards (reverse the bits, add one, reverse back). Because tables are
// powers of two, bucket i of a table of size 2^k expands to buckets
// i, i+2^k, i+2*2^k, ... of a larger table, and these are exactly the cursors
// that the reversed increment visits next. Hence:
//
//   - after growth, buckets already scanned in the small table are never
//     revisited in the large one, and none is missed;
//   - after a shrink, some buckets may be visited again (keys returned twice),
//     but none is missed;
//   - while rehashing, each step visits the bucket v&m0 of the smaller table
//     and then all buckets of the larger table that expand it.
//
// Guarantee: every key present from the start to the end of a full scan
// (from cursor 0 until Scan returns 0) is returned at least once. Keys added
// or removed during the scan may or may not be returned; keys may be returned
// more than once, so callers should deduplicate if needed.
//
// # Example
//
//	d := dict.New[int](0)
//	d.Set("a", 1)
//	if p := d.GetPtr("a"); p != nil {
//		*p++ // in-place update
//	}
//	var cursor uint64
//	for {
//		cursor = d.Scan(cursor, 10, func(k string, v int) {
//			fmt.Println(k, v)
//		})
//		if cursor == 0 {
//			break
//		}
//	}
//	rnd := rand.New(rand.NewPCG(1, 2))
//	k, v, ok := d.Random(rnd)
package dict
