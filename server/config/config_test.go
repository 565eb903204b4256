package config

import (
	"bufio"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// redisDump reads CONFIG GET * of a real redis-server 7.0.15.
func redisDump(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open("testdata/redis-7.0.15-config-get.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		name, value, _ := strings.Cut(line, "\t")
		out[name] = value
	}
	return out
}

func TestRegistryMatchesRedis(t *testing.T) {
	r := NewRegistry()
	want := redisDump(t)
	got := map[string]string{}
	redisDefaults := &Config{Other: map[string]string{}}
	for _, p := range r.Params() {
		p.store(redisDefaults, p.Default)
	}
	for _, kv := range r.Get(redisDefaults, "*") {
		got[kv[0]] = kv[1]
	}
	for name := range want {
		if _, ok := got[name]; !ok {
			t.Errorf("CONFIG GET * lacks %s", name)
		}
	}
	// These were given on the command line of the reference server.
	started := map[string]bool{"port": true, "save": true, "daemonize": true, "dir": true, "logfile": true, "pidfile": true}
	for name, v := range got {
		w, ok := want[name]
		if !ok {
			t.Errorf("CONFIG GET * has %s, Redis 7.0 does not", name)
			continue
		}
		if !started[name] && v != w {
			t.Errorf("default of %s = %q, Redis has %q", name, v, w)
		}
	}
}

func TestDefaultsAreCanonical(t *testing.T) {
	for _, p := range NewRegistry().Params() {
		c, err := p.Canonical(p.Default)
		if err != nil || c != p.Default {
			t.Errorf("%s: default %q canonicalizes to %q, %v", p.Name, p.Default, c, err)
		}
	}
}

func TestDefault(t *testing.T) {
	c := Default()
	if !reflect.DeepEqual(c.Bind, []string{"127.0.0.1"}) || !c.ProtectedMode || c.Port != 6379 {
		t.Errorf("not safe by default: bind %v protected-mode %v port %d", c.Bind, c.ProtectedMode, c.Port)
	}
	if c.MaxClients != 10000 || c.Timeout != 0 || c.TCPKeepAlive != 300*time.Second || c.Databases != 16 ||
		c.AppendFsync != "everysec" || c.LogLevel != "notice" || c.ProtoMaxBulkLen != 512<<20 ||
		len(c.Save) != 3 || c.Save[0] != (SavePoint{3600, 1}) || c.MaxMemoryPolicy != "noeviction" {
		t.Errorf("unexpected defaults: %+v", c)
	}
}

func TestCanonical(t *testing.T) {
	r := NewRegistry()
	tests := []struct {
		param, in, want, err string
	}{
		{"protected-mode", "YES", "yes", ""},
		{"protected-mode", "No", "no", ""},
		{"protected-mode", "maybe", "", "argument must be 'yes' or 'no'"},
		{"protected-mode", "1", "", "argument must be 'yes' or 'no'"},
		{"hz", "500", "500", ""},
		{"hz", "01", "", "argument couldn't be parsed into an integer"},
		{"hz", "+5", "", "argument couldn't be parsed into an integer"},
		{"hz", " 5", "", "argument couldn't be parsed into an integer"},
		{"hz", "5.0", "", "argument couldn't be parsed into an integer"},
		{"hz", "-1", "", "argument must be between 0 and 2147483647 inclusive"},
		{"maxclients", "0", "", "argument must be between 1 and 4294967295 inclusive"},
		{"slowlog-log-slower-than", "-1", "-1", ""},
		{"slowlog-log-slower-than", "-2", "", "argument must be between -1 and 9223372036854775807 inclusive"},
		{"list-max-listpack-size", "99999999999", "", "argument must be between -2147483648 and 2147483647 inclusive"},
		{"maxmemory", "1gb", "1073741824", ""},
		{"maxmemory", "1GB", "1073741824", ""},
		{"maxmemory", "1g", "1000000000", ""},
		{"maxmemory", "1K", "1000", ""},
		{"maxmemory", "1kb", "1024", ""},
		{"maxmemory", "3mb", "3145728", ""},
		{"maxmemory", "1b", "1", ""},
		{"maxmemory", "01", "1", ""},
		{"maxmemory", "", "0", ""},  // Redis quirk
		{"maxmemory", "k", "0", ""}, // Redis quirk
		{"maxmemory", "18446744073709551615", "18446744073709551615", ""},
		{"maxmemory", "-1", "", "argument must be a memory value"},
		{"maxmemory", "1.5gb", "", "argument must be a memory value"},
		{"maxmemory", "+1", "", "argument must be a memory value"},
		{"maxmemory", "1x", "", "argument must be a memory value"},
		{"proto-max-bulk-len", "1", "", "argument must be between 1048576 and 9223372036854775807 inclusive"},
		{"hash-max-listpack-value", "1k", "1000", ""},
		{"maxmemory-clients", "10%", "10%", ""},
		{"maxmemory-clients", "101%", "", "percentage argument must be less or equal to 100"},
		{"maxmemory-clients", "-1", "", "argument must be a memory or percent value"},
		{"maxmemory-clients", "1.5%", "", "argument must be a memory or percent value"},
		{"appendfsync", "EVERYSEC", "everysec", ""},
		{"appendfsync", "sometimes", "", "argument(s) must be one of the following: everysec, always, no"},
		{"loglevel", "xx", "", "argument(s) must be one of the following: debug, verbose, notice, warning"},
		{"save", "3600 1 300 100 60 10000", "3600 1 300 100 60 10000", ""},
		{"save", "", "", ""},
		{"save", "100", "", "Invalid save parameters"},
		{"save", "100 a", "", "Invalid save parameters"},
		{"save", "0 1", "", "Invalid save parameters"},
		{"save", "3600 -1", "", "Invalid save parameters"},
		{"save", "  60   1 ", "", "Invalid save parameters"},
		{"bind", "127.0.0.1 ::1", "127.0.0.1 ::1", ""},
		{"bind", "a b c d e f g h i j k l m n o p q", "", "Too many bind addresses specified."},
		{"notify-keyspace-events", "KEA", "AKE", ""},
		{"notify-keyspace-events", "Ex", "xE", ""},
		{"notify-keyspace-events", "g$lshzxeKEtmdn", "AnKEm", ""}, // rendered "AKEm" (TestNotifyRender)
		{"notify-keyspace-events", "Ab", "", "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."},
		{"shutdown-on-sigterm", "nosave force now", "nosave now force", ""},
		{"shutdown-on-sigterm", "default save", "save", ""},
		{"shutdown-on-sigterm", "save nosave", "", "shutdown options SAVE and NOSAVE can't be used simultaneously"},
		{"shutdown-on-sigterm", "bogus", "", "argument(s) must be one of the following: default, save, nosave, now, force"},
		{"client-output-buffer-limit", "normal 1mb 2k 3", "normal 1048576 2000 3 slave 268435456 67108864 60 pubsub 33554432 8388608 60", ""},
		{"client-output-buffer-limit", "normal 1mb 2k", "", "Wrong number of arguments in buffer limit configuration."},
		{"client-output-buffer-limit", "foo 1 2 3", "", "Invalid client class specified in buffer limit configuration."},
		{"oom-score-adj-values", "0 200 3000", "", "Invalid oom-score-adj-values, elements must be between -2000 and 2000."},
		{"oom-score-adj-values", "1 2", "", "wrong number of arguments"},
		{"latency-tracking-info-percentiles", "50 99.90 100", "50 99.9 100", ""},
		{"latency-tracking-info-percentiles", "101", "", "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"},
	}
	for _, tt := range tests {
		t.Run(tt.param+"="+tt.in, func(t *testing.T) {
			p := r.Lookup(tt.param)
			got, err := p.Canonical(tt.in)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("got %q, %v; want error %q", got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestSetTyped(t *testing.T) {
	r := NewRegistry()
	c := Default()
	for _, kv := range [][2]string{
		{"timeout", "30"}, {"maxmemory", "2gb"}, {"save", "60 5"}, {"requirepass", "pw"},
		{"hash-max-ziplist-entries", "7"}, {"HZ", "50"}, {"loglevel", "WARNING"},
	} {
		if err := r.Set(c, kv[0], kv[1]); err != nil {
			t.Fatalf("Set %s %s: %v", kv[0], kv[1], err)
		}
	}
	if c.Timeout != 30*time.Second || c.MaxMemory != 2<<30 || !reflect.DeepEqual(c.Save, []SavePoint{{60, 5}}) ||
		c.RequirePass != "pw" || c.LogLevel != "warning" {
		t.Errorf("typed fields not set: %+v", c)
	}
	got := r.Get(c, "hash-max-listpack-entries", "hz")
	want := [][2]string{{"hash-max-listpack-entries", "7"}, {"hz", "50"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Get = %v, want %v", got, want)
	}
	if err := r.Set(c, "nosuch", "1"); !errors.Is(err, ErrUnknown) {
		t.Errorf("unknown: %v", err)
	}
	if err := r.Set(c, "cluster-enabled", "yes"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("cluster-enabled yes: %v", err)
	}
	if err := r.Set(c, "cluster-enabled", "no"); err != nil {
		t.Errorf("cluster-enabled no (the default) must be accepted: %v", err)
	}
	// Immutable parameters can be given at startup.
	if err := r.Set(c, "databases", "4"); err != nil || c.Databases != 4 {
		t.Errorf("databases: %v %d", err, c.Databases)
	}
}

func TestGetPatterns(t *testing.T) {
	r := NewRegistry()
	c := Default()
	names := func(pairs [][2]string) []string {
		var out []string
		for _, kv := range pairs {
			out = append(out, kv[0])
		}
		return out
	}
	tests := []struct {
		patterns []string
		want     []string
	}{
		{[]string{"port"}, []string{"port"}},
		{[]string{"PORT"}, []string{"PORT"}}, // exact names are reported as given
		{[]string{"PoR*"}, []string{"port"}},
		{[]string{"port", "bind", "tcp*", "port"}, []string{"bind", "port", "tcp-backlog", "tcp-keepalive"}},
		{[]string{"slaveof"}, []string{"slaveof"}},
		{[]string{"*-max-ziplist-entries"}, []string{"hash-max-ziplist-entries", "zset-max-ziplist-entries"}},
		{[]string{"nosuch"}, nil},
		{[]string{"maxmemory-?olicy"}, []string{"maxmemory-policy"}},
		{[]string{"[ab]ind"}, []string{"bind"}},
	}
	for _, tt := range tests {
		if got := names(r.Get(c, tt.patterns...)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Get(%q) = %q, want %q", tt.patterns, got, tt.want)
		}
	}
	if n := len(r.Get(c, "*")); n != 192 {
		t.Errorf("CONFIG GET * has %d entries, Redis 7.0.15 has 192", n)
	}
}

func TestSetRuntime(t *testing.T) {
	r := NewRegistry()
	tests := []struct {
		pairs          [][2]string
		allowProtected bool
		err            string
	}{
		{[][2]string{{"hz", "20"}, {"maxclients", "5"}}, false, ""},
		{[][2]string{{"nosuch", "1"}}, false, "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"},
		{[][2]string{{"databases", "3"}}, false, "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"},
		{[][2]string{{"databases", "3"}, {"nosuch", "1"}}, false, "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"},
		{[][2]string{{"nosuch", "1"}, {"databases", "3"}}, false, "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"},
		{[][2]string{{"hz", "abc"}, {"nosuch", "1"}}, false, "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"},
		{[][2]string{{"appendonly", "maybe"}, {"hz", "abc"}}, false, "ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must be 'yes' or 'no'"},
		{[][2]string{{"HZ", "abc"}}, false, "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer"},
		{[][2]string{{"hz", "5"}, {"HZ", "6"}}, false, "ERR CONFIG SET failed (possibly related to argument 'HZ') - duplicate parameter"},
		{[][2]string{{"hash-max-ziplist-entries", "1"}, {"hash-max-listpack-entries", "2"}}, false, ""},
		{[][2]string{{"dir", "/tmp"}}, false, "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config"},
		{[][2]string{{"dir", "/tmp"}}, true, ""},
		{[][2]string{{"cluster-enabled", "yes"}}, false, "ERR CONFIG SET failed (possibly related to argument 'cluster-enabled') - not supported by AiKv yet"},
		{[][2]string{{"replica-read-only", "no"}}, false, "ERR CONFIG SET failed (possibly related to argument 'replica-read-only') - not supported by AiKv yet"},
		{[][2]string{{"replica-read-only", "yes"}}, false, ""},
		{[][2]string{{"port", "6379"}}, false, ""},
		{[][2]string{{"port", "6380"}}, false, "ERR CONFIG SET failed (possibly related to argument 'port') - changing it at runtime is not supported by AiKv yet (set it in the config file and restart)"},
	}
	for _, tt := range tests {
		c := Default()
		before := c.Clone()
		_, err := r.SetRuntime(c, tt.pairs, tt.allowProtected)
		if tt.err == "" {
			if err != nil {
				t.Errorf("%v: %v", tt.pairs, err)
			}
			continue
		}
		if err == nil || err.Error() != tt.err {
			t.Errorf("%v: got %v, want %q", tt.pairs, err, tt.err)
		}
		if !reflect.DeepEqual(c, before) {
			t.Errorf("%v: failed CONFIG SET changed the config", tt.pairs)
		}
	}
}

func TestSetRuntimeAtomic(t *testing.T) {
	r := NewRegistry()
	c := Default()
	_, err := r.SetRuntime(c, [][2]string{{"maxclients", "5"}, {"timeout", "7"}, {"appendfsync", "bad"}}, false)
	if err == nil || c.MaxClients != 10000 || c.Timeout != 0 {
		t.Fatalf("partial CONFIG SET: err %v maxclients %d timeout %v", err, c.MaxClients, c.Timeout)
	}
	if _, err := r.SetRuntime(c, [][2]string{{"maxclients", "5"}, {"timeout", "7"}}, false); err != nil {
		t.Fatal(err)
	}
	if c.MaxClients != 5 || c.Timeout != 7*time.Second {
		t.Fatalf("CONFIG SET not applied: %d %v", c.MaxClients, c.Timeout)
	}
}

func TestSlogLevel(t *testing.T) {
	for in, want := range map[string]slog.Level{"debug": slog.LevelDebug, "verbose": LevelVerbose,
		"notice": slog.LevelInfo, "warning": slog.LevelWarn} {
		if got := SlogLevel(in); got != want {
			t.Errorf("SlogLevel(%s) = %v, want %v", in, got, want)
		}
	}
	if !(slog.LevelDebug < LevelVerbose && LevelVerbose < slog.LevelInfo) {
		t.Error("verbose must sit between debug and notice")
	}
}

func writeFile(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "aikv.toml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadFile(t *testing.T) {
	r := NewRegistry()
	p := writeFile(t, `
# comment
[server]
host = ["127.0.0.1", "::1"]
port = 6380
max_connections = 50

[storage]
data_dir = "/var/lib/aikv"
max_memory = "1GB"

[logging]
level = "verbose"
file = ""

[redis]
"appendfsync" = "always"
appendonly = false
save = ["3600 1", "300 100"]
hz = 20
lua-time-limit = 100
`)
	c := Default()
	if err := r.LoadFile(c, p); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.Bind, []string{"127.0.0.1", "::1"}) || c.Port != 6380 || c.MaxClients != 50 ||
		c.Dir != "/var/lib/aikv" || c.MaxMemory != 1<<30 || c.LogLevel != "verbose" ||
		c.AppendFsync != "always" || c.AppendOnly || len(c.Save) != 2 || c.Other["hz"] != "20" ||
		c.BusyReplyThreshold != 100 {
		t.Errorf("loaded config wrong: %+v", c)
	}
}

func TestLoadFileErrors(t *testing.T) {
	r := NewRegistry()
	tests := []struct{ text, want string }{
		{"[server]\nhostt = \"x\"\n", `unknown key "hostt" in [server]`},
		{"[srv]\nport = 1\n", `unknown table or key "srv"`},
		{"port = 1\n", `unknown table or key "port"`},
		{"[redis]\nnosuch = 1\n", `unknown Redis configuration parameter "nosuch" in [redis]`},
		{"[server]\nport = 1\n[redis]\nport = 2\n", `redis."port" and server.port both set port`},
		{"[redis]\nslaveof = \"\"\nreplicaof = \"\"\n", `both set replicaof`},
		{"[server]\nport = \"abc\"\n", `server.port: argument couldn't be parsed into an integer`},
		{"[redis]\ncluster-enabled = true\n", `redis."cluster-enabled": not supported by AiKv yet`},
		{"[redis]\nappendfsync = \"sometimes\"\n", `argument(s) must be one of the following`},
		{"[server\n", `toml`},
		{"[redis]\nsave = [[1]]\n", `nested arrays`},
	}
	for _, tt := range tests {
		err := r.LoadFile(Default(), writeFile(t, tt.text))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: got %v, want error containing %q", tt.text, err, tt.want)
		}
	}
}

func TestRewrite(t *testing.T) {
	r := NewRegistry()
	orig := `# AiKv config
[server]
host = "127.0.0.1"   # loopback only
port = 6380 # the port

[storage]
max_memory = "1GB"

[redis]
appendfsync = "always"  # durable
save = [
  "3600 1",
  "300 100",
]
`
	p := writeFile(t, orig)
	c := Default()
	if err := r.LoadFile(c, p); err != nil {
		t.Fatal(err)
	}
	// Unchanged config: the file stays byte for byte the same.
	if err := r.Rewrite(c, p); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != orig {
		t.Fatalf("rewrite of an unchanged config changed the file:\n%s", b)
	}
	for _, kv := range [][2]string{{"maxmemory", "2gb"}, {"save", "60 1"}, {"hz", "30"}, {"maxclients", "7"}} {
		if err := r.Set(c, kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Rewrite(c, p); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	want := `# AiKv config
[server]
host = "127.0.0.1"   # loopback only
port = 6380 # the port

[storage]
max_memory = "2gb"

[redis]
appendfsync = "always"  # durable
save = "60 1"
hz = "30"
maxclients = "7"
`
	if string(b) != want {
		t.Fatalf("rewritten file:\n%s\nwant:\n%s", b, want)
	}
	c2 := Default()
	if err := r.LoadFile(c2, p); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, c2) {
		t.Errorf("reloaded config differs:\n%+v\n%+v", c, c2)
	}
}

func TestRewriteAddsRedisTable(t *testing.T) {
	r := NewRegistry()
	p := writeFile(t, "[server]\nport = 6380")
	c := Default()
	if err := r.LoadFile(c, p); err != nil {
		t.Fatal(err)
	}
	if err := r.Set(c, "requirepass", `pa"ss`); err != nil {
		t.Fatal(err)
	}
	if err := r.Rewrite(c, p); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	if want := "[server]\nport = 6380\n\n[redis]\nrequirepass = \"pa\\\"ss\"\n"; string(b) != want {
		t.Fatalf("got:\n%s\nwant:\n%s", b, want)
	}
	c2 := Default()
	if err := r.LoadFile(c2, p); err != nil || c2.RequirePass != `pa"ss` {
		t.Fatalf("reload: %v %q", err, c2.RequirePass)
	}
}

func TestExampleFileLoads(t *testing.T) {
	r := NewRegistry()
	c := Default()
	if err := r.LoadFile(c, "../../docs/aikv.example.toml"); err != nil {
		t.Fatal(err)
	}
	if d := Default(); !reflect.DeepEqual(c, d) {
		t.Errorf("the example file claims to show the defaults but differs:\n%+v\n%+v", c, d)
	}
}

// TestNotifyRender: with every class and 'n' set, the server keeps 'n' but
// CONFIG GET shows "AKE", as Redis does.
func TestNotifyRender(t *testing.T) {
	r := NewRegistry()
	c := Default()
	if _, err := r.SetRuntime(c, [][2]string{{"notify-keyspace-events", "KEAn"}}, true); err != nil {
		t.Fatal(err)
	}
	if c.NotifyKeyspaceEvents != "AnKE" {
		t.Fatalf("stored %q", c.NotifyKeyspaceEvents)
	}
	if got := r.Get(c, "notify-keyspace-events"); len(got) != 1 || got[0][1] != "AKE" {
		t.Fatalf("rendered %q", got)
	}
}
