package commands

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/aikv/aikv/server/command"
)

func TestSortKeys(t *testing.T) {
	tbl := NewTable()
	for _, tc := range []struct {
		cmd  string
		want []int
	}{
		{"sort k", []int{1}},
		{"sort k store a", []int{1, 3}},
		{"sort k store a store b", []int{1, 5}},
		{"sort k STORE", []int{1}},
		{"sort k limit store 1 get store by store", []int{1}},
		{"sort k alpha store d desc", []int{1, 4}},
		{"sort_ro k get # by x", []int{1}},
		{"sort_ro k store d", []int{1}},
	} {
		var args [][]byte
		for _, a := range strings.Fields(tc.cmd) {
			args = append(args, []byte(a))
		}
		spec := tbl.Lookup(args[0])
		if got := spec.KeyIndexes(args); !slices.Equal(got, tc.want) {
			t.Errorf("%s: keys %v, want %v", tc.cmd, got, tc.want)
		}
		if !spec.Flags.Has(command.MovableKeys) { // as Redis reports both
			t.Errorf("%s: not movablekeys", tc.cmd)
		}
	}
}

func TestStrtod(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"", 0, true}, {"1", 1, true}, {" \t2.5", 2.5, true}, {"+.5", .5, true},
		{"-.5e1", -5, true}, {"0x10", 16, true}, {"0X1P3", 8, true}, {"0x.8", .5, true},
		{"inf", math.Inf(1), true}, {"-Infinity", math.Inf(-1), true}, {"00012", 12, true},
		{"2\x00junk", 2, true}, {"\x00x", 0, true}, {"-0", 0, true},
		{"2.2250738585072014e-308", 2.2250738585072014e-308, true},
		{"   ", 0, false}, {"5 ", 0, false}, {"nan", 0, false}, {"1e", 0, false}, {"0x", 0, false},
		{"1_0", 0, false}, {"+-1", 0, false}, {"1e400", 0, false}, {"1e-400", 0, false},
		{"4.9e-324", 0, false}, {"0x1p-1080", 0, false}, {"infinit", 0, false}, {"abc", 0, false},
		{" \x00", 0, false},
	} {
		got, ok := strtod(tc.in)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("strtod(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
