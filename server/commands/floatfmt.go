package commands

import (
	"math/big"
	"strings"
)

// Redis's INCRBYFLOAT and HINCRBYFLOAT compute in C long double (80-bit
// x87 extended precision on x86-64: a 64-bit mantissa) and format the
// result with ld2string(LD_STR_HUMAN), i.e. "%.17Lf" with trailing zeros
// (and a trailing '.') removed and "-0" turned into "0". Go has no long
// double, so these helpers emulate it with math/big at 64-bit precision.
// That is what makes 0.1 + 0.2 come out as "0.3", as in Redis, instead of
// float64's 0.30000000000000004. Shared by INCRBYFLOAT and HINCRBYFLOAT.

// longDoublePrec is the mantissa width of an x87 long double.
const longDoublePrec = 64

// longDoubleMaxExp is the binary exponent above which a value is beyond
// LDBL_MAX (~1.19e4932) and a C long double would be infinite.
const longDoubleMaxExp = 16384

// longDoubleKind classifies a parsed value.
type longDoubleKind uint8

const (
	ldFinite  longDoubleKind = iota
	ldInf                    // +inf or -inf: valid input, but an increment by it is refused
	ldInvalid                // not a number string2ld accepts
)

// parseLongDouble parses b the way Redis's string2ld (strtold) does: no
// leading space, no trailing garbage, no NaN, no overflow; "inf" and
// "infinity" (any case, optionally signed) and C hex floats ("0x10",
// "0x1p3") are accepted.
func parseLongDouble(b []byte) (*big.Float, longDoubleKind) {
	if len(b) == 0 || isSpaceByte(b[0]) || len(b) > 5000 {
		return nil, ldInvalid
	}
	s := string(b)
	unsigned := strings.TrimLeft(s, "+-")
	if len(s)-len(unsigned) > 1 {
		return nil, ldInvalid
	}
	switch strings.ToLower(unsigned) {
	case "inf", "infinity":
		return nil, ldInf
	}
	if strings.ContainsAny(unsigned, "_ \t\r\n\v\f") {
		return nil, ldInvalid
	}
	base := 10
	if len(unsigned) > 1 && unsigned[0] == '0' && (unsigned[1] == 'x' || unsigned[1] == 'X') {
		base = 0 // big.Float's base 0 reads the 0x prefix and a 'p' exponent
	}
	f := new(big.Float).SetPrec(longDoublePrec).SetMode(big.ToNearestEven)
	if _, _, err := f.Parse(s, base); err != nil {
		return nil, ldInvalid
	}
	if f.IsInf() || f.MantExp(nil) > longDoubleMaxExp {
		return nil, ldInvalid // strtold overflow (ERANGE): string2ld refuses it
	}
	return f, ldFinite
}

// addLongDouble returns a+b rounded to long double precision; ok is false
// when the sum is outside the long double range (Redis replies "increment
// would produce NaN or Infinity").
func addLongDouble(a, b *big.Float) (sum *big.Float, ok bool) {
	sum = new(big.Float).SetPrec(longDoublePrec).SetMode(big.ToNearestEven).Add(a, b)
	if sum.MantExp(nil) > longDoubleMaxExp {
		return nil, false
	}
	return sum, true
}

// formatLongDouble is Redis's ld2string(LD_STR_HUMAN): "%.17Lf" without
// trailing zeros; "-0" becomes "0".
func formatLongDouble(f *big.Float) string {
	s := f.Text('f', 17)
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}
