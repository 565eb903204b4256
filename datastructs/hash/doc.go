// Package hash implements the Redis hash value: a map from binary-safe
// field names to binary-safe values.
//
// # Encodings
//
// Like Redis 7.0 a Hash has two encodings, which OBJECT ENCODING reports:
//
//   - "listpack": while the hash has at most MaxListpackEntries fields and
//     no field or value longer than MaxListpackValue bytes, the pairs are
//     kept in a flat slice in insertion order (updates keep their place,
//     deletes close the gap), so HGETALL, HKEYS and HSCAN return them in
//     the same order as Redis. Lookups are linear, bounded by the limit.
//   - "hashtable": otherwise, a datastructs/dict table, which gives HSCAN
//     real cursors and O(1) random fields (HRANDFIELD).
//
// The defaults are Redis 7.0.15's: hash-max-listpack-entries 512 and
// hash-max-listpack-value 64.
//
// Invariants:
//   - Exactly one representation is live: lp when d == nil, d otherwise.
//   - lp holds field, value, field, value...; fields are distinct;
//     len(lp)/2 <= MaxListpackEntries and every element is at most
//     MaxListpackValue bytes.
//   - Conversion is one-way, as in Redis: a Hash never returns to
//     "listpack" after becoming a "hashtable".
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
