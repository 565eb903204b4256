//go:build !linux

package server

import (
	"errors"
	"net"
	"sync"
)

// eventLoop exists only on Linux; elsewhere every connection has its own
// goroutine.
type eventLoop struct{}

// eventLoopSupported: this platform has no event loop.
const eventLoopSupported = false

// loopConn is never created outside Linux.
type loopConn struct {
	mu    sync.Mutex
	inner net.Conn
}

func newEventLoop(*Server) (*eventLoop, error) {
	return nil, errors.New("no event loop on this platform")
}

func (*eventLoop) adopt(*conn) bool { return false }
func (*eventLoop) wake()            {}

func (lc *loopConn) handedOver() net.Conn { return lc.inner }
