package commands

import (
	"strings"
	"testing"

	"github.com/aikv/aikv/datastructs"
)

// TestStringMemoryUsage pins MEMORY USAGE for string keys to the numbers
// redis-server 7.0.15 (jemalloc, x86-64) reports for the same key and
// value lengths.
func TestStringMemoryUsage(t *testing.T) {
	ks := datastructs.New(datastructs.Options{Databases: 1})
	db := ks.DB(0)
	cases := []struct {
		keyLen int
		val    string
		want   int64
	}{
		{1, "", 64}, {1, strings.Repeat("v", 20), 80}, {1, strings.Repeat("v", 30), 96},
		{1, strings.Repeat("v", 44), 96}, {1, strings.Repeat("v", 45), 112},
		{1, strings.Repeat("v", 100), 160}, {1, strings.Repeat("v", 1000), 1072},
		{1, strings.Repeat("v", 5000), 5168}, {10, strings.Repeat("v", 10), 72},
		{30, strings.Repeat("v", 30), 120}, {40, "", 104}, {40, strings.Repeat("v", 1000), 1112},
		{100, strings.Repeat("v", 45), 216}, {100, strings.Repeat("v", 5000), 5272},
		{1, "12345", 48}, {1, "123456789012", 48},
	}
	for _, tc := range cases {
		key := strings.Repeat("k", tc.keyLen)
		db.SetString([]byte(key), []byte(tc.val), 0, false)
		e := db.Peek(key)
		if got := keyMemoryUsage(key, e, defaultSample); got != tc.want {
			t.Errorf("key len %d, value len %d: got %d, want %d", tc.keyLen, len(tc.val), got, tc.want)
		}
	}
}

func TestMallocSize(t *testing.T) {
	for n, want := range map[int64]int64{1: 8, 8: 8, 9: 16, 17: 32, 128: 128, 129: 160, 257: 320, 1025: 1280, 5006: 5120} {
		if got := mallocSize(n); got != want {
			t.Errorf("mallocSize(%d) = %d, want %d", n, got, want)
		}
	}
}
