// Package aof is AiKv's append-only log: the effects of every write
// command, one record per atomic unit (a command, a MULTI/EXEC block, a
// script, a pipelined batch), in a segmented log on github.com/tidwall/wal.
// On start the server replays it to rebuild the keyspace.
//
// # How it fits
//
// The server's dispatcher, holding the keyspace lock, turns a unit's
// effects into a Record and calls Append, which encodes it into memory and
// returns its seq (no I/O, so the lock is held only briefly and seqs follow
// execution order). After releasing the lock and before sending the replies
// the dispatcher calls Wait(seq). Wait implements group commit: the first
// waiter writes every pending record with one wal.WriteBatch and, under
// FsyncAlways, one fsync; everyone covered is released together.
//
//	l, err := aof.Open(aof.Options{Dir: "data/appendonly.aof.d", Fsync: aof.FsyncEverySec})
//	err = l.Replay(0, func(seq uint64, rec aof.Record) error { return apply(rec) })
//	seq := l.Append(aof.Record{Time: now, Cmds: []aof.Cmd{{DB: 0, Args: args}}}) // under the lock
//	err = l.Wait(seq)                                                             // after it
//	err = l.Close()
//
// # Durability
//
// Wait always returns after the record reached the OS (write(2)), so a
// crash of the process never loses an acknowledged write. FsyncAlways also
// fsyncs before Wait returns. FsyncEverySec fsyncs from a background
// goroutine about once per second: it fdatasyncs the segment files written
// since the last fsync through a descriptor of its own, opened by path and
// kept open while the same segment is the one being synced (fsync is per
// inode, so this covers wal's descriptor), without holding wal's mutex,
// then fsyncs the directory if segments were created. fdatasync (as Redis
// uses on Linux) suffices for appended segments: it flushes the size
// change; the directory fsync makes new names durable. The FsyncAlways
// leader's fdatasync is issued inline (see datasync) to avoid scheduler
// thread hand-offs around every group commit. If such an fsync runs for more than
// two seconds, the next write waits for it (Stats.DelayedFsync); Redis
// instead postpones writes for up to two seconds and then writes anyway.
// FsyncNo fsyncs only in Sync and Close. tidwall/wal itself fsyncs a
// segment when it rotates to the next one, and on Close.
//
// # Failures
//
// A failed write leaves tidwall/wal's memory out of step with its file, so
// the next write attempt (the next Wait, or the background loop within a
// second) first closes the wal, deletes segments created by the failed
// batch, truncates the tail back to the last good record and reopens it;
// the records stay pending in memory meanwhile and are written again. An
// fsync failure under FsyncAlways does the same for the batch it covered
// (after a failed fsync Linux may drop the dirty pages, and a retried
// fsync could then report success without them). A failed everysec fsync
// is retried every second; its records are not rewritten. Stats reports
// LastWriteErr and LastFsyncErr until an attempt succeeds: the server
// refuses writes (MISCONF) while they are set.
//
// # Files
//
// The directory holds tidwall/wal segment files named after the seq of
// their first record, zero-padded to 20 digits (00000000000000000001,
// 00000000000000001037, ...). A segment is closed once it reaches
// Options.SegmentSize. A record's seq is its wal index: the segment's first
// seq plus its position. "<segment>.START" is wal's crash-safe
// TruncateFront in progress (completed by the next Open).
// "<segment>.broken" (or .broken.N) holds bytes cut off by repair and is
// never read again.
//
// Each segment is a sequence of wal binary frames:
//
//	+------------------------+------------------+
//	| len(payload) (uvarint) | payload (len B)  |   repeated
//	+------------------------+------------------+
//
// A payload is one Record (format version 1; integers little endian,
// uvarint/varint are encoding/binary's, varint zigzag-encoded):
//
//	 0         1                         5
//	+---------+-------------------------+--------------+--------------+----------------+-----
//	| version | CRC32C (Castagnoli) of  | seq          | time         | ncmds          | cmd
//	|   = 1   | all bytes from 5 on, LE | (uvarint)    | (varint, ms) | (uvarint)      | ...
//	+---------+-------------------------+--------------+--------------+----------------+-----
//
//	cmd:
//	+------------+--------------+----------------------+----------------------+-----
//	| db         | nargs        | len(arg0) (uvarint)  | arg0 bytes           | ...
//	| (uvarint)  | (uvarint)    |                      |                      |
//	+------------+--------------+----------------------+----------------------+-----
//
// The seq inside the payload must equal the record's position; it catches
// misnamed or misplaced segments. testdata/v1 pins this format (see
// TestGolden).
//
// # Invariants
//
//   - Records are numbered 1, 2, 3, ... without gaps; Append assigns
//     LastSeq+1 and wal rejects anything else.
//   - FirstSeq <= WrittenSeq+1, SyncedSeq <= WrittenSeq <= LastSeq.
//   - Recovery: state = newest valid snapshot at seq S + records (S, LastSeq]
//     replayed in order; Replay refuses to start before FirstSeq.
//   - Only the leader writes; fsyncs never hold mu or wal's mutex.
//
// # Repair
//
// Open first scans the last segment. An incomplete last frame, or frames
// that fail to decode with no valid record after them, is a torn tail (a
// crash in the middle of a write, or junk after the last whole record): it
// is copied to "<segment>.broken", cut off, fsynced, and logged with the
// segment and offset. Any other damage (a bad record followed by valid
// ones, damage in an earlier segment, a seq gap between segments) makes
// Open fail with an error wrapping ErrCorrupt that names the file and
// offset. Verify reports problems without changing anything; Fix cuts the
// log at its first bad record (cmd/aikv-check aof DIR --fix).
package aof
