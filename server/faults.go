package server

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"syscall"

	"github.com/aikv/aikv/aof"
)

// Disk fault injection for end-to-end tests of the MISCONF paths.
//
// It exists only when the process enables it at startup
// (EnableFaultInjection; aikv-server does so when the environment holds
// AIKV_FAULT_INJECTION=1), so a client cannot switch it on. Then
//
//	DEBUG AOF-FAULT write|fsync|off
//	DEBUG RDB-FAULT write|fsync|off
//
// make every later write (ENOSPC, after part of a record reached the file:
// a short write) or fsync (EIO) of the append-only log, or of snapshot
// files (BGSAVE, BGREWRITEAOF, SAVE), fail until switched off. The log's
// faults go through aof.FS, the seam its own unit tests use; the snapshot
// writer checks the mode directly. Without it the server runs the plain
// OS paths (no wrapper is installed).

// Fault modes.
const (
	faultOff uint32 = iota
	faultWrite
	faultFsync
)

// faults is the injection state; nil when fault injection is off.
type faults struct {
	aof, rdb atomic.Uint32
}

// EnableFaultInjection makes DEBUG AOF-FAULT and DEBUG RDB-FAULT
// available. Call it before OpenPersistence (the log is opened with the
// injecting file system). For tests only.
func (s *Server) EnableFaultInjection() {
	s.faults = &faults{}
	s.log.Warn("disk fault injection is enabled (DEBUG AOF-FAULT, DEBUG RDB-FAULT): for tests only")
}

// SetDiskFault implements command.Server (DEBUG AOF-FAULT / RDB-FAULT).
// target is "aof" or "rdb", mode "write", "fsync" or "off". It returns
// false when fault injection is not enabled.
func (s *Server) SetDiskFault(target, mode string) (bool, error) {
	if s.faults == nil {
		return false, nil
	}
	var m uint32
	switch mode {
	case "off":
		m = faultOff
	case "write":
		m = faultWrite
	case "fsync":
		m = faultFsync
	default:
		return true, fmt.Errorf("ERR unknown fault mode '%s' (write, fsync or off)", mode)
	}
	switch target {
	case "aof":
		s.faults.aof.Store(m)
	case "rdb":
		s.faults.rdb.Store(m)
	default:
		return true, fmt.Errorf("ERR unknown fault target '%s'", target)
	}
	s.log.Warn("disk fault injection", "target", target, "mode", mode)
	return true, nil
}

// aofFS returns the file system for the log: the injecting one when
// fault injection is on, else nil (aof.OSFS).
func (s *Server) aofFS() aof.FS {
	if s.faults == nil {
		return nil
	}
	return &faultFS{FS: aof.OSFS, mode: &s.faults.aof}
}

// rdbFault returns the injected error for a snapshot operation ("write"
// or "fsync") on path, or nil.
func (s *Server) rdbFault(op, path string) error {
	if s.faults == nil {
		return nil
	}
	want := faultWrite
	if op == "fsync" {
		want = faultFsync
	}
	if s.faults.rdb.Load() != want {
		return nil
	}
	return injectedErr(op, path, want)
}

// rdbWriter wraps the writer of a snapshot file so an injected write
// fault fails it (after what was written before the fault).
func (s *Server) rdbWriter(w io.Writer, path string) io.Writer {
	if s.faults == nil {
		return w
	}
	return &faultWriter{w: w, s: s, path: path}
}

type faultWriter struct {
	w    io.Writer
	s    *Server
	path string
}

func (f *faultWriter) Write(p []byte) (int, error) {
	if err := f.s.rdbFault("write", f.path); err != nil {
		return 0, err
	}
	return f.w.Write(p)
}

func injectedErr(op, path string, mode uint32) error {
	errno := syscall.ENOSPC
	if mode == faultFsync {
		errno = syscall.EIO
	}
	return &os.PathError{Op: op, Path: path, Err: errno}
}

// faultFS is aof.FS with injected fsync failures, and (as an
// aof.WriteInjector) write failures.
type faultFS struct {
	aof.FS
	mode *atomic.Uint32
}

func (f *faultFS) OpenFile(name string, flag int, perm os.FileMode) (aof.File, error) {
	file, err := f.FS.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &faultFile{File: file, mode: f.mode, name: name}, nil
}

// BeforeWrite simulates a short write on a full disk: the start of a
// record frame lands in the segment, then the write fails. The log cuts
// the partial frame before it writes again.
func (f *faultFS) BeforeWrite(segment string) error {
	if f.mode.Load() != faultWrite {
		return nil
	}
	if file, err := os.OpenFile(segment, os.O_WRONLY|os.O_APPEND, 0); err == nil {
		file.Write([]byte{0x40, aof.FormatVersion, 1, 2})
		file.Close()
	}
	return injectedErr("write", segment, faultWrite)
}

type faultFile struct {
	aof.File
	mode *atomic.Uint32
	name string
}

func (f *faultFile) Sync() error {
	if f.mode.Load() == faultFsync {
		return injectedErr("fsync", f.name, faultFsync)
	}
	return f.File.Sync()
}
