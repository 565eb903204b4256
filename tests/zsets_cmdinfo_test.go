package tests

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/aikv/aikv/server/commands"
)

// TestZSetSpecsMatchRedisCommandInfo compares the sorted-set entries of the
// command table (arity, flags, key positions, ACL categories) with what
// real Redis reports in COMMAND INFO.
func TestZSetSpecsMatchRedisCommandInfo(t *testing.T) {
	r := StartRedis(t).Raw(t)
	tbl := commands.NewTable()
	checked := 0
	for _, s := range tbl.All() {
		if s.Group != "sorted-set" {
			continue
		}
		checked++
		info := r.Do("COMMAND", "INFO", s.Name)
		if len(info.Elems) != 1 || len(info.Elems[0].Elems) < 7 {
			t.Errorf("%s: Redis has no such command: %s", s.Name, info)
			continue
		}
		e := info.Elems[0].Elems
		var rflags, racl []string
		for _, f := range e[2].Elems {
			rflags = append(rflags, f.Str)
		}
		for _, a := range e[6].Elems {
			racl = append(racl, strings.TrimPrefix(a.Str, "@"))
		}
		got := fmt.Sprint(s.Arity, zSorted(s.Flags.Names()), s.FirstKey, s.LastKey, s.Step, zSorted(s.ACL))
		want := fmt.Sprint(zAtoi(e[1].Str), zSorted(rflags), zAtoi(e[3].Str), zAtoi(e[4].Str), zAtoi(e[5].Str), zSorted(racl))
		if got != want {
			t.Errorf("%s:\n  aikv:  %s\n  redis: %s", s.Name, got, want)
		}
	}
	if checked != 35 {
		t.Errorf("checked %d sorted-set commands, want 35", checked)
	}
}

func zSorted(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

func zAtoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
