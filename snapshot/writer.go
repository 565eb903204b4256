package snapshot

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/datastructs/hash"
	"github.com/aikv/aikv/datastructs/list"
	"github.com/aikv/aikv/datastructs/set"
	"github.com/aikv/aikv/datastructs/zset"
	"github.com/cespare/xxhash/v2"
	"github.com/klauspost/compress/zstd"
	"github.com/vmihailenco/msgpack/v5"
)

// Options configures writing (and, for Codecs, reading) a snapshot. The
// zero value writes a compressed snapshot of 16 databases at sequence 0.
type Options struct {
	// Seq is the log sequence number the snapshot covers.
	Seq uint64
	// Created is stored in the header; zero means time.Now().
	Created time.Time
	// Databases is the number of databases; 0 means 16. Save takes it
	// from the Source.
	Databases int
	// NoCompression stores blocks as plain msgpack (rdbcompression no).
	NoCompression bool
	// Codecs encode and decode value types the core does not know.
	Codecs []Codec
	// LogBase sets FlagLogBase in the header.
	LogBase bool
	// Aux holds named blobs stored with the dataset (e.g. "functions",
	// a FUNCTION DUMP payload); Reader.Aux returns them.
	Aux map[string][]byte
}

// Source is a consistent view of a dataset for Save to walk. The server
// passes a frozen view so writes can continue while the file is written;
// see the package doc.
type Source interface {
	// NumDBs returns the number of databases.
	NumDBs() int
	// Range calls fn for every live key of database db until fn returns
	// false. The entry must not change while Range runs; fn does not keep
	// e after it returns.
	Range(db int, fn func(key string, e *datastructs.Entry) bool)
}

// KeyspaceSource adapts a keyspace to Source. The caller must keep the
// keyspace unchanged while Save runs (SAVE holds the server lock).
func KeyspaceSource(ks *datastructs.Keyspace) Source { return keyspaceSource{ks} }

type keyspaceSource struct{ ks *datastructs.Keyspace }

func (s keyspaceSource) NumDBs() int { return s.ks.NumDBs() }

func (s keyspaceSource) Range(db int, fn func(string, *datastructs.Entry) bool) {
	s.ks.DB(db).Range(fn)
}

// Writer streams a snapshot to an io.Writer: Add keys one by one, then
// Close. Memory use is bounded by one block (about BlockTarget bytes plus
// its compressed copy), whatever the dataset size. A Writer is not safe
// for concurrent use. After an error every later call returns it.
type Writer struct {
	out     io.Writer
	sum     *xxhash.Digest // over every byte written so far
	off     int64
	hdr     Header
	raw     bytes.Buffer // records of the open block
	enc     *msgpack.Encoder
	nrec    uint32 // records in the open block
	zenc    *zstd.Encoder
	zbuf    []byte
	keys    []uint64
	records uint64
	blocks  uint64
	codecs  map[datastructs.Type]Codec
	err     error
	closed  bool
	// cur is the key being written and elems, scores or blob its
	// pending chunk.
	cur    keyRec
	elems  []string
	scores []float64
	blob   []byte
	// packed stores compact encodings as one bin chunk (version >= 2);
	// view is the pending packed chunk, a read-only view of the value
	// (or of ints); ints is scratch for an intset's bytes.
	packed bool
	view   []byte
	ints   []byte
}

// NewWriter writes the header to w and returns a Writer. It does not
// buffer the underlying writer beyond one block; wrap files in a
// bufio.Writer.
func NewWriter(w io.Writer, opts Options) (*Writer, error) {
	n := opts.Databases
	if n == 0 {
		n = 16
	}
	if n < 0 || n > maxDatabases {
		return nil, fmt.Errorf("snapshot: bad database count %d", n)
	}
	created := opts.Created
	if created.IsZero() {
		created = time.Now()
	}
	sw := &Writer{
		out:    w,
		sum:    xxhash.New(),
		hdr:    Header{Version: writeVersion, Databases: n, Created: created, Seq: opts.Seq},
		packed: writeVersion >= 2,
		keys:   make([]uint64, n),
		codecs: map[datastructs.Type]Codec{},
	}
	for _, c := range opts.Codecs {
		if Tag(c.Tag()).builtin() || c.Tag() == 0 {
			return nil, fmt.Errorf("snapshot: codec for %v uses reserved tag %d", c.Type(), c.Tag())
		}
		sw.codecs[c.Type()] = c
	}
	if opts.LogBase {
		sw.hdr.Flags |= FlagLogBase
	}
	if len(opts.Aux) > 0 {
		sw.hdr.Flags |= FlagAux
	}
	if !opts.NoCompression {
		sw.hdr.Flags |= FlagZstd
		zenc, err := takeEncoder()
		if err != nil {
			return nil, err
		}
		sw.zenc = zenc
	}
	sw.takeBuffers()
	sw.enc = msgpack.NewEncoder(&sw.raw)
	if err := sw.write(sw.hdr.marshal()); err != nil {
		return nil, err
	}
	if len(opts.Aux) > 0 {
		if err := sw.write(marshalAux(opts.Aux)); err != nil {
			return nil, err
		}
	}
	return sw, nil
}

// Header returns the header the writer wrote.
func (w *Writer) Header() Header { return w.hdr }

func (w *Writer) write(b []byte) error {
	if w.err != nil {
		return w.err
	}
	n, err := w.out.Write(b)
	w.sum.Write(b[:n])
	w.off += int64(n)
	if err != nil {
		w.err = fmt.Errorf("snapshot: write: %w", err)
	}
	return w.err
}

// Add writes one key of database db with its entry. Keys may come in any
// order, but each key at most once per database.
func (w *Writer) Add(db int, key string, e *datastructs.Entry) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errors.New("snapshot: Add after Close")
	}
	if db < 0 || db >= len(w.keys) {
		return fmt.Errorf("snapshot: database %d out of range [0,%d)", db, len(w.keys))
	}
	if e.ExpireAt < 0 {
		return fmt.Errorf("snapshot: key %q: negative expiry %d", key, e.ExpireAt)
	}
	w.cur = keyRec{db: db, key: key, exp: e.ExpireAt}
	k := &w.cur
	if s, ok := e.Str(); ok {
		k.tag = TagString
		w.addString(k, s)
	} else {
		switch v := e.Obj().(type) {
		case *list.List:
			k.tag = TagList
			if w.packed {
				v.Nodes(func(b []byte) bool { return w.packedChunk(k, b) })
			} else {
				v.Ascend(0, func(_ int, s string) bool { return w.elem(k, s) })
			}
		case *set.Set:
			k.tag = TagSet
			if ints, ok := v.AppendIntset(w.ints[:0]); w.packed && ok && len(ints) <= chunkBytes {
				w.ints = ints
				w.packedChunk(k, ints)
			} else {
				v.Range(func(m string) bool { return w.elem(k, m) })
			}
		case *hash.Hash:
			k.tag = TagHash
			if lp := v.Listpack(); w.packed && lp != nil && len(lp) <= chunkBytes {
				w.packedChunk(k, lp)
			} else {
				v.Range(func(f, val string) bool { return w.pair(k, f, val) })
			}
		case *zset.ZSet:
			k.tag = TagZSet
			if lp := v.Listpack(); w.packed && lp != nil && len(lp) <= chunkBytes {
				w.packedChunk(k, lp)
			} else if v.Len() > 0 {
				v.Range(0, v.Len()-1, false, func(m string, sc float64) bool { return w.scored(k, m, sc) })
			}
		default:
			c, ok := w.codecs[v.Type()]
			if !ok {
				return fmt.Errorf("%w: key %q has type %v and no codec", ErrUnknownType, key, v.Type())
			}
			k.tag = Tag(c.Tag())
			err := c.Encode(v, func(chunk []byte) error { return w.chunk(k, chunk) })
			if err != nil && w.err == nil {
				return fmt.Errorf("snapshot: key %q: encode: %w", key, err)
			}
		}
		if w.err == nil && !k.wrote && k.pending == 0 && k.tag.builtin() {
			// Collections are never stored empty; a reader refuses them.
			return fmt.Errorf("snapshot: key %q: empty %v", key, k.tag)
		}
		w.flushChunk(k, false)
	}
	if w.err != nil {
		return w.err
	}
	w.keys[db]++
	return nil
}

// keyRec tracks the key being written: whether its first record is out
// and how much is pending in the current chunk.
type keyRec struct {
	db      int
	key     string
	tag     Tag
	exp     int64
	wrote   bool // first record written
	pending int  // elements pending (blob: 1 when a blob is pending)
	bytes   int  // bytes pending
	packed  bool // the pending chunk is w.view, a packed chunk
}

func (w *Writer) addString(k *keyRec, s string) {
	for off := 0; ; {
		end := min(off+chunkBytes, len(s))
		more := end < len(s)
		w.beginRecord(k, more)
		w.enc.EncodeString(s[off:end])
		w.endRecord()
		if !more {
			return
		}
		off = end
	}
}

// elem queues a list element or set member; it returns false on error so
// iteration stops.
func (w *Writer) elem(k *keyRec, s string) bool {
	if k.pending >= chunkElems || k.bytes >= chunkBytes {
		w.flushChunk(k, true)
	}
	w.elems = append(w.elems, s)
	k.pending++
	k.bytes += len(s) + 5
	return w.err == nil
}

func (w *Writer) pair(k *keyRec, f, v string) bool {
	if k.pending >= chunkElems || k.bytes >= chunkBytes {
		w.flushChunk(k, true)
	}
	w.elems = append(w.elems, f, v)
	k.pending++
	k.bytes += len(f) + len(v) + 10
	return w.err == nil
}

func (w *Writer) scored(k *keyRec, m string, sc float64) bool {
	if k.pending >= chunkElems || k.bytes >= chunkBytes {
		w.flushChunk(k, true)
	}
	w.elems = append(w.elems, m)
	w.scores = append(w.scores, sc)
	k.pending++
	k.bytes += len(m) + 14
	return w.err == nil
}

// chunk queues a codec chunk; the previous one is written first, flagged
// as followed by more.
func (w *Writer) chunk(k *keyRec, b []byte) error {
	if k.pending > 0 {
		w.flushChunk(k, true)
	}
	w.blob = append(w.blob[:0], b...)
	k.pending = 1
	return w.err
}

// packedChunk queues a collection's compact encoding (an intset, a
// listpack, a list node) as a chunk of its own; the previous one is
// written first, flagged as followed by more. b must stay unchanged until
// the next chunk or the end of the key.
func (w *Writer) packedChunk(k *keyRec, b []byte) bool {
	if k.pending > 0 {
		w.flushChunk(k, true)
	}
	w.view = b
	k.packed = true
	k.pending = 1
	return w.err == nil
}

// flushChunk writes the pending chunk (if any, or an empty final chunk
// for a key with no record yet) as one record.
func (w *Writer) flushChunk(k *keyRec, more bool) {
	if w.err != nil || (k.pending == 0 && (k.wrote || more)) {
		return
	}
	w.beginRecord(k, more)
	switch {
	case k.packed:
		w.enc.EncodeBytes(w.view)
	case k.tag == TagList || k.tag == TagSet || k.tag == TagHash:
		w.enc.EncodeArrayLen(len(w.elems))
		for _, s := range w.elems {
			w.enc.EncodeString(s)
		}
	case k.tag == TagZSet:
		w.enc.EncodeArrayLen(2 * len(w.elems))
		for i, s := range w.elems {
			w.enc.EncodeString(s)
			w.enc.EncodeFloat64(w.scores[i])
		}
	default:
		if w.blob == nil {
			w.blob = []byte{} // nil would encode as msgpack nil
		}
		w.enc.EncodeBytes(w.blob)
	}
	w.endRecord()
	clear(w.elems)
	w.elems, w.scores, w.blob, w.view = w.elems[:0], w.scores[:0], w.blob[:0], nil
	k.pending, k.bytes, k.packed = 0, 0, false
}

// beginRecord starts a record of k: the first one carries the key.
// Encoding into a bytes.Buffer cannot fail.
func (w *Writer) beginRecord(k *keyRec, more bool) {
	var flags uint64
	if more {
		flags = flagMore
	}
	if !k.wrote {
		w.enc.EncodeArrayLen(6)
		w.enc.EncodeUint(uint64(k.tag))
		w.enc.EncodeUint(uint64(k.db))
		w.enc.EncodeString(k.key)
		w.enc.EncodeInt(k.exp)
		w.enc.EncodeUint(flags)
		k.wrote = true
		return
	}
	w.enc.EncodeArrayLen(3)
	w.enc.EncodeUint(uint64(tagContinue))
	w.enc.EncodeUint(flags)
}

func (w *Writer) endRecord() {
	w.nrec++
	w.records++
	if w.raw.Len() > MaxBlockRaw {
		w.err = fmt.Errorf("%w: block of %d bytes exceeds %d", ErrTooLarge, w.raw.Len(), MaxBlockRaw)
		return
	}
	if w.raw.Len() >= blockTarget {
		w.flushBlock()
	}
}

// flushBlock writes the open block, compressed into one zstd frame.
func (w *Writer) flushBlock() {
	if w.nrec == 0 || w.err != nil {
		return
	}
	raw := w.raw.Bytes()
	stored := raw
	if w.zenc != nil {
		w.zbuf = w.zenc.EncodeAll(raw, w.zbuf[:0])
		stored = w.zbuf
	}
	var h [blockHeaderSize]byte
	h[0] = kindBlock
	binary.LittleEndian.PutUint32(h[1:], uint32(len(raw)))
	binary.LittleEndian.PutUint32(h[5:], uint32(len(stored)))
	binary.LittleEndian.PutUint32(h[9:], w.nrec)
	binary.LittleEndian.PutUint32(h[13:], crc32.Checksum(stored, crcTable))
	if w.write(h[:]) == nil {
		w.write(stored)
	}
	w.raw.Reset()
	if w.raw.Cap() > 4*BlockTarget {
		// One huge record grew the buffer: do not keep it.
		w.raw = bytes.Buffer{}
		w.enc.Reset(&w.raw)
	}
	w.nrec = 0
	w.blocks++
}

// Close writes the last block and the trailer. It does not close the
// underlying writer.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	w.flushBlock()
	w.release()
	if w.err != nil {
		return w.err
	}
	b := make([]byte, 0, 5+8*len(w.keys)+16)
	b = append(b, kindTrailer)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(w.keys)))
	for _, n := range w.keys {
		b = binary.LittleEndian.AppendUint64(b, n)
	}
	b = binary.LittleEndian.AppendUint64(b, w.records)
	b = binary.LittleEndian.AppendUint64(b, w.blocks)
	if w.write(b) != nil {
		return w.err
	}
	tail := binary.LittleEndian.AppendUint64(nil, w.sum.Sum64())
	tail = append(tail, endMagic...)
	return w.write(tail)
}

// Info describes what was written; complete after Close.
func (w *Writer) Info() Info {
	return Info{Header: w.hdr, Keys: append([]uint64(nil), w.keys...), Records: w.records, Blocks: w.blocks, Size: w.off}
}

// Write streams every key of src to w as a snapshot (header, blocks,
// trailer). opts.Databases is taken from src.
func Write(w io.Writer, src Source, opts Options) (Info, error) {
	opts.Databases = src.NumDBs()
	sw, err := NewWriter(w, opts)
	if err != nil {
		return Info{}, err
	}
	for db := 0; db < src.NumDBs(); db++ {
		src.Range(db, func(key string, e *datastructs.Entry) bool {
			err = sw.Add(db, key, e)
			return err == nil
		})
		if err != nil {
			return Info{}, err
		}
	}
	if err := sw.Close(); err != nil {
		return Info{}, err
	}
	return sw.Info(), nil
}

// Save writes a snapshot of src to path atomically: it writes path.tmp,
// fsyncs it, renames it over path and fsyncs the directory, so a crash
// leaves either the old file or the new one. On error the old file is
// untouched and the temporary file removed.
func Save(path string, src Source, opts Options) (info Info, err error) {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return Info{}, fmt.Errorf("snapshot: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 256<<10)
	if info, err = Write(bw, src, opts); err != nil {
		return Info{}, err
	}
	if err = bw.Flush(); err != nil {
		return Info{}, fmt.Errorf("snapshot: %s: %w", tmp, err)
	}
	if err = f.Sync(); err != nil {
		return Info{}, fmt.Errorf("snapshot: fsync %s: %w", tmp, err)
	}
	if err = f.Close(); err != nil {
		return Info{}, fmt.Errorf("snapshot: close %s: %w", tmp, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return Info{}, fmt.Errorf("snapshot: %w", err)
	}
	if err = syncDir(filepath.Dir(path)); err != nil {
		return Info{}, err
	}
	return info, nil
}

// syncDir fsyncs a directory so a rename in it is durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("snapshot: fsync dir %s: %w", dir, err)
	}
	return nil
}

// marshalAux encodes the aux section (names in sorted order).
func marshalAux(aux map[string][]byte) []byte {
	names := make([]string, 0, len(aux))
	for n := range aux {
		names = append(names, n)
	}
	sort.Strings(names)
	b := []byte{kindAux}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(names)))
	for _, n := range names {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(n)))
		b = append(b, n...)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(aux[n])))
		b = append(b, aux[n]...)
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crcTable))
}

// Scratch kept between writers. A snapshot writer needs a zstd encoder
// (history and match tables) and two block-sized buffers (the open block
// and its compressed copy): about 5 MB that a save used to allocate
// afresh each time, and that all became new heap (the server's RSS) for
// as long as the collector did not run, during a save under a write load.
// One set is kept for the next writer; a writer that finds it taken
// (two at once) allocates its own.
var spare struct {
	sync.Mutex
	zenc      *zstd.Encoder
	raw, zbuf []byte
}

// takeEncoder returns the spare zstd encoder or a new one. Each block is
// its own frame (EncodeAll) of about BlockTarget bytes: a window beyond
// that finds no more matches but costs memory. With the default 8 MB
// window the encoder allocated 18 MB of history and tables; with a
// BlockTarget window and the lower-memory tables it is 2.6 MB. Frames
// declare their window, so readers are unaffected.
func takeEncoder() (*zstd.Encoder, error) {
	spare.Lock()
	z := spare.zenc
	spare.zenc = nil
	spare.Unlock()
	if z != nil {
		return z, nil
	}
	return zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1), zstd.WithEncoderLevel(zstd.SpeedDefault),
		zstd.WithWindowSize(BlockTarget), zstd.WithLowerEncoderMem(true))
}

// takeBuffers gives w the spare block buffers, or sizes a new open-block
// buffer once: it fills to about blockTarget and then one record more,
// and growing it through a series of doublings would leave each step as
// garbage.
func (w *Writer) takeBuffers() {
	spare.Lock()
	raw, zbuf := spare.raw, spare.zbuf
	spare.raw, spare.zbuf = nil, nil
	spare.Unlock()
	if raw == nil {
		raw = make([]byte, 0, blockTarget+blockTarget/8)
	}
	w.raw = *bytes.NewBuffer(raw[:0])
	w.zbuf = zbuf[:0]
}

// release hands the writer's encoder and buffers back for the next
// writer (at Close: the buffers are no longer used). Oversized buffers
// (a huge record) are dropped.
func (w *Writer) release() {
	raw := w.raw.Bytes()[:0]
	w.raw = bytes.Buffer{}
	zbuf := w.zbuf[:0]
	w.zbuf = nil
	spare.Lock()
	defer spare.Unlock()
	if w.zenc != nil && spare.zenc == nil {
		spare.zenc = w.zenc
	}
	w.zenc = nil
	if cap(raw) <= 2*BlockTarget && cap(raw) > cap(spare.raw) {
		spare.raw = raw
	}
	if cap(zbuf) <= 2*BlockTarget && cap(zbuf) > cap(spare.zbuf) {
		spare.zbuf = zbuf
	}
}
