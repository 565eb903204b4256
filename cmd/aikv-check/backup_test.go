package main

import (
	"bytes"
	"strings"
	"testing"
	"testing/iotest"
)

// TestCopyUntilMark: the payload before the EOF mark is copied exactly,
// however the reads split it; a stream without the mark is an error.
func TestCopyUntilMark(t *testing.T) {
	mark := []byte(strings.Repeat("ab", 20))
	for _, n := range []int{0, 1, 39, 40, 41, 300000} {
		payload := bytes.Repeat([]byte("xyz"), n)[:n]
		for _, oneByte := range []bool{false, true} {
			var r = bytes.NewReader(append(append([]byte(nil), payload...), mark...))
			var out bytes.Buffer
			var err error
			if oneByte {
				err = copyUntilMark(&out, iotest.OneByteReader(r), mark)
			} else {
				err = copyUntilMark(&out, r, mark)
			}
			if err != nil || !bytes.Equal(out.Bytes(), payload) {
				t.Fatalf("n=%d oneByte=%v: err %v, %d bytes copied", n, oneByte, err, out.Len())
			}
		}
		var out bytes.Buffer
		if err := copyUntilMark(&out, bytes.NewReader(payload), mark); err == nil {
			t.Fatalf("n=%d: no error without the mark", n)
		}
	}
}
