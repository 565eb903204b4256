package server

import "testing"

func TestAutoProcs(t *testing.T) {
	for _, tc := range []struct {
		cpus           int
		always, saving bool
		want           int
	}{
		{1, false, false, 1}, {1, true, false, 1}, {1, false, true, 1}, {1, true, true, 1},
		{2, false, false, 1}, {2, true, false, 2}, {2, false, true, 2}, {2, true, true, 2},
		{3, false, false, 1}, {3, true, false, 2}, {3, false, true, 2}, {3, true, true, 3},
		{4, false, false, 2}, {4, true, false, 2}, {4, false, true, 3}, {4, true, true, 3},
		{16, false, false, 8}, {16, true, false, 8}, {16, false, true, 9}, {16, true, true, 9},
	} {
		if got := autoProcs(tc.cpus, tc.always, tc.saving); got != tc.want {
			t.Errorf("autoProcs(%d, always=%v, saving=%v) = %d, want %d", tc.cpus, tc.always, tc.saving, got, tc.want)
		}
	}
}
