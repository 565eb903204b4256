package resp

import (
	"strconv"
	"testing"
)

func TestParseIntMatchesRedis(t *testing.T) {
	cases := []string{"0", "1", "-1", "12345", "-0", "01", "+1", "", "-", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "1a", " 1", "99999999999999999999", "-00"}
	for _, c := range cases {
		got, ok := parseInt([]byte(c))
		want, err := strconv.ParseInt(c, 10, 64)
		wantOK := err == nil && len(c) > 0 && c[0] != '+' && !(len(c) > 1 && (c[0] == '0' || (c[0] == '-' && c[1] == '0')))
		if ok != wantOK || (ok && got != want) {
			t.Errorf("parseInt(%q) = %d, %v; want %d, %v", c, got, ok, want, wantOK)
		}
	}
}

// TestSmallLenAgreesWithParseInt checks the count-line fast path against
// the general one (indexCR, then parseInt): whenever smallLen accepts a
// line, the general parse finds the same "\r" and the same number.
func TestSmallLenAgreesWithParseInt(t *testing.T) {
	lines := []string{
		"*0\r\n", "*1\r\n", "*3\r\n", "$14\r\n", "$0\r\n", "$00\r\n", "$01\r\n",
		"$-1\r\n", "$+1\r\n", "$ 1\r\n", "$1 \r\n", "$123456789\r\n", "$1234567890\r\n",
		"$99999999999999999999\r\n", "$12\r", "$12", "$", "$\r\n", "$1a\r\n", "$1\n",
		"*2\r\n$3\r\nGET\r\n", "$999999999\r\nx", "$0\r\n\r\n", "$12\r\nabcdefghijkl\r\n", "$05\r\nabcde\r\n", "*10\r\n$3\r\n",
	}
	for _, line := range lines {
		b := []byte(line)
		n, cr := smallLen(b, 0)
		if cr < 0 {
			continue
		}
		gcr := indexCR(b)
		gn, ok := parseInt(b[1:gcr])
		if gcr != cr || !ok || gn != n || cr+1 >= len(b) {
			t.Errorf("%q: smallLen = %d at %d; general = %d (ok %v) at %d", line, n, cr, gn, ok, gcr)
		}
	}
	for _, line := range []string{"$00\r\n", "$-1\r\n", "$1234567890\r\n", "$12\r", "$\r\n"} {
		if _, cr := smallLen([]byte(line), 0); cr >= 0 {
			t.Errorf("%q: smallLen accepted it", line)
		}
	}
}
