package aof

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// segFile is one segment file of the log directory. tidwall/wal names a
// segment after the seq of its first record, zero-padded to 20 digits; a
// ".START" suffix marks a TruncateFront that crashed before its final
// rename (wal completes it on the next Open).
type segFile struct {
	name  string
	path  string
	first uint64
}

// segmentName is tidwall/wal's file name for the segment starting at seq.
func segmentName(seq uint64) string { return fmt.Sprintf("%020d", seq) }

// listSegments returns the segment files of dir in order, as tidwall/wal's
// load sees them: when a .START file exists, the segments before it are
// about to be deleted and are left out. Other files (.broken, .TEMP) are
// ignored.
func listSegments(fs FS, dir string) ([]segFile, error) {
	ents, err := fs.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var segs []segFile
	for _, e := range ents {
		name := e.Name()
		if e.IsDir() || len(name) < 20 {
			continue
		}
		first, err := strconv.ParseUint(name[:20], 10, 64)
		if err != nil || first == 0 {
			continue
		}
		isStart := len(name) == 26 && strings.HasSuffix(name, ".START")
		if len(name) != 20 && !isStart {
			continue
		}
		if isStart {
			segs = segs[:0]
		}
		segs = append(segs, segFile{name: name, path: filepath.Join(dir, name), first: first})
	}
	return segs, nil
}

// Problem kinds found by scanSegment.
const (
	badNone  = iota
	badFrame // the data ends inside an entry (length prefix or payload cut short)
	badCRC   // a whole entry whose payload fails to decode (CRC, version, fields)
	badSeq   // a valid payload whose seq is not its position in the log
)

// segScan summarizes one segment file. Entries are tidwall/wal binary
// frames: uvarint(len(payload)) followed by the payload.
type segScan struct {
	size         int64
	entries      int    // whole frames, good or bad
	good         int    // frames holding a valid record with the expected seq
	goodPrefix   int    // good frames before the first bad one
	crcFailures  int    // frames whose payload fails to decode
	seqErrors    int    // frames whose record has an unexpected seq
	firstBad     int64  // offset of the first bad frame; -1 if none
	firstBadKind int    // badFrame, badCRC or badSeq
	firstBadErr  error  // what is wrong at firstBad
	goodAfterBad int    // good frames after firstBad
	torn         bool   // the data ends inside a frame
	tornOff      int64  // offset of that incomplete frame
	lastSeq      uint64 // seq of the last frame position (first+entries-1)
}

// scanSegment checks every frame of a segment whose first record has seq
// first.
func scanSegment(data []byte, first uint64) segScan {
	s := segScan{size: int64(len(data)), firstBad: -1, lastSeq: first - 1}
	bad := func(off int64, kind int, err error) {
		if s.firstBad < 0 {
			s.firstBad, s.firstBadKind, s.firstBadErr = off, kind, err
		}
	}
	off := 0
	for off < len(data) {
		size, n := binary.Uvarint(data[off:])
		if n <= 0 || size > uint64(len(data)-off-n) {
			s.torn, s.tornOff = true, int64(off)
			bad(int64(off), badFrame, fmt.Errorf("incomplete entry (%d bytes left)", len(data)-off))
			break
		}
		payload := data[off+n : off+n+int(size)]
		want := first + uint64(s.entries)
		s.entries++
		seq, _, err := DecodeRecord(payload)
		switch {
		case err != nil:
			s.crcFailures++
			bad(int64(off), badCRC, err)
		case seq != want:
			s.seqErrors++
			bad(int64(off), badSeq, fmt.Errorf("record has seq %d, its position is seq %d", seq, want))
		default:
			s.good++
			if s.firstBad < 0 {
				s.goodPrefix++
			} else {
				s.goodAfterBad++
			}
		}
		off += n + int(size)
	}
	s.lastSeq = first + uint64(s.entries) - 1
	return s
}

// tornTail reports whether the problems of a tail segment are a torn tail
// that may be cut: an incomplete or garbled last part with no valid record
// after it. A record with a wrong seq is never a torn write.
func (s *segScan) tornTail() bool {
	return s.firstBad >= 0 && s.goodAfterBad == 0 && s.seqErrors == 0
}

// corruptErr describes the first problem of a scanned segment.
func (s *segScan) corruptErr(path string) error {
	return fmt.Errorf("%w: segment %s offset %d: %v", ErrCorrupt, path, s.firstBad, s.firstBadErr)
}

// cutSegment moves the bytes of path from off on into a new .broken file
// next to it, truncates path at off and fsyncs both and the directory. It
// returns the name of the .broken file.
func cutSegment(fs FS, path string, data []byte, off int64) (string, error) {
	broken, err := writeBroken(fs, path, data[off:])
	if err != nil {
		return "", err
	}
	f, err := fs.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return broken, err
	}
	err = f.Truncate(off)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return broken, fmt.Errorf("aof: truncate %s at %d: %w", path, off, err)
	}
	return broken, syncPath(fs, filepath.Dir(path))
}

// createBroken creates a new file "<path>.broken" (or .broken.N when that
// exists) and returns it open for writing.
func createBroken(fs FS, path string) (File, string, error) {
	for i := 0; ; i++ {
		name := path + ".broken"
		if i > 0 {
			name += "." + strconv.Itoa(i)
		}
		f, err := fs.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return nil, "", fmt.Errorf("aof: create %s: %w", name, err)
		}
		return f, name, nil
	}
}

// writeBroken stores b in a new .broken file next to path (see
// createBroken) and fsyncs it.
func writeBroken(fs FS, path string, b []byte) (string, error) {
	f, name, err := createBroken(fs, path)
	if err != nil {
		return "", err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return name, fmt.Errorf("aof: write %s: %w", name, err)
	}
	return name, nil
}

// moveBroken renames the whole segment path to a new .broken name.
func moveBroken(fs FS, path string) (string, error) {
	f, name, err := createBroken(fs, path)
	if err != nil {
		return "", err
	}
	f.Close()
	if err := fs.Rename(path, name); err != nil {
		return "", fmt.Errorf("aof: move %s aside: %w", path, err)
	}
	return name, nil
}
