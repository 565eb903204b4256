// Package rdb reads and writes Redis's RDB format: DUMP/RESTORE payloads
// and RDB files, so data moves between Redis and AiKv in both directions.
//
// Reading covers what Redis 6.0 to 7.2 write (RDB versions up to 11):
// strings (raw, int8/16/32, LZF), lists (linked, ziplist, quicklist of
// ziplists, quicklist 2 of listpacks and plain nodes), sets (hashtable,
// intset, listpack), sorted sets (text and binary doubles, ziplist,
// listpack), hashes (hashtable, zipmap, ziplist, listpack), RedisJSON
// module values (as AiKv JSON documents), and in files: aux fields,
// SELECTDB, RESIZEDB, expiries in seconds and milliseconds, LRU/LFU hints,
// module aux records (skipped) and FUNCTION2 libraries. Streams and other
// module types are skipped and reported (UnsupportedError); their bytes
// are parsed, so the rest of a file still loads.
//
// Writing produces what Redis 7.0 writes (RDB version 10): strings with
// Redis's integer encodings and LZF compression (a port of liblzf as Redis
// builds it, so string payloads are byte for byte Redis's), listpack
// hashes and sorted sets, intsets, quicklist 2 lists of 8 KB listpacks,
// and hashtable / skiplist forms for large collections, chosen from the
// value's current encoding. JSON documents become RedisJSON (ReJSON-RL,
// encoding version 3) module values.
//
// Invariants:
//   - Decoding never panics and never trusts a length: every count and
//     size is checked against the bytes that remain before anything is
//     allocated or looped over (FuzzRestorePayload, FuzzLoad).
//   - Decoded collections are never empty (ErrEmptyKey) and never hold
//     duplicates (an error wrapping ErrCorrupt), as Redis checks on load.
//   - A DUMP payload is the value, the RDB version (2 bytes LE) and a
//     CRC64 (Redis's Jones polynomial, LE) of everything before it;
//     Restore refuses versions above 10 and bad checksums with
//     ErrBadPayload, whose text is Redis's reply.
package rdb
