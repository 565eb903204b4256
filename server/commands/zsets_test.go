package commands

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/server/command"
	"github.com/aikv/aikv/server/resp"
)

// zrun executes one command in-process and returns the RESP2 reply and the
// context (for Effects and Block).
func zrun(t *testing.T, tbl *command.Table, ks *datastructs.Keyspace, args ...string) (string, *command.Context) {
	t.Helper()
	spec := tbl.Lookup([]byte(args[0]))
	if spec == nil {
		t.Fatalf("unknown command %s", args[0])
	}
	w := &resp.Writer{Protocol: 2}
	c := &command.Context{Spec: spec, W: w, Client: &command.Client{Proto: 2}, KS: ks, DB: ks.DB(0), Effects: command.Effects{Logging: true}}
	for _, a := range args {
		c.Args = append(c.Args, []byte(a))
	}
	spec.Handler(c)
	return string(w.B), c
}

func TestZSetMovableKeys(t *testing.T) {
	tbl := NewTable()
	cases := []struct {
		cmd  string
		want string
	}{
		{"ZUNIONSTORE dst 2 a b WEIGHTS 1 2", "[1 3 4]"},
		{"ZINTERSTORE dst 1 a", "[1 3]"},
		{"ZDIFFSTORE dst 3 a b c", "[1 3 4 5]"},
		{"ZUNION 2 a b WITHSCORES", "[2 3]"},
		{"ZINTER 1 a", "[2]"},
		{"ZDIFF 2 a b", "[2 3]"},
		{"ZINTERCARD 2 a b LIMIT 1", "[2 3]"},
		{"ZMPOP 2 a b MIN", "[2 3]"},
		{"BZMPOP 0 2 a b MIN COUNT 1", "[3 4]"},
		{"ZUNION 5 a b", "[]"},
		{"ZUNION x a b", "[]"},
		{"BZPOPMIN a b 0", "[1 2]"},
		{"ZRANGESTORE dst src 0 -1", "[1 2]"},
	}
	for _, tc := range cases {
		args := strings.Fields(tc.cmd)
		var b [][]byte
		for _, a := range args {
			b = append(b, []byte(a))
		}
		spec := tbl.Lookup(b[0])
		got := fmt.Sprint(spec.KeyIndexes(b))
		if got != tc.want {
			t.Errorf("%s: keys %s, want %s", tc.cmd, got, tc.want)
		}
	}
	for _, name := range []string{"zunionstore", "zinter", "zmpop", "bzmpop", "zintercard"} {
		if !tbl.Lookup([]byte(name)).Flags.Has(command.MovableKeys) {
			t.Errorf("%s lacks movablekeys", name)
		}
	}
}

// Blocking pops are logged as the non-blocking pop they performed, and
// park the client when every key is empty.
func TestZSetBlockingPopEffects(t *testing.T) {
	tbl := NewTable()
	ks := datastructs.New(datastructs.Options{})
	zrun(t, tbl, ks, "ZADD", "z", "1", "a", "2", "b", "3", "c")

	reply, c := zrun(t, tbl, ks, "BZPOPMAX", "nokey", "z", "0")
	if reply != "*3\r\n$1\r\nz\r\n$1\r\nc\r\n$1\r\n3\r\n" {
		t.Fatalf("BZPOPMAX reply %q", reply)
	}
	if got := effects(c); got != "[ZPOPMAX z]" {
		t.Fatalf("BZPOPMAX logged %s", got)
	}
	_, c = zrun(t, tbl, ks, "BZMPOP", "0", "1", "z", "MIN", "COUNT", "5")
	if got := effects(c); got != "[ZPOPMIN z 5]" {
		t.Fatalf("BZMPOP logged %s", got)
	}
	if ks.DB(0).Exists([]byte("z")) {
		t.Fatal("emptied zset was not deleted")
	}
	reply, c = zrun(t, tbl, ks, "BZPOPMIN", "z", "1.5")
	if reply != "" || c.Client.Block == nil {
		t.Fatalf("BZPOPMIN on an empty key replied %q, block=%v", reply, c.Client.Block)
	}
	if fmt.Sprintf("%d %s", len(c.Client.Block.Keys), c.Client.Block.Keys[0]) != "1 z" || !c.Client.Block.NullArrayOnTimeout {
		t.Fatalf("block request %+v", c.Client.Block)
	}
}

func effects(c *command.Context) string {
	var out []string
	for _, e := range c.Effects.List {
		var parts []string
		for _, a := range e.Args {
			parts = append(parts, string(a))
		}
		out = append(out, strings.Join(parts, " "))
	}
	return fmt.Sprint(out)
}
