package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/datastructs/hash"
	"github.com/aikv/aikv/datastructs/jsonval"
	"github.com/aikv/aikv/datastructs/list"
	"github.com/aikv/aikv/datastructs/set"
	"github.com/aikv/aikv/datastructs/zset"
	"github.com/aikv/aikv/snapshot"
	"github.com/redis/go-redis/v9"
)

func b(s string) []byte { return []byte(s) }

// dataset builds a keyspace with every type, chunked values, binary keys
// and values, TTLs an hour ahead (real clock: Redis applies them) and
// several databases.
func dataset() *datastructs.Keyspace {
	ks := datastructs.New(datastructs.Options{})
	exp := time.Now().Add(time.Hour).UnixMilli()
	db := ks.DB(0)
	db.SetString(b("plain"), b("hello"), 0, false)
	db.SetString(b("bin\x00\xff key"), b("\x00\x01\xfe value"), exp, false)
	db.SetString(b(""), b("empty key"), 0, false)
	db.SetString(b("empty"), b(""), 0, false)
	db.SetString(b("big"), b(strings.Repeat("0123456789abcdef", (snapshot.ChunkBytes*2+100)/16)), 0, false)
	l := list.New()
	for i := 0; i < 3000; i++ {
		l.PushBack(fmt.Sprint("item", i%17))
	}
	db.SetValue(b("list"), l, exp, false)

	db = ks.DB(3)
	h := hash.New()
	for _, f := range []string{"z", "a", "m"} {
		h.Set(b(f), b("v-"+f))
	}
	db.SetValue(b("hash:small"), h, 0, false)
	h = hash.New()
	for i := 0; i < 2000; i++ {
		h.Set(b(fmt.Sprint("f", i)), b(fmt.Sprint(i)))
	}
	db.SetValue(b("hash:big"), h, 0, false)
	s := set.New()
	for i := 0; i < 10; i++ {
		s.Add(b(fmt.Sprint(i * 11)))
	}
	db.SetValue(b("set:ints"), s, 0, false)
	s = set.New()
	for i := 0; i < 1500; i++ {
		s.Add(b(fmt.Sprint("m", i)))
	}
	s.Add(b("\xff\x00"))
	db.SetValue(b("set:big"), s, exp, false)

	db = ks.DB(15)
	z := zset.New()
	z.Set("ninf", math.Inf(-1))
	z.Set("pinf", math.Inf(1))
	z.Set("third", 1.0/3)
	z.Set("big", 1e300)
	db.SetValue(b("zset:small"), z, 0, false)
	z = zset.New()
	for i := 0; i < 2500; i++ {
		z.Set(fmt.Sprint("member", i), float64(i%100)*0.25)
	}
	db.SetValue(b("zset:big"), z, exp, false)
	return ks
}

func saveDataset(t *testing.T) (string, *datastructs.Keyspace) {
	t.Helper()
	ks := dataset()
	path := filepath.Join(t.TempDir(), "dump.aikv")
	if _, err := snapshot.Save(path, snapshot.KeyspaceSource(ks), snapshot.Options{Seq: 77}); err != nil {
		t.Fatal(err)
	}
	return path, ks
}

func runCmd(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestSnapshotVerifyCommand(t *testing.T) {
	path, ks := saveDataset(t)
	code, out, errs := runCmd("snapshot", path)
	keys := 0
	for i := 0; i < ks.NumDBs(); i++ {
		keys += ks.DB(i).Len()
	}
	if code != 0 || !strings.Contains(out, "OK") || !strings.Contains(out, "seq 77, ") || !strings.Contains(out, fmt.Sprintf("%d keys in 16 databases", keys)) {
		t.Fatalf("code %d out %q err %q", code, out, errs)
	}
	data, _ := os.ReadFile(path)
	bad := filepath.Join(t.TempDir(), "bad")
	d := bytes.Clone(data)
	d[len(d)/2] ^= 0x10
	os.WriteFile(bad, d, 0o644)
	code, _, errs = runCmd("snapshot", bad)
	if code != 1 || !strings.Contains(errs, "DAMAGED") || !strings.Contains(errs, "checksum mismatch") {
		t.Fatalf("flipped: code %d err %q", code, errs)
	}
	os.WriteFile(bad, data[:len(data)-3], 0o644)
	code, _, errs = runCmd("snapshot", bad)
	if code != 1 || !strings.Contains(errs, "truncated") {
		t.Fatalf("truncated: code %d err %q", code, errs)
	}
	if code, _, _ = runCmd("snapshot", filepath.Join(t.TempDir(), "missing")); code != 2 {
		t.Fatalf("missing file: code %d", code)
	}
	if code, _, _ = runCmd("snapshot"); code != 2 {
		t.Fatalf("no file: code %d", code)
	}
}

func TestInspectCommand(t *testing.T) {
	path, _ := saveDataset(t)
	code, out, errs := runCmd("inspect", path, "--top", "3")
	if code != 0 {
		t.Fatalf("code %d err %q", code, errs)
	}
	for _, want := range []string{"seq        77", "keys       12 (", "flags      zstd"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	// Per-db rows: db, keys, string, list, set, zset, hash, other, TTL.
	rows := map[string]string{"0": "6 5 1 0 0 0 0 2", "3": "4 0 0 2 0 2 0 1", "15": "2 0 0 0 2 0 0 1"}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) == 9 {
			if want, ok := rows[f[0]]; ok {
				if got := strings.Join(f[1:], " "); got != want {
					t.Errorf("db %s: %s, want %s", f[0], got, want)
				}
				delete(rows, f[0])
			}
		}
	}
	if len(rows) != 0 {
		t.Errorf("db rows missing: %v\n%s", rows, out)
	}
	i := strings.Index(out, "largest keys:")
	if i < 0 {
		t.Fatalf("no largest keys in:\n%s", out)
	}
	largest := strings.Split(strings.TrimSpace(out[i:]), "\n")
	if len(largest) != 5 || !strings.Contains(largest[2], `"big"`) {
		t.Fatalf("largest keys:\n%s", out[i:])
	}
}

func TestExportUsage(t *testing.T) {
	path, _ := saveDataset(t)
	for _, args := range [][]string{
		{"export", path},
		{"export", path, "--format", "xml"},
		{"export", "--format", "json"},
		{"export", path, "--format"},
		{"export", path, "--bogus", "1"},
	} {
		if code, _, _ := runCmd(args...); code != 2 {
			t.Errorf("%q: code %d", args, code)
		}
	}
}

// jsonString decodes a string field of the JSON export.
func jsonString(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var o struct{ Base64 string }
	if err := json.Unmarshal(raw, &o); err != nil {
		t.Fatalf("bad string %s", raw)
	}
	d, err := base64.StdEncoding.DecodeString(o.Base64)
	if err != nil {
		t.Fatal(err)
	}
	return string(d)
}

func TestExportJSON(t *testing.T) {
	path, ks := saveDataset(t)
	out := filepath.Join(t.TempDir(), "out.jsonl")
	if code, _, errs := runCmd("export", path, "--format=json", "--out", out); code != 0 {
		t.Fatalf("code %d: %s", code, errs)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 4<<20)
	n := 0
	for sc.Scan() {
		n++
		var line struct {
			DB       int
			Key      json.RawMessage
			Type     string
			ExpireMS int64 `json:"expire_ms"`
			Value    json.RawMessage
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		key := jsonString(t, line.Key)
		e := ks.DB(line.DB).Peek(key)
		if e == nil || e.Type().String() != line.Type || e.ExpireAt != line.ExpireMS {
			t.Fatalf("key %q: %+v", key, line)
		}
		var got []string
		var elems []json.RawMessage
		if line.Type == "string" {
			var chunks struct{ Chunks []json.RawMessage }
			if json.Unmarshal(line.Value, &chunks) == nil && chunks.Chunks != nil {
				var sb strings.Builder
				for _, c := range chunks.Chunks {
					sb.WriteString(jsonString(t, c))
				}
				got = []string{sb.String()}
			} else {
				got = []string{jsonString(t, line.Value)}
			}
		} else if err := json.Unmarshal(line.Value, &elems); err != nil {
			t.Fatalf("key %q: %v", key, err)
		}
		for _, el := range elems {
			var pair []json.RawMessage
			if json.Unmarshal(el, &pair) == nil && len(pair) == 2 {
				second := string(pair[1])
				if line.Type == "hash" {
					second = jsonString(t, pair[1])
				} else if second == `"inf"` || second == `"-inf"` {
					second = strings.Trim(second, `"`)
				}
				got = append(got, jsonString(t, pair[0])+"="+second)
				continue
			}
			got = append(got, jsonString(t, el))
		}
		if want := entryContent(e); !slices.Equal(sorted(got, line.Type), sorted(want, line.Type)) {
			t.Fatalf("key %q: got %.200q want %.200q", key, got, want)
		}
	}
	if n != 12 {
		t.Fatalf("%d lines", n)
	}
}

func sorted(s []string, typ string) []string {
	if typ == "set" || typ == "hash" {
		s = slices.Clone(s)
		slices.Sort(s)
	}
	return s
}

// entryContent lists a value as the JSON check compares it.
func entryContent(e *datastructs.Entry) []string {
	if s, ok := e.Str(); ok {
		return []string{s}
	}
	var out []string
	switch v := e.Obj().(type) {
	case *list.List:
		v.Ascend(0, func(_ int, s string) bool { out = append(out, s); return true })
	case *set.Set:
		out = v.Members()
	case *hash.Hash:
		v.Range(func(f, val string) bool { out = append(out, f+"="+val); return true })
	case *zset.ZSet:
		v.Range(0, v.Len()-1, false, func(m string, s float64) bool {
			out = append(out, m+"="+formatScore(s))
			return true
		})
	}
	return out
}

// startRedis runs a throwaway redis-server on a free port.
func startRedis(t *testing.T) (*redis.Client, string) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not installed")
	}
	if _, err := exec.LookPath("redis-cli"); err != nil {
		t.Skip("redis-cli not installed")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	cmd := exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + port})
	t.Cleanup(func() { c.Close() })
	for i := 0; ; i++ {
		if c.Ping(context.Background()).Err() == nil {
			return c, port
		}
		if i > 100 {
			t.Fatal("redis-server did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestExportRESPIntoRedis pipes the RESP export into a real redis-server
// with redis-cli --pipe and compares every key.
func TestExportRESPIntoRedis(t *testing.T) {
	_, port := startRedis(t)
	path, ks := saveDataset(t)
	code, resp, errs := runCmd("export", path, "--format", "resp")
	if code != 0 {
		t.Fatalf("code %d: %s", code, errs)
	}
	pipe := exec.Command("redis-cli", "-p", port, "--pipe")
	pipe.Stdin = strings.NewReader(resp)
	out, err := pipe.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "errors: 0") {
		t.Fatalf("redis-cli --pipe: %v\n%s", err, out)
	}
	ctx := context.Background()
	for i := 0; i < ks.NumDBs(); i++ {
		c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + port, DB: i, Protocol: 2})
		defer c.Close()
		if n := c.DBSize(ctx).Val(); n != int64(ks.DB(i).Len()) {
			t.Fatalf("db %d: %d keys, want %d", i, n, ks.DB(i).Len())
		}
		ks.DB(i).Range(func(key string, e *datastructs.Entry) bool {
			if typ := c.Type(ctx, key).Val(); typ != e.Type().String() {
				t.Fatalf("db %d key %q: type %s", i, key, typ)
			}
			pexp := c.PExpireTime(ctx, key).Val()
			if (e.ExpireAt == 0 && pexp != -1) || (e.ExpireAt != 0 && pexp != time.Duration(e.ExpireAt)*time.Millisecond) {
				t.Fatalf("db %d key %q: pexpiretime %v, want %d", i, key, pexp, e.ExpireAt)
			}
			var got []string
			switch e.Type() {
			case datastructs.TypeString:
				got = []string{c.Get(ctx, key).Val()}
			case datastructs.TypeList:
				got = c.LRange(ctx, key, 0, -1).Val()
			case datastructs.TypeSet:
				got = c.SMembers(ctx, key).Val()
			case datastructs.TypeHash:
				// HGETALL order: Redis keeps a listpack hash in insertion
				// order, as AiKv does.
				kv := c.Do(ctx, "HGETALL", key).Val().([]any)
				for j := 0; j < len(kv); j += 2 {
					got = append(got, kv[j].(string)+"="+kv[j+1].(string))
				}
			case datastructs.TypeZSet:
				for _, z := range c.ZRangeWithScores(ctx, key, 0, -1).Val() {
					got = append(got, z.Member.(string)+"="+formatScore(z.Score))
				}
			}
			want := entryContent(e)
			typ := e.Type().String()
			if h, ok := e.Obj().(*hash.Hash); ok && h.Encoding() == "listpack" {
				typ = "listpack hash: ordered"
			}
			if !slices.Equal(sorted(got, typ), sorted(want, typ)) {
				t.Fatalf("db %d key %q: got %.200q want %.200q", i, key, got, want)
			}
			if enc, ok := e.Obj().(datastructs.Encoder); ok {
				if renc := c.ObjectEncoding(ctx, key).Val(); renc != enc.Encoding() {
					t.Errorf("db %d key %q: redis encoding %v, aikv %s", i, key, renc, enc.Encoding())
				}
			}
			return true
		})
	}
}

// badJSONCodec writes text that is not JSON under the JSON tag.
type badJSONCodec struct{ jsonval.SnapshotCodec }

func (badJSONCodec) Encode(datastructs.Value, func([]byte) error) error { return nil }

func TestJSONDocuments(t *testing.T) {
	ks := datastructs.New(datastructs.Options{})
	root, err := jsonval.Parse([]byte(`{"z":[1,2.5,"x"],"a":{"b":null}}`))
	if err != nil {
		t.Fatal(err)
	}
	ks.DB(2).SetValue(b("doc"), &jsonval.Doc{Root: root}, 0, false)
	path := filepath.Join(t.TempDir(), "dump.aikv")
	if _, err := snapshot.Save(path, snapshot.KeyspaceSource(ks), snapshot.Options{Codecs: codecs}); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runCmd("snapshot", path); code != 0 || !strings.Contains(out, "1 keys") {
		t.Fatalf("verify: %d %s %s", code, out, errs)
	}
	doc := `{"z":[1,2.5,"x"],"a":{"b":null}}`
	code, out, errs := runCmd("export", path, "--format", "resp")
	want := fmt.Sprintf("*4\r\n$8\r\nJSON.SET\r\n$3\r\ndoc\r\n$1\r\n$\r\n$%d\r\n%s\r\n", len(doc), doc)
	if code != 0 || !strings.HasSuffix(out, want) {
		t.Fatalf("resp: %d %q %s", code, out, errs)
	}
	code, out, errs = runCmd("export", path, "--format", "json")
	if code != 0 || out != `{"db":2,"key":"doc","type":"ReJSON-RL","expire_ms":0,"value":`+doc+"}\n" {
		t.Fatalf("json: %d %q %s", code, out, errs)
	}

	// A document that does not parse is damage, named with its key.
	if _, err := snapshot.Save(path, snapshot.KeyspaceSource(ks), snapshot.Options{Codecs: []snapshot.Codec{badJSONCodec{}}}); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCmd("snapshot", path); code != 1 || !strings.Contains(errs, `"doc"`) {
		t.Fatalf("bad doc verify: %d %s", code, errs)
	}
	if code, _, errs := runCmd("export", path, "--format", "json"); code != 1 || !strings.Contains(errs, `key "doc": JSON document`) {
		t.Fatalf("bad doc export: %d %s", code, errs)
	}
}
