package snapshot

import (
	"bytes"
	"errors"
	"fmt"
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
