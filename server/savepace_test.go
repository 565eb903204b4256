package server

import (
	"fmt"
	"testing"
	"time"
)

// TestSavePacing drives the background save's walk directly: it pauses
// between steps only while commands run (here: the write callback counts
// one per step, as clients would), never for an idle server, a SYNC, or a
// save that SHUTDOWN waits for. Every key is written either way.
func TestSavePacing(t *testing.T) {
	defer func(p func(time.Duration)) { savePause = p }(savePause)
	for _, tc := range []struct {
		name     string
		kind     saveKind
		busy     bool
		unpaced  bool
		wantRest bool
	}{
		{"busy", saveBG, true, false, true},
		{"busy rewrite", saveRewrite, true, false, true},
		{"idle", saveBG, false, false, false},
		{"busy sync", saveSync, true, false, false},
		{"busy, shutdown waits", saveBG, true, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := testServer(t)
			const keys = 20000
			db := s.ks.DB(0)
			for i := 0; i < keys; i++ {
				db.SetString([]byte(fmt.Sprint("k", i)), []byte("v"), 0, false)
			}
			var pauses int
			var slept time.Duration
			savePause = func(d time.Duration) {
				if d <= 0 || d > maxSavePause {
					t.Errorf("pause of %v", d)
				}
				pauses++
				slept += d
			}
			s.mu.Lock()
			job := s.beginJobLocked(tc.kind)
			s.mu.Unlock()
			job.unpaced.Store(tc.unpaced)
			written := 0
			err := s.walkSnapshot(job, s.ks.NumDBs(), func(batch []captured) error {
				written += len(batch)
				if tc.busy {
					s.mu.Lock()
					s.stats.commands++
					s.mu.Unlock()
				}
				return nil
			})
			s.mu.Lock()
			s.save.job = nil
			s.mu.Unlock()
			if err != nil {
				t.Fatal(err)
			}
			if written != keys {
				t.Fatalf("%d keys written, want %d", written, keys)
			}
			if (pauses > 0) != tc.wantRest {
				t.Fatalf("%d pauses (%v), want pauses: %v", pauses, slept, tc.wantRest)
			}
		})
	}
}
