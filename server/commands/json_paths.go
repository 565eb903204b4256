package commands

import (
	"slices"
	"strconv"
	"strings"

	"github.com/aikv/aikv/datastructs/jsonval"
)

// How RedisJSON applies a write to a JSONPath that matches several places,
// from redis_json/src/commands.rs (find_paths, compare_paths_for_mutation,
// sort_paths_for_mutation, prepare_paths_for_updating) and
// redis_json/src/ivalue_manager.rs (do_op/update):
//
//   - The matches are found, and filtered by type, once, before anything
//     changes; each is kept as a location (a list of keys and indexes).
//   - Each change then walks its location from the root again. A location
//     that no longer exists (an ancestor was cleared, or popped) is
//     skipped without error.
//   - JSON.CLEAR works in match order. JSON.ARRPOP, JSON.ARRTRIM and
//     JSON.ARRINSERT first sort the locations so that no change moves a
//     later one (longer paths before their prefixes, higher indexes
//     first) and put each reply back at its match's position; the legacy
//     forms reply with the last location in that sorted order. JSON.DEL
//     sorts the same way and drops locations below another one.

// jsonSegNum is how compare_paths_for_mutation sees a path element: its
// locations are strings, so an object key that parses as a Rust usize
// ("7", "+7") compares as a number, like an array index (a wart copied).
func jsonSegNum(s jsonval.Seg) (uint64, bool) {
	if s.IsIndex {
		return uint64(s.Index), true
	}
	k := strings.TrimPrefix(s.Key, "+") // Rust's from_str takes one '+'
	n, err := strconv.ParseUint(k, 10, 64)
	return n, err == nil && k != ""
}

// jsonComparePaths is RedisJSON's compare_paths_for_mutation: a path
// sorts before its prefixes, keys sort bytewise before numbers, and
// numbers sort higher first.
func jsonComparePaths(a, b []jsonval.Seg) int {
	for i := 0; ; i++ {
		switch {
		case i == len(a) && i == len(b):
			return 0
		case i == len(b):
			return -1
		case i == len(a):
			return 1
		}
		x, xn := jsonSegNum(a[i])
		y, yn := jsonSegNum(b[i])
		switch {
		case !xn && !yn:
			if c := strings.Compare(a[i].Key, b[i].Key); c != 0 {
				return c
			}
		case xn && !yn:
			return 1
		case !xn && yn:
			return -1
		case x != y:
			if x > y {
				return -1
			}
			return 1
		}
	}
}

// jsonTarget is a match to change: its location and its position among
// the matches (where its reply goes).
type jsonTarget struct {
	at   int
	path []jsonval.Seg
}

// jsonMutationTargets is find_all_paths followed by
// sort_paths_for_mutation: the matches whose node passes keep (judged
// before any change), in the order RedisJSON changes them.
func jsonMutationTargets(ms []jsonval.Match, keep func(*jsonval.Node) bool) []jsonTarget {
	var ts []jsonTarget
	for i, m := range ms {
		if keep(m.Node) {
			ts = append(ts, jsonTarget{i, m.Path})
		}
	}
	slices.SortStableFunc(ts, func(a, b jsonTarget) int { return jsonComparePaths(a.path, b.path) })
	return ts
}

// jsonJoinPath is a location as prepare_paths_for_updating compares it:
// its elements joined with ",".
func jsonJoinPath(p []jsonval.Seg) string {
	var b strings.Builder
	for i, s := range p {
		if i > 0 {
			b.WriteByte(',')
		}
		if s.IsIndex {
			b.WriteString(strconv.Itoa(s.Index))
		} else {
			b.WriteString(s.Key)
		}
	}
	return b.String()
}

// jsonSortForDelete is RedisJSON's prepare_paths_for_updating: the
// locations in compare_paths_for_mutation order, without those below
// another matched location. Like RedisJSON it compares the locations
// joined with ",", so a key holding a comma can look nested ({"a":..,
// "a,b":..} with $.* deletes only "a": a wart copied); equal locations
// all stay.
func jsonSortForDelete(ms []jsonval.Match) [][]jsonval.Seg {
	paths := make([][]jsonval.Seg, len(ms))
	joined := make(map[string]bool, len(ms))
	for i, m := range ms {
		paths[i] = m.Path
		joined[jsonJoinPath(m.Path)] = true
	}
	slices.SortStableFunc(paths, jsonComparePaths)
	out := paths[:0]
	for _, p := range paths {
		s := jsonJoinPath(p)
		nested := false
		for k := 0; k < len(s) && !nested; k++ {
			nested = s[k] == ',' && joined[s[:k]]
		}
		if !nested {
			out = append(out, p)
		}
	}
	return out
}
