package commands

import (
	"math/big"
	"strings"
)

// INCRBYFLOAT emulation of Redis's long double arithmetic.
//
// Redis on x86-64 computes INCRBYFLOAT with the x87 80-bit extended type
// (64-bit significand, exponents 2^-16382 .. 2^16383, subnormals down to
// 2^-16445), parses with strtold and formats with "%.17Lf" (fixed point,
// not %g) before trimming trailing zeros. To give the same bytes we hold
// values as *big.Float rounded exactly as the x87 unit would round them.

const (
	ldMantBits = 64     // significand bits, explicit integer bit included
	ldMinExp   = -16382 // exponent of the smallest normal number (2^-16382)
	ldMaxExp   = 16384  // values >= 2^16384 overflow
	ldMinLSB   = -16445 // exponent of the smallest subnormal (2^-16445)
	// ldMaxChars is Redis's MAX_LONG_DOUBLE_CHARS: longer inputs are
	// rejected before parsing.
	ldMaxChars = 5 * 1024
)

// ldZero returns +0.
func ldZero() *big.Float { return new(big.Float).SetPrec(ldMantBits) }

// ldRound rounds the exact value x to the extended format with
// round-half-even, handling subnormals. It returns nil when the result
// overflows to infinity.
func ldRound(x *big.Float) *big.Float {
	if x.IsInf() {
		return nil
	}
	if x.Sign() == 0 {
		return new(big.Float).SetPrec(ldMantBits).Set(x)
	}
	// x = m * 2^e with 0.5 <= |m| < 1: the leading bit is 2^(e-1).
	e := x.MantExp(nil)
	prec := ldMantBits
	if e-1 < ldMinExp {
		prec = e - ldMinLSB // bits from 2^(e-1) down to 2^ldMinLSB
	}
	var z *big.Float
	switch {
	case prec <= 0:
		// Below half the smallest subnormal: rounds to zero, or to the
		// smallest subnormal when above exactly half of it.
		z = new(big.Float).SetPrec(ldMantBits)
		half := new(big.Float).SetMantExp(big.NewFloat(0.5), ldMinLSB)
		if prec == 0 && new(big.Float).Abs(x).Cmp(half) > 0 {
			z.SetMantExp(big.NewFloat(0.5), ldMinLSB+1)
		}
		if x.Sign() < 0 {
			z.Neg(z)
		}
		return z
	default:
		z = new(big.Float).SetPrec(uint(prec)).SetMode(big.ToNearestEven).Set(x)
	}
	if z.MantExp(nil) > ldMaxExp {
		return nil
	}
	return new(big.Float).SetPrec(ldMantBits).Set(z)
}

// addLongDouble returns x+y rounded to the extended format; ok is false
// when the result is infinite or NaN (either operand infinite).
func addLongDouble(x, y *big.Float) (*big.Float, bool) {
	if x.IsInf() || y.IsInf() {
		return nil, false
	}
	// Enough precision for the exact sum.
	prec := uint(2*ldMantBits + 2)
	if x.Sign() != 0 && y.Sign() != 0 {
		d := x.MantExp(nil) - y.MantExp(nil)
		if d < 0 {
			d = -d
		}
		prec += uint(d)
	}
	sum := new(big.Float).SetPrec(prec).Add(x, y)
	z := ldRound(sum)
	return z, z != nil
}

// parseLongDouble parses like Redis's string2ld: strtold over the whole
// argument (decimal or hex floats, "inf"/"infinity", optional sign), no
// leading space, nothing trailing, no NaN, and an overflow or an
// underflow to zero is an error (a subnormal result is accepted).
func parseLongDouble(b []byte) (*big.Float, bool) {
	if len(b) == 0 || len(b) >= ldMaxChars || isSpaceByte(b[0]) {
		return nil, false
	}
	s := string(b)
	neg := false
	if s[0] == '+' || s[0] == '-' {
		neg = s[0] == '-'
		s = s[1:]
	}
	if l := strings.ToLower(s); l == "inf" || l == "infinity" {
		return new(big.Float).SetInf(neg), true
	}
	var x *big.Float
	var ok bool
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		x, ok = parseHexLD(s[2:])
	} else {
		x, ok = parseDecLD(s)
	}
	if !ok || x == nil {
		return nil, false
	}
	if neg {
		x.Neg(x)
	}
	return x, true
}

// digitsMantissa splits s into the digits of its mantissa (without the
// point), the number of digits after the point, and the rest of s after
// the mantissa. isDigit decides what a digit is.
func digitsMantissa(s string, isDigit func(byte) bool) (digits string, frac int, rest string, ok bool) {
	var sb strings.Builder
	i, seenPoint, n := 0, false, 0
	for ; i < len(s); i++ {
		ch := s[i]
		switch {
		case isDigit(ch):
			sb.WriteByte(ch)
			n++
			if seenPoint {
				frac++
			}
		case ch == '.' && !seenPoint:
			seenPoint = true
		default:
			goto done
		}
	}
done:
	return sb.String(), frac, s[i:], n > 0
}

// parseExp parses an exponent "[+-]digits" covering all of s, saturating
// far beyond any representable range.
func parseExp(s string) (int, bool) {
	neg := false
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if len(s) == 0 {
		return 0, false
	}
	e := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		if e < 1<<24 {
			e = e*10 + int(s[i]-'0')
		}
	}
	if neg {
		e = -e
	}
	return e, true
}

func isDecDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHexDigit(c byte) bool {
	return isDecDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// parseDecLD converts an unsigned decimal float to the nearest extended
// value. It returns ok=false for bad syntax and x=nil for overflow or an
// underflow to zero.
func parseDecLD(s string) (*big.Float, bool) {
	digits, frac, rest, ok := digitsMantissa(s, isDecDigit)
	if !ok {
		return nil, false
	}
	exp := 0
	if rest != "" {
		if rest[0] != 'e' && rest[0] != 'E' {
			return nil, false
		}
		if exp, ok = parseExp(rest[1:]); !ok {
			return nil, false
		}
	}
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return ldZero(), true
	}
	exp -= frac
	// Value = digits * 10^exp; its leading digit is at 10^(exp+len-1).
	lead := exp + len(digits) - 1
	if lead > 4933 {
		return nil, true // overflow: strtold gives HUGE_VALL and ERANGE
	}
	if lead < -4952 {
		return nil, true // underflow to zero with ERANGE
	}
	num, _ := new(big.Int).SetString(digits, 10)
	den := big.NewInt(1)
	pow := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(ldAbs(exp))), nil)
	if exp >= 0 {
		num.Mul(num, pow)
	} else {
		den = pow
	}
	x := ratToLD(num, den)
	if x == nil || x.Sign() == 0 {
		return nil, true
	}
	return x, true
}

// parseHexLD converts the part of a hex float after "0x".
func parseHexLD(s string) (*big.Float, bool) {
	digits, frac, rest, ok := digitsMantissa(s, isHexDigit)
	if !ok {
		return nil, false
	}
	exp := 0
	if rest != "" {
		if rest[0] != 'p' && rest[0] != 'P' {
			return nil, false
		}
		if exp, ok = parseExp(rest[1:]); !ok {
			return nil, false
		}
	}
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return ldZero(), true
	}
	exp -= 4 * frac
	lead := exp + 4*len(digits)
	if lead > ldMaxExp+4 {
		return nil, true
	}
	if lead < ldMinLSB-8 {
		return nil, true
	}
	num, _ := new(big.Int).SetString(digits, 16)
	x := new(big.Float).SetPrec(uint(4*len(digits) + 8)).SetInt(num)
	x.SetMantExp(x, exp)
	z := ldRound(x)
	if z == nil || z.Sign() == 0 {
		return nil, true
	}
	return z, true
}

func ldAbs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// ratToLD rounds num/den (both positive) to the extended format, nil on
// overflow.
func ratToLD(num, den *big.Int) *big.Float {
	// Find e with 2^(e-1) <= num/den < 2^e.
	e := num.BitLen() - den.BitLen()
	if cmpShifted(num, den, e) >= 0 {
		e++
	}
	prec := ldMantBits
	if e-1 < ldMinExp {
		prec = e - ldMinLSB
	}
	if prec <= 0 {
		// Below the smallest subnormal 2^ldMinLSB: round to it when above
		// half of it, else (ties to even) to zero.
		z := ldZero()
		if prec == 0 && cmpShifted(num, den, ldMinLSB-1) > 0 {
			z.SetMantExp(big.NewFloat(0.5), ldMinLSB+1)
		}
		return z
	}
	// q = round(num/den * 2^(prec-e)) has prec (or prec+1 on carry) bits.
	shift := prec - e
	n, d := new(big.Int).Set(num), new(big.Int).Set(den)
	if shift >= 0 {
		n.Lsh(n, uint(shift))
	} else {
		d.Lsh(d, uint(-shift))
	}
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	r.Lsh(r, 1)
	if c := r.Cmp(d); c > 0 || (c == 0 && q.Bit(0) == 1) {
		q.Add(q, big.NewInt(1))
	}
	x := new(big.Float).SetPrec(uint(q.BitLen() + 1)).SetInt(q)
	x.SetMantExp(x, -shift)
	return ldRound(x)
}

// cmpShifted compares num with den*2^k.
func cmpShifted(num, den *big.Int, k int) int {
	if k >= 0 {
		return num.Cmp(new(big.Int).Lsh(den, uint(k)))
	}
	return new(big.Int).Lsh(num, uint(-k)).Cmp(den)
}

// formatLongDoubleHuman formats like Redis's ld2string in LD_STR_HUMAN
// mode: "%.17Lf", trailing zeros (and a trailing point) removed, "-0"
// written as "0".
func formatLongDoubleHuman(x *big.Float) string {
	s := x.Text('f', 17)
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}
