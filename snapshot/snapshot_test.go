package snapshot

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/datastructs/hash"
	"github.com/aikv/aikv/datastructs/jsonval"
	"github.com/aikv/aikv/datastructs/zset"
)

func saveKS(t testing.TB, ks *datastructs.Keyspace, opts Options) (string, Info) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "dump.aikv")
	info, err := Save(path, KeyspaceSource(ks), opts)
	if err != nil {
		t.Fatal(err)
	}
	return path, info
}

func TestRoundTripAllTypes(t *testing.T) {
	for _, nocomp := range []bool{false, true} {
		t.Run(fmt.Sprintf("nocompression=%v", nocomp), func(t *testing.T) {
			src := newKS(baseTime)
			fillAll(src)
			created := time.UnixMilli(baseTime + 42)
			path, info := saveKS(t, src, Options{Seq: 987654321, Created: created, NoCompression: nocomp})

			// Load with a clock past some TTLs: loading keeps them.
			dst := newKS(baseTime + 10_000)
			dst.Dirty = 7
			got, err := Load(path, dst, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if dst.Loading || dst.Dirty != 7 {
				t.Fatalf("after Load: Loading=%v Dirty=%d", dst.Loading, dst.Dirty)
			}
			equalKS(t, src, dst)
			if got.Seq != 987654321 || !got.Created.Equal(created) || got.Databases != 16 || got.Version != Version {
				t.Fatalf("header: %+v", got.Header)
			}
			if (got.Flags&FlagZstd != 0) == nocomp {
				t.Fatalf("flags %#x with nocompression=%v", got.Flags, nocomp)
			}
			st, _ := os.Stat(path)
			if got.Size != st.Size() || info.Size != st.Size() {
				t.Fatalf("size: load %d save %d file %d", got.Size, info.Size, st.Size())
			}
			for i := 0; i < 16; i++ {
				if got.Keys[i] != uint64(src.DB(i).Len()) || info.Keys[i] != got.Keys[i] {
					t.Fatalf("db %d: keys %d/%d, want %d", i, got.Keys[i], info.Keys[i], src.DB(i).Len())
				}
			}
			if got.Records != info.Records || got.Blocks != info.Blocks || got.Records <= got.TotalKeys() {
				t.Fatalf("records %d/%d blocks %d/%d keys %d", got.Records, info.Records, got.Blocks, info.Blocks, got.TotalKeys())
			}
			// The -0 member of the big zset survives; the key that
			// expired before load time is there (and expired).
			z := dst.DB(4).Peek("z:big")
			if s, _ := z.Obj().(*zset.ZSet).Score("negzero"); !math.Signbit(s) {
				t.Fatal("-0 score lost")
			}
			if dst.DB(0).Peek("s:soon") != nil {
				t.Fatal("s:soon should be expired once loading is over")
			}
			if v, err := Verify(path); err != nil || v.TotalKeys() != got.TotalKeys() {
				t.Fatalf("Verify: %v %+v", err, v)
			}
		})
	}
}

func TestEmptyKeyspace(t *testing.T) {
	src := datastructs.New(datastructs.Options{Databases: 3})
	path, _ := saveKS(t, src, Options{})
	dst := datastructs.New(datastructs.Options{Databases: 3})
	info, err := Load(path, dst, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Databases != 3 || len(info.Keys) != 3 || info.TotalKeys() != 0 || info.Blocks != 0 {
		t.Fatalf("%+v", info)
	}
}

// TestEncodingsDecidedOnLoad: the type decides the encoding on rebuild,
// as Redis does on load (checked with DEBUG RELOAD on redis-server 7.0).
func TestEncodingsDecidedOnLoad(t *testing.T) {
	src := newKS(baseTime)
	h := hash.New()
	for i := 0; i < hash.MaxListpackEntries+1; i++ {
		h.Set(b(fmt.Sprint("f", i)), b("v"))
	}
	for i := 1; i < hash.MaxListpackEntries+1; i++ {
		h.Delete(b(fmt.Sprint("f", i)))
	}
	src.DB(0).SetValue(b("h"), h, 0, false)
	z := zset.New()
	for i := 0; i < zset.MaxListpackEntries+1; i++ {
		z.Set(fmt.Sprint("m", i), float64(i))
	}
	z.DeleteRange(1, zset.MaxListpackEntries)
	z.Set("negzero", math.Copysign(0, -1))
	src.DB(0).SetValue(b("z"), z, 0, false)
	if h.Encoding() != "hashtable" || z.Encoding() != "skiplist" {
		t.Fatal("setup")
	}
	path, _ := saveKS(t, src, Options{})
	dst := newKS(baseTime)
	if _, err := Load(path, dst, Options{}); err != nil {
		t.Fatal(err)
	}
	gh := dst.DB(0).Peek("h").Obj().(*hash.Hash)
	gz := dst.DB(0).Peek("z").Obj().(*zset.ZSet)
	if gh.Encoding() != "listpack" || gz.Encoding() != "listpack" {
		t.Fatalf("encodings after load: hash %s zset %s", gh.Encoding(), gz.Encoding())
	}
	if s, _ := gz.Score("negzero"); math.Signbit(s) {
		t.Fatal("a listpack zset holds no -0")
	}
}

func TestBigCollectionsChunked(t *testing.T) {
	n := 1_000_000
	if testing.Short() || raceEnabled {
		n = 100_000 // the race detector makes the 1M run take minutes
	}
	src := newKS(baseTime)
	z := zset.New()
	for i := 0; i < n; i++ {
		z.Set(fmt.Sprintf("member:%d", i), float64(i%1000)+0.5)
	}
	src.DB(7).SetValue(b("bigz"), z, baseTime+1000, false)
	path, info := saveKS(t, src, Options{})
	if min := uint64(n / ChunkElems); info.Records < min {
		t.Fatalf("%d records for %d members: not chunked", info.Records, n)
	}
	// Every record stays small.
	r, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	recs := 0
	for {
		rec, err := r.NextRecord()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.Elems) > ChunkElems || rec.Key != "bigz" || rec.DB != 7 || rec.Tag != TagZSet {
			t.Fatalf("record %d: %d elems key %q db %d", recs, len(rec.Elems), rec.Key, rec.DB)
		}
		if rec.First != (recs == 0) || rec.More != (uint64(recs) < info.Records-1) {
			t.Fatalf("record %d: first=%v more=%v", recs, rec.First, rec.More)
		}
		recs++
	}
	dst := newKS(baseTime)
	if _, err := Load(path, dst, Options{}); err != nil {
		t.Fatal(err)
	}
	equalKS(t, src, dst)
}

func TestCodecHook(t *testing.T) {
	src := newKS(baseTime)
	src.DB(0).SetValue(b("doc"), &fakeJSON{doc: `{"a":[1,2,3],"b":"a longer string than one chunk"}`}, baseTime+5, false)
	src.DB(0).SetValue(b("tiny"), &fakeJSON{doc: `{}`}, 0, false)
	src.DB(0).SetString(b("s"), b("x"), 0, false)
	path := filepath.Join(t.TempDir(), "d")

	if _, err := Save(path, KeyspaceSource(src), Options{}); !errors.Is(err, ErrUnknownType) {
		t.Fatalf("save without codec: %v", err)
	}
	if _, err := os.Stat(path + ".tmp"); !os.IsNotExist(err) {
		t.Fatal("failed save left its temporary file")
	}
	opts := Options{Codecs: []Codec{fakeCodec{}}}
	if _, err := Save(path, KeyspaceSource(src), opts); err != nil {
		t.Fatal(err)
	}
	dst := newKS(baseTime)
	if _, err := Load(path, dst, opts); err != nil {
		t.Fatal(err)
	}
	equalKS(t, src, dst)

	// Without the codec the file still verifies, but does not load.
	if _, err := Verify(path); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path, newKS(baseTime), Options{})
	if !errors.Is(err, ErrUnknownType) || !strings.Contains(err.Error(), "has ReJSON-RL and no codec") {
		t.Fatalf("load without codec: %v", err)
	}
	// A codec that rejects its content makes the file corrupt.
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	src.DB(0).SetValue(b("doc"), &fakeJSON{doc: `not an object`}, 0, false)
	if _, err := Save(path, KeyspaceSource(src), opts); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path, newKS(baseTime), opts); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "not an object") {
		t.Fatalf("bad codec content: %v", err)
	}
}

func TestSaveKeepsOldFileOnError(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "dump.aikv")
	if err := os.WriteFile(path, []byte("previous"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := newKS(baseTime)
	src.DB(0).SetValue(b("x"), &fakeJSON{doc: "{}"}, 0, false) // no codec: fails
	if _, err := Save(path, KeyspaceSource(src), Options{}); err == nil {
		t.Fatal("save succeeded")
	}
	if data, _ := os.ReadFile(path); string(data) != "previous" {
		t.Fatalf("old file changed: %q", data)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("directory holds %d files", len(entries))
	}
	// Saving into a missing directory fails cleanly.
	if _, err := Save(filepath.Join(dir, "nope", "d"), KeyspaceSource(src), Options{}); err == nil {
		t.Fatal("save into missing dir succeeded")
	}
}

func TestWriterErrors(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, Options{Databases: 2})
	if err != nil {
		t.Fatal(err)
	}
	ks := newKS(baseTime)
	ks.DB(0).SetString(b("k"), b("v"), 0, false)
	e := ks.DB(0).Peek("k")
	if err := w.Add(2, "k", e); err == nil {
		t.Fatal("db out of range accepted")
	}
	if _, err := NewWriter(&buf, Options{Codecs: []Codec{badTagCodec{}}}); err == nil {
		t.Fatal("codec with a built-in tag accepted")
	}
}

type badTagCodec struct{ fakeCodec }

func (badTagCodec) Tag() uint8 { return uint8(TagHash) }

func TestDuplicateKeyRefused(t *testing.T) {
	ks := newKS(baseTime)
	ks.DB(0).SetString(b("k"), b("v"), 0, false)
	e := ks.DB(0).Peek("k")
	var buf bytes.Buffer
	w, _ := NewWriter(&buf, Options{})
	w.Add(0, "k", e)
	w.Add(0, "k", e)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, _ := NewReader(bytes.NewReader(buf.Bytes()), Options{})
	_, err := r.Load(newKS(baseTime))
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), `duplicate key "k"`) {
		t.Fatalf("got %v", err)
	}
}

func TestLoadMoreDatabasesThanServer(t *testing.T) {
	src := newKS(baseTime)
	src.DB(15).SetString(b("k"), b("v"), 0, false)
	path, _ := saveKS(t, src, Options{})
	_, err := Load(path, datastructs.New(datastructs.Options{Databases: 4}), Options{})
	if err == nil || !strings.Contains(err.Error(), "db 15") {
		t.Fatalf("got %v", err)
	}
}

func TestNotASnapshot(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{
		"empty":   "",
		"redis":   "REDIS0009\xfa\x09redis-ver\x067.0.15",
		"short":   "AIKV",
		"garbage": strings.Repeat("x", 100),
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(data), 0o644)
		_, err := Verify(p)
		want := ErrNotSnapshot
		if name == "short" {
			want = ErrTruncated
		}
		if !errors.Is(err, want) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := Verify(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
}

func TestVersionRefused(t *testing.T) {
	data := smallFile(t)
	for _, v := range []uint16{0, Version + 1} {
		d := bytes.Clone(data)
		d[8], d[9] = byte(v), byte(v>>8)
		_, err := NewReader(bytes.NewReader(d), Options{})
		if !errors.Is(err, ErrVersion) || !strings.Contains(err.Error(), fmt.Sprintf("version %d", v)) {
			t.Errorf("version %d: %v", v, err)
		}
	}
}

// smallFile returns a small snapshot of every type with several blocks
// and continuation records (the writer's limits shrunk for the call).
func smallFile(t testing.TB) []byte {
	t.Helper()
	defer func(bt, cb, ce int) { blockTarget, chunkBytes, chunkElems = bt, cb, ce }(blockTarget, chunkBytes, chunkElems)
	blockTarget, chunkBytes, chunkElems = 700, 300, 8
	src := newKS(baseTime)
	fillSmall(src)
	var buf bytes.Buffer
	if _, err := Write(&buf, KeyspaceSource(src), Options{Seq: 5, Created: time.UnixMilli(baseTime), Codecs: []Codec{fakeCodec{}}}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readAll reads every key of data; it returns the first error.
func readAll(data []byte) error {
	r, err := NewReader(bytes.NewReader(data), Options{Codecs: []Codec{fakeCodec{}}})
	if err != nil {
		return err
	}
	defer r.Close()
	ks := datastructs.New(datastructs.Options{})
	_, err = r.Load(ks)
	return err
}

func TestTruncated(t *testing.T) {
	data := smallFile(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "t")
	step := 1
	if testing.Short() {
		step = 7
	}
	for n := 0; n < len(data); n += step {
		if err := readAll(data[:n]); !errors.Is(err, ErrTruncated) && !(n == 0 && errors.Is(err, ErrNotSnapshot)) {
			t.Fatalf("cut at %d of %d: %v", n, len(data), err)
		}
		if n%97 == 0 || n > len(data)-40 {
			// Through Open, which knows the file size.
			os.WriteFile(path, data[:n], 0o644)
			_, err := Verify(path)
			if !errors.Is(err, ErrTruncated) && !(n == 0 && errors.Is(err, ErrNotSnapshot)) {
				t.Fatalf("verify cut at %d: %v", n, err)
			}
			if n > 0 && !strings.Contains(err.Error(), "offset") {
				t.Fatalf("error does not name the offset: %v", err)
			}
		}
	}
	if err := readAll(append(bytes.Clone(data), 0)); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "after the end marker") {
		t.Fatalf("trailing byte: %v", err)
	}
}

func TestBitFlips(t *testing.T) {
	data := smallFile(t)
	step := 1
	if testing.Short() {
		step = 5
	}
	for off := 0; off < len(data); off += step {
		bit := byte(1) << (off % 8)
		d := bytes.Clone(data)
		d[off] ^= bit
		err := readAll(d)
		if err == nil {
			t.Fatalf("flip at %d accepted", off)
		}
		if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrVersion) && !errors.Is(err, ErrNotSnapshot) {
			t.Fatalf("flip at %d: unexpected error %v", off, err)
		}
	}
	// A flip in a block's data names that block.
	d := bytes.Clone(data)
	d[headerSize+blockHeaderSize+10] ^= 1
	if err := readAll(d); !strings.Contains(err.Error(), "block 1: checksum mismatch") {
		t.Fatalf("got %v", err)
	}
	d = bytes.Clone(data)
	d[20] ^= 1
	if err := readAll(d); !strings.Contains(err.Error(), "header checksum") {
		t.Fatalf("got %v", err)
	}
	// A key count changed in the trailer names the database.
	d = bytes.Clone(data)
	trailer := len(data) - 16 - 16 - 16*8 - 5
	d[trailer+5+8*3] ^= 1
	if err := readAll(d); !strings.Contains(err.Error(), "db 3 has") {
		t.Fatalf("got %v", err)
	}
}

// TestHostileLengths: lengths in a block header far beyond the file make
// the reader fail without allocating them.
func TestHostileLengths(t *testing.T) {
	data := smallFile(t)
	for _, tc := range []struct {
		name   string
		raw    uint32
		stored uint32
		want   string
	}{
		{"huge raw", MaxBlockRaw + 1, 100, "bad length"},
		{"huge stored", MaxBlockRaw, MaxBlockRaw, "truncated"},
		{"stored too large", 1000, 1 << 20, "too large"},
	} {
		d := bytes.Clone(data[:headerSize+blockHeaderSize+64])
		put32(d[headerSize+1:], tc.raw)
		put32(d[headerSize+5:], tc.stored)
		var before, after runtimeMem
		before.read()
		err := readAll(d)
		after.read()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v", tc.name, err)
		}
		if grown := after.total - before.total; grown > 64<<20 {
			t.Errorf("%s: allocated %d MB", tc.name, grown>>20)
		}
	}
}

func put32(b []byte, v uint32) {
	b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
}

// TestHostileHints: Load pre-sizes databases from the trailer's counts
// before they are verified; absurd counts must not be trusted.
func TestHostileHints(t *testing.T) {
	data := smallFile(t)
	trailer := len(data) - 32 - 8*16 - 5
	d := bytes.Clone(data)
	for i := 0; i < 8; i++ {
		d[trailer+5+i] = 0xff // db 0: 2^64-1 keys
	}
	path := filepath.Join(t.TempDir(), "d")
	os.WriteFile(path, d, 0o644)
	var before, after runtimeMem
	before.read()
	_, err := Load(path, newKS(baseTime), Options{Codecs: []Codec{fakeCodec{}}})
	after.read()
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "trailer: db 0") {
		t.Fatalf("got %v", err)
	}
	if grown := after.total - before.total; grown > 16<<20 {
		t.Fatalf("allocated %d MB", grown>>20)
	}
	// A plausible count pre-sizes the database and the load succeeds.
	os.WriteFile(path, data, 0o644)
	r, err := Open(path, Options{Codecs: []Codec{fakeCodec{}}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if len(r.hints) != 16 || r.hints[0] != 2 {
		t.Fatalf("hints %v", r.hints)
	}
	if _, err := r.Load(newKS(baseTime)); err != nil {
		t.Fatal(err)
	}
}

// TestJSONCodec: the document type plugs in through its own codec
// (jsonval.SnapshotCodec), with no JSON code in this package.
func TestJSONCodec(t *testing.T) {
	if jsonval.SnapshotTag != uint8(TagJSON) {
		t.Fatalf("jsonval.SnapshotTag %d, TagJSON %d", jsonval.SnapshotTag, TagJSON)
	}
	src := newKS(baseTime)
	for i, doc := range []string{
		`{"z":1,"a":[1,2.5,1e300,18446744073709551615],"m":{"k":null,"t":true}}`,
		`"text"`,
		`{"big":"` + strings.Repeat("y", 2*ChunkBytes) + `"}`,
	} {
		root, err := jsonval.Parse([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		src.DB(i).SetValue(b(fmt.Sprint("doc", i)), &jsonval.Doc{Root: root}, int64(i)*(baseTime+1), false)
	}
	opts := Options{Codecs: []Codec{jsonval.SnapshotCodec{}}}
	path, _ := saveKS(t, src, opts)
	dst := newKS(baseTime)
	if _, err := Load(path, dst, opts); err != nil {
		t.Fatal(err)
	}
	equalKS(t, src, dst)
}
