package server

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"
)

// strerror renders errno-carrying errors with glibc's wording, as Redis's
// MISCONF text does with strerror(3).
func TestStrerror(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("aof: write seg: %w", &os.PathError{Op: "write", Path: "seg", Err: syscall.ENOSPC}), "No space left on device"},
		{fmt.Errorf("aof: fsync seg: %w", &os.PathError{Op: "fsync", Path: "seg", Err: syscall.EIO}), "Input/output error"},
		{syscall.EROFS, "Read-only file system"},
		{fmt.Errorf("aof: %w", errors.New("log not open")), "log not open"},
		{errors.New("plain"), "plain"},
	} {
		if got := strerror(tc.err); got != tc.want {
			t.Errorf("strerror(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
