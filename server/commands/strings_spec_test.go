package commands

import (
	"strings"
	"testing"
)

// TestStringSpecs pins the metadata to what Redis 7.0.15's COMMAND INFO
// reports (name, arity, flags, first/last/step keys, ACL categories).
func TestStringSpecs(t *testing.T) {
	want := []struct {
		name              string
		arity             int
		flags             string
		first, last, step int
		acl               string
	}{
		{"get", 2, "readonly fast", 1, 1, 1, "read string fast"},
		{"set", -3, "write denyoom", 1, 1, 1, "write string slow"},
		{"setnx", 3, "write denyoom fast", 1, 1, 1, "write string fast"},
		{"setex", 4, "write denyoom", 1, 1, 1, "write string slow"},
		{"psetex", 4, "write denyoom", 1, 1, 1, "write string slow"},
		{"getset", 3, "write denyoom fast", 1, 1, 1, "write string fast"},
		{"getdel", 2, "write fast", 1, 1, 1, "write string fast"},
		{"getex", -2, "write fast", 1, 1, 1, "write string fast"},
		{"mget", -2, "readonly fast", 1, -1, 1, "read string fast"},
		{"mset", -3, "write denyoom", 1, -1, 2, "write string slow"},
		{"msetnx", -3, "write denyoom", 1, -1, 2, "write string slow"},
		{"incr", 2, "write denyoom fast", 1, 1, 1, "write string fast"},
		{"decr", 2, "write denyoom fast", 1, 1, 1, "write string fast"},
		{"incrby", 3, "write denyoom fast", 1, 1, 1, "write string fast"},
		{"decrby", 3, "write denyoom fast", 1, 1, 1, "write string fast"},
		{"incrbyfloat", 3, "write denyoom fast", 1, 1, 1, "write string fast"},
		{"append", 3, "write denyoom fast", 1, 1, 1, "write string fast"},
		{"strlen", 2, "readonly fast", 1, 1, 1, "read string fast"},
		{"getrange", 4, "readonly", 1, 1, 1, "read string slow"},
		{"setrange", 4, "write denyoom", 1, 1, 1, "write string slow"},
		{"substr", 4, "readonly", 1, 1, 1, "read string slow"},
		{"lcs", -3, "readonly", 1, 2, 1, "read string slow"},
		{"setbit", 4, "write denyoom", 1, 1, 1, "write bitmap slow"},
		{"getbit", 3, "readonly fast", 1, 1, 1, "read bitmap fast"},
		{"bitcount", -2, "readonly", 1, 1, 1, "read bitmap slow"},
		{"bitpos", -3, "readonly", 1, 1, 1, "read bitmap slow"},
		{"bitop", -4, "write denyoom", 2, -1, 1, "write bitmap slow"},
		{"bitfield", -2, "write denyoom", 1, 1, 1, "write bitmap slow"},
		{"bitfield_ro", -2, "readonly fast", 1, 1, 1, "read bitmap fast"},
	}
	table := NewTable()
	for _, w := range want {
		s := table.Lookup([]byte(w.name))
		if s == nil {
			t.Errorf("%s: not registered", w.name)
			continue
		}
		got := []any{s.Arity, strings.Join(s.Flags.Names(), " "), s.FirstKey, s.LastKey, s.Step, strings.Join(s.ACL, " ")}
		exp := []any{w.arity, w.flags, w.first, w.last, w.step, w.acl}
		for i := range got {
			if got[i] != exp[i] {
				t.Errorf("%s: got %v, want %v", w.name, got, exp)
				break
			}
		}
		if s.Summary == "" || s.Since == "" || (s.Group != "string" && s.Group != "bitmap") {
			t.Errorf("%s: missing docs: %+v", w.name, s)
		}
	}
}
