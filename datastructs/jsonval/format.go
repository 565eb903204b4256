package jsonval

import (
	"math"
	"strconv"
	"strings"
)

// Format holds JSON.GET's INDENT, NEWLINE and SPACE strings. The zero
// value gives compact output.
type Format struct {
	Indent, Newline, Space string
}

// Serialize returns n as compact JSON, as serde_json prints it.
func Serialize(n *Node) []byte { return Append(nil, n, nil) }

// Append appends n to dst, formatted like RedisJSON's formatter (serde's
// PrettyFormatter with caller-chosen strings) when f is not nil.
func Append(dst []byte, n *Node, f *Format) []byte {
	if f == nil {
		f = &Format{}
	}
	return appendNode(dst, n, f, 0)
}

func appendNode(dst []byte, n *Node, f *Format, level int) []byte {
	switch n.Kind {
	case Null:
		return append(dst, "null"...)
	case Bool:
		if n.B {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case Int:
		return strconv.AppendInt(dst, n.I, 10)
	case Uint:
		return strconv.AppendUint(dst, n.U, 10)
	case Float:
		return AppendFloat(dst, n.F)
	case String:
		return AppendString(dst, n.S)
	case Array:
		dst = append(dst, '[')
		for i, v := range n.Arr {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, f.Newline...)
			dst = appendIndent(dst, f, level+1)
			dst = appendNode(dst, v, f, level+1)
		}
		if len(n.Arr) > 0 {
			dst = append(dst, f.Newline...)
			dst = appendIndent(dst, f, level)
		}
		return append(dst, ']')
	}
	dst = append(dst, '{')
	for i, k := range n.Keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, f.Newline...)
		dst = appendIndent(dst, f, level+1)
		dst = AppendString(dst, k)
		dst = append(dst, ':')
		dst = append(dst, f.Space...)
		dst = appendNode(dst, n.Vals[i], f, level+1)
	}
	if len(n.Keys) > 0 {
		dst = append(dst, f.Newline...)
		dst = appendIndent(dst, f, level)
	}
	return append(dst, '}')
}

func appendIndent(dst []byte, f *Format, level int) []byte {
	for i := 0; i < level && f.Indent != ""; i++ {
		dst = append(dst, f.Indent...)
	}
	return dst
}

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string escaped like serde_json: '"',
// '\\' and control characters only (\b \f \n \r \t or \u00XX).
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"':
			dst = append(dst, '\\', '"')
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// AppendFloat appends a finite float the way serde_json prints an f64
// (Rust's ryu): the shortest digits that round-trip, always with a
// decimal point or an exponent: 7.0, 0.1, 1e16, 1.5e-7, -0.0.
func AppendFloat(dst []byte, f float64) []byte {
	if f == 0 {
		if math.Signbit(f) {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	}
	if f < 0 {
		dst = append(dst, '-')
		f = -f
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	epos := strings.IndexByte(e, 'e')
	digits := strings.Replace(e[:epos], ".", "", 1)
	exp, _ := strconv.Atoi(e[epos+1:])
	length := len(digits)
	kk := exp + 1 // position of the decimal point relative to the digits
	k := kk - length
	switch {
	case k >= 0 && kk <= 16:
		dst = append(dst, digits...)
		for i := 0; i < k; i++ {
			dst = append(dst, '0')
		}
		return append(dst, '.', '0')
	case kk > 0 && kk <= 16:
		dst = append(dst, digits[:kk]...)
		dst = append(dst, '.')
		return append(dst, digits[kk:]...)
	case kk > -5 && kk <= 0:
		dst = append(dst, '0', '.')
		for i := 0; i < -kk; i++ {
			dst = append(dst, '0')
		}
		return append(dst, digits...)
	case length == 1:
		dst = append(dst, digits...)
	default:
		dst = append(dst, digits[0], '.')
		dst = append(dst, digits[1:]...)
	}
	dst = append(dst, 'e')
	return strconv.AppendInt(dst, int64(kk-1), 10)
}

// FormatNumber returns a number node's text (serde_json's Number
// Display), used for legacy JSON.NUMINCRBY replies.
func FormatNumber(n *Node) string { return string(Serialize(n)) }
