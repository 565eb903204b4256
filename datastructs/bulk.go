package datastructs

// BulkLoader adds keys to a keyspace that is being loaded from a snapshot
// file, doing only what a load needs: one hash-table probe and insert per
// key, with the key and value strings taken over (not copied), memory
// accounting kept exact, and no notifications (Redis's rdbLoad adds keys
// with dbAddRDBLoad, which notifies nobody). The clock is read once per
// BulkLoader for the keys' access field instead of once per key.
//
// Use it only while ks.Loading is set and no snapshot runs, on databases
// that hold nothing a loaded key could replace. Not safe for concurrent
// use; the caller holds the server lock around each call.
type BulkLoader struct {
	ks     *Keyspace
	access uint32
}

// NewBulkLoader returns a BulkLoader for ks.
func (ks *Keyspace) NewBulkLoader() *BulkLoader {
	return &BulkLoader{ks: ks, access: ks.newAccess()}
}

// BulkItem is one key for BulkLoader.Add.
type BulkItem struct {
	DB  int
	Key string
	// Str is a string key's value (Value == nil).
	Str string
	// Value is any other key's value; it must not be empty.
	Value    Value
	ExpireAt int64 // absolute Unix ms, 0 for none
}

// bulkWindow is how many keys ahead of the insert Add touches the table.
const bulkWindow = 16

// Add adds items in order; the keys and string values now belong to the
// keyspace. It returns len(items), or the index of the first item whose
// key was already in its database (that item replaced the old value and
// the ones after it were not added: a load treats it as a corrupt file
// and discards the keyspace). Every item's DB must be in range.
func (b *BulkLoader) Add(items []BulkItem) int {
	var hs [bulkWindow]uint64
	var sink uint64
	for start := 0; start < len(items); start += bulkWindow {
		win := items[start:min(start+bulkWindow, len(items))]
		for i := range win {
			keys := b.ks.dbs[win[i].DB].keys
			hs[i] = keys.Hash(win[i].Key)
			sink += keys.Touch(hs[i])
		}
		for i := range win {
			it := &win[i]
			e := strEntry(it.Str)
			if it.Value != nil {
				e = objEntry(it.Value)
			}
			if !b.add(it.DB, it.Key, hs[i], e, it.ExpireAt) {
				return start + i
			}
		}
	}
	bulkSink = sink
	return len(items)
}

// bulkSink keeps Add's table reads from being optimised away.
//
//lint:ignore U1000 written only, on purpose: the writes keep the prefetching reads live
var bulkSink uint64

func (b *BulkLoader) add(i int, key string, h uint64, e Entry, expireAt int64) bool {
	d := b.ks.dbs[i]
	e.snap = b.ks.snapEpoch
	e.setSize(valueSize(&e))
	e.access = b.access
	e.ExpireAt = expireAt
	if !d.keys.SetHashed(key, h, e) {
		return false
	}
	d.used += keyCost(key) + e.recordedSize()
	if expireAt != 0 {
		d.expires.Set(key, expireAt)
	}
	return true
}
