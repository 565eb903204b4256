package datastructs

import (
	"unsafe"

	"github.com/aikv/aikv/datastructs/dict"
)

// Memory accounting. The keyspace keeps a running estimate of the Go heap
// bytes its data occupies (Keyspace.UsedMemory), maintained incrementally:
// every insert, overwrite and delete adds or subtracts the entry's cost,
// and DB.Modified re-measures a value changed in place through Sizer,
// which every collection type answers in O(1) from a running count kept
// on insert and remove. Nothing walks the dataset.
//
// The cost of a key is its table node, its key string and its value, each
// rounded up to the Go allocator's size class (AllocSize), plus, for a key
// with a TTL, the node of the expires table (which shares the key's
// bytes). Bucket arrays of both tables are added when the total is read.
// The estimate deliberately ignores the garbage collector's headroom: it
// approximates live heap, which is what runtime/metrics reports as
// /gc/heap/live:bytes after a collection.

// sizeClasses are the Go runtime's small object size classes (Go 1.26,
// runtime/sizeclasses.go). Larger objects take whole 8 KB pages.
var sizeClasses = [...]uint16{
	8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224,
	240, 256, 288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768,
	896, 1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200,
	3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240,
	10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576,
	27264, 28672, 32768,
}

// AllocSize is the heap bytes one allocation of n bytes takes: n rounded
// up to its size class (0 for n <= 0).
func AllocSize(n int) int64 {
	if n <= 0 {
		return 0
	}
	if n > 32768 {
		return int64((n + 8191) &^ 8191)
	}
	lo, hi := 0, len(sizeClasses)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if int(sizeClasses[mid]) >= n {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return int64(sizeClasses[lo])
}

// Sizer is implemented by values that report their heap footprint in
// O(1) (a running byte count updated on insert and remove): the value's
// own structures and its element strings, not the key or table node. The
// keyspace calls it after every change to the value.
type Sizer interface {
	Size() int64
}

var (
	keyNodeSize    = AllocSize(dict.NodeSize[Entry]())
	expireNodeSize = AllocSize(dict.NodeSize[int64]())
	// objHeaderSize is charged for a value without Sizer (an estimate of
	// a small object).
	objHeaderSize = AllocSize(64)
)

// keyCost is the cost of a key apart from its value.
func keyCost(key string) int64 {
	node, k := dict.NodeSizeWithKey[Entry](len(key))
	return AllocSize(node) + AllocSize(k)
}

// valueSize measures the value held by e.
func valueSize(e *Entry) int64 {
	if e.IsString() {
		if e.n == bigStr {
			return AllocSize(len(e.strVal())) + AllocSize(16)
		}
		return AllocSize(int(e.n))
	}
	box := AllocSize(int(unsafe.Sizeof(objBox{})))
	if s, ok := e.objVal().(Sizer); ok {
		return box + s.Size()
	}
	return box + objHeaderSize
}

// sizeUnit is the granularity of Entry.size: sizes are stored in 8-byte
// units so a uint32 covers values up to 32 GB.
const sizeUnit = 8

// setSize records e's value size and returns the change in bytes
// against what was recorded before.
func (e *Entry) setSize(n int64) int64 {
	old := int64(e.size) * sizeUnit
	units := (n + sizeUnit - 1) / sizeUnit
	if units > 1<<32-1 {
		units = 1<<32 - 1
	}
	e.size = uint32(units)
	return int64(e.size)*sizeUnit - old
}

// recordedSize is the value size recorded in e.
func (e *Entry) recordedSize() int64 { return int64(e.size) * sizeUnit }

// UsedMemory returns the estimated heap bytes of the whole dataset: keys,
// values, TTL index and table buckets.
func (ks *Keyspace) UsedMemory() int64 {
	var n int64
	for _, db := range ks.dbs {
		n += db.UsedMemory()
	}
	return n
}

// UsedMemory returns the estimated heap bytes of db's data.
func (db *DB) UsedMemory() int64 {
	ptr := int64(unsafe.Sizeof(uintptr(0)))
	return db.used + int64(db.expires.Len())*expireNodeSize +
		int64(db.keys.Buckets()+db.expires.Buckets())*ptr
}

// Overhead returns the part of db's UsedMemory that is table structure
// (nodes and buckets) rather than keys and values (MEMORY STATS).
func (db *DB) Overhead() int64 {
	ptr := int64(unsafe.Sizeof(uintptr(0)))
	return int64(db.keys.Len())*keyNodeSize + int64(db.expires.Len())*expireNodeSize +
		int64(db.keys.Buckets()+db.expires.Buckets())*ptr
}
