package server

import (
	_ "unsafe" // for go:linkname
)

// nanotime is the runtime's monotonic clock in nanoseconds. Timing every
// command (commandstats, slowlog, latency monitor) with time.Now would
// read the wall clock too, which costs as much again on some VMs.
//
//go:linkname nanotime runtime.nanotime
func nanotime() int64
