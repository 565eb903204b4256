package tests

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aikv/aikv/server/commands"
)

// TestHashSetSpecsMatchRedis compares the command table's metadata for the
// hash and set commands (arity, flags, key positions, ACL categories) with
// real Redis's COMMAND INFO.
func TestHashSetSpecsMatchRedis(t *testing.T) {
	r := StartRedis(t)
	c := r.Client(t)
	ctx := Ctx(t)
	table := commands.NewTable()
	names := []string{"hset", "hsetnx", "hget", "hmget", "hmset", "hdel", "hexists", "hlen", "hstrlen",
		"hkeys", "hvals", "hgetall", "hincrby", "hincrbyfloat", "hrandfield", "hscan",
		"sadd", "srem", "sismember", "smismember", "smembers", "scard", "spop", "srandmember", "smove",
		"sunion", "sinter", "sintercard", "sdiff", "sunionstore", "sinterstore", "sdiffstore", "sscan"}
	for _, name := range names {
		res, err := c.Do(ctx, "COMMAND", "INFO", name).Slice()
		if err != nil || len(res) != 1 {
			t.Fatalf("COMMAND INFO %s: %v %v", name, res, err)
		}
		info := res[0].([]any)
		spec := table.Lookup([]byte(name))
		if spec == nil {
			t.Errorf("%s: not in the table", name)
			continue
		}
		want := fmt.Sprintf("arity=%d flags=%s keys=%d,%d,%d acl=%s",
			info[1], sortedStrings(info[2], ""), info[3], info[4], info[5], sortedStrings(info[6], "@"))
		acl := append([]string(nil), spec.ACL...)
		sort.Strings(acl)
		flags := spec.Flags.Names()
		sort.Strings(flags)
		got := fmt.Sprintf("arity=%d flags=%s keys=%d,%d,%d acl=%s",
			spec.Arity, strings.Join(flags, ","), spec.FirstKey, spec.LastKey, stepOf(spec.FirstKey, spec.Step),
			strings.Join(acl, ","))
		if got != want {
			t.Errorf("%s:\n  aikv:  %s\n  redis: %s", name, got, want)
		}
		if spec.Group == "" || spec.Summary == "" || spec.Since == "" {
			t.Errorf("%s: missing documentation", name)
		}
	}
	// SINTERCARD's movable keys.
	spec := table.Lookup([]byte("sintercard"))
	if got := spec.KeyIndexes(bargs("SINTERCARD", "2", "a", "b", "LIMIT", "1")); fmt.Sprint(got) != "[2 3]" {
		t.Errorf("SINTERCARD key indexes = %v", got)
	}
	if got := spec.KeyIndexes(bargs("SINTERCARD", "3", "a")); got != nil {
		t.Errorf("SINTERCARD bad numkeys: key indexes = %v", got)
	}
}

// stepOf reports the step as COMMAND INFO does (0 for keyless commands).
func stepOf(first, step int) int {
	if first == 0 {
		return 0
	}
	return step
}

func sortedStrings(v any, trim string) string {
	var out []string
	for _, e := range v.([]any) {
		out = append(out, strings.TrimPrefix(fmt.Sprint(e), trim))
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

func bargs(s ...string) [][]byte {
	out := make([][]byte, len(s))
	for i, a := range s {
		out[i] = []byte(a)
	}
	return out
}
