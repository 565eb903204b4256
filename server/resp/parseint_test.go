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
