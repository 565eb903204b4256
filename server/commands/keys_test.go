package commands

import (
	"strconv"

	"github.com/aikv/aikv/datastructs"
	"strings"
	"testing"

	"github.com/aikv/aikv/server/command"
)

// redisKeySpecs is COMMAND INFO of redis-server 7.0.15 for the commands
// in keys.go: name, arity, flags, first key, last key, step, ACL
// categories.
var redisKeySpecs = []struct {
	name              string
	arity             int
	flags             string
	first, last, step int
	acl               string
}{
	{"del", -2, "write", 1, -1, 1, "keyspace write slow"},
	{"unlink", -2, "write fast", 1, -1, 1, "keyspace write fast"},
	{"exists", -2, "readonly fast", 1, -1, 1, "keyspace read fast"},
	{"type", 2, "readonly fast", 1, 1, 1, "keyspace read fast"},
	{"keys", 2, "readonly", 0, 0, 0, "keyspace read slow dangerous"},
	{"scan", -2, "readonly", 0, 0, 0, "keyspace read slow"},
	{"randomkey", 1, "readonly", 0, 0, 0, "keyspace read slow"},
	{"rename", 3, "write", 1, 2, 1, "keyspace write slow"},
	{"renamenx", 3, "write fast", 1, 2, 1, "keyspace write fast"},
	{"copy", -3, "write denyoom", 1, 2, 1, "keyspace write slow"},
	{"move", 3, "write fast", 1, 1, 1, "keyspace write fast"},
	{"touch", -2, "readonly fast", 1, -1, 1, "keyspace read fast"},
	{"expire", -3, "write fast", 1, 1, 1, "keyspace write fast"},
	{"pexpire", -3, "write fast", 1, 1, 1, "keyspace write fast"},
	{"expireat", -3, "write fast", 1, 1, 1, "keyspace write fast"},
	{"pexpireat", -3, "write fast", 1, 1, 1, "keyspace write fast"},
	{"ttl", 2, "readonly fast", 1, 1, 1, "keyspace read fast"},
	{"pttl", 2, "readonly fast", 1, 1, 1, "keyspace read fast"},
	{"persist", 2, "write fast", 1, 1, 1, "keyspace write fast"},
	{"expiretime", 2, "readonly fast", 1, 1, 1, "keyspace read fast"},
	{"pexpiretime", 2, "readonly fast", 1, 1, 1, "keyspace read fast"},
	{"object", -2, "", 0, 0, 0, "slow"},
	{"object|encoding", 3, "readonly", 2, 2, 1, "keyspace read slow"},
	{"object|freq", 3, "readonly", 2, 2, 1, "keyspace read slow"},
	{"object|idletime", 3, "readonly", 2, 2, 1, "keyspace read slow"},
	{"object|refcount", 3, "readonly", 2, 2, 1, "keyspace read slow"},
	{"object|help", 2, "loading stale", 0, 0, 0, "keyspace slow"},
	{"dbsize", 1, "readonly fast", 0, 0, 0, "keyspace read fast"},
	{"flushdb", -1, "write", 0, 0, 0, "keyspace write slow dangerous"},
	{"flushall", -1, "write", 0, 0, 0, "keyspace write slow dangerous"},
	{"swapdb", 3, "write fast", 0, 0, 0, "keyspace write fast dangerous"},
}

func TestKeySpecsMatchRedis(t *testing.T) {
	tab := command.NewTable()
	registerKeys(tab)
	for _, want := range redisKeySpecs {
		name, sub, _ := strings.Cut(want.name, "|")
		s := tab.Lookup([]byte(name))
		if s == nil {
			t.Errorf("%s not registered", name)
			continue
		}
		if sub != "" {
			if s = s.Subcommands[sub]; s == nil {
				t.Errorf("%s not registered", want.name)
				continue
			}
		}
		group := "generic"
		switch name {
		case "dbsize", "flushdb", "flushall", "swapdb":
			group = "server"
		}
		got := strings.Join(s.Flags.Names(), " ")
		if s.Name != want.name || s.Arity != want.arity || got != want.flags ||
			s.FirstKey != want.first || s.LastKey != want.last || s.Step != want.step ||
			strings.Join(s.ACL, " ") != want.acl || s.Group != group || s.Summary == "" || s.Since == "" {
			t.Errorf("%s: got %q %d %q %d %d %d %q %q; want %d %q %d %d %d %q %q", want.name,
				s.Name, s.Arity, got, s.FirstKey, s.LastKey, s.Step, strings.Join(s.ACL, " "), s.Group,
				want.arity, want.flags, want.first, want.last, want.step, want.acl, group)
		}
	}
}

func TestParseCursor(t *testing.T) {
	// Checked against redis-server 7.0.15 (strtoul-based parsing).
	for _, tc := range []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"0", 0, true},
		{"", 0, true},
		{"007", 7, true},
		{"+5", 5, true},
		{"-0", 0, true},
		{"-1", 18446744073709551615, true},
		{"-18446744073709551615", 1, true},
		{"18446744073709551615", 18446744073709551615, true},
		{"18446744073709551616", 0, false},
		{"-18446744073709551616", 0, false},
		{"99999999999999999999999", 0, false},
		{" 5", 0, false},
		{"5 ", 0, false},
		{"0x10", 0, false},
		{"1e3", 0, false},
		{"5.0", 0, false},
		{"+", 0, false},
		{"-", 0, false},
		{"abc", 0, false},
	} {
		got, ok := parseCursor([]byte(tc.in))
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseCursor(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestStringEncoding(t *testing.T) {
	for in, want := range map[string]string{
		"0": "int", "-5": "int", "9223372036854775807": "int", "-9223372036854775808": "int",
		"9223372036854775808": "embstr", "0123": "embstr", "+5": "embstr", "": "embstr", " 1": "embstr",
		strings.Repeat("x", 44): "embstr", strings.Repeat("x", 45): "raw",
	} {
		if got := stringEncoding(in); got != want {
			t.Errorf("stringEncoding(%q) = %s, want %s", in, got, want)
		}
	}
}

// keysWriter records replies as text ("+OK", ":1", "$v", "_", "*2", "-ERR ...").
type keysWriter struct{ out []string }

func (w *keysWriter) add(s string)              { w.out = append(w.out, s) }
func (w *keysWriter) SimpleString(s string)     { w.add("+" + s) }
func (w *keysWriter) OK()                       { w.add("+OK") }
func (w *keysWriter) Error(msg string)          { w.add("-" + msg) }
func (w *keysWriter) Int(n int64)               { w.add(":" + strconv.FormatInt(n, 10)) }
func (w *keysWriter) Bulk(b []byte)             { w.add("$" + string(b)) }
func (w *keysWriter) BulkString(s string)       { w.add("$" + s) }
func (w *keysWriter) Null()                     { w.add("_") }
func (w *keysWriter) NullArray()                { w.add("_*") }
func (w *keysWriter) Array(n int)               { w.add("*" + strconv.Itoa(n)) }
func (w *keysWriter) Map(n int)                 { w.add("%" + strconv.Itoa(n)) }
func (w *keysWriter) Set(n int)                 { w.add("~" + strconv.Itoa(n)) }
func (w *keysWriter) Push(n int)                { w.add(">" + strconv.Itoa(n)) }
func (w *keysWriter) Double(f float64)          { w.add("," + strconv.FormatFloat(f, 'g', 17, 64)) }
func (w *keysWriter) Bool(b bool)               { w.add("#" + strconv.FormatBool(b)) }
func (w *keysWriter) Verbatim(format, s string) { w.add("=" + s) }
func (w *keysWriter) Proto() int                { return 2 }

// keysServer answers ConfigGet from a map; other methods are unused.
type keysServer struct {
	command.Server
	cfg map[string]string
}

func (s keysServer) ConfigGet(name string) [][2]string {
	if v, ok := s.cfg[name]; ok {
		return [][2]string{{name, v}}
	}
	return nil
}

// keysHarness runs handlers from a keys table against an in-memory keyspace
// with a fake clock.
type keysHarness struct {
	t   *testing.T
	tab *command.Table
	ks  *datastructs.Keyspace
	now int64
	ctx command.Context
	srv keysServer
}

func newKeysHarness(t *testing.T) *keysHarness {
	h := &keysHarness{t: t, tab: command.NewTable(), now: 1_700_000_000_000, srv: keysServer{cfg: map[string]string{}}}
	registerKeys(h.tab)
	h.ks = datastructs.New(datastructs.Options{Now: func() int64 { return h.now }})
	return h
}

// do runs one command and returns its reply and effects.
func (h *keysHarness) do(args ...string) (string, command.Effects) {
	h.t.Helper()
	bargs := make([][]byte, len(args))
	for i, a := range args {
		bargs[i] = []byte(a)
	}
	spec := h.tab.Lookup(bargs[0])
	spec, ok := h.tab.Resolve(spec, bargs)
	if !ok || !spec.CheckArity(len(bargs)) {
		h.t.Fatalf("bad command %q", args)
	}
	w := &keysWriter{}
	h.ctx = command.Context{Args: bargs, Spec: spec, W: w, Client: &command.Client{}, KS: h.ks, DB: h.ks.DB(0), Server: h.srv, Effects: command.Effects{Logging: true}}
	spec.Handler(&h.ctx)
	return strings.Join(w.out, " "), h.ctx.Effects
}

func TestExpireEffects(t *testing.T) {
	h := newKeysHarness(t)
	db := h.ks.DB(0)
	db.SetString([]byte("k"), []byte("v"), 0, false)
	for _, tc := range []struct {
		cmd    []string
		reply  string
		effect string
	}{
		{[]string{"expire", "nokey", "10"}, ":0", ""},
		{[]string{"expire", "k", "10"}, ":1", "PEXPIREAT k 1700000010000"},
		{[]string{"pexpire", "k", "10", "gt"}, ":0", ""},
		{[]string{"pexpire", "k", "20000", "gt"}, ":1", "PEXPIREAT k 1700000020000"},
		{[]string{"expireat", "k", "1800000000", "xx"}, ":1", "PEXPIREAT k 1800000000000"},
		{[]string{"pexpireat", "k", "1800000000001"}, ":1", "PEXPIREAT k 1800000000001"},
		{[]string{"ttl", "k"}, ":100000000", ""},
		{[]string{"pttl", "k"}, ":100000000001", ""},
		{[]string{"expiretime", "k"}, ":1800000000", ""},
		{[]string{"pexpiretime", "k"}, ":1800000000001", ""},
		{[]string{"pexpire", "k", "0"}, ":1", "DEL k"},
		{[]string{"exists", "k"}, ":0", ""},
	} {
		reply, eff := h.do(tc.cmd...)
		var effs []string
		for _, e := range eff.List {
			var parts []string
			for _, a := range e.Args {
				parts = append(parts, string(a))
			}
			effs = append(effs, strings.Join(parts, " "))
		}
		if reply != tc.reply || strings.Join(effs, "; ") != tc.effect || (tc.effect != "") != eff.Custom {
			t.Errorf("%q: reply %q effects %q (custom %v); want %q %q", tc.cmd, reply, effs, eff.Custom, tc.reply, tc.effect)
		}
	}
}

func TestTTLFollowsClock(t *testing.T) {
	h := newKeysHarness(t)
	h.ks.DB(0).SetString([]byte("k"), []byte("v"), h.now+1500, false)
	if r, _ := h.do("ttl", "k"); r != ":2" { // rounded like Redis
		t.Fatalf("ttl = %s", r)
	}
	h.now += 1000
	if r, _ := h.do("pttl", "k"); r != ":500" {
		t.Fatalf("pttl = %s", r)
	}
	if r, _ := h.do("ttl", "k"); r != ":1" {
		t.Fatalf("ttl = %s", r)
	}
	h.now += 500
	if r, _ := h.do("ttl", "k"); r != ":-2" {
		t.Fatalf("ttl after expiry = %s", r)
	}
	if r, _ := h.do("dbsize"); r != ":0" {
		t.Fatalf("expired key not reclaimed by TTL's lookup: dbsize %s", r)
	}
}

func TestObjectFreqAndIdletime(t *testing.T) {
	h := newKeysHarness(t)
	db := h.ks.DB(0)
	db.SetString([]byte("k"), []byte("hello"), 0, false)
	if r, _ := h.do("object", "freq", "k"); r != "-"+command.ErrLFUNotSelected {
		t.Fatalf("freq without LFU = %s", r)
	}
	h.now += 7000
	if r, _ := h.do("object", "idletime", "k"); r != ":7" {
		t.Fatalf("idletime = %s", r)
	}
	h.do("touch", "k")
	if r, _ := h.do("object", "idletime", "k"); r != ":0" {
		t.Fatalf("idletime after TOUCH = %s", r)
	}
	h.srv.cfg["maxmemory-policy"] = "allkeys-lfu"
	h.ks.SetLFU(&datastructs.LFUOptions{LogFactor: 10, DecayTime: 1})
	if r, _ := h.do("object", "idletime", "k"); r != "-"+command.ErrLFUSelected {
		t.Fatalf("idletime with LFU = %s", r)
	}
	db.SetString([]byte("n"), []byte("v"), 0, false)
	if r, _ := h.do("object", "freq", "n"); r != ":5" {
		t.Fatalf("freq of a new key = %s", r)
	}
	h.do("touch", "n")
	if r, _ := h.do("object", "freq", "n"); r != ":6" {
		t.Fatalf("freq after TOUCH = %s", r)
	}
	if r, _ := h.do("object", "freq", "nokey"); r != "_" {
		t.Fatalf("freq of a missing key = %s", r)
	}
	// With maxmemory and an LFU/LRU policy small integers are not shared.
	db.SetString([]byte("i"), []byte("42"), 0, false)
	if r, _ := h.do("object", "refcount", "i"); r != ":2147483647" {
		t.Fatalf("refcount = %s", r)
	}
	h.srv.cfg["maxmemory"] = "1000000"
	if r, _ := h.do("object", "refcount", "i"); r != ":1" {
		t.Fatalf("refcount with maxmemory+lfu = %s", r)
	}
}

func TestCopyNotCopyable(t *testing.T) {
	h := newKeysHarness(t)
	h.ks.DB(0).SetValue([]byte("j"), opaqueValue{}, 0, false)
	if r, _ := h.do("copy", "j", "j2"); r != "-"+command.ErrNotCopyable {
		t.Fatalf("copy = %s", r)
	}
	if r, _ := h.do("object", "encoding", "j"); r != "$raw" {
		t.Fatalf("encoding = %s", r)
	}
	if r, _ := h.do("type", "j"); r != "+ReJSON-RL" {
		t.Fatalf("type = %s", r)
	}
	if r, _ := h.do("scan", "0", "type", "rejson-rl"); r != "*2 $0 *1 $j" {
		t.Fatalf("scan type = %s", r)
	}
}

// opaqueValue is a value without Copier or Encoder.
type opaqueValue struct{}

func (opaqueValue) Type() datastructs.Type { return datastructs.TypeJSON }

func (keysServer) NotifyKeyspaceEvent(command.NotifyClass, string, []byte, int) {}
