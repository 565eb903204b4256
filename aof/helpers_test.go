package aof

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
)

// openLog opens a log and closes it at the end of the test.
func openLog(tb testing.TB, opts Options) *Log {
	tb.Helper()
	l, err := Open(opts)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := l.Close(); err != nil && !errors.Is(err, ErrClosed) {
			tb.Errorf("Close: %v", err)
		}
	})
	return l
}

// replayAll returns every record of the log, checking seqs are consecutive
// from FirstSeq.
func replayAll(tb testing.TB, l *Log) []Record {
	tb.Helper()
	var recs []Record
	next := l.FirstSeq()
	err := l.Replay(0, func(seq uint64, rec Record) error {
		if seq != next {
			return fmt.Errorf("replayed seq %d, want %d", seq, next)
		}
		next++
		recs = append(recs, rec)
		return nil
	})
	if err != nil {
		tb.Fatalf("Replay: %v", err)
	}
	return recs
}

// rec makes a small record whose content identifies it.
func rec(i int) Record {
	return Record{Time: int64(i), Cmds: []Cmd{{DB: i % 16, Args: args("SET", fmt.Sprintf("key:%d", i), fmt.Sprintf("value-%d", i))}}}
}

// mustAppend appends and waits for records from..to-1 made by rec.
func mustAppend(tb testing.TB, l *Log, from, to int) {
	tb.Helper()
	for i := from; i < to; i++ {
		if err := l.Wait(l.Append(rec(i))); err != nil {
			tb.Fatalf("Wait record %d: %v", i, err)
		}
	}
}

// checkRecs checks that recs are rec(from), rec(from+1), ...
func checkRecs(tb testing.TB, recs []Record, from, to int) {
	tb.Helper()
	if len(recs) != to-from {
		tb.Fatalf("got %d records, want %d", len(recs), to-from)
	}
	for i, r := range recs {
		if want := rec(from + i); r.Time != want.Time || string(r.Cmds[0].Args[2]) != string(want.Cmds[0].Args[2]) {
			tb.Fatalf("record %d is %+v, want %+v", i, r, want)
		}
	}
}

// segments lists the segment file paths of dir.
func segments(tb testing.TB, dir string) []string {
	tb.Helper()
	segs, err := listSegments(OSFS, dir)
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, s := range segs {
		out = append(out, s.path)
	}
	return out
}

func fileSize(tb testing.TB, path string) int64 {
	tb.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	return fi.Size()
}

func brokenFiles(tb testing.TB, dir string) []string {
	tb.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*.broken*"))
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// faultFS injects fsync and write failures and slow fsyncs.
type faultFS struct {
	FS
	failSync  atomic.Bool
	failWrite atomic.Bool
	syncs     atomic.Int64

	mu        sync.Mutex
	blockSync chan struct{} // when non-nil, Sync blocks until it is closed
}

var errInjected = errors.New("injected fault")

func (f *faultFS) OpenFile(name string, flag int, perm os.FileMode) (File, error) {
	file, err := f.FS.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &faultFile{File: file, fs: f}, nil
}

// BeforeWrite simulates a short write on a full disk: part of a record
// lands in the file, then the write fails.
func (f *faultFS) BeforeWrite(segment string) error {
	if !f.failWrite.Load() {
		return nil
	}
	file, err := os.OpenFile(segment, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	defer file.Close()
	if _, err := file.Write([]byte{0x40, FormatVersion, 1, 2, 3}); err != nil {
		return err
	}
	return fmt.Errorf("%w: %w", errInjected, syscall.ENOSPC)
}

func (f *faultFS) setBlock(ch chan struct{}) {
	f.mu.Lock()
	f.blockSync = ch
	f.mu.Unlock()
}

type faultFile struct {
	File
	fs *faultFS
}

func (f *faultFile) Sync() error {
	f.fs.mu.Lock()
	ch := f.fs.blockSync
	f.fs.mu.Unlock()
	if ch != nil {
		<-ch
	}
	f.fs.syncs.Add(1)
	if f.fs.failSync.Load() {
		return fmt.Errorf("%w: %w", errInjected, syscall.EIO)
	}
	return f.File.Sync()
}
