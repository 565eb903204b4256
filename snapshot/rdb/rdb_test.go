package rdb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/datastructs/hash"
	"github.com/aikv/aikv/datastructs/jsonval"
	"github.com/aikv/aikv/datastructs/list"
	"github.com/aikv/aikv/datastructs/set"
	"github.com/aikv/aikv/datastructs/zset"
)

// Redis's crc64 check value (crc64.c's test).
func TestCRC64(t *testing.T) {
	if got := CRC64(0, []byte("123456789")); got != 0xe9c6d914c4b8d9ca {
		t.Fatalf("crc64 = %x", got)
	}
}

func TestLZFRoundTrip(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	inputs := [][]byte{
		[]byte(strings.Repeat("a", 10000)),
		[]byte(strings.Repeat("abcdefghij", 300)),
		[]byte("the quick brown fox jumps over the lazy dog, the quick brown fox"),
	}
	for i := 0; i < 200; i++ {
		b := make([]byte, rnd.IntN(3000)+3)
		alphabet := rnd.IntN(8) + 1
		for j := range b {
			b[j] = byte(rnd.IntN(alphabet))
		}
		inputs = append(inputs, b)
	}
	compressed := 0
	for _, in := range inputs {
		c := LZFCompress(in, len(in)-4)
		if c == nil {
			continue
		}
		compressed++
		if len(c) > len(in)-4 {
			t.Fatalf("compressed to %d bytes, limit %d", len(c), len(in)-4)
		}
		out, err := LZFDecompress(c, len(in))
		if err != nil || !bytes.Equal(out, in) {
			t.Fatalf("round trip of %d bytes failed: %v", len(in), err)
		}
	}
	if compressed < 50 {
		t.Errorf("only %d inputs compressed", compressed)
	}
	if _, err := LZFDecompress([]byte{0x20, 0x00}, 3); err == nil {
		t.Error("a back reference before the start was accepted")
	}
	if _, err := LZFDecompress([]byte{0}, 1<<30); err == nil {
		t.Error("an impossible expansion was accepted")
	}
}

func TestStringEncodings(t *testing.T) {
	for _, s := range []string{"", "0", "-1", "127", "-128", "128", "32767", "-32769", "2147483647",
		"-2147483648", "2147483648", "007", "+1", "-0", "12345678901", strings.Repeat("x", 100),
		strings.Repeat("xy", 50000), "\x00\xff"} {
		b := AppendString(nil, s)
		got, rest, err := ReadString(b)
		if err != nil || string(got) != s || len(rest) != 0 {
			t.Errorf("%q: got %q rest %d err %v", s, got, len(rest), err)
		}
	}
	// Integer encodings are used exactly where Redis uses them.
	if b := AppendString(nil, "-128"); !bytes.Equal(b, []byte{0xc0, 0x80}) {
		t.Errorf("-128 encoded as % x", b)
	}
	if b := AppendString(nil, "007"); b[0] != 3 {
		t.Errorf("007 must stay a string: % x", b)
	}
	for _, n := range []uint64{0, 63, 64, 16383, 16384, math.MaxUint32, math.MaxUint32 + 1} {
		d := &decoder{b: AppendLength(nil, n)}
		if got, enc := d.length(); got != n || enc || d.err != nil {
			t.Errorf("length %d: got %d %v %v", n, got, enc, d.err)
		}
	}
}

func TestListpackRoundTrip(t *testing.T) {
	in := []string{"0", "127", "128", "-1", "-4096", "4095", "4096", "-32768", "32767", "32768",
		"-8388608", "8388607", "8388608", "-2147483648", "2147483647", "2147483648",
		"9223372036854775807", "-9223372036854775808", "", "a", strings.Repeat("b", 63),
		strings.Repeat("c", 64), strings.Repeat("d", 4095), strings.Repeat("e", 4096),
		strings.Repeat("f", 20000), "01", "1.5"}
	lb := newListpack()
	for _, s := range in {
		lb.append(s)
	}
	out, err := listpackEntries(lb.bytes())
	if err != nil || !slices.Equal(out, in) {
		t.Fatalf("got %q, %v", out, err)
	}
	bad := lb.bytes()
	bad[len(bad)-3] ^= 0x40
	if _, err := listpackEntries(bad[:len(bad)-2]); err == nil {
		t.Error("truncated listpack accepted")
	}
}

// buildZiplist writes a ziplist the way Redis < 7 did (for tests).
func buildZiplist(entries []any) []byte {
	b := make([]byte, 10)
	prev := 0
	for _, e := range entries {
		start := len(b)
		if prev < 254 {
			b = append(b, byte(prev))
		} else {
			b = append(b, 0xfe)
			b = binary.LittleEndian.AppendUint32(b, uint32(prev))
		}
		switch v := e.(type) {
		case string:
			switch n := len(v); {
			case n < 64:
				b = append(b, byte(n))
			case n < 16384:
				b = append(b, 0x40|byte(n>>8), byte(n))
			default:
				b = append(b, 0x80)
				b = binary.BigEndian.AppendUint32(b, uint32(n))
			}
			b = append(b, v...)
		case int64:
			switch {
			case v >= 0 && v <= 12:
				b = append(b, 0xf1+byte(v))
			case v >= math.MinInt8 && v <= math.MaxInt8:
				b = append(b, 0xfe, byte(v))
			case v >= math.MinInt16 && v <= math.MaxInt16:
				b = binary.LittleEndian.AppendUint16(append(b, 0xc0), uint16(v))
			case v >= -1<<23 && v < 1<<23:
				u := uint32(v)
				b = append(b, 0xf0, byte(u), byte(u>>8), byte(u>>16))
			case v >= math.MinInt32 && v <= math.MaxInt32:
				b = binary.LittleEndian.AppendUint32(append(b, 0xd0), uint32(v))
			default:
				b = binary.LittleEndian.AppendUint64(append(b, 0xe0), uint64(v))
			}
		}
		prev = len(b) - start
	}
	b = append(b, 0xff)
	binary.LittleEndian.PutUint32(b, uint32(len(b)))
	binary.LittleEndian.PutUint16(b[8:], uint16(len(entries)))
	return b
}

func TestZiplistIntsetZipmap(t *testing.T) {
	in := []any{"a", int64(0), int64(12), int64(13), int64(-100), int64(30000), int64(-8000000),
		int64(2000000000), int64(-9000000000000), strings.Repeat("s", 300), strings.Repeat("L", 20000), ""}
	var want []string
	for _, e := range in {
		want = append(want, fmt.Sprint(e))
	}
	got, err := ziplistEntries(buildZiplist(in))
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("ziplist: %q %v", got, err)
	}

	is := binary.LittleEndian.AppendUint32(nil, 4)
	is = binary.LittleEndian.AppendUint32(is, 3)
	for _, v := range []int32{-70000, 1, 70000} {
		is = binary.LittleEndian.AppendUint32(is, uint32(v))
	}
	if vs, err := intsetEntries(is); err != nil || !slices.Equal(vs, []int64{-70000, 1, 70000}) {
		t.Errorf("intset: %v %v", vs, err)
	}
	if _, err := intsetEntries(is[:len(is)-1]); err == nil {
		t.Error("short intset accepted")
	}

	zm := []byte{2, 1, 'a', 1, 0, 'x', 3, 'b', 'c', 'd', 2, 1, 'y', 'z', 0, 0xff}
	if es, err := zipmapEntries(zm); err != nil || !slices.Equal(es, []string{"a", "x", "bcd", "yz"}) {
		t.Errorf("zipmap: %q %v", es, err)
	}
}

// entry stores v under a key of a scratch keyspace and returns its entry.
func entry(t *testing.T, v any) *datastructs.Entry {
	ks := datastructs.New(datastructs.Options{Databases: 1})
	db := ks.DB(0)
	switch v := v.(type) {
	case string:
		db.SetString([]byte("k"), []byte(v), 0, false)
	case datastructs.Value:
		db.SetValue([]byte("k"), v, 0, false)
	}
	return db.Peek("k")
}

// render describes a decoded object for comparisons.
func render(o Object) string {
	switch v := o.Val.(type) {
	case nil:
		return "string:" + o.Str
	case *list.List:
		var s []string
		v.Ascend(0, func(_ int, x string) bool { s = append(s, x); return true })
		return fmt.Sprintf("list:%q", s)
	case *hash.Hash:
		var s []string
		v.Range(func(f, x string) bool { s = append(s, f+"="+x); return true })
		slices.Sort(s)
		return fmt.Sprintf("hash:%s:%q", v.Encoding(), s)
	case *set.Set:
		s := v.Members()
		slices.Sort(s)
		return fmt.Sprintf("set:%s:%q", v.Encoding(), s)
	case *zset.ZSet:
		var s []string
		v.Range(0, v.Len()-1, false, func(m string, sc float64) bool { s = append(s, fmt.Sprint(m, sc)); return true })
		return fmt.Sprintf("zset:%s:%q", v.Encoding(), s)
	case *jsonval.Doc:
		return "json:" + string(jsonval.Serialize(v.Root))
	}
	return "?"
}

func sampleValues() []any {
	l := list.New()
	for i := 0; i < 3000; i++ {
		l.PushBack(strconv.Itoa(i * 7919))
	}
	small := list.New()
	small.PushBack("a")
	small.PushBack("-1")
	h := hash.New()
	h.Set([]byte("f"), []byte("v"))
	h.Set([]byte("n"), []byte("12"))
	hb := hash.New()
	for i := 0; i < 600; i++ {
		hb.Set([]byte(fmt.Sprint("f", i)), []byte(fmt.Sprint(i)))
	}
	si := set.New()
	si.AddString("1")
	si.AddString("-9223372036854775808")
	ss := set.New()
	ss.AddString("x")
	ss.AddString("2")
	z := zset.New()
	z.Set("a", 1)
	z.Set("b", math.Inf(-1))
	z.Set("c", 0.1)
	zb := zset.New()
	for i := 0; i < 200; i++ {
		zb.Set(fmt.Sprint("m", i), float64(i)/3)
	}
	root, _ := jsonval.Parse([]byte(`{"a":[1,"x",null]}`))
	return []any{"hello", "12", strings.Repeat("z", 1000), l, small, h, hb, si, ss, z, zb, &jsonval.Doc{Root: root}}
}

func TestDumpRestoreValues(t *testing.T) {
	for _, v := range sampleValues() {
		e := entry(t, v)
		p, err := Dump(e)
		if err != nil {
			t.Fatal(err)
		}
		want := render(Object{Str: func() string { s, _ := e.Str(); return s }(), Val: e.Obj()})
		o, err := Restore(p)
		if err != nil {
			t.Fatalf("%s: %v", want, err)
		}
		if got := render(o); got != want {
			t.Errorf("round trip:\n got %.200s\nwant %.200s", got, want)
		}
	}
}

func TestRestoreErrors(t *testing.T) {
	good, _ := Dump(entry(t, "v"))
	bad := slices.Clone(good)
	bad[1] ^= 1
	newer := SealPayload(append([]byte{TypeString, 1, 'v'}, 0)[:3])
	binary.LittleEndian.PutUint16(newer[3:], 11)
	binary.LittleEndian.PutUint64(newer[5:], CRC64(0, newer[:5]))
	for name, p := range map[string][]byte{"short": good[:9], "checksum": bad, "version": newer} {
		if _, err := Restore(p); !errors.Is(err, ErrBadPayload) {
			t.Errorf("%s: %v", name, err)
		}
	}
	corrupt := map[string][]byte{
		"unknown type":    {8, 0},
		"empty list":      {TypeList, 0},
		"duplicate set":   {TypeSet, 2, 1, 'a', 1, 'a'},
		"duplicate hash":  {TypeHash, 2, 1, 'a', 1, 'b', 1, 'a', 1, 'c'},
		"huge count":      {TypeList, 0x80, 0xff, 0xff, 0xff, 0xff},
		"truncated":       {TypeString, 0x40, 0xff, 'a'},
		"bad lzf":         {TypeString, 0xc3, 2, 10, 0x20, 0},
		"nan score":       append([]byte{TypeZSet2, 1, 1, 'a'}, binary.LittleEndian.AppendUint64(nil, math.Float64bits(math.NaN()))...),
		"odd hash packed": AppendRawString([]byte{TypeHashListpack}, string(func() []byte { lb := newListpack(); lb.append("x"); return lb.bytes() }())),
	}
	for name, body := range corrupt {
		if _, err := Restore(SealPayload(body)); err == nil || errors.Is(err, ErrBadPayload) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A module type AiKv lacks is reported by name.
	mod := AppendLength([]byte{TypeModule2}, ModuleID("mymodtype", 1))
	mod = AppendLength(mod, moduleOpUInt)
	mod = AppendLength(mod, 5)
	mod = AppendLength(mod, moduleOpEOF)
	var ue *UnsupportedError
	if _, err := Restore(SealPayload(mod)); !errors.As(err, &ue) || ue.Kind != "module mymodtype" {
		t.Errorf("module: %v", err)
	}
	if n, v := ModuleName(ModuleID(JSONModuleName, 3)); n != JSONModuleName || v != 3 {
		t.Errorf("module id round trip: %s %d", n, v)
	}
}

type fakeFuncs struct{ codes []string }

func (f *fakeFuncs) LibraryCodes() []string { return f.codes }
func (f *fakeFuncs) LoadLibrary(code string) error {
	f.codes = append(f.codes, code)
	return nil
}

func TestSaveLoadKeyspace(t *testing.T) {
	now := int64(1_700_000_000_000)
	src := datastructs.New(datastructs.Options{Databases: 4, Now: func() int64 { return now }})
	for i, v := range sampleValues() {
		db := src.DB(i % 3)
		key := []byte(fmt.Sprint("k", i))
		switch v := v.(type) {
		case string:
			db.SetString(key, []byte(v), 0, false)
		case datastructs.Value:
			db.SetValue(key, v, 0, false)
		}
		if i%2 == 0 {
			db.SetExpire(key, now+int64(i+1)*1000)
		}
	}
	var buf bytes.Buffer
	fn := &fakeFuncs{codes: []string{"#!lua name=x\nredis.register_function('f', function() return 1 end)"}}
	if err := Save(&buf, src, fn, [][2]string{{"redis-ver", "7.0.15"}}); err != nil {
		t.Fatal(err)
	}
	dst := datastructs.New(datastructs.Options{Databases: 4, Now: func() int64 { return now }})
	got := &fakeFuncs{}
	aux := map[string]string{}
	info, err := LoadKeyspace(buf.Bytes(), dst, LoadOptions{Functions: got, Aux: func(k, v string) { aux[k] = v }})
	if err != nil {
		t.Fatal(err)
	}
	if info.Keys != len(sampleValues()) || info.Functions != 1 || !slices.Equal(got.codes, fn.codes) || aux["redis-ver"] != "7.0.15" {
		t.Errorf("info %+v, functions %q, aux %v", info, got.codes, aux)
	}
	for i := 0; i < 3; i++ {
		a, b := src.DB(i), dst.DB(i)
		if a.Len() != b.Len() {
			t.Errorf("db %d: %d keys, want %d", i, b.Len(), a.Len())
		}
		a.Range(func(key string, e *datastructs.Entry) bool {
			f := b.Peek(key)
			if f == nil {
				t.Errorf("db %d: %s missing", i, key)
				return true
			}
			s1, _ := e.Str()
			s2, _ := f.Str()
			if render(Object{Str: s1, Val: e.Obj()}) != render(Object{Str: s2, Val: f.Obj()}) || e.ExpireAt != f.ExpireAt {
				t.Errorf("db %d: %s differs", i, key)
			}
			return true
		})
	}
	// Expired keys are skipped on load; a corrupt checksum is refused.
	later := datastructs.New(datastructs.Options{Databases: 4, Now: func() int64 { return now + 5000 }})
	if _, err := LoadKeyspace(buf.Bytes(), later, LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	if later.DB(0).Peek("k0") != nil || later.DB(0).Peek("k6") == nil {
		t.Error("expired keys were loaded or live ones dropped")
	}
	b := buf.Bytes()
	b[len(b)-1] ^= 1
	if _, err := Load(b, Handler{}); err == nil {
		t.Error("bad file checksum accepted")
	}
}

func FuzzRestorePayload(f *testing.F) {
	for _, v := range sampleValues() {
		p, _ := Dump(entry(&testing.T{}, v))
		if len(p) < 2000 { // big seeds make the fuzzer's minimization crawl
			f.Add(p[:len(p)-10])
		}
	}
	f.Add([]byte{TypeSetIntset, 8, 2, 0, 0, 0, 1, 0, 0, 0})
	f.Add([]byte{TypeListQuicklist2, 1, 2, 0})
	f.Add(append([]byte{TypeZSetZiplist}, AppendRawString(nil, string(buildZiplist([]any{"a", int64(1)})))...))
	f.Fuzz(func(t *testing.T, body []byte) {
		o, err := Restore(SealPayload(body))
		if err == nil {
			// Whatever decodes must encode again.
			ks := datastructs.New(datastructs.Options{Databases: 1})
			if o.Val == nil {
				ks.DB(0).SetStringOwned([]byte("k"), o.Str, 0, false)
			} else {
				ks.DB(0).SetValue([]byte("k"), o.Val, 0, false)
			}
			if _, err := Dump(ks.DB(0).Peek("k")); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func FuzzLoad(f *testing.F) {
	var buf bytes.Buffer
	ks := datastructs.New(datastructs.Options{Databases: 2})
	ks.DB(1).SetString([]byte("a"), []byte("b"), 1<<50, false)
	Save(&buf, ks, nil, [][2]string{{"x", "y"}})
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		Load(data, Handler{})
		if len(data) > 9 {
			// With the checksum zeroed the body itself is exercised.
			d := slices.Clone(data)
			copy(d[len(d)-8:], make([]byte, 8))
			Load(d, Handler{})
		}
	})
}
