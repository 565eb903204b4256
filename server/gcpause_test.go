package server

import (
	"math"
	"runtime"
	"runtime/metrics"
	"testing"
)

// TestHistMaxNs: the upper bound of the highest non-empty bucket; +Inf
// falls back to the bucket's lower bound.
func TestHistMaxNs(t *testing.T) {
	h := &metrics.Float64Histogram{
		Counts:  []uint64{3, 0, 1, 0},
		Buckets: []float64{0, 1e-6, 2e-6, 5e-6, math.Inf(1)},
	}
	var v metrics.Value
	s := []metrics.Sample{{Name: "/sched/pauses/total/gc:seconds"}}
	runtime.GC()
	metrics.Read(s)
	v = s[0].Value
	if got := histMaxNs(v); got == 0 {
		t.Fatalf("no GC pause recorded after runtime.GC")
	}
	if got := histUpper(h); got != 5000 {
		t.Fatalf("histUpper = %d, want 5000", got)
	}
	h.Counts[3] = 1
	if got := histUpper(h); got != 5000 {
		t.Fatalf("histUpper with +Inf bucket = %d, want 5000", got)
	}
	h.Counts = []uint64{0, 0, 0, 0}
	if got := histUpper(h); got != 0 {
		t.Fatalf("empty histogram: %d", got)
	}
}
