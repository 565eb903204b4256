package aof

import (
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
)

// countFS counts segment opens.
type countFS struct {
	FS
	opens atomic.Int64
}

func (c *countFS) OpenFile(name string, flag int, perm os.FileMode) (File, error) {
	c.opens.Add(1)
	return c.FS.OpenFile(name, flag, perm)
}

// Group commits reuse one descriptor for the tail segment instead of
// opening it for every fsync, and still sync every record (the log is
// intact after reopening), across rotations and TruncateFront.
func TestAlwaysReusesSegmentDescriptor(t *testing.T) {
	dir := t.TempDir()
	cfs := &countFS{FS: OSFS}
	l := openLog(t, Options{Dir: dir, Fsync: FsyncAlways, FS: cfs, SegmentSize: 4096})
	base := cfs.opens.Load()
	mustAppend(t, l, 0, 200)
	st := l.Stats()
	if st.Fsyncs < 200 {
		t.Fatalf("Fsyncs = %d after 200 sequential always writes, want >= 200", st.Fsyncs)
	}
	opens := cfs.opens.Load() - base
	if segs := len(segments(t, dir)); opens > int64(2*segs) {
		t.Fatalf("%d opens for %d fsyncs over %d segments: the descriptor is not reused", opens, st.Fsyncs, segs)
	}
	if err := l.TruncateFront(150); err != nil {
		t.Fatal(err)
	}
	mustAppend(t, l, 200, 260)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l2 := openLog(t, Options{Dir: dir})
	recs := replayAll(t, l2)
	checkRecs(t, recs, 149, 260)
}

func TestDatasync(t *testing.T) {
	for _, inline := range []bool{false, true} {
		f, err := os.Create(filepath.Join(t.TempDir(), "f"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte("data")); err != nil {
			t.Fatal(err)
		}
		if err := datasync(f, inline); err != nil {
			t.Fatalf("datasync(inline=%v): %v", inline, err)
		}
		f.Close()
		if err := datasync(f, inline); err == nil {
			t.Fatalf("datasync(inline=%v) of a closed file succeeded", inline)
		}
	}
}
