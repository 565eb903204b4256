package server

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/aikv/aikv/server/command"
	"github.com/aikv/aikv/server/config"
)

// BenchmarkBGSave runs the background save's path (walk, capture,
// encode, compress, write) over 200k string keys with no clients. Its
// allocations per key show what a save adds to the collector's work while
// clients run.
func BenchmarkBGSave(b *testing.B) {
	cfg := config.Default()
	cfg.Dir = b.TempDir()
	s := New(cfg, command.NewTable(), nil)
	const keys = 200000
	db := s.ks.DB(0)
	for i := 0; i < keys; i++ {
		db.SetString(fmt.Appendf(nil, "key:%010d", i), fmt.Appendf(nil, "val:%012d", i), 0, false)
	}
	path := filepath.Join(cfg.Dir, "dump.aikv")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.mu.Lock()
		job := s.beginJobLocked(saveSync) // not paced
		opts := s.snapshotOptions(job.seq)
		s.mu.Unlock()
		info, err := s.runBGSave(job, path, opts)
		if err != nil {
			b.Fatal(err)
		}
		if got := info.TotalKeys(); got != keys {
			b.Fatalf("%d keys saved, want %d", got, keys)
		}
		s.mu.Lock()
		s.save.job = nil
		s.mu.Unlock()
	}
	b.ReportMetric(float64(keys)*float64(b.N)/b.Elapsed().Seconds(), "keys/s")
}
