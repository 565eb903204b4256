package resp

import (
	"math"
	"strconv"

	"github.com/tidwall/redcon"
)

// Writer encodes replies into an in-memory buffer. It implements
// command.Writer. The zero value writes RESP2.
type Writer struct {
	// B holds the encoded replies not yet flushed.
	B []byte
	// Protocol is 2 or 3; 0 means 2.
	Protocol int
	// Errors counts error replies written; LastError is the latest one.
	// The dispatcher uses them for failed_calls and errorstats.
	Errors    int64
	LastError string
}

// Proto returns 2 or 3.
func (w *Writer) Proto() int {
	if w.Protocol == 3 {
		return 3
	}
	return 2
}

func (w *Writer) SimpleString(s string) { w.B = redcon.AppendString(w.B, s) }
func (w *Writer) OK()                   { w.B = append(w.B, "+OK\r\n"...) }
func (w *Writer) Error(msg string) {
	w.Errors++
	w.LastError = msg
	w.B = redcon.AppendError(w.B, msg)
}

// appendLine appends prefix, the decimal n and "\r\n": the header of
// every integer, bulk and aggregate reply. Lengths and counts below 100
// (nearly all of them) are written without strconv.
func appendLine(b []byte, prefix byte, n int64) []byte {
	switch {
	case n >= 0 && n < 10:
		return append(b, prefix, byte('0'+n), '\r', '\n')
	case n >= 10 && n < 100:
		return append(b, prefix, byte('0'+n/10), byte('0'+n%10), '\r', '\n')
	}
	b = append(b, prefix)
	b = strconv.AppendInt(b, n, 10)
	return append(b, '\r', '\n')
}

func (w *Writer) Int(n int64) { w.B = appendLine(w.B, ':', n) }

func (w *Writer) Bulk(b []byte) {
	w.B = appendLine(w.B, '$', int64(len(b)))
	w.B = append(w.B, b...)
	w.B = append(w.B, '\r', '\n')
}

func (w *Writer) BulkString(s string) {
	w.B = appendLine(w.B, '$', int64(len(s)))
	w.B = append(w.B, s...)
	w.B = append(w.B, '\r', '\n')
}

func (w *Writer) Array(n int) { w.B = appendLine(w.B, '*', int64(n)) }

func (w *Writer) Null() {
	if w.Protocol == 3 {
		w.B = append(w.B, "_\r\n"...)
		return
	}
	w.B = append(w.B, "$-1\r\n"...)
}

func (w *Writer) NullArray() {
	if w.Protocol == 3 {
		w.B = append(w.B, "_\r\n"...)
		return
	}
	w.B = append(w.B, "*-1\r\n"...)
}

func (w *Writer) aggregate(prefix byte, n int) { w.B = appendLine(w.B, prefix, int64(n)) }

func (w *Writer) Map(n int) {
	if w.Protocol == 3 {
		w.aggregate('%', n)
		return
	}
	w.aggregate('*', 2*n)
}

func (w *Writer) Set(n int) {
	if w.Protocol == 3 {
		w.aggregate('~', n)
		return
	}
	w.aggregate('*', n)
}

func (w *Writer) Push(n int) {
	if w.Protocol == 3 {
		w.aggregate('>', n)
		return
	}
	w.aggregate('*', n)
}

// AppendDouble appends f formatted as Redis 7.0's addReplyDouble does:
// "%.17g", with "inf", "-inf" and "nan".
func AppendDouble(b []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(b, "inf"...)
	case math.IsInf(f, -1):
		return append(b, "-inf"...)
	case math.IsNaN(f):
		return append(b, "nan"...)
	}
	// Whole numbers below 2^53 (scores are often integers) print as the
	// integer under %.17g: no exponent below 1e17, no fraction digits.
	if f == math.Trunc(f) && f > -(1<<53) && f < 1<<53 {
		if f == 0 && math.Signbit(f) {
			return append(b, "-0"...)
		}
		return strconv.AppendInt(b, int64(f), 10)
	}
	return strconv.AppendFloat(b, f, 'g', 17, 64)
}

func (w *Writer) Double(f float64) {
	if w.Protocol == 3 {
		w.B = append(w.B, ',')
		w.B = AppendDouble(w.B, f)
		w.B = append(w.B, '\r', '\n')
		return
	}
	var tmp [32]byte
	w.Bulk(AppendDouble(tmp[:0], f))
}

func (w *Writer) Bool(v bool) {
	switch {
	case w.Protocol == 3 && v:
		w.B = append(w.B, "#t\r\n"...)
	case w.Protocol == 3:
		w.B = append(w.B, "#f\r\n"...)
	case v:
		w.B = append(w.B, ":1\r\n"...)
	default:
		w.B = append(w.B, ":0\r\n"...)
	}
}

func (w *Writer) Verbatim(format, s string) {
	if w.Protocol == 3 {
		w.B = append(w.B, '=')
		w.B = strconv.AppendInt(w.B, int64(len(s)+4), 10)
		w.B = append(w.B, '\r', '\n')
		w.B = append(w.B, format...)
		w.B = append(w.B, ':')
		w.B = append(w.B, s...)
		w.B = append(w.B, '\r', '\n')
		return
	}
	w.BulkString(s)
}

// SetProto switches between RESP2 and RESP3 (HELLO).
func (w *Writer) SetProto(p int) { w.Protocol = p }

// Reset empties the buffer, keeping its capacity.
func (w *Writer) Reset() { w.B = w.B[:0] }
