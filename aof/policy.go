package aof

import (
	"fmt"
	"strings"
)

// FsyncPolicy says when appended records are forced to stable storage.
// Whatever the policy, Wait returns only after a record has been written
// to the operating system, so a crash of the server process alone never
// loses an acknowledged write; the policy bounds what an OS crash or power
// loss can lose. The zero value is FsyncEverySec, Redis's default.
type FsyncPolicy int

const (
	// FsyncEverySec fsyncs about once per second from a background
	// goroutine, so an OS crash loses at most about one second of writes.
	// When an fsync is still running after two seconds, writes are delayed
	// until it finishes (counted in Stats.DelayedFsync) instead of letting
	// the unsynced window grow silently.
	FsyncEverySec FsyncPolicy = iota
	// FsyncAlways fsyncs before Wait returns: an acknowledged write
	// survives power loss. Concurrent waiters share one write and one fsync
	// (group commit). This is the slowest and safest policy.
	FsyncAlways
	// FsyncNo never fsyncs (except on Close and Sync) and lets the
	// operating system decide when to flush. Fastest and least safe.
	FsyncNo
)

// String returns the policy's Redis config value: always, everysec or no.
func (p FsyncPolicy) String() string {
	switch p {
	case FsyncAlways:
		return "always"
	case FsyncEverySec:
		return "everysec"
	case FsyncNo:
		return "no"
	}
	return fmt.Sprintf("FsyncPolicy(%d)", int(p))
}

// ParseFsyncPolicy parses a Redis appendfsync value (always, everysec, no),
// ignoring case as Redis's config does.
func ParseFsyncPolicy(s string) (FsyncPolicy, error) {
	switch strings.ToLower(s) {
	case "always":
		return FsyncAlways, nil
	case "everysec":
		return FsyncEverySec, nil
	case "no":
		return FsyncNo, nil
	}
	return 0, fmt.Errorf("aof: invalid appendfsync policy %q (want always, everysec or no)", s)
}
