package aof

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
)

// Report is the result of Verify: what every segment holds and what is
// wrong with it.
type Report struct {
	Dir         string
	Segments    []SegmentReport
	Records     int    // valid records in all segments
	CRCFailures int    // frames whose payload fails the CRC or does not decode
	SeqErrors   int    // valid records whose seq is not their position
	Gaps        []Gap  // missing seqs between segments
	FirstSeq    uint64 // seq of the first record position (0 if no segments)
	LastSeq     uint64 // seq of the last record position

	// Where Fix would cut (the first bad frame, or the start of the first
	// segment after a gap) and how many frames it would cut; FixCut is 0
	// for a log without problems.
	FixSegment string
	FixOffset  int64
	FixCut     int
}

// SegmentReport describes one segment file.
type SegmentReport struct {
	Name        string
	FirstSeq    uint64 // from the file name
	LastSeq     uint64 // FirstSeq + frames - 1
	Size        int64
	Records     int    // valid records
	CRCFailures int    // frames whose payload fails the CRC or does not decode
	SeqErrors   int    // valid records with an unexpected seq
	Torn        bool   // the file ends inside a frame
	FirstBad    int64  // byte offset of the first bad frame, -1 if none
	Problem     string // what is wrong at FirstBad ("" if nothing)
}

// Gap is a hole in the sequence between two segments.
type Gap struct {
	Segment string // the segment after the hole
	Want    uint64 // the seq it should start with
	Got     uint64 // the seq it starts with
}

// OK reports whether the log has no problem at all.
func (r *Report) OK() bool {
	if len(r.Gaps) > 0 {
		return false
	}
	for _, s := range r.Segments {
		if s.FirstBad >= 0 {
			return false
		}
	}
	return true
}

// Verify reads every segment of the log in dir and reports records, CRC
// failures, seq errors, torn tails and seq gaps. The error is only for I/O
// problems (a missing directory, an unreadable file); damage is in the
// Report. It does not modify anything.
func Verify(dir string) (Report, error) { return verify(OSFS, dir) }

func verify(fs FS, dir string) (Report, error) {
	r := Report{Dir: dir}
	segs, err := listSegments(fs, dir)
	if err != nil {
		return r, err
	}
	var next uint64
	for i, seg := range segs {
		data, err := readFile(fs, seg.path)
		if err != nil {
			return r, err
		}
		s := scanSegment(data, seg.first)
		sr := SegmentReport{
			Name: seg.name, FirstSeq: seg.first, LastSeq: s.lastSeq, Size: s.size,
			Records: s.good, CRCFailures: s.crcFailures, SeqErrors: s.seqErrors,
			Torn: s.torn, FirstBad: s.firstBad,
		}
		if s.firstBad >= 0 {
			sr.Problem = s.firstBadErr.Error()
		}
		gap := i > 0 && seg.first != next
		if i == 0 {
			r.FirstSeq = seg.first
		} else if gap {
			r.Gaps = append(r.Gaps, Gap{Segment: seg.name, Want: next, Got: seg.first})
		}
		switch {
		case r.FixSegment != "":
			r.FixCut += framesIn(s)
		case gap:
			r.FixSegment, r.FixOffset, r.FixCut = seg.name, 0, framesIn(s)
		case s.firstBad >= 0:
			r.FixSegment, r.FixOffset, r.FixCut = seg.name, s.firstBad, framesIn(s)-s.goodPrefix
		}
		next = s.lastSeq + 1
		r.LastSeq = s.lastSeq
		r.Records += s.good
		r.CRCFailures += s.crcFailures
		r.SeqErrors += s.seqErrors
		r.Segments = append(r.Segments, sr)
	}
	return r, nil
}

// Fix truncates the log in dir at its first bad record (a frame that fails
// to decode, a record with the wrong seq, an incomplete frame, or the first
// segment after a seq gap) and returns how many frames were cut, counting
// an incomplete trailing frame as one. The cut bytes are kept: the rest of
// the damaged segment in "<segment>.broken", later segments renamed to
// "<segment>.broken". Everything is fsynced. A log without problems is left
// alone (cut 0). Valid records after the first bad one are cut too: the
// log must stay a gap-free sequence.
func Fix(dir string) (cut int, err error) { return fix(OSFS, dir, slog.New(slog.DiscardHandler)) }

func fix(fs FS, dir string, log *slog.Logger) (cut int, err error) {
	segs, err := listSegments(fs, dir)
	if err != nil {
		return 0, err
	}
	var next uint64
	for i, seg := range segs {
		data, err := readFile(fs, seg.path)
		if err != nil {
			return 0, err
		}
		s := scanSegment(data, seg.first)
		gap := i > 0 && seg.first != next
		next = s.lastSeq + 1
		if !gap && s.firstBad < 0 {
			continue
		}
		// Cut here: the rest of this segment and every later one.
		rest := segs[i+1:]
		if gap {
			cut += framesIn(s)
			name, err := moveBroken(fs, seg.path)
			if err != nil {
				return 0, err
			}
			log.Warn("aof: segment after a seq gap moved aside", "segment", seg.path, "broken", name)
		} else {
			cut += framesIn(s) - s.goodPrefix
			name, err := cutSegment(fs, seg.path, data, s.firstBad)
			if err != nil {
				return 0, err
			}
			log.Warn("aof: segment cut at its first bad record", "segment", seg.path,
				"offset", s.firstBad, "broken", name)
		}
		for _, later := range rest {
			data, err := readFile(fs, later.path)
			if err != nil {
				return cut, err
			}
			ls := scanSegment(data, later.first)
			cut += framesIn(ls)
			if _, err := moveBroken(fs, later.path); err != nil {
				return cut, err
			}
		}
		return cut, syncPath(fs, dir)
	}
	return 0, nil
}

// framesIn counts the frames of a segment, an incomplete last one included.
func framesIn(s segScan) int {
	if s.torn {
		return s.entries + 1
	}
	return s.entries
}

// repairTail cuts a torn tail off the last segment of dir before
// tidwall/wal opens it (wal refuses a log whose last entry is partial). A
// torn tail is an incomplete last frame, or frames that fail to decode with
// no valid record after them: what a crash in the middle of a write leaves.
// The cut bytes go to "<segment>.broken". Any other damage in the last
// segment is corruption (ErrCorrupt); earlier segments are checked by Open
// after wal.Open.
func repairTail(fs FS, dir string, log *slog.Logger) error {
	segs, err := listSegments(fs, dir)
	if err != nil || len(segs) == 0 {
		return err
	}
	last := segs[len(segs)-1]
	data, err := readFile(fs, last.path)
	if err != nil {
		return err
	}
	s := scanSegment(data, last.first)
	if s.firstBad < 0 {
		return nil
	}
	if !s.tornTail() {
		return s.corruptErr(last.path)
	}
	broken, err := cutSegment(fs, last.path, data, s.firstBad)
	if err != nil {
		return err
	}
	log.Warn("aof: torn tail cut from the log", "segment", last.path, "offset", s.firstBad,
		"bytes", int64(len(data))-s.firstBad, "broken", broken, "reason", s.firstBadErr.Error())
	return nil
}

// checkedLog is what Open's full scan learns about the log.
type checkedLog struct {
	size      int64  // all segments
	tailFirst uint64 // first seq of the last segment
	tailSize  int64
}

// checkAll reads every segment (after wal.Open has completed any pending
// TruncateFront) and fails with ErrCorrupt on any bad frame or seq gap.
func checkAll(fs FS, dir string) (checkedLog, error) {
	var c checkedLog
	segs, err := listSegments(fs, dir)
	if err != nil {
		return c, err
	}
	if len(segs) == 0 {
		return c, fmt.Errorf("aof: no segment in %s after open", dir)
	}
	var next uint64
	for i, seg := range segs {
		data, err := readFile(fs, seg.path)
		if err != nil {
			return c, err
		}
		s := scanSegment(data, seg.first)
		if i > 0 && seg.first != next {
			return c, fmt.Errorf("%w: segment %s starts at seq %d, want %d (seq gap)",
				ErrCorrupt, filepath.Join(dir, seg.name), seg.first, next)
		}
		if s.firstBad >= 0 {
			return c, s.corruptErr(seg.path)
		}
		next = s.lastSeq + 1
		c.size += s.size
		c.tailFirst, c.tailSize = seg.first, s.size
	}
	return c, nil
}

// statAll measures the segments of dir without reading them.
func statAll(fs FS, dir string) (checkedLog, error) {
	var c checkedLog
	segs, err := listSegments(fs, dir)
	if err != nil {
		return c, err
	}
	if len(segs) == 0 {
		return c, fmt.Errorf("aof: no segment in %s after open", dir)
	}
	for _, seg := range segs {
		f, err := fs.OpenFile(seg.path, os.O_RDONLY, 0)
		if err != nil {
			return c, err
		}
		fi, err := f.Stat()
		f.Close()
		if err != nil {
			return c, err
		}
		c.size += fi.Size()
		c.tailFirst, c.tailSize = seg.first, fi.Size()
	}
	return c, nil
}
