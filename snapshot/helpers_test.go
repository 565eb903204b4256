package snapshot

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/datastructs/hash"
	"github.com/aikv/aikv/datastructs/jsonval"
	"github.com/aikv/aikv/datastructs/list"
	"github.com/aikv/aikv/datastructs/set"
	"github.com/aikv/aikv/datastructs/zset"
)

// baseTime is the fake clock of the source keyspaces (Unix ms).
const baseTime = 1_700_000_000_000

func newKS(now int64) *datastructs.Keyspace {
	return datastructs.New(datastructs.Options{Now: func() int64 { return now }})
}

func b(s string) []byte { return []byte(s) }

// fillAll stores every type with the variants that must round-trip:
// encodings, order, TTLs, binary and empty keys and values, several
// databases (others stay empty). The dataset is deterministic.
func fillAll(ks *datastructs.Keyspace) {
	db := ks.DB(0)
	db.SetString(b("s:plain"), b("hello"), 0, false)
	db.SetString(b(""), b("empty key"), 0, false)
	db.SetString(b("bin\x00\xff\xfe key"), b("\x00\x01\xff\xc1 value"), 0, false)
	db.SetString(b("s:empty"), b(""), 0, false)
	db.SetString(b("s:int"), b("-12345"), 0, false)
	db.SetString(b("s:ttl"), b("v"), baseTime+60_000, false)
	db.SetString(b("s:soon"), b("v"), baseTime+1, false) // expired by load time
	var big strings.Builder
	for i := 0; big.Len() < 3*ChunkBytes+1234; i++ {
		fmt.Fprintf(&big, "%d,", i*7919%100003)
	}
	db.SetString(b("s:big"), b(big.String()), 0, false)

	db = ks.DB(1)
	l := list.New()
	for _, s := range []string{"c", "", "b\x00", "a", "a"} {
		l.PushFront(s)
	}
	db.SetValue(b("l:small"), l, baseTime+5000, false)
	l = list.New()
	for i := 0; i < 5000; i++ {
		l.PushBack(fmt.Sprintf("elem-%d", i%777))
	}
	db.SetValue(b("l:big"), l, 0, false)

	db = ks.DB(2)
	h := hash.New()
	h.Set(b("z"), b("1"))
	h.Set(b("a"), b("2"))
	h.Set(b("m"), b(""))
	h.Set(b("z"), b("3")) // update keeps its place
	db.SetValue(b("h:listpack"), h, 0, false)
	h = hash.New()
	h.Set(b("f"), b(strings.Repeat("v", hash.MaxListpackValue+1)))
	db.SetValue(b("h:longvalue"), h, 0, false)
	h = hash.New()
	for i := 0; i < 3000; i++ {
		h.Set(b(fmt.Sprintf("field:%d", i)), b(fmt.Sprintf("%d", i*i)))
	}
	db.SetValue(b("h:big"), h, baseTime+99_000, false)

	db = ks.DB(3)
	s := set.New()
	for _, m := range []string{"5", "-3", "100", "0"} {
		s.Add(b(m))
	}
	db.SetValue(b("set:intset"), s, 0, false)
	s = set.New()
	for _, m := range []string{"apple", "1", "\x00bin"} {
		s.Add(b(m))
	}
	db.SetValue(b("set:strings"), s, 0, false)
	s = set.New()
	for i := 0; i < 600; i++ {
		s.Add(b(fmt.Sprint(i * 3)))
	}
	db.SetValue(b("set:manyints"), s, 0, false)

	db = ks.DB(4)
	z := zset.New()
	z.Set("a", 1)
	z.Set("b", 1)
	z.Set("ninf", math.Inf(-1))
	z.Set("pinf", math.Inf(1))
	z.Set("frac", 0.1)
	db.SetValue(b("z:small"), z, 0, false)
	z = zset.New()
	for i := 0; i < 300; i++ {
		z.Set(fmt.Sprintf("m%d", i), float64(i%50)/3)
	}
	z.Set("negzero", math.Copysign(0, -1)) // kept: the set is a skiplist
	db.SetValue(b("z:big"), z, 0, false)
	z = zset.New()
	z.Set(strings.Repeat("long", 20), 2)
	db.SetValue(b("z:longmember"), z, 0, false)

	ks.DB(15).SetString(b("last"), b("db"), 0, false)
}

// fillSmall stores a few keys of every type, with TTLs.
func fillSmall(ks *datastructs.Keyspace) {
	db := ks.DB(0)
	db.SetString(b("s"), b("hello"), 0, false)
	db.SetString(b("bin\x00\xff"), b(strings.Repeat("0123456789", 100)), baseTime+500, false)
	l := list.New()
	for i := 0; i < 20; i++ {
		l.PushBack(fmt.Sprint("e", i))
	}
	ks.DB(1).SetValue(b("l"), l, baseTime+1000, false)
	h := hash.New()
	for i := 0; i < 12; i++ {
		h.Set(b(fmt.Sprint("f", i)), b(fmt.Sprint(i)))
	}
	ks.DB(2).SetValue(b("h"), h, 0, false)
	s := set.New()
	for i := 0; i < 10; i++ {
		s.Add(b(fmt.Sprint(i * 7)))
	}
	ks.DB(3).SetValue(b("set"), s, 0, false)
	z := zset.New()
	for i := 0; i < 20; i++ {
		z.Set(fmt.Sprint("m", i), float64(i)/4)
	}
	ks.DB(4).SetValue(b("z"), z, 0, false)
	ks.DB(5).SetValue(b("json"), &fakeJSON{doc: `{"a":"document of several chunks"}`}, 0, false)
	ks.DB(15).SetString(b("last"), b("db"), 0, false)
}

// fillPacked adds to fillSmall the keys the version 2 fixture needs (see
// goldenFile).
func fillPacked(ks *datastructs.Keyspace) {
	db := ks.DB(6)
	l := list.New()
	for i := 0; i < 2*list.NodeCap+10; i++ {
		l.PushBack(fmt.Sprint("n", i))
	}
	db.SetValue(b("l:nodes"), l, baseTime+2000, false)
	h := hash.New()
	for i := 0; i < 40; i++ { // a listpack of more than 300 bytes
		h.Set(b(fmt.Sprint("field", i)), b(fmt.Sprint("value", i)))
	}
	db.SetValue(b("h:longlp"), h, 0, false)
	h = hash.New()
	h.Set(b("f"), b(strings.Repeat("v", hash.MaxListpackValue+1)))
	db.SetValue(b("h:table"), h, 0, false)
	s := set.New()
	for i := 0; i < 50; i++ { // 400 bytes of intset
		s.Add(b(fmt.Sprint(i * 3)))
	}
	db.SetValue(b("set:bigints"), s, 0, false)
	s = set.New()
	s.Add(b("a"))
	s.Add(b("b"))
	db.SetValue(b("set:strings"), s, 0, false)
	z := zset.New()
	z.Set(strings.Repeat("m", zset.MaxListpackValue+1), 1)
	z.Set("x", -2.5)
	db.SetValue(b("z:skiplist"), z, 0, false)
}

// equalKS fails unless got holds exactly want's keys, values, TTLs and
// encodings (including keys whose TTL has passed).
func equalKS(t testing.TB, want, got *datastructs.Keyspace) {
	t.Helper()
	if want.NumDBs() != got.NumDBs() {
		t.Fatalf("databases: got %d, want %d", got.NumDBs(), want.NumDBs())
	}
	wl, gl := want.Loading, got.Loading
	want.Loading, got.Loading = true, true // see expired keys too
	defer func() { want.Loading, got.Loading = wl, gl }()
	for i := 0; i < want.NumDBs(); i++ {
		wdb, gdb := want.DB(i), got.DB(i)
		if wdb.Len() != gdb.Len() || wdb.ExpiresLen() != gdb.ExpiresLen() {
			t.Fatalf("db %d: %d keys (%d with TTL), want %d (%d)", i, gdb.Len(), gdb.ExpiresLen(), wdb.Len(), wdb.ExpiresLen())
		}
		wdb.Range(func(key string, we *datastructs.Entry) bool {
			ge := gdb.Peek(key)
			if ge == nil {
				t.Fatalf("db %d: key %q missing", i, key)
			}
			equalEntry(t, fmt.Sprintf("db %d key %q", i, key), we, ge)
			return true
		})
	}
}

func equalEntry(t testing.TB, what string, we, ge *datastructs.Entry) {
	t.Helper()
	if we.Type() != ge.Type() || we.ExpireAt != ge.ExpireAt {
		t.Fatalf("%s: type %v expire %d, want %v %d", what, ge.Type(), ge.ExpireAt, we.Type(), we.ExpireAt)
	}
	if ws, ok := we.Str(); ok {
		if gs, _ := ge.Str(); gs != ws {
			t.Fatalf("%s: string value differs (len %d, want %d)", what, len(gs), len(ws))
		}
		return
	}
	if wenc, ok := we.Obj().(datastructs.Encoder); ok {
		if genc := ge.Obj().(datastructs.Encoder).Encoding(); genc != wenc.Encoding() {
			t.Fatalf("%s: encoding %s, want %s", what, genc, wenc.Encoding())
		}
	}
	w, g := contents(we.Obj()), contents(ge.Obj())
	if !slices.Equal(w, g) {
		t.Fatalf("%s: content differs:\n got %.300q\nwant %.300q", what, g, w)
	}
}

// contents lists a value's content in the order the type guarantees;
// unordered parts are sorted. Scores are written with their sign bit so
// -0 and 0 differ.
func contents(v datastructs.Value) []string {
	var out []string
	switch v := v.(type) {
	case *list.List:
		v.Ascend(0, func(_ int, s string) bool { out = append(out, s); return true })
	case *set.Set:
		out = v.Members()
		if !v.IsIntset() {
			slices.Sort(out)
		}
	case *hash.Hash:
		v.Range(func(f, val string) bool { out = append(out, f+"\x00="+val); return true })
		if v.Encoding() != "listpack" {
			slices.Sort(out)
		}
	case *zset.ZSet:
		if v.Len() > 0 {
			v.Range(0, v.Len()-1, false, func(m string, s float64) bool {
				out = append(out, fmt.Sprintf("%s %x", m, math.Float64bits(s)))
				return true
			})
		}
	case *fakeJSON:
		out = append(out, v.doc)
	case *jsonval.Doc:
		out = append(out, string(jsonval.Serialize(v.Root)))
	default:
		panic(fmt.Sprintf("contents: %T", v))
	}
	return out
}

// fakeJSON stands in for a type added later (datastructs/jsonval): it is
// known to snapshot only through fakeCodec.
type fakeJSON struct{ doc string }

func (*fakeJSON) Type() datastructs.Type { return datastructs.TypeJSON }

// fakeCodec splits the document into chunks of at most 10 bytes, so the
// continuation path is exercised.
type fakeCodec struct{}

func (fakeCodec) Tag() uint8             { return uint8(TagJSON) }
func (fakeCodec) Type() datastructs.Type { return datastructs.TypeJSON }

func (fakeCodec) Encode(v datastructs.Value, emit func([]byte) error) error {
	doc := v.(*fakeJSON).doc
	for len(doc) > 10 {
		if err := emit([]byte(doc[:10])); err != nil {
			return err
		}
		doc = doc[10:]
	}
	return emit([]byte(doc))
}

func (fakeCodec) Decode(next func() ([]byte, bool, error)) (datastructs.Value, error) {
	var sb strings.Builder
	for {
		c, ok, err := next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		sb.Write(c)
	}
	if !strings.HasPrefix(sb.String(), "{") {
		return nil, fmt.Errorf("fake json: not an object")
	}
	return &fakeJSON{doc: sb.String()}, nil
}
