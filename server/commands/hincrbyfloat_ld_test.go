package commands

import "testing"

// TestHincrbyfloatLongDouble checks the long double helpers (shared with
// INCRBYFLOAT) on sums whose Redis replies were recorded from Redis 7.0.15
// HINCRBYFLOAT.
func TestHincrbyfloatLongDouble(t *testing.T) {
	for _, tc := range []struct{ a, b, want string }{
		{"0", "0.1", "0.1"},
		{"0.1", "0.2", "0.3"},
		{"0.3", "-0.3", "0"},
		{"10.5", "1e3", "1010.5"},
		{"0", "1e20", "100000000000000000000"},
		{"0", "1e-20", "0"},
		{"1e-20", "-1e-20", "0"},
		{"0", "-1e-20", "0"}, // "-0" becomes "0"
		{"5.0e3", "0x10", "5016"},
		{"123456789.123456789", "0.000001", "123456789.123457788999076"},
		{"3000.5", "-1.23456789012345678901", "2999.26543210987654331"},
		{"-5", "2", "-3"},
	} {
		a, oka := parseLongDouble([]byte(tc.a))
		b, okb := parseLongDouble([]byte(tc.b))
		if !oka || !okb {
			t.Fatalf("parse %q/%q failed", tc.a, tc.b)
		}
		sum, ok := addLongDouble(a, b)
		if !ok {
			t.Fatalf("%s + %s overflowed", tc.a, tc.b)
		}
		if got := formatLongDoubleHuman(sum); got != tc.want {
			t.Errorf("%s + %s = %q, want %q", tc.a, tc.b, got, tc.want)
		}
	}
	for _, bad := range []string{"nan", "", " 1", "1 ", "abc", "1e5000", "--1", "0b1"} {
		if _, ok := parseLongDouble([]byte(bad)); ok {
			t.Errorf("parseLongDouble(%q) accepted", bad)
		}
	}
	inf, ok := parseLongDouble([]byte("-INF"))
	if !ok || !inf.IsInf() {
		t.Fatal("-INF not parsed as infinity")
	}
	big, _ := parseLongDouble([]byte("1e4932"))
	if _, ok := addLongDouble(big, big); ok {
		t.Error("1e4932 + 1e4932 did not overflow")
	}
}
