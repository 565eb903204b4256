package commands

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/server/command"
)

// recWriter records replies in a compact text form for assertions:
// +simple, -error, :int, $bulk, _ (null), *n [ ... ] for aggregates.
type recWriter struct {
	b     strings.Builder
	proto int
}

func (w *recWriter) add(s string)          { w.b.WriteString(s + " ") }
func (w *recWriter) SimpleString(s string) { w.add("+" + s) }
func (w *recWriter) OK()                   { w.add("+OK") }
func (w *recWriter) Error(msg string)      { w.add("-" + msg) }
func (w *recWriter) Int(n int64)           { w.add(fmt.Sprintf(":%d", n)) }
func (w *recWriter) Bulk(b []byte)         { w.add(fmt.Sprintf("$%q", b)) }
func (w *recWriter) BulkString(s string)   { w.add(fmt.Sprintf("$%q", s)) }
func (w *recWriter) Null()                 { w.add("_") }
func (w *recWriter) NullArray()            { w.add("*_") }
func (w *recWriter) Array(n int)           { w.add(fmt.Sprintf("*%d", n)) }
func (w *recWriter) Map(n int)             { w.add(fmt.Sprintf("%%%d", n)) }
func (w *recWriter) Set(n int)             { w.add(fmt.Sprintf("~%d", n)) }
func (w *recWriter) Push(n int)            { w.add(fmt.Sprintf(">%d", n)) }
func (w *recWriter) Double(f float64)      { w.add(fmt.Sprintf(",%g", f)) }
func (w *recWriter) Bool(b bool)           { w.add(fmt.Sprintf("#%v", b)) }
func (w *recWriter) Verbatim(_, s string)  { w.add("=" + s) }
func (w *recWriter) Proto() int            { return w.proto }
func (w *recWriter) reply() string         { return strings.TrimSpace(w.b.String()) }

// fakeList is a non-string value for WRONGTYPE checks.
type fakeList struct{}

func (fakeList) Type() datastructs.Type { return datastructs.TypeList }

// env is a keyspace with a fake clock and the full command table.
type env struct {
	t     *testing.T
	ks    *datastructs.Keyspace
	table *command.Table
	now   int64
}

func newEnv(t *testing.T) *env {
	e := &env{t: t, table: NewTable(), now: 1_700_000_000_000}
	e.ks = datastructs.New(datastructs.Options{Now: func() int64 { return e.now }})
	return e
}

func (e *env) db() *datastructs.DB          { return e.ks.DB(0) }
func (e *env) advance(ms int64)             { e.now += ms }
func (e *env) ttl(key string) (int64, bool) { return entryTTL(e.db(), key) }

// do runs one command like the dispatcher (arity included) and returns
// the recorded reply.
func (e *env) do(args ...string) string {
	e.t.Helper()
	bargs := make([][]byte, len(args))
	for i, a := range args {
		bargs[i] = []byte(a)
	}
	spec := e.table.Lookup(bargs[0])
	if spec == nil {
		e.t.Fatalf("unknown command %s", args[0])
	}
	w := &recWriter{proto: 2}
	if !spec.CheckArity(len(bargs)) {
		return "-" + command.ArgCountError(spec.Name)
	}
	client := &command.Client{Proto: 2}
	c := &command.Context{Args: bargs, Spec: spec, W: w, Client: client, KS: e.ks, DB: e.ks.DB(0)}
	spec.Handler(c)
	return w.reply()
}

func (e *env) expect(want string, args ...string) {
	e.t.Helper()
	if got := e.do(args...); got != want {
		e.t.Errorf("%q: got %s, want %s", args, got, want)
	}
}

func entryTTL(db *datastructs.DB, key string) (int64, bool) {
	en := db.Peek(key)
	if en == nil {
		return 0, false
	}
	return en.ExpireAt, true
}

func TestWrongType(t *testing.T) {
	e := newEnv(t)
	e.db().SetValue([]byte("l"), fakeList{}, 0, false)
	e.do("SET", "s", "abc")
	wt := "-" + datastructs.ErrWrongType.Error()
	for _, args := range [][]string{
		{"GET", "l"}, {"SET", "l", "v", "GET"}, {"GETSET", "l", "v"}, {"GETDEL", "l"},
		{"GETEX", "l"}, {"GETEX", "l", "EX", "-1"}, {"INCR", "l"}, {"DECRBY", "l", "3"},
		{"INCRBYFLOAT", "l", "1"}, {"APPEND", "l", "x"}, {"STRLEN", "l"}, {"GETRANGE", "l", "0", "1"},
		{"SUBSTR", "l", "0", "1"}, {"SETRANGE", "l", "0", "x"}, {"SETRANGE", "l", "0", ""},
		{"SETBIT", "l", "0", "1"}, {"GETBIT", "l", "0"}, {"BITCOUNT", "l"}, {"BITCOUNT", "l", "x"},
		{"BITPOS", "l", "1"}, {"BITOP", "AND", "d", "s", "l"}, {"BITOP", "NOT", "d", "l"},
		{"BITFIELD", "l", "GET", "u8", "0"}, {"BITFIELD", "l", "SET", "u8", "0", "1"},
		{"BITFIELD_RO", "l", "GET", "u8", "0"}, {"BITFIELD", "l"},
	} {
		e.expect(wt, args...)
	}
	// Errors that Redis checks before the type.
	e.expect("-"+command.ErrNotInteger, "INCRBY", "l", "x")
	e.expect("-"+command.ErrBitArg, "BITPOS", "l", "2")
	e.expect("-"+command.ErrSyntax, "GETEX", "l", "FOO")
	e.expect("-"+command.ErrBitfieldType, "BITFIELD", "l", "GET", "x8", "0")
	e.expect("-"+command.ErrLCSNotString, "LCS", "l", "s")
	e.expect("-"+command.ErrLCSNotString, "LCS", "s", "l", "FOO")
	// MGET answers null for other types; SET replaces them.
	e.expect(`*2 _ $"abc"`, "MGET", "l", "s")
	e.expect("+OK", "SET", "l", "v")
	e.expect(`$"v"`, "GET", "l")
}

func TestTTLSemantics(t *testing.T) {
	e := newEnv(t)
	t0 := e.now
	e.expect("+OK", "SET", "k", "1", "EX", "100")
	if at, _ := e.ttl("k"); at != t0+100_000 {
		t.Fatalf("EX: expireAt %d, want %d", at, t0+100_000)
	}
	// In-place modifications keep the TTL.
	for _, args := range [][]string{
		{"INCR", "k"}, {"INCRBYFLOAT", "k", "1.5"}, {"APPEND", "k", "0"}, {"SETRANGE", "k", "0", "9"},
		{"SETBIT", "k", "100", "1"}, {"BITFIELD", "k", "SET", "u8", "200", "1"}, {"SET", "k", "x", "KEEPTTL"},
		{"GETEX", "k"}, {"BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u8", "200", "1000"},
	} {
		e.do(args...)
		if at, ok := e.ttl("k"); !ok || at != t0+100_000 {
			t.Fatalf("%q lost the TTL (%d, %v)", args, at, ok)
		}
	}
	// Replacements drop it.
	for _, args := range [][]string{
		{"SET", "k", "v"}, {"GETSET", "k", "v"}, {"MSET", "k", "v"}, {"BITOP", "OR", "k", "k"},
	} {
		e.do("SET", "k", "1", "PX", "5000")
		e.do(args...)
		if at, ok := e.ttl("k"); !ok || at != 0 {
			t.Fatalf("%q kept the TTL (%d, %v)", args, at, ok)
		}
	}
	e.expect(`$"1"`, "SET", "k", "1", "EXAT", fmt.Sprint(t0/1000+50), "GET")
	if at, _ := e.ttl("k"); at != (t0/1000+50)*1000 {
		t.Fatalf("EXAT: %d", at)
	}
	e.expect(`$"1"`, "GETEX", "k", "PERSIST")
	if at, _ := e.ttl("k"); at != 0 {
		t.Fatalf("PERSIST left %d", at)
	}
	e.expect(`$"1"`, "GETEX", "k", "PX", "10")
	if at, _ := e.ttl("k"); at != t0+10 {
		t.Fatalf("GETEX PX: %d", at)
	}
	e.expect(`$"1"`, "GETEX", "k", "PXAT", fmt.Sprint(t0+20))
	if at, _ := e.ttl("k"); at != t0+20 {
		t.Fatalf("GETEX PXAT: %d", at)
	}
	e.advance(20)
	e.expect("_", "GET", "k")
	// SET with a TTL in the past stores a dead key, as Redis 7.0 does:
	// the next access reclaims it.
	e.do("SET", "p", "v")
	e.expect("+OK", "SET", "p", "v2", "PXAT", fmt.Sprint(e.now))
	e.expect("_", "GET", "p")
	if e.db().Len() != 0 {
		t.Fatalf("SET PXAT past left %d keys after GET", e.db().Len())
	}
	e.do("SET", "p", "v")
	e.expect(`$"v"`, "GETEX", "p", "EXAT", "1")
	if e.db().Len() != 0 {
		t.Fatalf("GETEX EXAT past left %d keys", e.db().Len())
	}
	e.expect("+OK", "SETEX", "se", "2", "v")
	e.expect("+OK", "PSETEX", "pse", "2", "v")
	e.advance(2)
	e.expect("_", "GET", "pse")
	e.expect(`$"v"`, "GET", "se")
	e.advance(2000)
	e.expect("_", "GET", "se")
	// The relative expire overflowing with now is invalid.
	e.expect("-ERR invalid expire time in 'set' command", "SET", "x", "v", "PX", "9223372036854775807")
	e.expect("-ERR invalid expire time in 'psetex' command", "PSETEX", "x", "9223372036854775000", "v")
}

func TestSetOptions(t *testing.T) {
	e := newEnv(t)
	e.expect("_", "SET", "k", "v", "XX")
	e.expect("+OK", "SET", "k", "v", "NX")
	e.expect("_", "SET", "k", "w", "NX")
	e.expect(`$"v"`, "SET", "k", "w", "NX", "GET")
	e.expect(`$"v"`, "SET", "k", "w", "XX", "GET")
	e.expect(`$"w"`, "GET", "k")
	e.expect("-"+command.ErrSyntax, "SET", "k", "v", "NX", "XX")
	e.expect("-"+command.ErrSyntax, "SET", "k", "v", "EX", "1", "PX", "1")
	e.expect("-"+command.ErrSyntax, "SET", "k", "v", "EX")
	e.expect("-"+command.ErrSyntax, "SET", "k", "v", "PERSIST")
	e.expect("-"+command.ErrSyntax, "GETEX", "k", "KEEPTTL")
	e.expect(":1", "SETNX", "n", "1")
	e.expect(":0", "SETNX", "n", "2")
	e.expect(`*3 $"1" _ $"w"`, "MGET", "n", "zz", "k")
	e.expect(":0", "MSETNX", "a", "1", "n", "2")
	e.expect("_", "GET", "a")
	e.expect("-ERR wrong number of arguments for 'msetnx' command", "MSETNX", "a", "1", "b")
}

func TestIncrErrors(t *testing.T) {
	e := newEnv(t)
	e.do("SET", "k", "9223372036854775807")
	e.expect("-"+command.ErrOverflow, "INCR", "k")
	e.expect(":9223372036854775806", "DECR", "k")
	e.expect("-"+command.ErrDecrOverflow, "DECRBY", "k", "-9223372036854775808")
	e.do("SET", "k", "-9223372036854775808")
	e.expect("-"+command.ErrOverflow, "DECR", "k")
	e.expect("-"+command.ErrOverflow, "INCRBY", "k", "-1")
	e.do("SET", "k", "1.5")
	e.expect("-"+command.ErrNotInteger, "INCR", "k")
	e.expect(`$"2.5"`, "INCRBYFLOAT", "k", "1")
	e.expect("-"+command.ErrIncrFloatNaN, "INCRBYFLOAT", "k", "inf")
	e.expect("-"+command.ErrNotFloat, "INCRBYFLOAT", "k", "nan")
	e.expect(`$"2.5"`, "GET", "k")
}

// TestLongDouble checks INCRBYFLOAT arithmetic against replies recorded
// from Redis 7.0 on x86-64 (SET key a; INCRBYFLOAT key b).
func TestLongDouble(t *testing.T) {
	cases := []struct{ a, b, want string }{
		{"0", "0.1", "0.1"},
		{"0.1", "0.2", "0.3"},
		{"10.5", "0.1", "10.6"},
		{"1", "1e-17", "1.00000000000000001"},
		{"1", "5e-18", "1"},
		{"3.0", "1.0e-16", "3.0000000000000001"},
		{"0", "1e20", "100000000000000000000"},
		{"0", "-1.5e-20", "0"},
		{"0", "0.000003814697265625", "0.00000381469726562"}, // exact tie: half to even
		{"0", "0.000011444091796875", "0.00001144409179688"},
		{"1.7976931348623157e308", "1.7976931348623157e308", "359538626972463139991842093548208868096772893888658356970628841530353257046248792709403737216774171128857586838851041378617416726902272110715794556052955234146997955372576789671236326588091188869859074894581254961338834769297758245552436667197907705664206565009503223382416235440319971852753604933726679072768"},
		{"0", "0x1p-16445", "0"},
		{"0", "1e-4951", "ERR value is not a valid float"},
		{"0", "123456789.123456789", "123456789.12345678899873747"},
		{"-1", "0.99999999999999999999", "0"},
		{"9223372036854775807", "1", "9223372036854775808"},
		{"0", "2.5", "2.5"},
		{"0", "-2.5e-17", "-0.00000000000000002"},
		{"1e4932", "1e4932", "ERR increment would produce NaN or Infinity"},
	}
	for _, tc := range cases {
		a, ok := parseLongDouble([]byte(tc.a))
		if !ok {
			t.Fatalf("parse %q failed", tc.a)
		}
		var got string
		if b, ok := parseLongDouble([]byte(tc.b)); !ok {
			got = "ERR value is not a valid float"
		} else if sum, ok := addLongDouble(a, b); !ok {
			got = "ERR increment would produce NaN or Infinity"
		} else {
			got = formatLongDoubleHuman(sum)
		}
		if got != tc.want {
			t.Errorf("%s + %s = %s, want %s", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestParseLongDouble(t *testing.T) {
	valid := []string{"0", "-0", "+1", ".5", "5.", "1e5", "1E+5", "1e-5", "0x10", "0X1.8P1", "0x.8", "inf",
		"-Infinity", "1e4932", "3.6e-4951", "00001", strings.Repeat("0", ldMaxChars-2) + "1"}
	invalid := []string{"", " 1", "1 ", "\t1", "nan", "-nan", "1e", "1e+", ".", "-", "0x", "0xg", "0x1p",
		"1_0", "1\x00", "--1", "1.2.3", "1e5000", "-1e5000", "1e-5000", "1.2e4932", "abc", "infx",
		strings.Repeat("1", ldMaxChars)}
	for _, s := range valid {
		if _, ok := parseLongDouble([]byte(s)); !ok {
			t.Errorf("%q rejected", s)
		}
	}
	for _, s := range invalid {
		if _, ok := parseLongDouble([]byte(s)); ok {
			t.Errorf("%q accepted", s)
		}
	}
	// Smallest subnormal: 2^-16445 exactly and values rounding to it.
	min := ldZero()
	min.SetMantExp(min.SetInt64(1), ldMinLSB)
	for _, s := range []string{"0x1p-16445", "0x1.8p-16446", "3.6e-4951"} {
		x, ok := parseLongDouble([]byte(s))
		if !ok || x.Cmp(min) != 0 {
			t.Errorf("%q = %v, want 2^-16445", s, x)
		}
	}
	// Exactly half the smallest subnormal ties to even (zero): invalid.
	if _, ok := parseLongDouble([]byte("0x1p-16446")); ok {
		t.Error("0x1p-16446 accepted")
	}
	// 64-bit significand: 2^64+1 rounds to 2^64 (ties to even), 2^64+3 up.
	for s, want := range map[string]string{"18446744073709551617": "18446744073709551616",
		"18446744073709551619": "18446744073709551620", "18446744073709551618": "18446744073709551618"} {
		x, _ := parseLongDouble([]byte(s))
		if got := formatLongDoubleHuman(x); got != want {
			t.Errorf("%s -> %s, want %s", s, got, want)
		}
	}
}

func TestBitfieldOverflow(t *testing.T) {
	cases := []struct {
		signed bool
		value  int64
		incr   int64
		width  uint
		ow     int
		of     bool
		limit  int64
	}{
		{false, 255, 1, 8, bfWrap, true, 0},
		{false, 255, 1, 8, bfSat, true, 255},
		{false, 0, -1, 8, bfWrap, true, 255},
		{false, 0, -1, 8, bfSat, true, 0},
		{false, 10, -10, 8, bfSat, false, 0},
		{false, -1, 0, 8, bfSat, true, 255}, // SET u8 -1 saturates to max
		{false, -1, 0, 8, bfWrap, true, 255},
		{false, 1 << 62, 1 << 62, 63, bfWrap, true, 0},
		{true, 127, 1, 8, bfWrap, true, -128},
		{true, 127, 1, 8, bfSat, true, 127},
		{true, -128, -1, 8, bfWrap, true, 127},
		{true, -128, -1, 8, bfSat, true, -128},
		{true, 100, -200, 8, bfSat, false, 0},
		{true, 128, 0, 8, bfWrap, true, -128},
		{true, 9223372036854775807, 1, 64, bfWrap, true, -9223372036854775808},
		{true, 9223372036854775807, 1, 64, bfSat, true, 9223372036854775807},
		{true, -9223372036854775808, -1, 64, bfSat, true, -9223372036854775808},
		{true, -5, 9223372036854775807, 64, bfSat, false, 0},
		{true, 0, -1, 1, bfWrap, false, 0},
		{true, 0, 1, 1, bfWrap, true, -1},
	}
	for _, tc := range cases {
		var of int
		var limit int64
		if tc.signed {
			of, limit = signedOverflow(tc.value, tc.incr, tc.width, tc.ow)
		} else {
			var l uint64
			of, l = unsignedOverflow(uint64(tc.value), tc.incr, tc.width, tc.ow)
			limit = int64(l)
		}
		if (of != 0) != tc.of || (tc.of && tc.ow != bfFail && limit != tc.limit) {
			t.Errorf("%+v: overflow %d limit %d", tc, of, limit)
		}
	}
}

func TestBitfieldBits(t *testing.T) {
	buf := make([]byte, 10)
	setBits(buf, 3, 13, 0x1ABC)
	if got := getUnsignedBits(buf, 3, 13); got != 0x1ABC {
		t.Fatalf("round trip: %x", got)
	}
	if buf[0] != 0x1ABC>>8 {
		t.Fatalf("MSB first layout: %08b", buf[0])
	}
	setBits(buf, 7, 64, 0x8000000000000001)
	if got := getSignedBits(buf, 7, 64); got != -0x7FFFFFFFFFFFFFFF {
		t.Fatalf("i64: %d", got)
	}
	setBits(buf, 0, 4, 0xF)
	if got := getSignedBits(buf, 0, 4); got != -1 {
		t.Fatalf("i4 sign extension: %d", got)
	}
	// GET past the end reads zeros.
	op := bitfieldOp{offset: 70, width: 16}
	if got := readBitfield([]byte{0xFF}, &op); got != 0 {
		t.Fatalf("read past end: %d", got)
	}
	for _, tc := range []struct {
		arg    string
		width  uint
		signed bool
		ok     bool
	}{
		{"i64", 64, true, true}, {"u63", 63, false, true}, {"u64", 0, false, false}, {"i65", 0, false, false},
		{"i0", 0, false, false}, {"I8", 0, false, false}, {"u8\x00x", 8, false, true}, {"u", 0, false, false},
	} {
		w, s, ok := bitfieldTypeArg([]byte(tc.arg))
		if ok != tc.ok || (ok && (w != tc.width || s != tc.signed)) {
			t.Errorf("%q: %d %v %v", tc.arg, w, s, ok)
		}
	}
}

func TestLCSCompute(t *testing.T) {
	r := computeLCS("ohmytext", "mynewtext", 0, true, true)
	if r.length != 6 || string(r.str) != "mytext" {
		t.Fatalf("got %d %q", r.length, r.str)
	}
	want := []lcsMatch{{4, 7, 5, 8}, {2, 3, 0, 1}}
	if fmt.Sprint(r.matches) != fmt.Sprint(want) {
		t.Fatalf("matches %v, want %v", r.matches, want)
	}
	r = computeLCS("ohmytext", "mynewtext", 4, true, true)
	if fmt.Sprint(r.matches) != fmt.Sprint(want[:1]) {
		t.Fatalf("minmatchlen: %v", r.matches)
	}
	if r := computeLCS("", "abc", 0, true, true); r.length != 0 || len(r.matches) != 0 {
		t.Fatalf("empty: %+v", r)
	}
	if r := computeLCS("abc", "abc", 0, true, true); string(r.str) != "abc" || fmt.Sprint(r.matches) != "[{0 2 0 2}]" {
		t.Fatalf("same: %+v", r)
	}
	if !lcsTableTooBig(1<<15, 1<<15) || lcsTableTooBig(1000, 1000) {
		t.Fatal("table size limit")
	}
	e := newEnv(t)
	e.do("MSET", "a", "ohmytext", "b", "mynewtext")
	e.expect(`%2 $"matches" *2 *3 *2 :4 :7 *2 :5 :8 :4 *3 *2 :2 :3 *2 :0 :1 :2 $"len" :6`,
		"LCS", "a", "b", "IDX", "WITHMATCHLEN")
	e.expect(":6", "LCS", "a", "b", "LEN")
	e.expect(`$"mytext"`, "LCS", "a", "b")
}

func TestBitCommands(t *testing.T) {
	e := newEnv(t)
	e.expect(":0", "SETBIT", "b", "7", "1")
	e.expect(`$"\x01"`, "GET", "b")
	e.expect(":1", "SETBIT", "b", "7", "0")
	e.expect(":0", "SETBIT", "b", "23", "1")
	e.expect(`$"\x00\x00\x01"`, "GET", "b")
	e.expect(":1", "BITCOUNT", "b")
	e.expect(":23", "BITPOS", "b", "1")
	e.expect(":-1", "BITPOS", "b", "1", "0", "22", "BIT")
	e.expect(":0", "BITPOS", "b", "0")
	e.expect("-"+command.ErrBitOffset, "SETBIT", "b", "4294967296", "1")
	e.expect(":3", "BITOP", "NOT", "n", "b")
	e.expect(`$"\xff\xff\xfe"`, "GET", "n")
	e.expect(":0", "BITOP", "AND", "n", "missing")
	e.expect("_", "GET", "n")
	e.expect(`*2 :0 :0`, "BITFIELD", "f", "SET", "u8", "#1", "255", "GET", "u8", "0")
	e.expect(`$"\x00\xff"`, "GET", "f")
	e.expect(`*1 _`, "BITFIELD", "g", "OVERFLOW", "FAIL", "INCRBY", "u8", "16", "256")
	e.expect(`$"\x00\x00\x00"`, "GET", "g") // created even though the write failed
	e.expect("-"+command.ErrBitfieldRO, "BITFIELD_RO", "f", "SET", "u8", "0", "1")
}

// TestGetSetAllocs guards the hot path: GET allocates nothing and SET of
// an existing key allocates only the stored copy of the value.
func TestGetSetAllocs(t *testing.T) {
	e := newEnv(t)
	e.do("SET", "key", "value")
	w := &recDiscard{}
	c := &command.Context{Client: &command.Client{Proto: 2}, KS: e.ks, DB: e.ks.DB(0), W: w}
	getArgs := [][]byte{[]byte("GET"), []byte("key")}
	setArgs := [][]byte{[]byte("SET"), []byte("key"), []byte("value2")}
	c.Spec = e.table.Lookup(getArgs[0])
	c.Args = getArgs
	if n := testing.AllocsPerRun(100, func() { get(c) }); n != 0 {
		t.Errorf("GET: %v allocs", n)
	}
	c.Spec = e.table.Lookup(setArgs[0])
	c.Args = setArgs
	if n := testing.AllocsPerRun(100, func() { setCmd(c) }); n > 1 {
		t.Errorf("SET: %v allocs", n)
	}
	if w.n == 0 {
		t.Fatal("no replies written")
	}
}

// recDiscard is a Writer that only counts replies.
type recDiscard struct {
	recWriter
	n int
}

func (w *recDiscard) OK()                 { w.n++ }
func (w *recDiscard) BulkString(s string) { w.n++ }
func (w *recDiscard) Null()               { w.n++ }
