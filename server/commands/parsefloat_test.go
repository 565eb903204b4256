package commands

import (
	"math"
	"strconv"
	"testing"
)

// TestParseFloatIntegerFastPath checks that integers taken by the fast
// path parse as strconv.ParseFloat parses them (sign of zero included),
// and that what it refuses still goes through the general rules.
func TestParseFloatIntegerFastPath(t *testing.T) {
	for _, s := range []string{"0", "-0", "1", "-1", "007", "-007", "123456789012345", "-999999999999999", "1234567890123456", "99999999999999999999"} {
		got, ok := parseFloat([]byte(s))
		want, err := strconv.ParseFloat(s, 64)
		if !ok || err != nil || got != want || math.Signbit(got) != math.Signbit(want) {
			t.Errorf("parseFloat(%q) = %v, %v; want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "-", "--1", "+", "1 ", " 1", "1_0", "0x10", "nan", "1e", "1-"} {
		if f, ok := parseFloat([]byte(s)); ok {
			t.Errorf("parseFloat(%q) = %v, want a failure", s, f)
		}
	}
	for _, s := range []string{"+1", "1.5", "-inf", "+inf", "1e3"} {
		if _, ok := parseFloat([]byte(s)); !ok {
			t.Errorf("parseFloat(%q) failed", s)
		}
	}
}
