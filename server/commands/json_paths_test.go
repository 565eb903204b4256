package commands

import (
	"testing"

	"github.com/aikv/aikv/server/resp"
)

// TestJSONOverlappingPaths checks writes through a JSONPath that matches
// several places, some inside others. The expected replies and documents
// are derived from RedisJSON's source (no RedisJSON server was available):
// redis_json/src/commands.rs (json_clear_command_impl, json_arr_pop_impl,
// json_arr_pop_legacy, json_arr_trim_impl/_legacy, json_arr_insert_impl,
// json_del_command_impl, compare_paths_for_mutation,
// prepare_paths_for_updating) and redis_json/src/ivalue_manager.rs
// (update/do_op skip a location that no longer exists). The ARRPOP $..*
// case is the example in compare_paths_for_mutation's doc comment.
func TestJSONOverlappingPaths(t *testing.T) {
	nested := `{"a":{"a":{"a":1},"b":2},"x":[{"a":[3]}]}`
	arrs := `{"a":[[1,2,3],[4,5,6]]}`
	cases := []struct {
		name, doc, cmd, want, after string
	}{
		// CLEAR: filter first, then location by location in match order;
		// matches below a cleared one are gone and not counted.
		{"clear nested", nested, `JSON.CLEAR k $..a`, `2`, `{"a":{},"x":[{"a":[]}]}`},
		{"clear all", `{"a":[1,[2]],"b":0,"c":{"d":1.5}}`, `JSON.CLEAR k $..*`, `2`, `{"a":[],"b":0,"c":{}}`},
		{"clear root and below", `{"a":[1],"b":2}`, `JSON.CLEAR k $..*`, `2`, `{"a":[],"b":0}`},
		// A location matched twice passed the filter twice: cleared twice.
		{"clear same array twice", `{"a":[[1,2],3]}`, `JSON.CLEAR k $.a[0,0]`, `2`, `{"a":[[],3]}`},
		{"clear same number twice", `{"n":5}`, `JSON.CLEAR k "$['n','n']"`, `2`, `{"n":0}`},
		{"clear nothing", `{"a":[],"b":{},"c":0,"d":"s"}`, `JSON.CLEAR k $.*`, `0`, `{"a":[],"b":{},"c":0,"d":"s"}`},

		// ARRPOP: deeper locations and higher indexes first, replies in
		// match order.
		{"arrpop nested", arrs, `JSON.ARRPOP k $..* -1`, `[[4,5] 3 6 nil nil nil nil nil nil]`, `{"a":[[1,2]]}`},
		{"arrpop nested first", arrs, `JSON.ARRPOP k $..* 0`, `[[2,3] 1 4 nil nil nil nil nil nil]`, `{"a":[[5,6]]}`},
		{"arrpop same twice", arrs, `JSON.ARRPOP k $.a[0,0]`, `[3 2]`, `{"a":[[1],[4,5,6]]}`},
		{"arrpop object in array", `{"a":[{"a":[1,2]}]}`, `JSON.ARRPOP k $..a`, `[{"a":[1]} 2]`, `{"a":[]}`},
		// Legacy: the reply is the last array in that sorted order.
		{"arrpop legacy nested", `{"a":[[1,2],[3,4]]}`, `JSON.ARRPOP k ..* 0`, `[2]`, `{"a":[[4]]}`},
		{"arrpop legacy last empty", `{"a":[1],"b":[]}`, `JSON.ARRPOP k .*`, `nil`, `{"a":[],"b":[]}`},
		// Keys that parse as numbers sort as numbers, higher first, after
		// other keys (RedisJSON compares locations as strings).
		{"arrpop legacy numeric keys", `{"2":[5],"3":[1]}`, `JSON.ARRPOP k .*`, `5`, `{"2":[],"3":[]}`},
		{"arrpop legacy numeric after key", `{"1":[7],"a":[8]}`, `JSON.ARRPOP k .*`, `7`, `{"1":[],"a":[]}`},
		// Rust's usize parser takes a leading '+': "+4" is the number 4.
		{"arrpop legacy plus key", `{"+4":[7],"5":[8],"a":[9]}`, `JSON.ARRPOP k .*`, `7`, `{"+4":[],"5":[],"a":[]}`},

		// ARRTRIM: same order.
		{"arrtrim nested", `{"a":[[1,2],[3,4]]}`, `JSON.ARRTRIM k $..* 1 1`, `[1 1 1 nil nil nil nil]`, `{"a":[[4]]}`},
		{"arrtrim legacy last sorted", `{"b":[1,2,3],"a":[1]}`, `JSON.ARRTRIM k .* 0 1`, `2`, `{"b":[1,2],"a":[1]}`},
		{"arrtrim keys", `{"b":[1,2,3],"a":[1]}`, `JSON.ARRTRIM k $.* 0 1`, `[2 1]`, `{"b":[1,2],"a":[1]}`},

		// ARRINSERT: same order, so an out-of-range index stops at the
		// same place: $.a[1] is changed, $.a[0] fails, $.a is untouched.
		{"arrinsert stops in order", `{"a":[[1],[1,2,3]]}`, `JSON.ARRINSERT k $..* 2 0`, `!ERR index out of bounds`, `{"a":[[1],[1,2,0,3]]}`},
		{"arrinsert nested", `{"a":[[1],[2]]}`, `JSON.ARRINSERT k $..* 0 0`, `[3 2 2 nil nil]`, `{"a":[0,[0,1],[0,2]]}`},
		{"arrinsert legacy last sorted", `{"b":[1,2],"a":[1]}`, `JSON.ARRINSERT k .* 0 0`, `3`, `{"b":[0,1,2],"a":[0,1]}`},

		// DEL: sorted, locations below another dropped; object members are
		// swap-removed, so the order shows in the document.
		{"del nested", nested, `JSON.DEL k $..a`, `2`, `{"x":[{}]}`},
		{"del numeric keys", `{"2":1,"3":2,"a":3,"b":4}`, `JSON.DEL k "$['2','3']"`, `2`, `{"a":3,"b":4}`},
		{"del indexes", `[0,1,2,3,4]`, `JSON.DEL k $[1,3]`, `2`, `[0,2,4]`},
		// The same location twice is deleted twice (the next element).
		{"del same twice", `[0,1,2,3]`, `JSON.DEL k $[0,0]`, `2`, `[2,3]`},
		// A key with a comma looks nested below its prefix (a wart copied).
		{"del comma key", `{"a":{"x":1},"a,b":2}`, `JSON.DEL k $.*`, `1`, `{"a,b":2}`},

		// Scalars cannot nest; a location matched twice changes twice.
		{"numincrby same twice", `{"n":1}`, `JSON.NUMINCRBY k "$['n','n']" 1`, `[2,3]`, `{"n":3}`},
		{"toggle same twice", `{"t":false}`, `JSON.TOGGLE k "$['t','t']"`, `[1 0]`, `{"t":false}`},
		{"numincrby recursive", `{"a":{"a":1},"b":[{"a":2.5}]}`, `JSON.NUMINCRBY k $..a 1`, `[null,2,3.5]`, `{"a":{"a":2},"b":[{"a":3.5}]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newJSONEnv(t)
			if got, _ := e.do(2, "JSON.SET", "k", "$", tc.doc); got != "OK" {
				t.Fatalf("JSON.SET: %s", got)
			}
			args, ok := resp.SplitArgs([]byte(tc.cmd), nil)
			if !ok {
				t.Fatalf("bad command %q", tc.cmd)
			}
			sargs := make([]string, len(args))
			for i, a := range args {
				sargs[i] = string(a)
			}
			if got, _ := e.do(2, sargs...); got != tc.want {
				t.Errorf("%s: got %s, want %s", tc.cmd, got, tc.want)
			}
			if got, _ := e.do(2, "JSON.GET", "k"); got != tc.after {
				t.Errorf("%s: document %s, want %s", tc.cmd, got, tc.after)
			}
			if got, _ := e.do(2, "JSON.DEBUG", "MEMORY", "k"); got != "" {
				fresh := newJSONEnv(t)
				fresh.do(2, "JSON.SET", "k", "$", tc.after)
				if want, _ := fresh.do(2, "JSON.DEBUG", "MEMORY", "k"); got != want {
					t.Errorf("%s: JSON.DEBUG MEMORY %s, a fresh copy has %s", tc.cmd, got, want)
				}
			}
		})
	}
}
