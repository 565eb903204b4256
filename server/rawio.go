package server

import (
	"io"
	"net"
	"syscall"
	"unsafe"
)

// rawIO reads and writes a connection's socket with raw system calls
// through its syscall.RawConn: the runtime's poller still parks the
// goroutine when the socket is not ready (and honours deadlines), but a
// read or write that can proceed does not go through entersyscall and
// exitsyscall. Those calls are short (the socket is non-blocking), and
// skipping them keeps the scheduler's monitor from taking the P away
// while a loopback write runs (with one P that hand-off costs a thread
// wake-up per request).
//
// A rawIO serves one goroutine at a time: the connection's own.
type rawIO struct {
	rc    syscall.RawConn
	p     []byte
	n     int
	errno syscall.Errno
	read  func(fd uintptr) bool
	write func(fd uintptr) bool
}

// newRawIO returns nil when nc has no raw descriptor (then callers use
// nc itself).
func newRawIO(nc net.Conn) *rawIO {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	r := &rawIO{rc: rc}
	r.read = func(fd uintptr) bool {
		n, e := readNB(fd, r.p)
		if e == syscall.EAGAIN {
			return false // wait until readable
		}
		r.n, r.errno = n, e
		return true
	}
	r.write = func(fd uintptr) bool {
		n, e := writeNB(fd, r.p[r.n:])
		r.n += n
		if e == syscall.EAGAIN {
			return false // wait until writable
		}
		r.errno = e
		return true
	}
	return r
}

// Read reads once into p (len(p) > 0), waiting until the socket is
// readable or the read deadline passes. It returns io.EOF at end of input.
func (r *rawIO) Read(p []byte) (int, error) {
	r.p, r.n, r.errno = p, 0, 0
	err := r.rc.Read(r.read)
	r.p = nil
	if err != nil {
		return 0, err
	}
	if r.errno != 0 {
		return 0, r.errno
	}
	if r.n == 0 {
		return 0, io.EOF
	}
	return r.n, nil
}

// Write writes all of p, waiting for the socket to drain as needed, until
// done, an error, or the write deadline.
func (r *rawIO) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	r.p, r.n, r.errno = p, 0, 0
	err := r.rc.Write(r.write)
	n := r.n
	r.p = nil
	if err == nil && r.errno != 0 {
		err = r.errno
	}
	return n, err
}

// readNB reads once from the non-blocking socket fd into p (len(p) > 0),
// retrying when interrupted. errno is EAGAIN when nothing is there; n is 0
// with errno 0 at end of input.
func readNB(fd uintptr, p []byte) (n int, errno syscall.Errno) {
	for {
		r, _, e := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
		if e != syscall.EINTR {
			return int(r), e
		}
	}
}

// writeNB writes as much of p as the non-blocking socket fd takes. It
// returns how much it wrote and errno 0 (all of p), EAGAIN (the socket is
// full) or the error that stopped it.
func writeNB(fd uintptr, p []byte) (n int, errno syscall.Errno) {
	for n < len(p) {
		rest := p[n:]
		w, _, e := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&rest[0])), uintptr(len(rest)))
		switch e {
		case 0:
			n += int(w)
		case syscall.EINTR:
		default:
			return n, e
		}
	}
	return n, 0
}
