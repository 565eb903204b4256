package list

import (
	"sync"
	"unsafe"

	"github.com/aikv/aikv/datastructs"
)

// Recycling of node buffers.
//
// A node's buffer is replaced whenever the node outgrows it (or shrinks
// well below it), so a list built by many small pushes leaves a trail of
// outgrown buffers behind: ten RPUSHes of ten elements allocate ten
// buffers for one 1.2 KB node. As garbage those buffers cost memory
// beyond the data: the Go collector lets the heap grow to twice the live
// data (GOGC=100) before it reclaims them, and a load whose allocations
// are mostly such garbage keeps the heap, and RSS, near that limit, where
// one that allocates mostly live data stays near the live size. Redis
// does not pay this: its listpacks are realloc'ed, and the allocator
// reuses a freed block at once.
//
// So a buffer the list lets go of goes back to a free list per size
// class (a sync.Pool, which the runtime empties over two collections if
// nothing takes from it), and the next node buffer of that class is
// taken from there. Every buffer handed out is exactly a size class, so
// the running size count (List.alloc) is unchanged by where it came
// from.
//
// A buffer is released only when the node that owned it no longer refers
// to it, and only after the operation that replaced it has finished
// reading from it. Strings returned by Index, Range, Ascend and Descend
// view node buffers and are documented as valid until the list is next
// modified: after that modification a recycled buffer may hold another
// list's data, so a caller that keeps a view longer must copy it (as the
// contract already requires). Popped strings are copies and are never
// affected.

// Buffers of minPooled..maxPooled bytes (size classes) are recycled;
// smaller ones cost too little to matter and larger ones are rare (one
// element bigger than NodeBytes, or a node grown past it by one).
const (
	minPooled = 16
	maxPooled = 32768
)

var (
	// classSizes are the Go allocator's size classes from minPooled to
	// maxPooled, and classIndex maps size/8 to the index in classSizes
	// of a size that is exactly a class (-1 otherwise; every class is a
	// multiple of 8).
	classSizes []int
	classIndex [maxPooled/8 + 1]int8
	// bufPools holds, per class, pointers to the first byte of free
	// buffers of exactly that class's size.
	bufPools []sync.Pool
)

func init() {
	for i := range classIndex {
		classIndex[i] = -1
	}
	for n := minPooled; n <= maxPooled; {
		c := int(datastructs.AllocSize(n))
		if c%8 != 0 {
			panic("list: size class not a multiple of 8")
		}
		classIndex[c/8] = int8(len(classSizes))
		classSizes = append(classSizes, c)
		n = c + 1
	}
	bufPools = make([]sync.Pool, len(classSizes))
}

// poolOf returns the pool for buffers of capacity c, or nil when c is not
// a recycled size class.
func poolOf(c int) *sync.Pool {
	if c < minPooled || c > maxPooled || c%8 != 0 {
		return nil
	}
	if i := classIndex[c/8]; i >= 0 {
		return &bufPools[i]
	}
	return nil
}

// newBuf returns a buffer of length n and capacity c (n <= c; c a size
// class, as AllocSize returns), recycled when one is free. A recycled
// buffer is not zeroed: callers write buf[:n] before reading it.
func newBuf(n, c int) []byte {
	if c >= minPooled && c <= maxPooled {
		if b := getBuf(c); b != nil {
			return b[:n]
		}
	}
	return make([]byte, n, c)
}

// getBuf takes a free buffer of capacity c from its pool (nil if none).
func getBuf(c int) []byte {
	if p := poolOf(c); p != nil {
		if b, _ := p.Get().(*byte); b != nil {
			return unsafe.Slice(b, c)
		}
	}
	return nil
}

// freeBuf gives b back for reuse. The caller must hold the only
// reference to b's memory that will be used again. (The size check is
// here so that the common nil and small cases inline to nothing.)
func freeBuf(b []byte) {
	if c := cap(b); c >= minPooled && c <= maxPooled {
		putBuf(b)
	}
}

// putBuf puts b in its class's pool, if it has one.
func putBuf(b []byte) {
	if p := poolOf(cap(b)); p != nil {
		p.Put(unsafe.SliceData(b))
	}
}
