package server

import "testing"

func TestAutoProcs(t *testing.T) {
	for _, tc := range []struct {
		cpus   int
		always bool
		want   int
	}{
		{1, false, 1}, {1, true, 1},
		{2, false, 1}, {2, true, 2},
		{3, false, 1}, {3, true, 2},
		{4, false, 2}, {4, true, 2},
		{16, false, 8}, {16, true, 8},
	} {
		if got := autoProcs(tc.cpus, tc.always); got != tc.want {
			t.Errorf("autoProcs(%d, always=%v) = %d, want %d", tc.cpus, tc.always, got, tc.want)
		}
	}
}
