package aof

import (
	"io"
	"os"
)

// FS is the seam for the file operations this package performs itself, so
// tests can inject faults (pebble's vfs/errorfs is the model). It covers:
//
//   - every fsync: segment files opened by path for the everysec/always
//     fsyncs, the log directory, repaired segments and .broken files;
//   - reading segments (torn-tail repair, Verify, Open's full scan);
//   - repair and recovery: creating .broken files, truncating segments,
//     removing segments created by a failed write.
//
// What it cannot cover: tidwall/wal opens, writes, rotates and reads its
// segment files with package os directly. In particular wal fsyncs the old
// segment when it rotates and on Close, and writes with os.File.Write. A
// write fault is injected by an FS that also implements WriteInjector:
// its BeforeWrite runs before each wal.WriteBatch and an error it returns
// is handled exactly like a failed WriteBatch (the log is rolled back to
// the last good position and the records stay pending).
//
// Implementations must be safe for concurrent use.
type FS interface {
	// OpenFile is os.OpenFile. Directories are opened with os.O_RDONLY to
	// fsync them.
	OpenFile(name string, flag int, perm os.FileMode) (File, error)
	// ReadDir is os.ReadDir.
	ReadDir(name string) ([]os.DirEntry, error)
	// Remove is os.Remove.
	Remove(name string) error
	// Rename is os.Rename.
	Rename(oldpath, newpath string) error
}

// File is the part of *os.File the package uses.
type File interface {
	io.Reader
	io.Writer
	io.Closer
	Sync() error
	Truncate(size int64) error
	Stat() (os.FileInfo, error)
}

// WriteInjector is an optional FS capability for fault injection. When the
// FS implements it, BeforeWrite is called with the path of the current tail
// segment before every wal.WriteBatch; a non-nil error is treated as a write
// failure of that batch. It may modify the segment file first (for example
// append a partial record to simulate a short write).
type WriteInjector interface {
	BeforeWrite(segment string) error
}

// OSFS is the FS of the operating system (package os).
var OSFS FS = osFS{}

type osFS struct{}

func (osFS) OpenFile(name string, flag int, perm os.FileMode) (File, error) {
	f, err := os.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err // not a typed nil File
	}
	return f, nil
}

func (osFS) ReadDir(name string) ([]os.DirEntry, error) { return os.ReadDir(name) }
func (osFS) Remove(name string) error                   { return os.Remove(name) }
func (osFS) Rename(oldpath, newpath string) error       { return os.Rename(oldpath, newpath) }

// readFile reads a whole file through fs.
func readFile(fs FS, name string) ([]byte, error) {
	f, err := fs.OpenFile(name, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// syncPath opens name read-only and fsyncs it. fsync works per inode, so
// this flushes writes made through any other descriptor (tidwall/wal's).
func syncPath(fs FS, name string) error {
	f, err := fs.OpenFile(name, os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
