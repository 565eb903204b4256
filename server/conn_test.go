package server

import (
	"net"
	"testing"
)

// The protected-mode decision: only loopback (or non-TCP) peers are
// accepted when protected-mode is on and there is no password.
func TestIsLoopback(t *testing.T) {
	for _, tt := range []struct {
		addr net.Addr
		want bool
	}{
		{&net.TCPAddr{IP: net.ParseIP("127.0.0.1"), Port: 1}, true},
		{&net.TCPAddr{IP: net.ParseIP("127.8.9.10"), Port: 1}, true},
		{&net.TCPAddr{IP: net.ParseIP("::1"), Port: 1}, true},
		{&net.TCPAddr{IP: net.ParseIP("192.0.2.2"), Port: 1}, false},
		{&net.TCPAddr{IP: net.ParseIP("fd00::2"), Port: 1}, false},
		{&net.UnixAddr{Name: "/tmp/aikv.sock", Net: "unix"}, true},
	} {
		if got := isLoopback(tt.addr); got != tt.want {
			t.Errorf("isLoopback(%v) = %v, want %v", tt.addr, got, tt.want)
		}
	}
}
