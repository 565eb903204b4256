package datastructs

// Point-in-time snapshots without fork.
//
// A snapshot has an epoch. Each Entry records the epoch of the last
// snapshot that captured it. While a snapshot runs:
//
//   - A walker (SnapshotStep, called in short steps under the server's
//     lock) scans every database with the dict's SCAN cursor and captures
//     each entry whose epoch is older, marking it.
//   - Before any change to an entry not yet captured — an in-place write
//     through LookupWrite, a replacement, a TTL change, a deletion
//     (including expiry, RENAME, MOVE), FLUSHDB/FLUSHALL, SWAPDB — the
//     keyspace captures its current (old) value first and marks it.
//   - Entries created during the snapshot are marked at once: they are not
//     part of it.
//
// SCAN's guarantee (every key present for the whole scan is visited) plus
// the write hook mean every key that existed when the snapshot began is
// captured exactly once, with the value it had then, and nothing created
// later is. Starting a snapshot is O(1); the extra memory is whatever
// captured values wait to be written. The capture callback receives a
// value it may keep: strings are immutable and shared, other values are
// deep copies (Copier).
//
// Invariant: at most one snapshot runs at a time (BeginSnapshot panics
// otherwise).

// CaptureFunc receives one captured key: its database, key (a copy) and
// an entry whose value the callee owns.
type CaptureFunc func(db int, key string, e Entry)

type snapState struct {
	capture CaptureFunc
}

// BeginSnapshot starts a snapshot: from now on entries are captured as
// described above. Caller holds the server lock.
func (ks *Keyspace) BeginSnapshot(capture CaptureFunc) {
	if ks.snap != nil {
		panic("datastructs: BeginSnapshot while a snapshot runs")
	}
	ks.snapEpoch++
	ks.snap = &snapState{capture: capture}
}

// EndSnapshot stops capturing (after the walker finished, or to abort).
func (ks *Keyspace) EndSnapshot() { ks.snap = nil }

// SnapshotRunning reports whether a snapshot is capturing.
func (ks *Keyspace) SnapshotRunning() bool { return ks.snap != nil }

// SnapshotStep walks database db from cursor, capturing at least count
// entries' worth of keys not yet captured, and returns the next cursor
// (0 when the database is done). Caller holds the server lock.
func (db *DB) SnapshotStep(cursor uint64, count int) uint64 {
	s := db.ks.snap
	if s == nil {
		return 0
	}
	return db.keys.ScanPtrAhead(cursor, count, touchValue, func(k string, e *Entry) {
		if e.snap != db.ks.snapEpoch {
			e.snap = db.ks.snapEpoch
			s.capture(db.index, k, copyEntry(e))
		}
	})
}

// preWrite captures e before it changes, if a snapshot runs and has not
// captured it yet.
func (db *DB) preWrite(k string, e *Entry) {
	s := db.ks.snap
	if s == nil || e.snap == db.ks.snapEpoch {
		return
	}
	e.snap = db.ks.snapEpoch
	// k may alias a client's buffer: hand over the table's own copy of
	// the key (immutable) rather than allocating one per write, which
	// under a write load was a steady stream of garbage while a save
	// ran.
	s.capture(db.index, db.storedKey(k), copyEntry(e))
}

// captureAll captures every entry of db not yet captured (before a flush
// or swap replaces the whole table).
func (db *DB) captureAll() {
	if db.ks.snap == nil {
		return
	}
	var cursor uint64
	for {
		cursor = db.SnapshotStep(cursor, 1024)
		if cursor == 0 {
			return
		}
	}
}

// copyEntry returns an entry whose value the receiver may keep while the
// original changes: strings are immutable, other values are copied.
func copyEntry(e *Entry) Entry {
	c := *e
	if v := e.objVal(); v != nil {
		if cp, ok := v.(Copier); ok {
			c.p = objEntry(cp.Copy()).p
		}
	}
	return c
}
