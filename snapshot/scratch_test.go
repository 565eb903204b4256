package snapshot

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"

	"github.com/aikv/aikv/datastructs"
)

// TestWriterReusesScratch: a writer hands its zstd encoder and block
// buffers to the next one (about 5 MB a save used to allocate afresh),
// and what the second writer writes still loads.
func TestWriterReusesScratch(t *testing.T) {
	ks := datastructs.New(datastructs.Options{})
	db := ks.DB(0)
	for i := 0; i < 2000; i++ {
		db.SetString(fmt.Appendf(nil, "key:%d", i), fmt.Appendf(nil, "value:%d", i), 0, false)
	}
	write := func() ([]byte, uint64) {
		var buf bytes.Buffer
		buf.Grow(1 << 20)
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		if _, err := Write(&buf, KeyspaceSource(ks), Options{}); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&m1)
		return buf.Bytes(), m1.TotalAlloc - m0.TotalAlloc
	}
	write() // may allocate the scratch
	out, alloc := write()
	if alloc > 1<<20 {
		t.Errorf("a second writer allocated %d bytes, want under 1 MB (scratch reused)", alloc)
	}
	loaded := datastructs.New(datastructs.Options{})
	r, err := NewReader(bytes.NewReader(out), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Load(loaded); err != nil {
		t.Fatal(err)
	}
	if n := loaded.DB(0).Len(); n != 2000 {
		t.Fatalf("loaded %d keys, want 2000", n)
	}
}
