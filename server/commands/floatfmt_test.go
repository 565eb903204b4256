package commands

import "testing"

func TestLongDoubleAddFormat(t *testing.T) {
	// Expected values are real Redis 7.0 INCRBYFLOAT/HINCRBYFLOAT replies.
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
		a, ka := parseLongDouble([]byte(tc.a))
		b, kb := parseLongDouble([]byte(tc.b))
		if ka != ldFinite || kb != ldFinite {
			t.Fatalf("parse %q/%q: %v %v", tc.a, tc.b, ka, kb)
		}
		sum, ok := addLongDouble(a, b)
		if !ok {
			t.Fatalf("%s + %s overflowed", tc.a, tc.b)
		}
		if got := formatLongDouble(sum); got != tc.want {
			t.Errorf("%s + %s = %q, want %q", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestParseLongDouble(t *testing.T) {
	for _, tc := range []struct {
		in   string
		kind longDoubleKind
	}{
		{"1", ldFinite}, {"-1.5", ldFinite}, {"+1", ldFinite}, {".5", ldFinite}, {"5.", ldFinite},
		{"1e10", ldFinite}, {"0x1p3", ldFinite}, {"1e4000", ldFinite},
		{"inf", ldInf}, {"-INF", ldInf}, {"+infinity", ldInf},
		{"nan", ldInvalid}, {"", ldInvalid}, {" 1", ldInvalid}, {"1 ", ldInvalid},
		{"abc", ldInvalid}, {"1_0", ldInvalid}, {"1e5000", ldInvalid}, {"--1", ldInvalid},
		{"0b1", ldInvalid},
	} {
		if _, k := parseLongDouble([]byte(tc.in)); k != tc.kind {
			t.Errorf("parseLongDouble(%q) kind %d, want %d", tc.in, k, tc.kind)
		}
	}
	// Beyond LDBL_MAX after an addition: refused like Redis's isinf check.
	a, _ := parseLongDouble([]byte("1e4932"))
	if _, ok := addLongDouble(a, a); ok {
		t.Error("1e4932 + 1e4932 did not overflow")
	}
}
