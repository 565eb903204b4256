package server

import (
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/server/command"
)

// Memory limit and eviction.
//
// used memory (INFO used_memory, what maxmemory is compared with) is the
// Go heap in use when the server started plus the keyspace's incremental
// estimate of its data (datastructs.Keyspace.UsedMemory): a deterministic
// figure, like Redis's zmalloc counter, that tracks live heap rather than
// what the garbage collector has not yet reclaimed.
//
// So that RSS follows, maxmemory also sets the Go runtime's soft memory
// limit (debug.SetMemoryLimit) to maxmemory plus memoryLimitSlack: with
// live data kept under maxmemory by eviction, the collector runs as often
// as needed to keep the whole Go heap (live data plus garbage, stacks,
// runtime metadata) under the limit instead of letting it double as
// GOGC=100 would. An explicit GOMEMLIMIT in the environment wins. See
// README "Memory".

// memoryLimitSlack is the headroom above maxmemory given to the Go
// runtime's memory limit: a quarter of maxmemory plus 32 MB (client
// buffers, the command log's pending records, garbage between cycles)
// plus twice the log's segment size (the log keeps its tail segment in
// memory, in a buffer that grows by doubling).
func memoryLimitSlack(maxmemory uint64) uint64 {
	return maxmemory/4 + 32<<20 + 2*uint64(aofSegmentSize(maxmemory))
}

// envMemoryLimit records whether GOMEMLIMIT was set in the environment,
// in which case maxmemory leaves the runtime's limit alone.
var envMemoryLimit = os.Getenv("GOMEMLIMIT") != ""

// usedMemory is the figure maxmemory is checked against. Caller holds
// s.mu.
func (s *Server) usedMemory() int64 { return s.startupMemory + s.ks.UsedMemory() }

// applyMemoryConfig applies maxmemory, maxmemory-policy and the LFU
// parameters (at start and after CONFIG SET). Caller holds s.mu or owns s.
func (s *Server) applyMemoryConfig() {
	p, _ := datastructs.ParsePolicy(s.cfg.MaxMemoryPolicy)
	if p != s.policy {
		s.ks.ResetEvictionPool()
		s.policy = p
	}
	if p.LFU() {
		s.ks.SetLFU(&datastructs.LFUOptions{LogFactor: s.cfg.LFULogFactor, DecayTime: s.cfg.LFUDecayTime})
	} else {
		s.ks.SetLFU(nil)
	}
	if envMemoryLimit || s.memLimitSet == s.cfg.MaxMemory {
		return
	}
	s.memLimitSet = s.cfg.MaxMemory
	if s.cfg.MaxMemory == 0 {
		debug.SetMemoryLimit(1<<63 - 1) // the runtime's default: no limit
		return
	}
	limit := s.cfg.MaxMemory + memoryLimitSlack(s.cfg.MaxMemory)
	if limit < s.cfg.MaxMemory || limit > 1<<63-1 {
		limit = 1<<63 - 1
	}
	debug.SetMemoryLimit(int64(limit))
}

// performEvictions frees memory by evicting keys while used memory is
// above maxmemory (Redis's performEvictions, run before every command).
// It reports false when the server is still over the limit: nothing
// evictable is left, or the policy is noeviction. Caller holds s.mu.
func (s *Server) performEvictions() bool {
	max := s.cfg.MaxMemory
	if max == 0 || s.ks.Loading {
		return true
	}
	over := func() bool { return uint64(max64(s.usedMemory(), 0)) > max }
	if !over() {
		return true
	}
	_, ok := s.ks.Evict(s.policy, s.cfg.MaxMemorySamples, over)
	return ok
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// rejectOOM reports whether the command must be refused with the OOM
// error: Redis rejects commands flagged denyoom when eviction could not
// bring memory under maxmemory. Reads and deletes keep working. Caller
// holds s.mu.
func (s *Server) rejectOOM(run *command.Spec) bool {
	s.oomAtStart = false
	if s.cfg.MaxMemory == 0 {
		return false
	}
	s.oomAtStart = !s.performEvictions()
	return s.oomAtStart && run.Flags.Has(command.DenyOOM)
}

// OOMAtCommandStart implements commands.OOMReporter: scripts refuse
// denyoom commands when the server was over maxmemory as they started.
func (s *Server) OOMAtCommandStart() bool { return s.oomAtStart }

// KeyEvicted implements datastructs.Observer: an evicted key is logged as
// DEL, as Redis propagates evictions. Keyspace notifications ("evicted")
// are not sent: AiKv has no keyspace notifications yet.
func (s *Server) KeyEvicted(db int, key string) {
	if s.logging() {
		s.addEffect(db, [][]byte{[]byte("DEL"), []byte(key)})
	}
	s.NotifyKeyspaceEvent(command.NotifyEvicted, "evicted", []byte(key), db)
}

// goMemStats are the Go runtime's own figures (runtime/metrics), reported
// in INFO memory next to the estimate.
type goMemStats struct {
	heapObjects, heapLive, total, released, goal, limit, gcCycles uint64
	// gcPauseMaxNs is the longest stop-the-world pause of the garbage
	// collector so far (including the time to stop), rounded up to its
	// runtime/metrics histogram bucket.
	gcPauseMaxNs uint64
}

func readGoMemStats() goMemStats {
	samples := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/gc/heap/live:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
		{Name: "/gc/heap/goal:bytes"},
		{Name: "/gc/gomemlimit:bytes"},
		{Name: "/gc/cycles/total:gc-cycles"},
		{Name: "/sched/pauses/total/gc:seconds"},
	}
	metrics.Read(samples)
	v := func(i int) uint64 {
		if samples[i].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return samples[i].Value.Uint64()
	}
	return goMemStats{v(0), v(1), v(2), v(3), v(4), v(5), v(6), histMaxNs(samples[7].Value)}
}

// histMaxNs is the upper bound, in nanoseconds, of the highest non-empty
// bucket of a runtime/metrics time histogram (0 when empty).
func histMaxNs(v metrics.Value) uint64 {
	if v.Kind() != metrics.KindFloat64Histogram {
		return 0
	}
	return histUpper(v.Float64Histogram())
}

// histUpper is histMaxNs on the histogram itself.
func histUpper(h *metrics.Float64Histogram) uint64 {
	for i := len(h.Counts) - 1; i >= 0; i-- {
		if h.Counts[i] == 0 {
			continue
		}
		hi := h.Buckets[i+1]
		if math.IsInf(hi, 1) {
			hi = h.Buckets[i]
		}
		return uint64(hi * 1e9)
	}
	return 0
}

// aofSegmentSize picks the log's segment size. The log keeps its tail
// segment in memory (tidwall/wal), so with a memory budget the segment
// is an eighth of maxmemory, between 4 MB and the default 64 MB; without
// one it is the default. It is chosen when the log is opened.
func aofSegmentSize(maxmemory uint64) int {
	if maxmemory == 0 {
		return 0 // aof.DefaultSegmentSize
	}
	return int(min(max(maxmemory/8, 4<<20), 64<<20))
}
