package commands

import (
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
