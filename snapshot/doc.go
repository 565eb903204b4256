// Package snapshot reads and writes AiKv's point-in-time snapshot files:
// msgpack records in zstd frames between a fixed header and a checksummed
// trailer. The server writes one for SAVE/BGSAVE and as the base of a
// rewritten log, and loads the newest one at startup before replaying
// the log records after its sequence number; cmd/aikv-check verifies,
// inspects and exports them.
//
// # Usage
//
//	info, err := snapshot.Save("dump.aikv", snapshot.KeyspaceSource(ks), snapshot.Options{Seq: seq})
//	...
//	ks2 := datastructs.New(datastructs.Options{})
//	info, err = snapshot.Load("dump.aikv", ks2, snapshot.Options{})
//	info, err = snapshot.Verify("dump.aikv") // errors name the damage
//
// Writer and Reader stream: Writer.Add takes one key at a time, Reader.Next
// yields one key at a time and Reader.NextRecord one record (chunk) at a
// time, for tools that never build values. Neither holds more than one
// block (about BlockTarget = 1 MiB uncompressed, plus its compressed copy)
// besides the value being built, so a 10 GB dataset never needs a second
// 10 GB buffer.
//
// # Byte layout (version 2)
//
// All fixed-size integers are little-endian.
//
//	file    := header block* trailer
//
//	header  (40 bytes)
//	  0   [8]  magic "AIKVSNAP"
//	  8   u16  format version (2; readers also accept 1)
//	  10  u16  flags: bit 0 = blocks are zstd frames (else plain msgpack);
//	           other bits must be 0 (a reader refuses unknown ones: ErrVersion)
//	  12  u32  number of databases (empty ones included)
//	  16  i64  creation time, Unix milliseconds
//	  24  u64  log sequence number the snapshot covers
//	  32  u32  reserved, 0
//	  36  u32  CRC32C (Castagnoli) of bytes 0..35
//
//	block   (17-byte header + data)
//	  0   u8   'B'
//	  1   u32  raw length: bytes of msgpack records once decompressed
//	           (1 .. MaxBlockRaw)
//	  5   u32  stored length: bytes of data that follow
//	  9   u32  number of records in the block (>= 1)
//	  13  u32  CRC32C of the stored data
//	  17  ...  data: one zstd frame (flag bit 0) or the raw records
//
//	trailer
//	  0   u8   'T'
//	  1   u32  number of databases (= header's)
//	  5   u64  × databases: keys in each database
//	  ..  u64  total records
//	  ..  u64  total blocks
//	  ..  u64  xxhash64 of every file byte before this field
//	  ..  [8]  "AIKVEND\n"; nothing may follow
//
// Inside a block, records are msgpack arrays, back to back; a record never
// straddles two blocks:
//
//	first record of a key:  [tag, db, key, expireAt, flags, chunk]
//	continuation record:    [0, flags, chunk]
//
//	tag       uint: 1 string, 2 list, 3 set, 4 zset, 5 hash, 6 JSON (codec),
//	          7.. later types (codecs); 0 marks a continuation
//	db        uint < number of databases
//	key       str, binary-safe
//	expireAt  int: absolute expiry in Unix ms, 0 for none
//	flags     uint: bit 0 = more records of this key follow; others 0
//	chunk     string: str (the value is the concatenation of the chunks)
//	          list:   array of str, elements in order head to tail
//	          set:    array of str, members
//	          hash:   array of 2n str, field, value, ... (a listpack hash
//	                  in its insertion order)
//	          zset:   array of 2n: member str, score float64, ... in
//	                  ascending (score, member) order; never NaN
//	          packed: bin, a list, set, hash or zset chunk in its compact
//	                  encoding (version 2, see below)
//	          other:  bin, opaque to the core, produced by the type's Codec
//
// Packed chunks (version 2) store a collection's compact in-memory
// encoding as it is, so the loader copies one blob instead of rebuilding
// the value element by element (as Redis loads a listpack or intset).
// uvarint below means a minimal (shortest) unsigned LEB128 length:
//
//	hash    the whole hash, one record: u32 pair count n >= 1, then 2n
//	        times (uvarint length, bytes): field, value, ... in insertion
//	        order; fields distinct (datastructs/hash listpack)
//	zset    the whole set, one record: u32 count n >= 1, then n times
//	        (uvarint length, member bytes, score as 8-byte IEEE 754);
//	        strictly ascending (score, member), members distinct, no NaN
//	        or -0 score (datastructs/zset listpack)
//	set     the whole set, one record: n >= 1 int64 members, 8 bytes
//	        each, strictly ascending (datastructs/set intset)
//	list    one list node per record (a list of several nodes has
//	        several records): per element a uvarint length, the bytes and
//	        the length again as a reversed uvarint (datastructs/list node)
//
// All integers inside packed chunks are little-endian. The writer packs a
// hash or zset in its listpack encoding, an intset, and every list node,
// when the chunk fits ChunkBytes (a list node always does unless it holds
// one huge element); anything else (hashtable hashes and sets, skiplist
// zsets) is written as element chunks. A list may mix both kinds of
// record. The reader checks a packed chunk completely before using it
// (structure, minimal lengths, order, distinct members, counts), and the
// loader adopts it only if it fits the encoding limits configured now;
// otherwise (the limits were lowered since the save) the value is built
// from its elements and converts, as Redis converts on load.
//
// Continuation records belong to the key of the record before them. They
// are how big values stay in small records: a string is cut every
// ChunkBytes bytes, a collection every ChunkElems elements or ChunkBytes
// bytes, so a zset of a million members is about a thousand records, and
// neither writer nor reader ever holds one giant msgpack value. Collection
// chunks are never empty (collections are never stored empty); a string's
// only chunk may be.
//
// # Checks
//
// A reader refuses, with ErrCorrupt wrapping the file offset and what is
// wrong: a header with a bad CRC, a block with a bad CRC or lengths that
// do not add up, a record that does not parse or breaks the rules above,
// a collection with duplicate members, trailer counts (keys per database,
// records, blocks) that differ from what was read, a whole-file checksum
// mismatch, and anything after the end marker. A file cut short gives
// ErrTruncated (which also matches ErrCorrupt). Lengths are checked
// against the bytes actually present before anything is allocated, and
// buffers grow only as data arrives, so hostile lengths cannot make a
// reader allocate much more than the file (or one decompressed block,
// at most MaxBlockRaw) holds.
//
// # Loading
//
// Open reads the trailer's key counts from the end of the file before
// streaming it, and Load pre-sizes each database with them (as Redis's
// RESIZEDB does) so the tables do not rehash while they fill. The counts
// are only a hint until the trailer is verified, so they are capped by
// the file size.
//
// Load (LoadLocked) is a pipeline: one goroutine reads, checks,
// decompresses and decodes the file (msgpack is parsed straight from the
// decompressed block for the encodings the writer uses; anything else
// goes to msgpack's Decoder, so errors stay msgpack's) into batches of
// keys; two goroutines build the small (one-record) collections of each
// batch, adopting packed chunks whole after checking them; the caller
// inserts the batches in file order with a datastructs.BulkLoader (one
// table probe per key, table reads of a window of keys overlapped,
// strings taken over, no notifications). NextRecord, Next and Verify
// unpack packed chunks into Elems and Scores, so tools read every
// version alike.
//
// Measured on this 2-core machine (shared with other jobs; see
// docs/benchmarks.md and bench/compare -restart) with 1M string keys
// "key:%010d" -> 16-byte values: the file is 6.0 bytes/key against 33.0
// for Redis 7.0's dump.rdb; restart to ready takes 0.43-0.49 s against
// 0.69-0.75 s for Redis. For the "mixed" dataset of small hashes, lists,
// sets and sorted sets (180k keys; 16.5 bytes/key against Redis's 69.7),
// version 2's packed chunks bring the load's CPU time to Redis's (about
// 0.19 s each, from 0.30 s with version 1's element chunks) and the
// restart under it (median 0.28 s against Redis's 0.42 s on a machine
// with load average 10-13): like Redis with its listpacks, the loader
// copies each compact collection as one blob. BenchmarkLoadMixed1M: 1.37M
// allocations and 67 MB per load, from 2.68M and 118 MB. See also
// BenchmarkLoad1M.
//
// # Value types
//
// Strings, lists, sets, hashes and sorted sets are encoded by the core.
// On load each value is rebuilt with its type's own constructors, so the
// type decides the encoding exactly as Redis does on load: a hashtable set
// whose members are all small integers comes back as an intset, a hash
// that once grew past the listpack limits and shrank comes back as a
// listpack. Element order is kept for lists and for listpack hashes
// (HGETALL order); sets and hashtable hashes come back in table order.
//
// Later types plug in through Codec (passed in Options.Codecs) without
// changes here: the codec claims a tag, encodes a value as opaque chunks
// and rebuilds it from them. JSON documents do so with
// jsonval.SnapshotCodec (tag 6: the serialized document, cut into chunks,
// parsed back on load); the server passes it to Save and Load. Files holding a tag nobody registered can
// still be verified, inspected and exported raw; Load refuses them with
// ErrUnknownType.
//
// # Versions
//
// Version is bumped by any change to the layout above; readers keep
// accepting older versions. testdata/v1.snap pins version 1 (element
// chunks only) and testdata/v2.snap version 2 (see TestGolden, which
// also writes each old version again; -update regenerates the current
// version's file only, for a deliberate change).
//
// # Consistency
//
// Save and Write walk a Source, which must not change while they run.
// SAVE passes KeyspaceSource under the server lock. BGSAVE (integrated in
// the server, see STYLE.md section 5) passes a frozen view of the keyspace
// captured at one instant together with the log sequence number it
// covers, so the file equals the dataset at that sequence number while
// clients keep writing.
package snapshot
