package datastructs

import (
	"strconv"
	"testing"
)

// TestDupCheck finds the first repeat whether it comes while strings are
// still compared pairwise or after the set took over.
func TestDupCheck(t *testing.T) {
	for _, n := range []int{0, 1, dupPairwise - 1, dupPairwise, dupPairwise + 1, 100} {
		var d DupCheck
		for i := 0; i < n; i++ {
			d.Add("s"+strconv.Itoa(i), n)
		}
		if s, ok := d.Dup(); ok {
			t.Fatalf("n=%d: %d distinct strings reported %q as repeated", n, n, s)
		}
		for _, again := range []int{0, n / 2, n - 1} {
			if n == 0 {
				continue
			}
			d2 := DupCheck{}
			for i := 0; i < n; i++ {
				d2.Add("s"+strconv.Itoa(i), n)
			}
			d2.Add("s"+strconv.Itoa(again), n)
			d2.Add("s"+strconv.Itoa(n), n) // later strings change nothing
			if s, ok := d2.Dup(); !ok || s != "s"+strconv.Itoa(again) {
				t.Fatalf("n=%d, repeat of s%d: Dup() = %q, %v", n, again, s, ok)
			}
		}
	}
}
