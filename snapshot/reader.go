package snapshot

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/datastructs/hash"
	"github.com/aikv/aikv/datastructs/list"
	"github.com/aikv/aikv/datastructs/set"
	"github.com/aikv/aikv/datastructs/zset"
	"github.com/cespare/xxhash/v2"
	"github.com/klauspost/compress/zstd"
	"github.com/vmihailenco/msgpack/v5"
)

// Reader streams a snapshot: NextRecord yields raw records, Next whole
// keys. Memory use is bounded by one block plus the value being built,
// whatever the file size. Every byte is checked: block checksums as
// blocks are read, record structure as records are decoded, and the
// trailer's counts and whole-file checksum when the end is reached, so a
// caller has read a valid file only once Next or NextRecord returned
// io.EOF. A Reader is not safe for concurrent use.
type Reader struct {
	in     *bufio.Reader
	closer io.Closer
	off    int64          // file offset of the next unread byte
	sum    *xxhash.Digest // over every byte read before the trailer's checksum
	hdr    Header
	size   int64 // file size when known (Open), else counted
	codecs map[Tag]Codec

	zdec   *zstd.Decoder
	stored []byte           // the current block as stored
	raw    []byte           // the current block's records
	roff   int              // offset in raw of the next unread byte
	br     bytes.Reader     // for dec: raw from roff on (see mpfast.go)
	dec    *msgpack.Decoder // decodes what the fast path does not

	blockOff int64  // file offset of the current block
	block    uint64 // number of blocks read, the current one included
	left     uint32 // records left in the current block
	recStart int64  // position in raw of the record being decoded

	// hints are the trailer's key counts, read ahead by Open to
	// pre-size databases (unverified until the trailer is reached).
	hints []uint64

	aux map[string][]byte

	// keepPacked leaves packed chunks packed (Record.packed) for the
	// loader, which adopts them whole; otherwise they are unpacked.
	keepPacked bool

	rec     Record
	inKey   bool // the last record had More set
	keys    []uint64
	records uint64
	info    Info
	err     error // sticky: a damaged file stays damaged
}

// NewReader reads the header from r and returns a Reader. Only
// opts.Codecs matters for reading.
func NewReader(r io.Reader, opts Options) (*Reader, error) {
	sr := &Reader{in: bufio.NewReaderSize(r, 256<<10), sum: xxhash.New(), codecs: map[Tag]Codec{}, size: -1}
	for _, c := range opts.Codecs {
		sr.codecs[Tag(c.Tag())] = c
	}
	// A short file is "not a snapshot" unless it starts like one.
	head, _ := sr.in.Peek(len(Magic))
	if len(head) == 0 || string(head) != Magic[:len(head)] {
		return nil, fmt.Errorf("%w: bad magic %q", ErrNotSnapshot, head)
	}
	var b [headerSize]byte
	if err := sr.read(b[:], "header"); err != nil {
		return nil, err
	}
	h, err := parseHeader(b[:])
	if err != nil {
		return nil, err
	}
	sr.hdr = h
	sr.keys = make([]uint64, h.Databases)
	if h.Flags&FlagZstd != 0 {
		sr.zdec, err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderMaxMemory(MaxBlockRaw), zstd.WithDecoderMaxWindow(MaxBlockRaw))
		if err != nil {
			return nil, err
		}
	}
	sr.dec = msgpack.NewDecoder(&sr.br)
	if h.Flags&FlagAux != 0 {
		if err := sr.readAux(); err != nil {
			return nil, err
		}
	}
	return sr, nil
}

// Aux returns the aux blobs stored with the dataset (nil if none).
func (r *Reader) Aux() map[string][]byte { return r.aux }

// readAux reads the aux section that follows the header.
func (r *Reader) readAux() error {
	start := r.off
	var sec []byte
	get := func(n int, what string) ([]byte, error) {
		if n > MaxBlockRaw {
			return nil, corruptf(start, "aux section: %s of %d bytes is too large", what, n)
		}
		b := make([]byte, n)
		if err := r.read(b, "aux section"); err != nil {
			return nil, err
		}
		sec = append(sec, b...)
		return b, nil
	}
	u32 := func(what string) (int, error) {
		b, err := get(4, what)
		if err != nil {
			return 0, err
		}
		return int(binary.LittleEndian.Uint32(b)), nil
	}
	kind, err := get(1, "kind")
	if err != nil {
		return err
	}
	if kind[0] != kindAux {
		return corruptf(start, "expected the aux section, found byte %#x", kind[0])
	}
	count, err := u32("count")
	if err != nil {
		return err
	}
	if count > 1024 {
		return corruptf(start, "aux section: %d entries", count)
	}
	r.aux = make(map[string][]byte, count)
	for i := 0; i < count; i++ {
		nl, err := u32("name length")
		if err != nil {
			return err
		}
		name, err := get(nl, "name")
		if err != nil {
			return err
		}
		dl, err := u32("data length")
		if err != nil {
			return err
		}
		data, err := get(dl, "data")
		if err != nil {
			return err
		}
		r.aux[string(name)] = data
	}
	want := crc32.Checksum(sec, crcTable)
	var c [4]byte
	if err := r.read(c[:], "aux checksum"); err != nil {
		return err
	}
	if binary.LittleEndian.Uint32(c[:]) != want {
		return corruptf(start, "aux section: checksum mismatch")
	}
	return nil
}

// Open opens the snapshot file at path. Close it when done.
func Open(path string, opts Options) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	r, err := NewReader(f, opts)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if st, err := f.Stat(); err == nil {
		r.size = st.Size()
		r.hints = readHints(f, r.size, r.hdr.Databases)
	}
	r.closer = f
	return r, nil
}

// readHints reads the key counts of the trailer at the end of the file,
// or returns nil if the end does not look like a trailer.
func readHints(f io.ReaderAt, size int64, dbs int) []uint64 {
	n := int64(1 + 4 + 8*dbs + 4*8)
	if size < headerSize+n {
		return nil
	}
	b := make([]byte, n)
	if _, err := f.ReadAt(b, size-n); err != nil {
		return nil
	}
	if b[0] != kindTrailer || int(binary.LittleEndian.Uint32(b[1:])) != dbs || string(b[n-8:]) != endMagic {
		return nil
	}
	hints := make([]uint64, dbs)
	for i := range hints {
		hints[i] = binary.LittleEndian.Uint64(b[5+8*i:])
	}
	return hints
}

// Close releases the file (for Open) and the decoder.
func (r *Reader) Close() error {
	if r.zdec != nil {
		r.zdec.Close()
		r.zdec = nil
	}
	if r.closer != nil {
		c := r.closer
		r.closer = nil
		return c.Close()
	}
	return nil
}

// Header returns the file's header.
func (r *Reader) Header() Header { return r.hdr }

// Info describes the file; complete once Next or NextRecord returned
// io.EOF.
func (r *Reader) Info() Info { return r.info }

// read reads exactly len(b) bytes into b, adding them to the checksum.
func (r *Reader) read(b []byte, what string) error {
	if err := readFull(r.in, b, r.off, what); err != nil {
		return err
	}
	r.sum.Write(b)
	r.off += int64(len(b))
	return nil
}

// readGrow reads n bytes into buf (reused), growing it only as data
// actually arrives, so a hostile length cannot make the reader allocate
// much more than the file holds.
func (r *Reader) readGrow(buf []byte, n int, what string) ([]byte, error) {
	if r.size >= 0 && int64(n) > r.size-r.off {
		return buf, truncatedf(r.off, "%s: %d bytes declared, %d left in the file", what, n, r.size-r.off)
	}
	buf = buf[:0]
	for len(buf) < n {
		step := min(n-len(buf), 1<<20)
		if cap(buf)-len(buf) < step {
			nb := make([]byte, len(buf), max(2*cap(buf), len(buf)+step))
			copy(nb, buf)
			buf = nb
		}
		part := buf[len(buf) : len(buf)+step]
		if err := r.read(part, what); err != nil {
			return buf, err
		}
		buf = buf[:len(buf)+step]
	}
	return buf, nil
}

// recErr reports a damaged record of the current block.
func (r *Reader) recErr(format string, args ...any) error {
	return corruptf(r.blockOff, "block %d, record at byte %d of its data: %s",
		r.block, r.recStart, fmt.Sprintf(format, args...))
}

// NextRecord returns the next record, or io.EOF after the trailer was
// read and every check passed. The Record is reused by the next call.
func (r *Reader) NextRecord() (*Record, error) {
	if r.err != nil {
		return nil, r.err
	}
	for r.left == 0 {
		if r.block > 0 && r.rest() != 0 {
			r.err = r.recErr("%d bytes after the block's last record", r.rest())
			return nil, r.err
		}
		if err := r.nextSection(); err != nil {
			r.err = err
			return nil, err
		}
	}
	if err := r.decodeRecord(); err != nil {
		r.err = err
		return nil, err
	}
	r.left--
	r.records++
	return &r.rec, nil
}

// nextSection reads the next block header and block, or the trailer
// (returning io.EOF when the file is complete and intact).
func (r *Reader) nextSection() error {
	var kind [1]byte
	start := r.off
	if err := r.read(kind[:], "section kind"); err != nil {
		if errors.Is(err, ErrTruncated) {
			return truncatedf(start, "file ends after %d blocks, before the trailer", r.block)
		}
		return err
	}
	switch kind[0] {
	case kindBlock:
		return r.readBlock(start)
	case kindTrailer:
		return r.readTrailer(start)
	}
	return corruptf(start, "expected a block or the trailer, found byte %#x", kind[0])
}

func (r *Reader) readBlock(start int64) error {
	r.block++
	r.blockOff = start
	var h [blockHeaderSize - 1]byte
	if err := r.read(h[:], fmt.Sprintf("block %d header", r.block)); err != nil {
		return err
	}
	rawLen := binary.LittleEndian.Uint32(h[0:])
	storedLen := binary.LittleEndian.Uint32(h[4:])
	nrec := binary.LittleEndian.Uint32(h[8:])
	crc := binary.LittleEndian.Uint32(h[12:])
	switch {
	case nrec == 0:
		return corruptf(start, "block %d: no records", r.block)
	case rawLen == 0 || rawLen > MaxBlockRaw || nrec > rawLen:
		return corruptf(start, "block %d: bad length %d for %d records", r.block, rawLen, nrec)
	case r.zdec == nil && storedLen != rawLen:
		return corruptf(start, "block %d: stored length %d differs from length %d in an uncompressed file", r.block, storedLen, rawLen)
	case uint64(storedLen) > uint64(rawLen)+uint64(rawLen)/64+4096:
		return corruptf(start, "block %d: compressed length %d too large for %d bytes", r.block, storedLen, rawLen)
	}
	var err error
	r.stored, err = r.readGrow(r.stored, int(storedLen), fmt.Sprintf("block %d data", r.block))
	if err != nil {
		return err
	}
	if crc32.Checksum(r.stored, crcTable) != crc {
		return corruptf(start, "block %d: checksum mismatch", r.block)
	}
	if r.zdec == nil {
		r.raw = r.stored
	} else {
		if cap(r.raw) > 4*BlockTarget {
			r.raw = nil // do not keep a buffer grown by one huge block
		}
		r.raw, err = r.zdec.DecodeAll(r.stored, r.raw[:0])
		if err != nil {
			return corruptf(start, "block %d: decompress: %v", r.block, err)
		}
		if len(r.raw) != int(rawLen) {
			return corruptf(start, "block %d: decompressed to %d bytes, header says %d", r.block, len(r.raw), rawLen)
		}
	}
	if cap(r.stored) > 4*BlockTarget && r.zdec != nil {
		r.stored = nil
	}
	r.roff = 0
	r.left = nrec
	return nil
}

func (r *Reader) readTrailer(start int64) error {
	var b [8]byte
	if err := r.read(b[:4], "trailer"); err != nil {
		return err
	}
	if n := binary.LittleEndian.Uint32(b[:4]); int(n) != r.hdr.Databases {
		return corruptf(start, "trailer: %d databases, header says %d", n, r.hdr.Databases)
	}
	keys := make([]uint64, r.hdr.Databases)
	for i := range keys {
		if err := r.read(b[:], "trailer key counts"); err != nil {
			return err
		}
		keys[i] = binary.LittleEndian.Uint64(b[:])
	}
	if err := r.read(b[:], "trailer record count"); err != nil {
		return err
	}
	records := binary.LittleEndian.Uint64(b[:])
	if err := r.read(b[:], "trailer block count"); err != nil {
		return err
	}
	blocks := binary.LittleEndian.Uint64(b[:])
	want := r.sum.Sum64()
	sumOff := r.off
	if err := readFull(r.in, b[:], r.off, "trailer checksum"); err != nil {
		return err
	}
	got := binary.LittleEndian.Uint64(b[:])
	r.off += 8
	if err := readFull(r.in, b[:], r.off, "end marker"); err != nil {
		return err
	}
	if string(b[:]) != endMagic {
		return corruptf(r.off, "bad end marker %q", b[:])
	}
	r.off += 8
	if n, _ := r.in.Read(b[:1]); n > 0 {
		return corruptf(r.off, "data after the end marker")
	}
	if r.inKey {
		return corruptf(start, "trailer reached inside key %q (its last record says more follow)", r.rec.Key)
	}
	for i, n := range keys {
		if n != r.keys[i] {
			return corruptf(start, "trailer: db %d has %d keys, the file holds %d", i, n, r.keys[i])
		}
	}
	if records != r.records || blocks != r.block {
		return corruptf(start, "trailer: %d records in %d blocks, the file holds %d in %d", records, blocks, r.records, r.block)
	}
	if got != want {
		return corruptf(sumOff, "file checksum mismatch (xxhash64 %016x, trailer says %016x)", want, got)
	}
	size := r.off
	if r.size >= 0 {
		size = r.size
	}
	r.info = Info{Header: r.hdr, Keys: keys, Records: records, Blocks: blocks, Size: size}
	return io.EOF
}

// decodeRecord decodes the next record of the current block into r.rec.
func (r *Reader) decodeRecord() error {
	r.recStart = int64(r.roff)
	rec := &r.rec
	n, err := r.mpArrayLen()
	if err != nil {
		return r.recErr("%v", err)
	}
	tag, err := r.mpUint()
	if err != nil {
		return r.recErr("tag: %v", err)
	}
	if tag == uint64(tagContinue) {
		if !r.inKey {
			return r.recErr("continuation record without a key")
		}
		if n != 3 {
			return r.recErr("continuation record has %d fields, want 3", n)
		}
		rec.First = false
	} else {
		if r.inKey {
			return r.recErr("new key while key %q expects more records", rec.Key)
		}
		if n != 6 {
			return r.recErr("record has %d fields, want 6", n)
		}
		if tag > math.MaxUint8 {
			return r.recErr("bad type tag %d", tag)
		}
		db, err := r.mpUint()
		if err != nil {
			return r.recErr("db: %v", err)
		}
		if db >= uint64(r.hdr.Databases) {
			return r.recErr("db %d out of range (%d databases)", db, r.hdr.Databases)
		}
		key, err := r.mpString()
		if err != nil {
			return r.recErr("key: %v", err)
		}
		exp, err := r.mpInt()
		if err != nil {
			return r.recErr("key %q: expiry: %v", key, err)
		}
		if exp < 0 {
			return r.recErr("key %q: negative expiry %d", key, exp)
		}
		*rec = Record{First: true, DB: int(db), Key: key, Tag: Tag(tag), ExpireAt: exp,
			Elems: rec.Elems[:0], Scores: rec.Scores[:0], Blob: rec.Blob[:0]}
		r.keys[db]++
	}
	flags, err := r.mpUint()
	if err != nil {
		return r.recErr("key %q: flags: %v", rec.Key, err)
	}
	if flags&^flagMore != 0 {
		return r.recErr("key %q: unknown flags %#x", rec.Key, flags)
	}
	rec.More = flags&flagMore != 0
	r.inKey = rec.More
	if err := r.decodeChunk(rec); err != nil {
		return r.recErr("key %q (%v): %v", rec.Key, rec.Tag, err)
	}
	return nil
}

// decodeChunk decodes a record's value chunk according to its tag.
func (r *Reader) decodeChunk(rec *Record) error {
	rec.Str = ""
	clear(rec.Elems)
	rec.Elems, rec.Scores, rec.Blob, rec.packed = rec.Elems[:0], rec.Scores[:0], rec.Blob[:0], nil
	switch rec.Tag {
	case TagString:
		c, err := r.mpPeek()
		if err != nil {
			return err
		}
		if !isStrCode(c) {
			return fmt.Errorf("value: not a string (code %#x)", c)
		}
		if rec.Str, err = r.mpString(); err != nil {
			return err
		}
		if !rec.First && rec.Str == "" {
			return errors.New("empty continuation chunk")
		}
	case TagList, TagSet, TagHash, TagZSet:
		if r.roff < len(r.raw) && isBinCode(r.raw[r.roff]) {
			return r.decodePacked(rec)
		}
		m, err := r.mpArrayLen()
		if err != nil {
			return err
		}
		switch {
		case m <= 0:
			return errors.New("empty chunk")
		case m > r.rest():
			return fmt.Errorf("%d elements declared, %d bytes left in the block", m, r.rest())
		case m%2 != 0 && (rec.Tag == TagHash || rec.Tag == TagZSet):
			return fmt.Errorf("odd element count %d", m)
		}
		if rec.Tag == TagZSet {
			for i := 0; i < m/2; i++ {
				s, err := r.mpString()
				if err != nil {
					return err
				}
				sc, err := r.mpFloat()
				if err != nil {
					return err
				}
				if math.IsNaN(sc) {
					return fmt.Errorf("member %q: NaN score", s)
				}
				rec.Elems = append(rec.Elems, s)
				rec.Scores = append(rec.Scores, sc)
			}
			return nil
		}
		for i := 0; i < m; i++ {
			s, err := r.mpString()
			if err != nil {
				return err
			}
			rec.Elems = append(rec.Elems, s)
		}
	default:
		n, err := r.mpBytesLen()
		if err != nil {
			return err
		}
		if n < 0 || n > r.rest() {
			return fmt.Errorf("chunk of %d bytes, %d left in the block", n, r.rest())
		}
		if cap(rec.Blob) < n {
			rec.Blob = make([]byte, n)
		}
		rec.Blob = rec.Blob[:n]
		if err := r.mpReadFull(rec.Blob); err != nil {
			return err
		}
	}
	return nil
}

// isBinCode reports whether c starts a msgpack bin.
func isBinCode(c byte) bool { return c >= 0xc4 && c <= 0xc6 }

// decodePacked decodes a packed chunk of a built-in collection (version
// 2): a bin holding an intset (set), a listpack (hash, zset) or a list
// node. A set, hash or zset has one such record, a list one per node.
// The loader keeps the chunk packed and checks it completely when it
// adopts it; for everyone else it is unpacked into Elems (and Scores),
// its structure checked (repeated members are found when the value is
// rebuilt, as for element chunks).
func (r *Reader) decodePacked(rec *Record) error {
	if r.hdr.Version < 2 {
		return fmt.Errorf("packed chunk in a version %d file", r.hdr.Version)
	}
	if rec.Tag != TagList && (!rec.First || rec.More) {
		return errors.New("packed chunk in a key of several records")
	}
	n, err := r.mpBytesLen()
	if err != nil {
		return err
	}
	if n <= 0 || n > r.rest() {
		return fmt.Errorf("packed chunk of %d bytes, %d left in the block", n, r.rest())
	}
	p := r.raw[r.roff : r.roff+n : r.roff+n]
	r.roff += n
	if r.keepPacked {
		rec.packed = p
		return nil
	}
	str := func(s string) { rec.Elems = append(rec.Elems, strings.Clone(s)) }
	switch rec.Tag {
	case TagList:
		_, err = list.ParseNode(p, str)
	case TagSet:
		_, err = set.ParseIntset(p, func(v int64) { rec.Elems = append(rec.Elems, strconv.FormatInt(v, 10)) })
	case TagHash:
		_, _, err = hash.ParseListpack(p, func(f, v string) { str(f); str(v) })
	default:
		_, _, err = zset.ParseListpack(p, func(m string, sc float64) {
			str(m)
			rec.Scores = append(rec.Scores, sc)
		})
	}
	return err
}

// buildPacked rebuilds a collection from its packed chunk, checking it
// completely.
func buildPacked(tag Tag, p []byte) (datastructs.Value, error) {
	switch tag {
	case TagList:
		l := list.New()
		if err := l.AppendNode(p); err != nil {
			return nil, err
		}
		return l, nil
	case TagSet:
		return nilIfErr(set.FromIntset(p))
	case TagHash:
		return nilIfErr(hash.FromListpack(p))
	default:
		return nilIfErr(zset.FromListpack(p))
	}
}

// nilIfErr turns a typed value and an error into a Value that is nil
// (not a typed nil) on error.
func nilIfErr[V datastructs.Value](v V, err error) (datastructs.Value, error) {
	if err != nil {
		return nil, err
	}
	return v, nil
}

// isStrCode reports whether c starts a msgpack str or bin.
func isStrCode(c byte) bool {
	return c >= 0xa0 && c <= 0xbf || c >= 0xc4 && c <= 0xc6 || c >= 0xd9 && c <= 0xdb
}

// Item is one key as Next yields it.
type Item struct {
	DB       int
	Key      string
	ExpireAt int64 // absolute Unix ms, 0 for none
	// Str is the value of a string key (Value == nil).
	Str string
	// Value is the value of any other key, rebuilt with its type's
	// constructors (so the type picks the encoding, as Redis does on
	// load).
	Value datastructs.Value
}

// Next returns the next key with its value rebuilt, or io.EOF at the
// intact end of the file. A key whose type has no Codec is skipped after
// returning an error matching ErrUnknownType (the Reader stays usable);
// any other error is final.
func (r *Reader) Next() (Item, error) {
	rec, err := r.NextRecord()
	if err != nil {
		return Item{}, err
	}
	return r.item(rec)
}

// item rebuilds the key whose first record is rec, reading the records
// that follow it.
func (r *Reader) item(rec *Record) (Item, error) {
	var err error
	it := Item{DB: rec.DB, Key: rec.Key, ExpireAt: rec.ExpireAt}
	more := func() bool {
		if !rec.More {
			return false
		}
		rec, err = r.NextRecord()
		return err == nil
	}
	switch rec.Tag {
	case TagString:
		if !rec.More {
			it.Str = rec.Str
			break
		}
		var sb strings.Builder
		sb.WriteString(rec.Str)
		for more() {
			sb.WriteString(rec.Str)
		}
		it.Str = sb.String()
	case TagList:
		l := list.New()
		for ok := true; ok; ok = more() {
			if rec.packed != nil {
				if perr := l.AppendNode(rec.packed); perr != nil {
					r.err = r.recErr("key %q (list): %v", it.Key, perr)
					return Item{}, r.err
				}
				continue
			}
			for _, s := range rec.Elems {
				l.PushBack(s)
			}
		}
		it.Value = l
	case TagSet, TagHash, TagZSet:
		if rec.packed == nil {
			return r.itemElems(rec, it)
		}
		v, perr := buildPacked(rec.Tag, rec.packed)
		if perr != nil {
			r.err = r.recErr("key %q (%v): %v", it.Key, rec.Tag, perr)
			return Item{}, r.err
		}
		it.Value = v
	default:
		if err := r.nextExt(rec, &it); err != nil {
			return Item{}, err
		}
	}
	if err != nil {
		return Item{}, err
	}
	return it, nil
}

// itemElems rebuilds a set, hash or zset stored as element chunks.
func (r *Reader) itemElems(rec *Record, it Item) (Item, error) {
	var err error
	more := func() bool {
		if !rec.More {
			return false
		}
		rec, err = r.NextRecord()
		return err == nil
	}
	dup := func(what string, v string) error {
		r.err = r.recErr("key %q: duplicate %s %q", it.Key, what, v)
		return r.err
	}
	switch rec.Tag {
	case TagSet:
		s := set.New()
		for ok := true; ok; ok = more() {
			for _, m := range rec.Elems {
				if !s.AddString(m) {
					return Item{}, dup("member", m)
				}
			}
		}
		it.Value = s
	case TagHash:
		h := hash.New()
		for ok := true; ok; ok = more() {
			for i := 0; i < len(rec.Elems); i += 2 {
				f := rec.Elems[i]
				if !h.SetString(unsafe.Slice(unsafe.StringData(f), len(f)), rec.Elems[i+1]) {
					return Item{}, dup("field", f)
				}
			}
		}
		it.Value = h
	case TagZSet:
		// Like Redis: build a skiplist, then let the type decide (a
		// small set becomes a listpack).
		z := zset.NewSkiplist()
		for ok := true; ok; ok = more() {
			for i, m := range rec.Elems {
				if !z.Set(m, rec.Scores[i]) {
					return Item{}, dup("member", m)
				}
			}
		}
		z.Compact()
		it.Value = z
	}
	if err != nil {
		return Item{}, err
	}
	return it, nil
}

// nextExt rebuilds a value of a Codec type whose first record is rec.
func (r *Reader) nextExt(rec *Record, it *Item) error {
	c, ok := r.codecs[rec.Tag]
	if !ok {
		for rec.More {
			var err error
			if rec, err = r.NextRecord(); err != nil {
				return err
			}
		}
		return fmt.Errorf("%w: key %q in db %d has %v and no codec was given", ErrUnknownType, it.Key, it.DB, rec.Tag)
	}
	first := true
	var err error
	it.Value, err = c.Decode(func() ([]byte, bool, error) {
		if first {
			first = false
			return rec.Blob, true, nil
		}
		if !rec.More {
			return nil, false, nil
		}
		var nerr error
		if rec, nerr = r.NextRecord(); nerr != nil {
			return nil, false, nerr
		}
		return rec.Blob, true, nil
	})
	if err == nil && rec.More {
		err = r.recErr("key %q: codec for %v left chunks unread", it.Key, rec.Tag)
	}
	if err == nil && it.Value == nil {
		err = r.recErr("key %q: codec for %v returned no value", it.Key, rec.Tag)
	}
	if err == nil && it.Value.Type() != c.Type() {
		err = r.recErr("key %q: codec for %v built a %v", it.Key, rec.Tag, it.Value.Type())
	}
	if err != nil {
		if r.err == nil {
			if errors.Is(err, ErrCorrupt) {
				r.err = err
			} else {
				r.err = r.recErr("key %q: %v: %v", it.Key, rec.Tag, err)
			}
		}
		return r.err
	}
	return nil
}

// Load reads every key into ks, which should be empty, and checks the
// whole file. While it runs ks.Loading is set, so keys whose TTL has
// passed are stored as saved (the server's expiry removes them later,
// as after a Redis load); ks.Dirty is left as it was. On error ks holds
// part of the file: load into a fresh keyspace and discard it on error.
func (r *Reader) Load(ks *datastructs.Keyspace) (Info, error) {
	return r.LoadLocked(ks, nil, 0)
}

// LoadLocked is Load for a keyspace other goroutines use: it holds lock
// while it changes ks, releasing it after every batch of at most
// min(every, 1024) keys so a
// server can answer (LOADING, INFO) meanwhile. ks.Loading stays set
// throughout. A nil lock loads in one go.
//
// Decoding and inserting overlap: a goroutine reads, checks and decodes
// the file (zstd, msgpack, values rebuilt) into batches of keys while the
// caller's goroutine inserts the previous batches with a
// datastructs.BulkLoader (one table probe per key, strings taken over,
// no notifications). The Reader is used only by that goroutine until it
// has stopped, which LoadLocked waits for before returning.
func (r *Reader) LoadLocked(ks *datastructs.Keyspace, lock sync.Locker, every int) (info Info, err error) {
	if lock == nil {
		lock = noLock{}
	}
	r.keepPacked = true
	lock.Lock()
	prevLoading, prevDirty := ks.Loading, ks.Dirty
	ks.Loading = true
	for i, n := range r.hints {
		// A hint is unverified: bound it by what the file could hold.
		if i < ks.NumDBs() && n > 0 && int64(n) <= r.size/4 {
			ks.DB(i).Reserve(int(n))
		}
	}
	bl := ks.NewBulkLoader()
	lock.Unlock()
	defer func() {
		lock.Lock()
		ks.Loading, ks.Dirty = prevLoading, prevDirty
		lock.Unlock()
	}()

	size := loadBatch
	if every > 0 && every < size {
		size = every
	}
	// The decoder deals batches out to the builders in turn; the loop
	// below takes them back in the same order.
	var decoded, built [builders]chan *batch
	for i := range decoded {
		decoded[i], built[i] = make(chan *batch, 2), make(chan *batch, 2)
	}
	free := make(chan *batch, 12)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1 + builders)
	go func() {
		defer wg.Done()
		r.decodeBatches(size, decoded[:], free, stop)
	}()
	for i := range decoded {
		go func() {
			defer wg.Done()
			buildBatches(decoded[i], built[i], stop)
		}()
	}
	defer func() {
		close(stop)
		wg.Wait()
	}()
	for next := 0; ; next = (next + 1) % builders {
		b, ok := <-built[next]
		if !ok {
			return Info{}, errors.New("snapshot: load stopped early") // not reached: the last batch carries an error or io.EOF
		}
		for i := range b.items {
			if db := b.items[i].DB; db >= ks.NumDBs() {
				return Info{}, fmt.Errorf("snapshot: key %q is in db %d but the server has %d databases", b.items[i].Key, db, ks.NumDBs())
			}
		}
		lock.Lock()
		if i := bl.Add(b.items); i < len(b.items) { // the file holds the key twice
			lock.Unlock()
			it := &b.items[i]
			return Info{}, b.at[i].err(fmt.Sprintf("duplicate key %q in db %d", it.Key, it.DB))
		}
		lock.Unlock()
		if b.err == io.EOF {
			return r.Info(), nil
		}
		if b.err != nil {
			return Info{}, b.err
		}
		b.reset()
		select {
		case free <- b:
		default:
		}
	}
}

// loadBatch is the number of keys LoadLocked's decoder hands over at once.
const loadBatch = 1024

// batchElems and batchPacked bound the collection elements and packed
// bytes a batch holds for the builders, so batches of mid-size
// collections stay small.
const (
	batchElems  = 32 << 10
	batchPacked = 1 << 20
)

// builders is the number of LoadLocked's builder goroutines: building
// small collections is most of a load's work when they are many.
const builders = 2

// batch is keys decoded by LoadLocked's decoder, then err: nil if more
// batches follow, io.EOF at the intact end of the file, or why decoding
// stopped.
//
// A small collection (one record) is not built by the decoder: its
// elements are copied to elems (and scores), or its packed chunk to
// packed, and raw says where they are; the builder goroutine builds it.
// Other values are built by the decoder (raw[i].tag is 0).
type batch struct {
	items  []datastructs.BulkItem
	at     []recPos // where each item's last record starts
	raw    []rawValue
	elems  []string
	scores []float64
	packed []byte
	err    error
}

// rawValue locates an unbuilt collection's elements in its batch.
type rawValue struct {
	tag    Tag
	isPack bool // packed[lo:hi], else elems[lo:hi]
	lo, hi int
	slo    int // a zset's scores: scores[slo:slo+hi-lo]
}

func (b *batch) reset() {
	clear(b.items)
	clear(b.elems)
	b.items, b.at, b.raw, b.elems, b.scores, b.packed, b.err = b.items[:0], b.at[:0], b.raw[:0], b.elems[:0], b.scores[:0], b.packed[:0], nil
}

// decodeBatches is LoadLocked's decoder: it fills batches of n keys from
// the file, sends them on outs in turn (reusing batches that come back
// on free) and returns after the batch with a non-nil err (closing every
// out), or when stop is closed.
func (r *Reader) decodeBatches(n int, outs []chan *batch, free <-chan *batch, stop <-chan struct{}) {
	for k := 0; ; k = (k + 1) % len(outs) {
		var b *batch
		select {
		case b = <-free:
		default:
			b = &batch{items: make([]datastructs.BulkItem, 0, n), at: make([]recPos, 0, n), raw: make([]rawValue, 0, n)}
		}
		for len(b.items) < n && len(b.elems) < batchElems && len(b.packed) < batchPacked {
			rec, err := r.NextRecord()
			if err != nil {
				b.err = err
				break
			}
			raw := rawValue{}
			it := Item{DB: rec.DB, Key: rec.Key, ExpireAt: rec.ExpireAt}
			if !rec.More && rec.packed != nil {
				raw = rawValue{tag: rec.Tag, isPack: true, lo: len(b.packed), hi: len(b.packed) + len(rec.packed)}
				b.packed = append(b.packed, rec.packed...)
			} else if !rec.More && rec.Tag >= TagList && rec.Tag <= TagHash {
				raw = rawValue{tag: rec.Tag, lo: len(b.elems), hi: len(b.elems) + len(rec.Elems)}
				b.elems = append(b.elems, rec.Elems...)
				if rec.Tag == TagZSet {
					raw.slo = len(b.scores)
					b.scores = append(b.scores, rec.Scores...)
				}
			} else if it, err = r.item(rec); err != nil {
				b.err = err
				break
			}
			b.items = append(b.items, datastructs.BulkItem{DB: it.DB, Key: it.Key, Str: it.Str, Value: it.Value, ExpireAt: it.ExpireAt})
			b.at = append(b.at, recPos{blockOff: r.blockOff, block: r.block, recStart: r.recStart})
			b.raw = append(b.raw, raw)
		}
		last := b.err != nil // b is the receiver's once sent
		select {
		case outs[k] <- b:
		case <-stop:
			return
		}
		if last {
			for _, out := range outs {
				close(out)
			}
			return
		}
	}
}

// buildBatches is LoadLocked's builder: it builds the small collections
// the decoder left raw and passes each batch on. A duplicate member ends
// the batch before its key, with the error, and ends the builder.
func buildBatches(in <-chan *batch, out chan<- *batch, stop <-chan struct{}) {
	defer close(out)
	var scratch [][]byte
	for b := range in {
		for i, raw := range b.raw {
			if raw.tag == 0 {
				continue
			}
			if raw.isPack {
				v, err := buildPacked(raw.tag, b.packed[raw.lo:raw.hi])
				if err != nil {
					b.items, b.err = b.items[:i], b.at[i].err(fmt.Sprintf("key %q (%v): %v", b.items[i].Key, raw.tag, err))
					break
				}
				b.items[i].Value = v
				continue
			}
			var sc []float64
			if raw.tag == TagZSet {
				sc = b.scores[raw.slo : raw.slo+raw.hi-raw.lo]
			}
			v, what, dup := buildSmall(raw.tag, b.elems[raw.lo:raw.hi], sc, &scratch)
			if v == nil {
				b.items, b.err = b.items[:i], b.at[i].err(fmt.Sprintf("key %q: duplicate %s %q", b.items[i].Key, what, dup))
				break
			}
			b.items[i].Value = v
		}
		last := b.err != nil // b is the receiver's once sent
		select {
		case out <- b:
		case <-stop:
			return
		}
		if last {
			return
		}
	}
}

// buildSmall builds a collection from one record's elements (see Next),
// or returns nil and the duplicate it found.
func buildSmall(tag Tag, elems []string, scores []float64, scratch *[][]byte) (v datastructs.Value, what, dup string) {
	switch tag {
	case TagList:
		bs := (*scratch)[:0]
		for _, s := range elems {
			bs = append(bs, unsafe.Slice(unsafe.StringData(s), len(s)))
		}
		l := list.New()
		l.PushAll(false, bs) // copies the elements
		clear(bs)
		*scratch = bs
		return l, "", ""
	case TagSet:
		s := set.New()
		for _, m := range elems {
			if !set.IsInt(m) {
				s = set.NewTable(len(elems))
				break
			}
		}
		for _, m := range elems {
			if !s.AddString(m) {
				return nil, "member", m
			}
		}
		return s, "", ""
	case TagHash:
		h, f := hash.FromPairs(elems)
		if h == nil {
			return nil, "field", f
		}
		return h, "", ""
	default: // TagZSet
		z, m := zset.FromMembers(elems, scores)
		if z == nil {
			return nil, "member", m
		}
		return z, "", ""
	}
}

// recPos is where a key's last record starts, for errors found after
// decoding (as Reader.recErr reports them).
type recPos struct {
	blockOff int64
	block    uint64
	recStart int64
}

// err reports a damaged record at p, like Reader.recErr.
func (p recPos) err(what string) error {
	return corruptf(p.blockOff, "block %d, record at byte %d of its data: %s", p.block, p.recStart, what)
}

type noLock struct{}

func (noLock) Lock()   {}
func (noLock) Unlock() {}

// Load reads the snapshot at path into ks (see Reader.Load).
func Load(path string, ks *datastructs.Keyspace, opts Options) (Info, error) {
	r, err := Open(path, opts)
	if err != nil {
		return Info{}, err
	}
	defer r.Close()
	info, err := r.Load(ks)
	if err != nil {
		return Info{}, fmt.Errorf("%s: %w", path, err)
	}
	return info, nil
}

// Verify reads the whole file at path and checks it: header, every
// block's checksum, every record's structure, every built-in value
// (rebuilt one at a time and dropped: duplicate members, NaN scores), the
// trailer's counts and the whole-file checksum. The error names what is
// damaged and where. Values of other types are rebuilt by their codec
// when one is given, and checked at the record level otherwise.
func Verify(path string, codecs ...Codec) (Info, error) {
	r, err := Open(path, Options{Codecs: codecs})
	if err != nil {
		return Info{}, err
	}
	defer r.Close()
	for {
		_, err := r.Next()
		if err == io.EOF {
			return r.Info(), nil
		}
		if err != nil && !(errors.Is(err, ErrUnknownType) && !errors.Is(err, ErrCorrupt)) {
			return Info{}, fmt.Errorf("%s: %w", path, err)
		}
	}
}
