package resp

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestWriterRESP2AndRESP3(t *testing.T) {
	cases := []struct {
		name   string
		write  func(w *Writer)
		r2, r3 string
	}{
		{"null", func(w *Writer) { w.Null() }, "$-1\r\n", "_\r\n"},
		{"nullarray", func(w *Writer) { w.NullArray() }, "*-1\r\n", "_\r\n"},
		{"map", func(w *Writer) { w.Map(1); w.BulkString("a"); w.Int(1) }, "*2\r\n$1\r\na\r\n:1\r\n", "%1\r\n$1\r\na\r\n:1\r\n"},
		{"set", func(w *Writer) { w.Set(0) }, "*0\r\n", "~0\r\n"},
		{"double", func(w *Writer) { w.Double(1.1) }, "$18\r\n1.1000000000000001\r\n", ",1.1000000000000001\r\n"},
		{"inf", func(w *Writer) { w.Double(math.Inf(-1)) }, "$4\r\n-inf\r\n", ",-inf\r\n"},
		{"bool", func(w *Writer) { w.Bool(true) }, ":1\r\n", "#t\r\n"},
		{"verbatim", func(w *Writer) { w.Verbatim("txt", "hi") }, "$2\r\nhi\r\n", "=6\r\ntxt:hi\r\n"},
		{"error", func(w *Writer) { w.Error("ERR a\r\nb") }, "-ERR a  b\r\n", "-ERR a  b\r\n"},
	}
	for _, c := range cases {
		for _, proto := range []int{2, 3} {
			w := &Writer{Protocol: proto}
			c.write(w)
			want := c.r2
			if proto == 3 {
				want = c.r3
			}
			if string(w.B) != want {
				t.Errorf("%s RESP%d: got %q want %q", c.name, proto, w.B, want)
			}
		}
	}
}

// TestWriterHeadersMatchStrconv checks the header fast path at the
// boundaries where it switches to strconv: integers, bulk lengths and
// aggregate counts come out exactly as formatted by strconv.
func TestWriterHeadersMatchStrconv(t *testing.T) {
	for _, n := range []int64{0, 1, 9, 10, 42, 99, 100, 101, 12345, -1, -9, -10, -100, math.MaxInt64, math.MinInt64} {
		w := &Writer{}
		w.Int(n)
		if want := ":" + strconv.FormatInt(n, 10) + "\r\n"; string(w.B) != want {
			t.Errorf("Int(%d) = %q, want %q", n, w.B, want)
		}
		if n < 0 || n > 1000 {
			continue
		}
		s := strings.Repeat("x", int(n))
		w.Reset()
		w.BulkString(s)
		w.Bulk([]byte(s))
		w.Array(int(n))
		one := "$" + strconv.FormatInt(n, 10) + "\r\n" + s + "\r\n"
		if want := one + one + "*" + strconv.FormatInt(n, 10) + "\r\n"; string(w.B) != want {
			t.Errorf("length %d: got %q, want %q", n, w.B, want)
		}
	}
}

// TestAppendDoubleWholeNumbers checks the whole-number fast path against
// strconv's %.17g formatting around its limits, -0 included.
func TestAppendDoubleWholeNumbers(t *testing.T) {
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -1, 42, -12345, 1e15, 1<<53 - 1, -(1<<53 - 1), 1 << 53, -(1 << 53), 1e16, 1e17, 1e300, 0.5, -2.5, 1e-7} {
		got := string(AppendDouble(nil, f))
		if want := strconv.FormatFloat(f, 'g', 17, 64); got != want {
			t.Errorf("AppendDouble(%v) = %q, want %q", f, got, want)
		}
	}
}
