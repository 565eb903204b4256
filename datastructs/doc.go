// Package datastructs holds the keyspace: 16 (configurable) databases, each
// a hash table from key to Entry, plus an index of the keys that have a TTL.
//
// The keyspace is the only code that touches those tables. Command handlers
// reach values through DB's methods (Lookup, LookupWrite, Set, Delete,
// SetExpire, Scan, ...), so persistence, eviction, keyspace notifications,
// WATCH and a future disk-backed mode can hook in at one place.
//
// Invariants:
//   - An Entry with ExpireAt != 0 has its key in the DB's expires table with
//     the same time, and vice versa.
//   - A key whose ExpireAt <= now is logically absent: every lookup deletes
//     it first (lazy expiry) through the same path as DEL, so listeners see
//     the delete. The active cycle (package expire) reclaims the rest.
//   - Collections are never stored empty: a handler that empties one
//     deletes the key.
//
// Nothing here locks: the server's dispatcher holds one mutex around every
// batch of commands, and all methods assume the caller holds it.
//
// Sub-packages hold the value types (list, hash, set, zset...): pure data
// structures with no locks, no I/O and no clock.
package datastructs
