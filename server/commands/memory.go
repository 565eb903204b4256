package commands

import (
	"math"
	"math/bits"
	"runtime/debug"
	"strconv"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/server/command"
)

// MEMORY USAGE estimates follow Redis 7.0 on x86-64 with jemalloc, so a
// string key reports the same number as the oracle: the key's sds, the
// value's object (embstr, raw or int), and the dict entry, each rounded up
// to the allocator's size class. Other value types estimate themselves
// through datastructs.MemorySizer.

const (
	robjSize      = 16 // sizeof(robj)
	dictEntrySize = 24 // sizeof(dictEntry)
	embstrLimit   = 44 // OBJ_ENCODING_EMBSTR_SIZE_LIMIT
	defaultSample = 5  // MEMORY USAGE default SAMPLES
)

// mallocSize rounds n up to a jemalloc size class: multiples of 16 up to
// 128 (8 for the smallest), then four classes per power of two.
func mallocSize(n int64) int64 {
	switch {
	case n <= 8:
		return 8
	case n <= 128:
		return (n + 15) &^ 15
	}
	p := int64(1) << (63 - bits.LeadingZeros64(uint64(n-1)))
	step := p / 4
	return (n + step - 1) / step * step
}

// sdsHeader is the header size of an sds string of length n.
func sdsHeader(n int64, allowType5 bool) int64 {
	switch {
	case n < 1<<5 && allowType5:
		return 1
	case n < 1<<8:
		return 3
	case n < 1<<16:
		return 5
	case n < 1<<32:
		return 9
	}
	return 17
}

// sdsSize is the allocation of an sds string of length n.
func sdsSize(n int64, allowType5 bool) int64 {
	return mallocSize(sdsHeader(n, allowType5) + n + 1)
}

// stringObjectSize is the object size of a string value as Redis encodes
// it: int, embstr or raw.
func stringObjectSize(s string) int64 {
	n := int64(len(s))
	if n <= 20 {
		if _, ok := parseInt([]byte(s)); ok {
			return robjSize
		}
	}
	if n <= embstrLimit {
		return mallocSize(robjSize + 3 + n + 1)
	}
	return robjSize + sdsSize(n, false)
}

// keyMemoryUsage is MEMORY USAGE for one entry.
func keyMemoryUsage(key string, e *datastructs.Entry, samples int) int64 {
	total := sdsSize(int64(len(key)), true) + dictEntrySize
	if s, ok := e.Str(); ok {
		return total + stringObjectSize(s)
	}
	if ms, ok := e.Obj().(datastructs.MemorySizer); ok {
		return total + ms.MemoryUsage(samples)
	}
	if sz, ok := e.Obj().(datastructs.Sizer); ok {
		// AiKv's own estimate of the Go heap the value takes (Redis's
		// listpack/quicklist figures do not apply).
		return total + sz.Size()
	}
	return total + robjSize
}

func memoryUsage(c *command.Context) {
	samples := defaultSample
	for i := 3; i < len(c.Args); i++ {
		if eq(c.Args[i], "samples") && i+1 < len(c.Args) {
			n, ok := intArg(c, c.Args[i+1])
			if !ok {
				return
			}
			if n < 0 {
				c.W.Error(command.ErrSyntax)
				return
			}
			if n == 0 {
				samples = math.MaxInt
			} else {
				samples = int(min(n, math.MaxInt32))
			}
			i++
			continue
		}
		c.W.Error(command.ErrSyntax)
		return
	}
	// Like Redis, no hit or miss is counted and the key is not expired
	// here (Peek hides a logically expired key without deleting it).
	key := string(c.Args[2])
	e := c.DB.Peek(key)
	if e == nil {
		c.W.Null()
		return
	}
	c.W.Int(keyMemoryUsage(key, e, samples))
}

func memoryStats(c *command.Context) {
	st := c.Server.MemoryStats()
	var keys, expires int64
	var dbs []int
	for i := 0; i < c.KS.NumDBs(); i++ {
		db := c.KS.DB(i)
		if db.Len() > 0 {
			dbs = append(dbs, i)
		}
		keys += int64(db.Len())
		expires += int64(db.ExpiresLen())
	}
	overhead := st.Startup + st.ClientsNormal
	for _, i := range dbs {
		db := c.KS.DB(i)
		overhead += int64(db.Len())*dictEntrySize + int64(db.ExpiresLen())*dictEntrySize
	}
	dataset := max(st.Total-overhead, 0)
	ratio := func(a, b int64) float64 {
		if b == 0 {
			return 0
		}
		return float64(a) / float64(b)
	}
	c.W.Map(25 + len(dbs))
	ints := func(pairs ...any) {
		for i := 0; i < len(pairs); i += 2 {
			c.W.BulkString(pairs[i].(string))
			c.W.Int(pairs[i+1].(int64))
		}
	}
	ints("peak.allocated", st.Peak, "total.allocated", st.Total, "startup.allocated", st.Startup,
		"replication.backlog", int64(0), "clients.slaves", int64(0), "clients.normal", st.ClientsNormal,
		"cluster.links", int64(0), "aof.buffer", int64(0), "lua.caches", int64(0), "functions.caches", int64(0))
	for _, i := range dbs {
		db := c.KS.DB(i)
		c.W.BulkString("db." + strconv.Itoa(i))
		c.W.Map(3)
		ints("overhead.hashtable.main", int64(db.Len())*dictEntrySize,
			"overhead.hashtable.expires", int64(db.ExpiresLen())*dictEntrySize,
			"overhead.hashtable.slot-to-keys", int64(0))
	}
	perKey := int64(0)
	if keys > 0 {
		perKey = (st.Total - st.Startup) / keys
	}
	ints("overhead.total", overhead, "keys.count", keys, "keys.bytes-per-key", perKey, "dataset.bytes", dataset)
	c.W.BulkString("dataset.percentage")
	c.W.Double(100 * ratio(dataset, st.Total-st.Startup))
	c.W.BulkString("peak.percentage")
	c.W.Double(100 * ratio(st.Total, st.Peak))
	ints("allocator.allocated", st.Total, "allocator.active", st.AllocatorActive, "allocator.resident", st.AllocatorResident)
	c.W.BulkString("allocator-fragmentation.ratio")
	c.W.Double(ratio(st.AllocatorActive, st.Total))
	ints("allocator-fragmentation.bytes", st.AllocatorActive-st.Total)
	c.W.BulkString("allocator-rss.ratio")
	c.W.Double(ratio(st.AllocatorResident, st.AllocatorActive))
	ints("allocator-rss.bytes", st.AllocatorResident-st.AllocatorActive)
	c.W.BulkString("rss-overhead.ratio")
	c.W.Double(ratio(st.RSS, st.AllocatorResident))
	ints("rss-overhead.bytes", st.RSS-st.AllocatorResident)
	c.W.BulkString("fragmentation")
	c.W.Double(ratio(st.RSS, st.Total))
	ints("fragmentation.bytes", st.RSS-st.Total)
}

// memoryDoctor gives Redis's two common verdicts; AiKv has no allocator
// statistics to diagnose more.
func memoryDoctor(c *command.Context) {
	st := c.Server.MemoryStats()
	if st.Total < 5<<20 {
		c.W.Verbatim("txt", "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.")
		return
	}
	c.W.Verbatim("txt", "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.")
}

func memoryMallocStats(c *command.Context) {
	c.W.Verbatim("txt", "Stats not supported for the current allocator")
}

// memoryPurge returns freed memory to the OS (Go's equivalent of
// jemalloc's purge).
func memoryPurge(c *command.Context) {
	debug.FreeOSMemory()
	c.W.OK()
}

func memoryHelp(c *command.Context) {
	writeHelp(c, "MEMORY", []string{
		"DOCTOR",
		"    Return memory problems reports.",
		"MALLOC-STATS",
		"    Return internal statistics report from the memory allocator.",
		"PURGE",
		"    Attempt to purge dirty pages for reclamation by the allocator.",
		"STATS",
		"    Return information about the memory usage of the server.",
		"USAGE <key> [SAMPLES <count>]",
		"    Return memory in bytes used by <key> and its value. Nested values are",
		"    sampled up to <count> times (default: 5, 0 means sample all).",
	})
}
