package server

import (
	"bytes"
	"strings"
	"testing"
)

func TestFanoutSegmentsMerge(t *testing.T) {
	var s Server
	a := s.shareLocked([]byte("abc"))
	b := s.shareLocked([]byte("de"))
	segs := appendSeg(appendSeg(nil, a), b)
	if len(segs) != 1 || string(segs[0]) != "abcde" {
		t.Fatalf("adjacent frames: %q", segs)
	}
	// A receiver that skipped b: a then c are not adjacent.
	c := s.shareLocked([]byte("f"))
	segs = appendSeg(appendSeg(nil, a), c)
	if len(segs) != 2 || string(segs[0]) != "abc" || string(segs[1]) != "f" {
		t.Fatalf("non-adjacent frames: %q", segs)
	}
	// Extending a's segment must not change a itself, nor what b holds.
	if string(a) != "abc" || string(b) != "de" {
		t.Fatalf("frames changed: %q %q", a, b)
	}

	// A private buffer with spare capacity is never extended.
	priv := make([]byte, 3, 64)
	copy(priv, "xyz")
	segs = appendSeg(appendSeg(nil, priv), s.shareLocked([]byte("g")))
	if len(segs) != 2 {
		t.Fatalf("private buffer extended: %q", segs)
	}
}

func TestFanoutChunks(t *testing.T) {
	var s Server
	frame := bytes.Repeat([]byte("m"), 1000)
	var segs [][]byte
	var want []byte
	for i := 0; i < 3*fanoutChunk/len(frame); i++ {
		f := append([]byte(nil), frame...)
		f[0] = byte('a' + i%26)
		segs = appendSeg(segs, s.shareLocked(f))
		want = append(want, f...)
	}
	// Chunks fill up: one segment per chunk, never one reaching into the
	// next chunk.
	if len(segs) < 3 || len(segs) > 4 {
		t.Fatalf("%d segments for 3 chunks of frames", len(segs))
	}
	if got := bytes.Join(segs, nil); !bytes.Equal(got, want) {
		t.Fatalf("segments do not hold the frames in order")
	}
	for _, seg := range segs {
		if len(seg) > fanoutChunk {
			t.Fatalf("segment of %d bytes spans chunks", len(seg))
		}
	}

	// A large frame gets its own array, not extended into.
	big := []byte(strings.Repeat("B", fanoutChunk))
	bs := s.shareLocked(big)
	if cap(bs) != len(big) || !bytes.Equal(bs, big) {
		t.Fatalf("large frame: len %d cap %d", len(bs), cap(bs))
	}
	big[0] = 'X'
	if bs[0] != 'B' {
		t.Fatal("large frame not copied")
	}
}
