package snapshot

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"strings"
	"sync"
	"testing"

	"github.com/aikv/aikv/datastructs"
)

// TestLoadLockedManyBatches loads a file of many keys of every type, in
// batches of a few keys under a real lock, and compares the result with
// the source: the decoder, builder and insert stages must keep every key,
// value, TTL and database.
func TestLoadLockedManyBatches(t *testing.T) {
	src := newKS(baseTime)
	fillAll(src)
	for db := 0; db < 3; db++ {
		for i := 0; i < 3000; i++ {
			var exp int64
			if i%7 == 0 {
				exp = baseTime + 1000 + int64(i)
			}
			src.DB(db).SetString(b(fmt.Sprintf("k%d:%d", db, i)), b(fmt.Sprintf("v%d", i)), exp, false)
		}
	}
	path, saved := saveKS(t, src, Options{Codecs: []Codec{fakeCodec{}}})
	for _, every := range []int{0, 1, 7, 5000} {
		r, err := Open(path, Options{Codecs: []Codec{fakeCodec{}}})
		if err != nil {
			t.Fatal(err)
		}
		got := newKS(baseTime)
		var mu sync.Mutex
		info, err := r.LoadLocked(got, &mu, every)
		r.Close()
		if err != nil {
			t.Fatalf("every %d: %v", every, err)
		}
		if info.TotalKeys() != saved.TotalKeys() {
			t.Fatalf("every %d: info says %d keys, saved %d", every, info.TotalKeys(), saved.TotalKeys())
		}
		equalKS(t, src, got)
	}
}

// dupFile writes a file whose only key is a one-record collection of tag
// holding the same member twice, as a damaged or hostile file could.
func dupFile(t *testing.T, tag Tag) []byte {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.cur = keyRec{db: 0, key: "c", tag: tag}
	k := &w.cur
	switch tag {
	case TagSet:
		w.elem(k, "a")
		w.elem(k, "a")
	case TagHash:
		w.pair(k, "f", "1")
		w.pair(k, "f", "2")
	case TagZSet:
		w.scored(k, "m", 1)
		w.scored(k, "m", 2)
	}
	w.flushChunk(k, false)
	w.keys[0]++
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestLoadRefusesDuplicateMembers(t *testing.T) {
	for tag, want := range map[Tag]string{TagSet: `duplicate member "a"`, TagHash: `duplicate field "f"`, TagZSet: `duplicate member "m"`} {
		data := dupFile(t, tag)
		r, err := NewReader(bytes.NewReader(data), Options{})
		if err != nil {
			t.Fatal(err)
		}
		ks := newKS(baseTime)
		_, err = r.Load(ks)
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), `key "c"`) {
			t.Errorf("%v: got %v, want ErrCorrupt with %s", tag, err, want)
		}
		// Verify (Next, not the load pipeline) reports the same.
		r, _ = NewReader(bytes.NewReader(data), Options{})
		for err == nil || !errors.Is(err, ErrCorrupt) {
			if _, err = r.Next(); err == nil {
				continue
			}
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%v: Next: got %v", tag, err)
			}
			break
		}
	}
}

// TestLoadStopsOnDecodeError checks that a damaged block after many good
// keys fails the load (and the pipeline's goroutines stop).
func TestLoadStopsOnDecodeError(t *testing.T) {
	defer func(bt int) { blockTarget = bt }(blockTarget)
	blockTarget = 4096
	src := newKS(baseTime)
	for i := 0; i < 20000; i++ {
		src.DB(0).SetString(b(fmt.Sprintf("key:%d", i)), b("value"), 0, false)
	}
	var buf bytes.Buffer
	if _, err := Write(&buf, KeyspaceSource(src), Options{}); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	data[len(data)*3/4] ^= 0x55
	r, err := NewReader(bytes.NewReader(data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Load(datastructs.New(datastructs.Options{})); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("got %v, want ErrCorrupt", err)
	}
}

// packedFile writes a file whose only key "c" is a packed chunk of tag
// holding p, as a damaged or hostile file could.
func packedFile(t *testing.T, tag Tag, p []byte) []byte {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.cur = keyRec{db: 0, key: "c", tag: tag}
	w.packedChunk(&w.cur, p)
	w.flushChunk(&w.cur, false)
	w.keys[0]++
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestLoadRefusesBadPackedChunks: a packed chunk whose checksums are
// right but whose content is not a valid value is refused, naming the
// key and the damage, by the loader (which adopts the bytes) and by Next
// (which unpacks them), never loaded as a broken value.
func TestLoadRefusesBadPackedChunks(t *testing.T) {
	u32 := func(n uint32) []byte { return []byte{byte(n), byte(n >> 8), byte(n >> 16), byte(n >> 24)} }
	score := func(s string) []byte {
		return append([]byte{byte(len(s))}, append([]byte(s), 0, 0, 0, 0, 0, 0, 0xf0, 0x3f)...)
	} // score 1
	cases := []struct {
		name string
		tag  Tag
		p    []byte
		want string
	}{
		{"hash duplicate", TagHash, append(u32(2), 1, 'f', 1, '1', 1, 'f', 1, '2'), `duplicate field "f"`},
		{"hash count", TagHash, append(u32(3), 1, 'f', 1, '1'), "pairs declared"},
		{"hash cut", TagHash, append(u32(1), 1, 'f', 5, '1'), "ends inside"},
		{"zset order", TagZSet, append(append(u32(2), score("b")...), score("a")...), "out of order"},
		{"zset duplicate", TagZSet, append(append(u32(2), score("a")...), append([]byte{1, 'a'}, 0, 0, 0, 0, 0, 0, 0, 0x40)...), `duplicate member "a"`},
		{"list backlen", TagList, []byte{1, 'a', 2}, "reversed length"},
		{"intset order", TagSet, []byte{2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}, "out of order"},
		{"intset length", TagSet, []byte{1, 2, 3}, "multiple of 8"},
	}
	for _, tc := range cases {
		data := packedFile(t, tc.tag, tc.p)
		r, err := NewReader(bytes.NewReader(data), Options{})
		if err != nil {
			t.Fatal(err)
		}
		ks := newKS(baseTime)
		_, err = r.Load(ks)
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), `key "c"`) {
			t.Errorf("%s: Load: got %v, want ErrCorrupt with %s", tc.name, err, tc.want)
		}
		r, _ = NewReader(bytes.NewReader(data), Options{})
		if _, err = r.Next(); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Next: got %v, want ErrCorrupt with %s", tc.name, err, tc.want)
		}
	}
}

// TestPackedOnlyInVersion2: a version 1 file cannot hold packed chunks.
func TestPackedOnlyInVersion2(t *testing.T) {
	defer func(v uint16) { writeVersion = v }(writeVersion)
	writeVersion = 1
	data := packedFile(t, TagSet, []byte{1, 0, 0, 0, 0, 0, 0, 0})
	r, err := NewReader(bytes.NewReader(data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Load(newKS(baseTime)); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "packed chunk in a version 1 file") {
		t.Fatalf("got %v", err)
	}
}

// TestPackedRecords: the writer stores compact encodings packed (one
// record for a listpack hash or zset or an intset, one per node for a
// list) and the rest as element chunks, and both load back.
func TestPackedRecords(t *testing.T) {
	data, ks := goldenFile(t, Version)
	r, err := NewReader(bytes.NewReader(data), Options{Codecs: []Codec{fakeCodec{}}})
	if err != nil {
		t.Fatal(err)
	}
	r.keepPacked = true
	packed := map[string]int{}
	for {
		rec, err := r.NextRecord()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if rec.packed != nil {
			packed[rec.Key]++
		}
	}
	want := map[string]int{"l": 1, "h": 1, "set": 1, "z": 1, "l:nodes": 3}
	if !maps.Equal(packed, want) {
		t.Fatalf("packed records per key: %v, want %v", packed, want)
	}
	got := newKS(baseTime)
	r, _ = NewReader(bytes.NewReader(data), Options{Codecs: []Codec{fakeCodec{}}})
	if _, err := r.Load(got); err != nil {
		t.Fatal(err)
	}
	equalKS(t, ks, got)
}
