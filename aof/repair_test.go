package aof

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// writeLog makes a closed log of n records (rec(0)..rec(n-1)) and returns
// its directory.
func writeLog(tb testing.TB, n, segSize int) string {
	tb.Helper()
	dir := tb.TempDir()
	l, err := Open(Options{Dir: dir, SegmentSize: segSize, Fsync: FsyncNo})
	if err != nil {
		tb.Fatal(err)
	}
	mustAppend(tb, l, 0, n)
	if err := l.Close(); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// frameOffsets returns the offset of every frame in a segment file.
func frameOffsets(tb testing.TB, path string) []int64 {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var offs []int64
	for off := 0; off < len(data); {
		offs = append(offs, int64(off))
		size, n := uvarintAt(data[off:])
		off += n + int(size)
	}
	return offs
}

func uvarintAt(b []byte) (uint64, int) {
	var x uint64
	for i, c := range b {
		x |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			return x, i + 1
		}
	}
	return 0, 0
}

func copyDir(tb testing.TB, src string) string {
	tb.Helper()
	dst := tb.TempDir()
	ents, err := os.ReadDir(src)
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dst
}

// TestTornTailEveryOffset cuts the last segment at every byte offset inside
// its last record: Open repairs it, replays every earlier record, keeps the
// cut bytes in a .broken file, and the log continues at the right seq.
func TestTornTailEveryOffset(t *testing.T) {
	for _, segSize := range []int{0, 300} { // one segment; several
		src := writeLog(t, 20, segSize)
		segs := segments(t, src)
		last := segs[len(segs)-1]
		offs := frameOffsets(t, last)
		lastOff := offs[len(offs)-1]
		size := fileSize(t, last)
		kept := 19
		for cut := lastOff + 1; cut < size; cut++ {
			dir := copyDir(t, src)
			seg := filepath.Join(dir, filepath.Base(last))
			if err := os.Truncate(seg, cut); err != nil {
				t.Fatal(err)
			}
			l, err := Open(Options{Dir: dir, SegmentSize: segSize})
			if err != nil {
				t.Fatalf("segSize %d cut at %d: Open: %v", segSize, cut, err)
			}
			checkRecs(t, replayAll(t, l), 0, kept)
			broken := brokenFiles(t, dir)
			if len(broken) != 1 || fileSize(t, broken[0]) != cut-lastOff {
				t.Fatalf("cut at %d: broken files %v", cut, broken)
			}
			if got := fileSize(t, seg); got != lastOff {
				t.Fatalf("cut at %d: segment has %d bytes, want %d", cut, got, lastOff)
			}
			// The log goes on where the good records end.
			if seq := l.Append(rec(kept)); seq != uint64(kept+1) {
				t.Fatalf("next seq %d, want %d", seq, kept+1)
			}
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			l = openLog(t, Options{Dir: dir, SegmentSize: segSize})
			checkRecs(t, replayAll(t, l), 0, kept+1)
		}
	}
}

// TestTornTailJunk: junk or zeros after the last whole record are cut.
func TestTornTailJunk(t *testing.T) {
	for name, junk := range map[string][]byte{
		"zeros":         make([]byte, 4096),
		"one zero":      {0},
		"garbage":       []byte("this is not a record\r\n"),
		"bad crc frame": func() []byte { p := AppendRecord([]byte{0}, 21, rec(20)); p[0] = byte(len(p) - 1); p[3] ^= 1; return p }(),
	} {
		t.Run(name, func(t *testing.T) {
			dir := writeLog(t, 20, 0)
			seg := filepath.Join(dir, segmentName(1))
			f, err := os.OpenFile(seg, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.Write(junk)
			f.Close()
			l := openLog(t, Options{Dir: dir})
			checkRecs(t, replayAll(t, l), 0, 20)
			broken := brokenFiles(t, dir)
			if len(broken) != 1 {
				t.Fatalf("broken files: %v", broken)
			}
			if b, _ := os.ReadFile(broken[0]); !bytes.Equal(b, junk) {
				t.Fatalf(".broken holds %q, want %q", b, junk)
			}
		})
	}
}

// TestCorruptionInTheMiddle: a bit flip in a record followed by valid ones,
// or in an earlier segment, is corruption: Open refuses and names the file
// and offset.
func TestCorruptionInTheMiddle(t *testing.T) {
	t.Run("one segment", func(t *testing.T) {
		dir := writeLog(t, 20, 0)
		seg := filepath.Join(dir, segmentName(1))
		offs := frameOffsets(t, seg)
		flipBit(t, seg, offs[10]+8)
		_, err := Open(Options{Dir: dir})
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), seg) ||
			!strings.Contains(err.Error(), "offset "+strconv.FormatInt(offs[10], 10)) {
			t.Fatalf("Open = %v, want ErrCorrupt naming %s offset %d", err, seg, offs[10])
		}
		if len(brokenFiles(t, dir)) != 0 {
			t.Fatal("corruption was cut as if it were a torn tail")
		}
	})
	t.Run("last record of an earlier segment", func(t *testing.T) {
		dir := writeLog(t, 40, 300)
		segs := segments(t, dir)
		if len(segs) < 3 {
			t.Fatalf("want several segments, have %d", len(segs))
		}
		offs := frameOffsets(t, segs[0])
		flipBit(t, segs[0], offs[len(offs)-1]+6)
		_, err := Open(Options{Dir: dir, SegmentSize: 300})
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), segs[0]) {
			t.Fatalf("Open = %v, want ErrCorrupt naming %s", err, segs[0])
		}
	})
	t.Run("truncated earlier segment", func(t *testing.T) {
		dir := writeLog(t, 40, 300)
		segs := segments(t, dir)
		if err := os.Truncate(segs[1], fileSize(t, segs[1])-3); err != nil {
			t.Fatal(err)
		}
		_, err := Open(Options{Dir: dir, SegmentSize: 300})
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), segs[1]) {
			t.Fatalf("Open = %v, want ErrCorrupt naming %s", err, segs[1])
		}
	})
	t.Run("missing segment", func(t *testing.T) {
		dir := writeLog(t, 40, 300)
		segs := segments(t, dir)
		if err := os.Remove(segs[1]); err != nil {
			t.Fatal(err)
		}
		_, err := Open(Options{Dir: dir, SegmentSize: 300})
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "gap") {
			t.Fatalf("Open = %v, want ErrCorrupt for a seq gap", err)
		}
		r, err := Verify(dir)
		if err != nil || r.OK() || len(r.Gaps) != 1 {
			t.Fatalf("Verify = %+v, %v", r, err)
		}
	})
}

func flipBit(tb testing.TB, path string, off int64) {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	b[off] ^= 0x04
	if err := os.WriteFile(path, b, 0o644); err != nil {
		tb.Fatal(err)
	}
}

func TestVerifyAndFix(t *testing.T) {
	dir := writeLog(t, 40, 300)
	r, err := Verify(dir)
	if err != nil || !r.OK() || r.Records != 40 || r.FirstSeq != 1 || r.LastSeq != 40 {
		t.Fatalf("Verify of a good log = %+v, %v", r, err)
	}
	if cut, err := Fix(dir); err != nil || cut != 0 {
		t.Fatalf("Fix of a good log = %d, %v", cut, err)
	}
	segs := segments(t, dir)
	seg := segs[1]
	offs := frameOffsets(t, seg)
	first := r.Segments[1].FirstSeq
	flipBit(t, seg, offs[1]+7) // second record of the second segment

	r, err = Verify(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() || r.CRCFailures != 1 || r.Records != 39 || r.Segments[1].FirstBad != offs[1] || r.Segments[1].Problem == "" {
		t.Fatalf("Verify of a damaged log = %+v", r)
	}
	keep := int(first) // records 1..first are intact
	if r.FixSegment != filepath.Base(seg) || r.FixOffset != offs[1] || r.FixCut != 40-keep {
		t.Fatalf("Verify predicts Fix at %s:%d cutting %d", r.FixSegment, r.FixOffset, r.FixCut)
	}
	cut, err := Fix(dir)
	if err != nil {
		t.Fatal(err)
	}
	if cut != 40-keep {
		t.Fatalf("Fix cut %d records, want %d", cut, 40-keep)
	}
	if r, err := Verify(dir); err != nil || !r.OK() || r.Records != keep {
		t.Fatalf("Verify after Fix = %+v, %v", r, err)
	}
	if len(brokenFiles(t, dir)) != len(segs)-1 {
		t.Fatalf("broken files %v, want one per cut segment", brokenFiles(t, dir))
	}
	l := openLog(t, Options{Dir: dir, SegmentSize: 300})
	checkRecs(t, replayAll(t, l), 0, keep)
	mustAppend(t, l, keep, keep+5)
	checkRecs(t, replayAll(t, l), 0, keep+5)
}

// TestVerifyTorn: Verify reports a torn tail without touching it.
func TestVerifyTorn(t *testing.T) {
	dir := writeLog(t, 5, 0)
	seg := filepath.Join(dir, segmentName(1))
	size := fileSize(t, seg)
	if err := os.Truncate(seg, size-2); err != nil {
		t.Fatal(err)
	}
	r, err := Verify(dir)
	if err != nil || r.OK() || !r.Segments[0].Torn || r.Records != 4 {
		t.Fatalf("Verify = %+v, %v", r, err)
	}
	if fileSize(t, seg) != size-2 {
		t.Fatal("Verify modified the log")
	}
	cut, err := Fix(dir)
	if err != nil || cut != 1 {
		t.Fatalf("Fix = %d, %v", cut, err)
	}
}

// TestTornFirstRecordOfSegment: a crash while writing the first record of a
// freshly rotated segment leaves a segment with only a partial record.
func TestTornFirstRecordOfSegment(t *testing.T) {
	dir := writeLog(t, 5, 1) // SegmentSize 1: one record per segment
	segs := segments(t, dir)
	tail := segs[len(segs)-1]
	if fileSize(t, tail) != 0 || tail != filepath.Join(dir, segmentName(6)) {
		t.Fatalf("expected an empty segment 6 at the tail, have %v", segs)
	}
	p := AppendRecord(nil, 6, rec(5))
	frame := append([]byte{byte(len(p))}, p...)
	for cut := 1; cut < len(frame); cut++ {
		d := copyDir(t, dir)
		if err := os.WriteFile(filepath.Join(d, segmentName(6)), frame[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		l, err := Open(Options{Dir: d, SegmentSize: 1})
		if err != nil {
			t.Fatalf("cut %d: %v", cut, err)
		}
		if l.LastSeq() != 5 {
			t.Fatalf("cut %d: LastSeq %d", cut, l.LastSeq())
		}
		mustAppend(t, l, 5, 7)
		checkRecs(t, replayAll(t, l), 0, 7)
		l.Close()
	}
}
