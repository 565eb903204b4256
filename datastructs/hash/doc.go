// Package hash implements the Redis hash value: a map from binary-safe
// field names to binary-safe values.
//
// # Encodings
//
// Like Redis 7.0 a Hash has two encodings, which OBJECT ENCODING reports:
//
//   - "listpack": while the hash has at most MaxListpackEntries fields and
//     no field or value longer than MaxListpackValue bytes, the pairs are
//     packed into one byte slice, as in Redis's listpack: a 4-byte pair
//     count, then field, value, field, value..., each a uvarint length
//     followed by the bytes, in insertion order (updates keep their place,
//     deletes close the gap), so HGETALL, HKEYS and HSCAN return them in
//     the same order as Redis. Lookups are linear, bounded by the limit. A
//     5-field hash is one small allocation instead of ten strings.
//   - "hashtable": otherwise, a datastructs/dict table, which gives HSCAN
//     real cursors and O(1) random fields (HRANDFIELD).
//
// The defaults are Redis 7.0.15's: hash-max-listpack-entries 512 and
// hash-max-listpack-value 64.
//
// Invariants:
//   - Exactly one representation is live: lp when ht == nil, ht otherwise.
//   - lp is nil (empty) or holds the pair count then the pairs (perhaps
//     none, after Reserve); fields
//     are distinct; the count is at most MaxListpackEntries and every
//     element is at most MaxListpackValue bytes.
//   - The bytes of lp below len(lp), other than the count header, are
//     never written again: adding a field appends past len(lp) (in place
//     when the capacity allows), while updating or deleting one builds a
//     new slice (copy on write, as cheap as Redis's memmove for these
//     small buffers). So the strings Get, Range, Random and Scan return
//     view lp without copying and stay valid whatever happens to the
//     hash later.
//   - Conversion is one-way, as in Redis: a Hash never returns to
//     "listpack" after becoming a "hashtable"; it copies every string out
//     of the listpack.
//
// A Hash is a pure data structure: no locks, no I/O, no clock.
//
// # Example
//
//	h := hash.New()
//	h.Set([]byte("name"), []byte("ann"))
//	v, ok := h.Get([]byte("name"))
//	h.Range(func(f, v string) bool { fmt.Println(f, v); return true })
package hash
