package commands

import (
	"bytes"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/datastructs/hash"
	"github.com/aikv/aikv/datastructs/list"
	"github.com/aikv/aikv/datastructs/set"
	"github.com/aikv/aikv/datastructs/zset"
	"github.com/aikv/aikv/server/command"
)

// SORT and SORT_RO, after Redis 7.0's sort.c.
//
// Redis wart kept: BY and GET patterns make SORT read keys that are not
// named as arguments (the keys formed from the pattern), so their key
// positions cannot be declared; Redis marks them "unknown" in its key
// specs, and so do we by leaving them out.

const errSortScores = "ERR One or more scores can't be converted into double"

func registerSort(t *command.Table) {
	acl := []string{"set", "sortedset", "list", "slow", "dangerous"}
	t.Add(
		&command.Spec{Name: "sort", Arity: -2, Flags: command.Write | command.DenyOOM,
			FirstKey: 1, LastKey: 1, Step: 1, Keys: sortKeys,
			ACL: append([]string{"write"}, acl...), Group: "generic",
			Summary:    "Sort the elements in a list, set or sorted set",
			Since:      "1.0.0",
			Complexity: "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).",
			Handler:    func(c *command.Context) { sortGeneric(c, false) }},
		&command.Spec{Name: "sort_ro", Arity: -2, Flags: command.ReadOnly,
			FirstKey: 1, LastKey: 1, Step: 1,
			// SORT_RO has no STORE key, but Redis reports it movablekeys
			// too because of the BY/GET keys it may read.
			Keys: func([][]byte) []int { return []int{1} },
			ACL:  append([]string{"read"}, acl...), Group: "generic",
			Summary:    "Sort the elements in a list, set or sorted set. Read-only variant of SORT.",
			Since:      "7.0.0",
			Complexity: "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).",
			Handler:    func(c *command.Context) { sortGeneric(c, true) }},
	)
}

// sortKeys is Redis's sortGetKeys: the sorted key plus the last STORE
// destination. Unknown words are taken to have no argument; LIMIT skips
// two, GET and BY one.
func sortKeys(args [][]byte) []int {
	if len(args) < 2 {
		return nil
	}
	keys := []int{1}
	store := 0
	for i := 2; i < len(args); i++ {
		switch {
		case eq(args[i], "limit"):
			i += 2
		case eq(args[i], "get"), eq(args[i], "by"):
			i++
		case eq(args[i], "store") && i+1 < len(args):
			store = i + 1
		}
	}
	if store > 0 {
		keys = append(keys, store)
	}
	return keys
}

// sortItem is one element of the vector to sort (Redis's redisSortObject).
type sortItem struct {
	obj   string
	score float64
	cmp   *string // ALPHA with BY: the BY value, nil when missing
}

func sortGeneric(c *command.Context, readonly bool) {
	var (
		desc, alpha, dontsort bool
		limitStart            int64
		limitCount            int64 = -1
		sortBy, storeKey      []byte
		gets                  [][]byte
	)
	args := c.Args
	for j := 2; j < len(args); j++ {
		left := len(args) - j - 1
		a := args[j]
		switch {
		case eq(a, "asc"):
			desc = false
		case eq(a, "desc"):
			desc = true
		case eq(a, "alpha"):
			alpha = true
		case eq(a, "limit") && left >= 2:
			var ok bool
			if limitStart, ok = intArg(c, args[j+1]); !ok {
				return
			}
			if limitCount, ok = intArg(c, args[j+2]); !ok {
				return
			}
			j += 2
		case !readonly && eq(a, "store") && left >= 1:
			storeKey = args[j+1]
			j++
		case eq(a, "by") && left >= 1:
			sortBy = args[j+1]
			// No '*' in the pattern: nothing to sort by. Redis wart kept:
			// once set this sticks, even if a later BY has a '*'.
			if bytes.IndexByte(cstr(sortBy), '*') < 0 {
				dontsort = true
			}
			j++
		case eq(a, "get") && left >= 1:
			gets = append(gets, args[j+1])
			j++
		default:
			c.W.Error(command.ErrSyntax)
			return
		}
	}

	e := c.DB.Lookup(args[1])
	var vector []sortItem
	kind := datastructs.TypeList
	if e != nil {
		kind = e.Type()
		switch v := e.Obj().(type) {
		case *list.List:
			vector = make([]sortItem, 0, v.Len())
			if v.Len() > 0 {
				v.Range(0, v.Len()-1, func(_ int, s string) bool {
					vector = append(vector, sortItem{obj: s})
					return true
				})
			}
		case *set.Set:
			vector = make([]sortItem, 0, v.Len())
			v.Range(func(m string) bool {
				vector = append(vector, sortItem{obj: m})
				return true
			})
		case *zset.ZSet:
			// Redis "destructively converts encoded sorted sets for SORT".
			v.ConvertToSkiplist()
			vector = make([]sortItem, 0, v.Len())
			v.Range(0, v.Len()-1, false, func(m string, _ float64) bool {
				vector = append(vector, sortItem{obj: m})
				return true
			})
		default:
			c.W.Error(datastructs.ErrWrongType.Error())
			return
		}
	}

	// Sorting a set without sorting would give an order that depends on
	// the hash table; with STORE Redis sorts it ALPHA so the stored list
	// (and its replication) is deterministic.
	if dontsort && kind == datastructs.TypeSet && storeKey != nil {
		dontsort, alpha, sortBy = false, true, nil
	}
	// Lists and sorted sets keep their own order when not sorted; DESC
	// then walks them from the end.
	if dontsort && desc && kind != datastructs.TypeSet {
		slices.Reverse(vector)
	}

	n := int64(len(vector))
	start := min(max(limitStart, 0), n)
	limitCount = min(max(limitCount, -1), n)
	end := n - 1
	if limitCount >= 0 {
		end = start + limitCount - 1
	}
	if start >= n {
		start, end = n-1, n-2
	}
	if end >= n {
		end = n - 1
	}

	if !dontsort {
		convErr := false
		for i := range vector {
			by := vector[i].obj
			if sortBy != nil {
				v, ok := sortLookup(c, sortBy, vector[i].obj)
				if !ok {
					continue
				}
				by = v
			}
			if alpha {
				if sortBy != nil {
					vector[i].cmp = &by
				}
			} else {
				f, ok := strtod(by)
				if !ok {
					convErr = true
				}
				vector[i].score = f
			}
		}
		if convErr {
			c.W.Error(errSortScores)
			return
		}
		cmp := sortCompare(alpha, sortBy != nil, storeKey != nil)
		if desc {
			slices.SortStableFunc(vector, func(a, b sortItem) int { return -cmp(&a, &b) })
		} else {
			slices.SortStableFunc(vector, func(a, b sortItem) int { return cmp(&a, &b) })
		}
	}

	count := end - start + 1
	outputLen := count
	if len(gets) > 0 {
		outputLen = int64(len(gets)) * count
	}
	if storeKey == nil {
		c.W.Array(int(outputLen))
		for j := start; j <= end; j++ {
			if len(gets) == 0 {
				c.W.BulkString(vector[j].obj)
			}
			for _, g := range gets {
				if v, ok := sortLookup(c, g, vector[j].obj); ok {
					c.W.BulkString(v)
				} else {
					c.W.Null()
				}
			}
		}
		return
	}
	out := list.New()
	for j := start; j <= end; j++ {
		if len(gets) == 0 {
			out.PushBack(vector[j].obj)
		}
		for _, g := range gets {
			v, _ := sortLookup(c, g, vector[j].obj) // missing: ""
			out.PushBack(v)
		}
	}
	if outputLen > 0 {
		c.DB.SetValue(storeKey, out, 0, false)
		c.Notify(command.NotifyList, "sortstore", storeKey)
	} else if c.DB.Delete(storeKey) {
		c.Notify(command.NotifyGeneric, "del", storeKey)
	}
	c.W.Int(outputLen)
}

// sortCompare returns Redis's sortCompare for the options (before DESC
// is applied).
func sortCompare(alpha, byPattern, store bool) func(a, b *sortItem) int {
	switch {
	case !alpha:
		// Equal scores fall back to comparing the elements so the result
		// is deterministic.
		return func(a, b *sortItem) int {
			switch {
			case a.score > b.score:
				return 1
			case a.score < b.score:
				return -1
			}
			return strings.Compare(a.obj, b.obj)
		}
	case byPattern:
		return func(a, b *sortItem) int {
			if a.cmp == nil || b.cmp == nil {
				switch {
				case a.cmp == b.cmp:
					return 0
				case a.cmp == nil:
					return -1
				}
				return 1
			}
			if store {
				return strings.Compare(*a.cmp, *b.cmp)
			}
			return collate(*a.cmp, *b.cmp)
		}
	case store:
		return func(a, b *sortItem) int { return strings.Compare(a.obj, b.obj) }
	default:
		return func(a, b *sortItem) int { return collate(a.obj, b.obj) }
	}
}

// collate is strcoll in the C/C.UTF-8 locale: a byte comparison of the C
// strings (up to the first NUL byte). Redis uses it for ALPHA without
// STORE, so elements differing only after a NUL compare equal.
func collate(a, b string) int {
	if i := strings.IndexByte(a, 0); i >= 0 {
		a = a[:i]
	}
	if i := strings.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return strings.Compare(a, b)
}

// cstr is b up to its first NUL byte: what Redis's C string functions
// (strchr, strstr, strtod) see of an argument.
func cstr(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i]
	}
	return b
}

// sortLookup is Redis's lookupKeyByPattern: "#" is the element itself;
// otherwise the first '*' is replaced by the element, and a "->field"
// suffix after it (with a non-empty field) reads that hash field instead
// of a string key. A pattern without '*', a missing key or field, or a key
// of another type gives ok=false.
func sortLookup(c *command.Context, pattern []byte, elem string) (string, bool) {
	if len(cstr(pattern)) == 1 && pattern[0] == '#' {
		return elem, true
	}
	star := bytes.IndexByte(cstr(pattern), '*')
	if star < 0 {
		return "", false
	}
	keyPat, field := pattern, []byte(nil)
	if f := bytes.Index(cstr(pattern[star+1:]), []byte("->")); f >= 0 {
		f += star + 1
		if f+2 < len(pattern) && pattern[f+2] != 0 {
			keyPat, field = pattern[:f], pattern[f+2:]
		}
	}
	key := make([]byte, 0, len(keyPat)-1+len(elem))
	key = append(key, keyPat[:star]...)
	key = append(key, elem...)
	key = append(key, keyPat[star+1:]...)
	e := c.DB.Lookup(key)
	if e == nil {
		return "", false
	}
	if field == nil {
		return e.Str()
	}
	h, ok := e.Obj().(*hash.Hash)
	if !ok {
		return "", false
	}
	return h.Get(field)
}

// strtod converts s like C's strtod as SORT uses it: leading white space
// is skipped, decimal and hexadecimal forms, inf and infinity are
// accepted, parsing stops at a NUL byte, and the whole rest must be
// consumed. NaN and results out of range (overflow, and underflow to zero
// or a subnormal, where glibc sets ERANGE) are errors. The empty string
// converts to 0 (strtod consumes nothing and stops on the terminator).
func strtod(s string) (float64, bool) {
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	if s == "" {
		return 0, true
	}
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	if s == "" || strings.ContainsRune(s, '_') {
		return 0, false
	}
	body := strings.TrimLeft(s, "+-")
	if len(s)-len(body) > 1 {
		return 0, false
	}
	lower := strings.ToLower(body)
	if lower == "inf" || lower == "infinity" {
		if s[0] == '-' {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	}
	if lower == "" || (lower[0] != '.' && (lower[0] < '0' || lower[0] > '9')) {
		return 0, false // no number (Go would accept "nan" and "inf" forms)
	}
	mant := lower
	hex := strings.HasPrefix(lower, "0x")
	if hex {
		if i := strings.IndexByte(lower, 'p'); i >= 0 {
			mant = lower[2:i]
		} else {
			mant = lower[2:]
			s += "p0" // Go needs the binary exponent
		}
	} else if i := strings.IndexByte(lower, 'e'); i >= 0 {
		mant = lower[:i]
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) {
		return 0, false
	}
	if f == 0 {
		digits := "123456789"
		if hex {
			digits = "123456789abcdef"
		}
		if strings.ContainsAny(mant, digits) {
			return 0, false // underflow
		}
	} else if math.Abs(f) < 0x1p-1022 && !math.IsInf(f, 0) {
		return 0, false // subnormal
	}
	return f, true
}
