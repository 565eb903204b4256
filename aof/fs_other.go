//go:build !linux

package aof

// datasync is Sync where fdatasync(2) is not available.
func datasync(f File, inline bool) error { return f.Sync() }
