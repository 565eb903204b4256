package aof

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"
)

func TestParseFsyncPolicy(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want FsyncPolicy
		ok   bool
	}{
		{"always", FsyncAlways, true},
		{"EverySec", FsyncEverySec, true},
		{"no", FsyncNo, true},
		{"NO", FsyncNo, true},
		{"", 0, false},
		{"sometimes", 0, false},
	} {
		got, err := ParseFsyncPolicy(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("ParseFsyncPolicy(%q) = %v, %v", tc.in, got, err)
		}
		if tc.ok && got.String() != map[FsyncPolicy]string{FsyncAlways: "always", FsyncEverySec: "everysec", FsyncNo: "no"}[got] {
			t.Errorf("%v.String() = %q", got, got.String())
		}
	}
}

var policies = []FsyncPolicy{FsyncAlways, FsyncEverySec, FsyncNo}

// TestConcurrentAppendWait: many goroutines append (under a server-like
// lock, as the dispatcher does) and wait; after Close and reopen, replay
// returns exactly what was appended at each seq.
func TestConcurrentAppendWait(t *testing.T) {
	for _, p := range policies {
		t.Run(p.String(), func(t *testing.T) {
			dir := t.TempDir()
			l := openLog(t, Options{Dir: dir, Fsync: p, SegmentSize: 64 << 10})
			const workers, each = 20, 100
			var serverMu sync.Mutex
			want := make(map[uint64]Record)
			var wg sync.WaitGroup
			errs := make(chan error, workers)
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range each {
						r := rec(w*each + i)
						serverMu.Lock()
						seq := l.Append(r)
						want[seq] = r
						serverMu.Unlock()
						if err := l.Wait(seq); err != nil {
							errs <- err
							return
						}
						st := l.Stats()
						if st.WrittenSeq < seq || (p == FsyncAlways && st.SyncedSeq < seq) {
							errs <- fmt.Errorf("Wait(%d) returned with written %d synced %d", seq, st.WrittenSeq, st.SyncedSeq)
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			l2 := openLog(t, Options{Dir: dir})
			if l2.LastSeq() != workers*each {
				t.Fatalf("LastSeq after reopen = %d, want %d", l2.LastSeq(), workers*each)
			}
			recs := replayAll(t, l2)
			for i, r := range recs {
				if !reflect.DeepEqual(normalize(r), normalize(want[uint64(i+1)])) {
					t.Fatalf("seq %d replayed %+v, want %+v", i+1, r, want[uint64(i+1)])
				}
			}
			if len(recs) != workers*each {
				t.Fatalf("replayed %d records, want %d", len(recs), workers*each)
			}
		})
	}
}

// TestGroupCommit: with FsyncAlways and 50 concurrent clients, clients
// share fsyncs: far fewer fsyncs than records.
func TestGroupCommit(t *testing.T) {
	fs := &faultFS{FS: OSFS}
	l := openLog(t, Options{Dir: t.TempDir(), Fsync: FsyncAlways, FS: fs})
	base := l.Stats().Fsyncs
	const workers, each = 50, 40
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := l.Wait(l.Append(rec(w*each + i))); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	st := l.Stats()
	fsyncs := st.Fsyncs - base
	t.Logf("%d records, %d writes, %d fsyncs", workers*each, st.Writes, fsyncs)
	if fsyncs == 0 || fsyncs > workers*each/4 {
		t.Fatalf("%d fsyncs for %d records: no group commit", fsyncs, workers*each)
	}
	if st.Writes > workers*each/4 {
		t.Fatalf("%d writes for %d records: no group commit", st.Writes, workers*each)
	}
	if got := fs.syncs.Load(); got != st.Fsyncs {
		t.Fatalf("Stats.Fsyncs = %d, but the FS saw %d fsyncs", st.Fsyncs, got)
	}
}

// TestRotation writes through many small segments; the tail mirror must
// match the files after every write, and everything replays.
func TestRotation(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, Options{Dir: dir, Fsync: FsyncEverySec, SegmentSize: 512})
	for i := range 300 {
		mustAppend(t, l, i, i+1)
		segs := segments(t, dir)
		last := segs[len(segs)-1]
		if got := l.segPath(l.tail.first); got != last {
			t.Fatalf("after record %d the mirror says the tail is %s, the directory %s", i, got, last)
		}
		if size := fileSize(t, last); size != l.tail.size {
			t.Fatalf("after record %d the mirror says the tail has %d bytes, the file %d", i, l.tail.size, size)
		}
	}
	var total int64
	for _, s := range segments(t, dir) {
		total += fileSize(t, s)
	}
	if st := l.Stats(); st.CurrentSize != total {
		t.Fatalf("CurrentSize = %d, files hold %d", st.CurrentSize, total)
	}
	if n := len(segments(t, dir)); n < 10 {
		t.Fatalf("only %d segments with SegmentSize 512", n)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := Verify(dir)
	if err != nil || !r.OK() || r.Records != 300 {
		t.Fatalf("Verify = %+v, %v", r, err)
	}
	l2 := openLog(t, Options{Dir: dir, SegmentSize: 512})
	if st := l2.Stats(); st.BaseSize != total || st.CurrentSize != total {
		t.Fatalf("after reopen BaseSize %d CurrentSize %d, want %d", st.BaseSize, st.CurrentSize, total)
	}
	checkRecs(t, replayAll(t, l2), 0, 300)
	mustAppend(t, l2, 300, 320)
	checkRecs(t, replayAll(t, l2), 0, 320)
}

func TestTruncateFront(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, Options{Dir: dir, SegmentSize: 300})
	if l.FirstSeq() != 1 || l.LastSeq() != 0 {
		t.Fatalf("new log: first %d last %d", l.FirstSeq(), l.LastSeq())
	}
	mustAppend(t, l, 0, 100)
	nsegs := len(segments(t, dir))
	if err := l.TruncateFront(50); err != nil {
		t.Fatal(err)
	}
	if l.FirstSeq() != 50 {
		t.Fatalf("FirstSeq = %d, want 50", l.FirstSeq())
	}
	if n := len(segments(t, dir)); n >= nsegs {
		t.Fatalf("%d segments before, %d after TruncateFront", nsegs, n)
	}
	checkRecs(t, replayAll(t, l), 49, 100) // seq 50 holds rec(49)
	if err := l.Replay(10, func(uint64, Record) error { return nil }); !errors.Is(err, ErrMissing) {
		t.Fatalf("Replay before FirstSeq = %v, want ErrMissing", err)
	}
	if err := l.TruncateFront(20); err != nil {
		t.Fatalf("TruncateFront below FirstSeq = %v, want no-op", err)
	}
	if err := l.TruncateFront(102); !errors.Is(err, ErrOutOfRange) {
		t.Fatalf("TruncateFront past the end = %v, want ErrOutOfRange", err)
	}
	// Records appended (not yet written) are written first.
	l.Append(rec(100))
	if err := l.TruncateFront(95); err != nil {
		t.Fatal(err)
	}
	mustAppend(t, l, 101, 110)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	l = openLog(t, Options{Dir: dir, SegmentSize: 300})
	if l.FirstSeq() != 95 || l.LastSeq() != 110 {
		t.Fatalf("after reopen first %d last %d, want 95 110", l.FirstSeq(), l.LastSeq())
	}
	checkRecs(t, replayAll(t, l), 94, 110)
	// Empty the log completely (a snapshot covers everything).
	if err := l.TruncateFront(l.LastSeq() + 1); err != nil {
		t.Fatal(err)
	}
	if len(replayAll(t, l)) != 0 || l.FirstSeq() != 111 {
		t.Fatalf("emptied log: first %d", l.FirstSeq())
	}
	mustAppend(t, l, 110, 115)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = openLog(t, Options{Dir: dir, SegmentSize: 300})
	if l.FirstSeq() != 111 || l.LastSeq() != 115 {
		t.Fatalf("after reopen first %d last %d, want 111 115", l.FirstSeq(), l.LastSeq())
	}
	checkRecs(t, replayAll(t, l), 110, 115)
}

func TestSetFsyncLive(t *testing.T) {
	fs := &faultFS{FS: OSFS}
	l := openLog(t, Options{Dir: t.TempDir(), Fsync: FsyncNo, FS: fs})
	mustAppend(t, l, 0, 10)
	if st := l.Stats(); st.SyncedSeq >= 10 {
		t.Fatalf("appendfsync no synced seq %d", st.SyncedSeq)
	}
	l.SetFsync(FsyncAlways)
	if l.Fsync() != FsyncAlways {
		t.Fatal("SetFsync did not take")
	}
	seq := l.Append(rec(10))
	if err := l.Wait(seq); err != nil {
		t.Fatal(err)
	}
	if st := l.Stats(); st.SyncedSeq < seq {
		t.Fatalf("after SetFsync(always) Wait returned with synced %d < %d", st.SyncedSeq, seq)
	}
}

func TestSyncAndClose(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, Options{Dir: dir, Fsync: FsyncNo})
	mustAppend(t, l, 0, 5)
	if err := l.Sync(); err != nil {
		t.Fatal(err)
	}
	if st := l.Stats(); st.SyncedSeq != 5 {
		t.Fatalf("after Sync synced seq %d, want 5", st.SyncedSeq)
	}
	// Appended but never waited for: Close writes it.
	seq := l.Append(rec(5))
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Wait(seq); err != nil {
		t.Fatalf("Wait for a record Close wrote: %v", err)
	}
	late := l.Append(rec(6))
	if err := l.Wait(late); !errors.Is(err, ErrClosed) {
		t.Fatalf("Wait after Close = %v, want ErrClosed", err)
	}
	if err := l.Close(); !errors.Is(err, ErrClosed) {
		t.Fatalf("second Close = %v", err)
	}
	checkRecs(t, replayAll(t, openLog(t, Options{Dir: dir})), 0, 6)
}

func TestWaitOutOfRange(t *testing.T) {
	l := openLog(t, Options{Dir: t.TempDir()})
	if err := l.Wait(0); err != nil {
		t.Fatalf("Wait(0) = %v", err)
	}
	if err := l.Wait(1); !errors.Is(err, ErrOutOfRange) {
		t.Fatalf("Wait for a seq never appended = %v", err)
	}
}

// TestFsyncFailureAlways: a failing fsync fails Wait; the records stay
// pending, are rewritten, and the log recovers once fsync works again.
func TestFsyncFailureAlways(t *testing.T) {
	dir := t.TempDir()
	fs := &faultFS{FS: OSFS}
	l := openLog(t, Options{Dir: dir, Fsync: FsyncAlways, FS: fs})
	mustAppend(t, l, 0, 5)
	fs.failSync.Store(true)
	seq := l.Append(rec(5))
	if err := l.Wait(seq); !errors.Is(err, errInjected) {
		t.Fatalf("Wait with failing fsync = %v", err)
	}
	if st := l.Stats(); st.LastFsyncErr == nil || st.SyncedSeq >= seq {
		t.Fatalf("stats after a failed fsync: %+v", st)
	}
	l.Append(rec(6))
	if err := l.Wait(seq); !errors.Is(err, errInjected) {
		t.Fatalf("second Wait with failing fsync = %v", err)
	}
	fs.failSync.Store(false)
	if err := l.Wait(l.LastSeq()); err != nil {
		t.Fatalf("Wait after the fault cleared: %v", err)
	}
	if st := l.Stats(); st.LastFsyncErr != nil || st.LastWriteErr != nil || st.SyncedSeq != 7 {
		t.Fatalf("stats after recovery: %+v", st)
	}
	mustAppend(t, l, 7, 10)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	checkRecs(t, replayAll(t, openLog(t, Options{Dir: dir})), 0, 10)
}

// TestWriteFailure: a short write on a full disk fails Wait; the partial
// bytes are rolled back and the records written again when the disk has
// room, so the log stays clean.
func TestWriteFailure(t *testing.T) {
	for _, p := range policies {
		t.Run(p.String(), func(t *testing.T) {
			dir := t.TempDir()
			fs := &faultFS{FS: OSFS}
			l := openLog(t, Options{Dir: dir, Fsync: p, FS: fs, SegmentSize: 400})
			mustAppend(t, l, 0, 10)
			fs.failWrite.Store(true)
			for i := 10; i < 15; i++ {
				if err := l.Wait(l.Append(rec(i))); !errors.Is(err, errInjected) {
					t.Fatalf("Wait on a full disk = %v", err)
				}
			}
			if st := l.Stats(); st.LastWriteErr == nil || st.WrittenSeq != 10 || st.LastSeq != 15 {
				t.Fatalf("stats on a full disk: %+v", st)
			}
			fs.failWrite.Store(false)
			mustAppend(t, l, 15, 30)
			if st := l.Stats(); st.LastWriteErr != nil || st.WrittenSeq != 30 {
				t.Fatalf("stats after recovery: %+v", st)
			}
			checkRecs(t, replayAll(t, l), 0, 30)
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			if r, err := Verify(dir); err != nil || !r.OK() || r.Records != 30 {
				t.Fatalf("Verify after recovery = %+v, %v", r, err)
			}
			checkRecs(t, replayAll(t, openLog(t, Options{Dir: dir, SegmentSize: 400})), 0, 30)
		})
	}
}

// TestBackgroundRetry: records whose write failed are written by the
// background loop once the fault clears, without any Wait.
func TestBackgroundRetry(t *testing.T) {
	fs := &faultFS{FS: OSFS}
	l := openLog(t, Options{Dir: t.TempDir(), FS: fs, tick: 5 * time.Millisecond})
	fs.failWrite.Store(true)
	if err := l.Wait(l.Append(rec(0))); err == nil {
		t.Fatal("Wait succeeded on a full disk")
	}
	fs.failWrite.Store(false)
	deadline := time.Now().Add(10 * time.Second)
	for l.Stats().WrittenSeq != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("background loop never wrote the pending record: %+v", l.Stats())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if st := l.Stats(); st.LastWriteErr != nil {
		t.Fatalf("LastWriteErr after the retry: %v", st.LastWriteErr)
	}
}

// TestBackgroundFsyncRecoveryAlways: under FsyncAlways, after a failed
// fsync nobody may Wait again (the server refuses writes while the error
// is reported), so the background loop itself rewrites the rolled-back
// batch and fsyncs it once the fault clears, and the error goes away.
func TestBackgroundFsyncRecoveryAlways(t *testing.T) {
	dir := t.TempDir()
	fs := &faultFS{FS: OSFS}
	l := openLog(t, Options{Dir: dir, Fsync: FsyncAlways, FS: fs, tick: 5 * time.Millisecond})
	mustAppend(t, l, 0, 3)
	fs.failSync.Store(true)
	if err := l.Wait(l.Append(rec(3))); !errors.Is(err, errInjected) {
		t.Fatalf("Wait with failing fsync = %v", err)
	}
	fs.failSync.Store(false)
	deadline := time.Now().Add(20 * time.Second)
	for {
		st := l.Stats()
		if st.LastFsyncErr == nil && st.LastWriteErr == nil && st.SyncedSeq == 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the fsync error never cleared without a Wait: %+v", st)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	checkRecs(t, replayAll(t, openLog(t, Options{Dir: dir})), 0, 4)
}

// TestEverySecFsync: the background loop fsyncs written records; a failed
// fsync is reported and cleared by the next good one.
func TestEverySecFsync(t *testing.T) {
	fs := &faultFS{FS: OSFS}
	l := openLog(t, Options{Dir: t.TempDir(), Fsync: FsyncEverySec, FS: fs, tick: 5 * time.Millisecond})
	mustAppend(t, l, 0, 3)
	deadline := time.Now().Add(10 * time.Second)
	for l.Stats().SyncedSeq != 3 {
		if time.Now().After(deadline) {
			t.Fatalf("background fsync never happened: %+v", l.Stats())
		}
		time.Sleep(5 * time.Millisecond)
	}
	fs.failSync.Store(true)
	mustAppend(t, l, 3, 4) // writes still succeed
	if err := l.Sync(); !errors.Is(err, errInjected) {
		t.Fatalf("Sync with failing fsync = %v", err)
	}
	if st := l.Stats(); st.LastFsyncErr == nil || st.SyncedSeq != 3 {
		t.Fatalf("stats after failed fsync: %+v", st)
	}
	fs.failSync.Store(false)
	if err := l.Sync(); err != nil {
		t.Fatal(err)
	}
	if st := l.Stats(); st.LastFsyncErr != nil || st.SyncedSeq != 4 {
		t.Fatalf("stats after recovery: %+v", st)
	}
}

// TestDelayedFsync: while an everysec fsync has been running too long,
// writes wait for it and are counted.
func TestDelayedFsync(t *testing.T) {
	fs := &faultFS{FS: OSFS}
	l := openLog(t, Options{Dir: t.TempDir(), Fsync: FsyncEverySec, FS: fs,
		tick: time.Hour, delayAfter: time.Nanosecond})
	mustAppend(t, l, 0, 1)
	block := make(chan struct{})
	fs.setBlock(block)
	syncDone := make(chan error, 1)
	go func() { syncDone <- l.Sync() }()
	for !l.Stats().PendingFsync {
		time.Sleep(time.Millisecond)
	}
	seq := l.Append(rec(1))
	waitDone := make(chan error, 1)
	go func() { waitDone <- l.Wait(seq) }()
	select {
	case err := <-waitDone:
		t.Fatalf("Wait returned (%v) while a slow fsync was running", err)
	case <-time.After(100 * time.Millisecond):
	}
	fs.setBlock(nil)
	close(block)
	if err := <-waitDone; err != nil {
		t.Fatal(err)
	}
	if err := <-syncDone; err != nil {
		t.Fatal(err)
	}
	if st := l.Stats(); st.DelayedFsync != 1 || st.PendingFsync {
		t.Fatalf("stats: %+v", st)
	}
}

func TestStatsSize(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, Options{Dir: dir})
	mustAppend(t, l, 0, 20)
	size := fileSize(t, filepath.Join(dir, segmentName(1)))
	if st := l.Stats(); st.CurrentSize != size || st.BaseSize != 0 {
		t.Fatalf("CurrentSize %d BaseSize %d, file has %d", st.CurrentSize, st.BaseSize, size)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = openLog(t, Options{Dir: dir})
	if st := l.Stats(); st.CurrentSize != size || st.BaseSize != size {
		t.Fatalf("after reopen CurrentSize %d BaseSize %d, want %d", st.CurrentSize, st.BaseSize, size)
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := Open(Options{}); err == nil {
		t.Fatal("Open without Dir succeeded")
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(Options{Dir: file}); err == nil {
		t.Fatal("Open on a regular file succeeded")
	}
}

// TestSegmentSizeChange: a tail already over a smaller SegmentSize rotates
// before the next batch, and the mirror follows.
func TestSegmentSizeChange(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, Options{Dir: dir, SegmentSize: 4096})
	mustAppend(t, l, 0, 30)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = openLog(t, Options{Dir: dir, SegmentSize: 100})
	for i := 30; i < 60; i++ {
		mustAppend(t, l, i, i+1)
		segs := segments(t, dir)
		last := segs[len(segs)-1]
		if l.segPath(l.tail.first) != last || l.tail.size != fileSize(t, last) {
			t.Fatalf("record %d: mirror %+v, directory tail %s (%d bytes)", i, l.tail, last, fileSize(t, last))
		}
	}
	checkRecs(t, replayAll(t, l), 0, 60)
}

// TestConcurrentFaults: clients keep writing while writes and fsyncs fail
// on and off. Every record is written exactly once, in seq order, once the
// faults stop; a Wait that returned nil was really written (and synced
// under always).
func TestConcurrentFaults(t *testing.T) {
	for _, p := range policies {
		t.Run(p.String(), func(t *testing.T) {
			dir := t.TempDir()
			fs := &faultFS{FS: OSFS}
			l := openLog(t, Options{Dir: dir, Fsync: p, FS: fs, SegmentSize: 2048, tick: time.Millisecond})
			var serverMu sync.Mutex
			want := map[uint64]Record{}
			stop := make(chan struct{})
			var flips sync.WaitGroup
			flips.Add(1)
			go func() {
				defer flips.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						fs.failWrite.Store(false)
						fs.failSync.Store(false)
						return
					case <-time.After(time.Millisecond):
					}
					fs.failWrite.Store(i%5 == 1)
					fs.failSync.Store(i%7 == 3)
				}
			}()
			var wg sync.WaitGroup
			var errCount sync.Map
			for w := range 10 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range 60 {
						r := rec(w*60 + i)
						serverMu.Lock()
						seq := l.Append(r)
						want[seq] = r
						serverMu.Unlock()
						if err := l.Wait(seq); err != nil {
							if !errors.Is(err, errInjected) {
								t.Errorf("Wait: %v", err)
							}
							errCount.Store(seq, true)
							continue
						}
						st := l.Stats()
						// Acknowledged records are never rolled back.
						if st.WrittenSeq < seq || (p == FsyncAlways && st.SyncedSeq < seq) {
							t.Errorf("Wait(%d) nil but written %d synced %d", seq, st.WrittenSeq, st.SyncedSeq)
						}
					}
				}()
			}
			wg.Wait()
			close(stop)
			flips.Wait()
			if err := l.Sync(); err != nil {
				t.Fatal(err)
			}
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			recs := replayAll(t, openLog(t, Options{Dir: dir, SegmentSize: 2048}))
			if len(recs) != len(want) {
				t.Fatalf("replayed %d records, appended %d", len(recs), len(want))
			}
			for i, r := range recs {
				if !reflect.DeepEqual(normalize(r), normalize(want[uint64(i+1)])) {
					t.Fatalf("seq %d replayed %+v, want %+v", i+1, r, want[uint64(i+1)])
				}
			}
			n := 0
			errCount.Range(func(any, any) bool { n++; return true })
			t.Logf("%d records, %d Waits failed", len(want), n)
			if r, err := Verify(dir); err != nil || !r.OK() {
				t.Fatalf("Verify = %+v, %v", r, err)
			}
		})
	}
}
