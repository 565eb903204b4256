package aof

import (
	"errors"
	"os"
	"syscall"
)

// datasync flushes f's data and the metadata needed to read it back
// (fdatasync(2), as Redis uses on Linux for the AOF). For an append-only
// segment that metadata is the file size, which fdatasync does flush
// (fdatasync(2): "a change to the file size ... would require a metadata
// flush"); only timestamps are left to the next fsync or writeback. Files
// other than *os.File (fault-injecting test filesystems) use Sync.
//
// With inline, the call is made with syscall.RawSyscall: the goroutine
// keeps its P for the duration instead of entering the scheduler's
// syscall state. A blocking fsync normally makes sysmon take the P away
// after 20µs and hand it to another thread, and the thread returning from
// fsync then parks: several thread switches per fsync (plus sysmon waking
// every 20µs while fsyncs are frequent), which on a small VM cost more CPU
// than the fsync itself. The price: that P runs nothing else meanwhile and
// a GC stop-the-world waits for the fsync to return. Log uses it only for
// appendfsync always, whose writers wait for the fsync anyway, and only
// while GOMAXPROCS >= 2.
func datasync(f File, inline bool) error {
	of, ok := f.(*os.File)
	if !ok {
		return f.Sync()
	}
	rc, err := of.SyscallConn()
	if err != nil {
		return of.Sync()
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		for {
			if inline {
				serr = nil
				if _, _, e := syscall.RawSyscall(syscall.SYS_FDATASYNC, fd, 0, 0); e != 0 {
					serr = e
				}
			} else {
				serr = syscall.Fdatasync(int(fd))
			}
			if !errors.Is(serr, syscall.EINTR) {
				return
			}
		}
	}); err != nil {
		return err
	}
	if serr != nil {
		return &os.PathError{Op: "fdatasync", Path: of.Name(), Err: serr}
	}
	return nil
}
