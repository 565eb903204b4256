// Package set implements the Redis set value: an unordered collection of
// distinct binary-safe strings.
//
// # Encodings
//
// Like Redis 7.0 a Set has two encodings, which OBJECT ENCODING reports:
//
//   - "intset": while every member is an integer in Redis's canonical form
//     (string2ll: no '+', no leading zeros, no spaces, no "-0") and there
//     are at most MaxIntsetEntries members, the members are kept as a sorted
//     []int64. Lookups are binary searches; SMEMBERS returns them in
//     ascending order, as Redis does.
//   - "hashtable": otherwise, a datastructs/dict table, which gives SSCAN
//     real cursors and O(1) random members (SPOP, SRANDMEMBER).
//
// Invariants:
//   - Exactly one representation is live: ints when d == nil, d otherwise.
//   - ints is sorted ascending with no duplicates and len(ints) <=
//     MaxIntsetEntries.
//   - Conversion is one-way: a Set never goes back from "hashtable" to
//     "intset" (Redis does not either), even when members are removed.
//
// Redis 7.2 added a "listpack" encoding for small non-integer sets; Redis
// 7.0, which AiKv follows, has none, so neither does this package.
//
// A Set is a pure data structure: no locks, no I/O, no clock. Randomness
// comes from the caller's *rand.Rand.
//
// # Example
//
//	s := set.New()
//	s.Add([]byte("1"))       // intset
//	s.Add([]byte("apple"))   // converts to hashtable
//	ok := s.Has([]byte("1")) // true
//	m := s.Pop(rnd)          // removes and returns a random member
package set
