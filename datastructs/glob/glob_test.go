package glob

import (
	"testing"
)

// The expectations below were checked against redis-server 7.0.15 (KEYS
// with a single key in the database, which calls stringmatchlen).
var cases = []struct {
	pattern, str string
	nocase       bool
	want         bool
}{
	{"", "", false, true},
	{"", "a", false, false},
	{"*", "", false, false}, // Redis wart: a non-empty pattern never matches ""
	{"**", "", false, false},
	{"*", "abc", false, true},
	{"**", "abc", false, true},
	{"a*", "a", false, true},
	{"a*", "abc", false, true},
	{"a**", "a", false, true},
	{"*c", "abc", false, true},
	{"*c", "abd", false, false},
	{"a*c", "ac", false, true},
	{"a*c", "abbbc", false, true},
	{"a*c*", "abcd", false, true},
	{"a*b*c", "aXbYc", false, true},
	{"a*b*c", "aXcYb", false, false},
	{"?", "a", false, true},
	{"?", "", false, false},
	{"?", "ab", false, false},
	{"a?c", "abc", false, true},
	{"??", "\xff\x00", false, true},
	{"[abc]", "b", false, true},
	{"[abc]", "d", false, false},
	{"[^abc]", "d", false, true},
	{"[^abc]", "a", false, false},
	{"[a-c]", "b", false, true},
	{"[c-a]", "b", false, true}, // reversed range
	{"[a-c]", "d", false, false},
	{"[a-]", "]", false, true}, // "a-]" is the range a..] (Redis wart)
	{"[a-]", "-", false, false},
	{"[a-]x", "-", false, false},
	{"[]", "a", false, false},
	{"[]", "]", false, false},
	{"[^]", "a", false, true},
	{"[]]", "]", false, false}, // "[]" then literal "]": needs two bytes
	{"[]]", "a]", false, false},
	{"[abc", "a", false, true}, // unterminated class runs to the end
	{"[abc", "ab", false, false},
	{"[", "a", false, false},
	{"[^", "a", false, true},
	{"[\\]]", "]", false, true},
	{"[\\-]", "-", false, true},
	{"[a\\-z]", "b", false, false},
	{"[a\\-z]", "-", false, true},
	{"\\*", "*", false, true},
	{"\\*", "a", false, false},
	{"\\?", "?", false, true},
	{"\\[a]", "[a]", false, true},
	{"\\", "\\", false, true},
	{"a\\", "a\\", false, true},
	{"\\\\", "\\", false, true},
	{"[\\", "\\", false, true},
	{"h[ae]llo", "hello", false, true},
	{"h[ae]llo", "hillo", false, false},
	{"h*llo", "heeeello", false, true},
	{"user:*:name", "user:42:name", false, true},
	{"user:*:name", "user:42:mail", false, false},
	{"ABC", "abc", false, false},
	{"ABC", "abc", true, true},
	{"a*C", "Abc", true, true},
	{"[A-C]", "b", true, true},
	{"[a-c]", "B", true, true},
	{"[\\A]", "a", true, false}, // escaped bytes in brackets ignore nocase
	{"[A]", "a", true, true},
	{"\xe9", "\xc9", true, false}, // only ASCII folds
	{"[\x80-\xff]", "a", false, false},
	{"[\x80-a]", "\x90", false, true}, // signed char: 0x80 < 0x90 < 'a'
	{"[\x80-a]", "0", false, true},
	{"[a-\x80]", "\x00", false, true},
	{"[\x01-\x7f]", "\x80", false, false},
	{"a\x00b", "a\x00b", false, true},
	{"a[\x00]b", "a\x00b", false, true},
	{"*a*a*a*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false, false},
}

func TestMatchTable(t *testing.T) {
	for _, tc := range cases {
		if got := Match([]byte(tc.pattern), []byte(tc.str), tc.nocase); got != tc.want {
			t.Errorf("Match(%q, %q, nocase=%v) = %v, want %v", tc.pattern, tc.str, tc.nocase, got, tc.want)
		}
		if got := MatchString(tc.pattern, tc.str, tc.nocase); got != tc.want {
			t.Errorf("MatchString(%q, %q, nocase=%v) = %v, want %v", tc.pattern, tc.str, tc.nocase, got, tc.want)
		}
		if got := MatchKey([]byte(tc.pattern), tc.str, tc.nocase); got != tc.want {
			t.Errorf("MatchKey(%q, %q, nocase=%v) = %v, want %v", tc.pattern, tc.str, tc.nocase, got, tc.want)
		}
		if got := reference(tc.pattern, tc.str, tc.nocase); got != tc.want {
			t.Errorf("reference(%q, %q, nocase=%v) = %v, want %v", tc.pattern, tc.str, tc.nocase, got, tc.want)
		}
	}
}

// TestManyStars makes sure the skip-longer-matches cut-off keeps
// pathological patterns fast (without it this takes astronomically long).
func TestManyStars(t *testing.T) {
	p := ""
	for i := 0; i < 60; i++ {
		p += "*a"
	}
	p += "*b"
	s := make([]byte, 2000)
	for i := range s {
		s[i] = 'a'
	}
	if Match([]byte(p), s, false) {
		t.Fatal("matched without a b")
	}
	s[len(s)-1] = 'b'
	if !Match([]byte(p), s, false) {
		t.Fatal("did not match")
	}
}

// token is one element of a pattern for the reference matcher.
type token struct {
	kind byte // '*', '?', 'c' (class) or 'l' (literal)
	lit  byte
	pred func(b byte, nocase bool) bool
}

// tokenize splits a pattern into tokens following Redis's parsing rules,
// written independently of the matcher's pointer walk.
func tokenize(p string) []token {
	var out []token
	for i := 0; i < len(p); {
		switch p[i] {
		case '*':
			out = append(out, token{kind: '*'})
			i++
		case '?':
			out = append(out, token{kind: '?'})
			i++
		case '\\':
			if i+1 < len(p) {
				out = append(out, token{kind: 'l', lit: p[i+1]})
				i += 2
			} else {
				out = append(out, token{kind: 'l', lit: '\\'})
				i++
			}
		case '[':
			i++
			neg := i < len(p) && p[i] == '^'
			if neg {
				i++
			}
			var items []func(b byte, nocase bool) bool
			for {
				if i+1 < len(p) && p[i] == '\\' {
					x := p[i+1]
					items = append(items, func(b byte, _ bool) bool { return b == x })
					i += 2
				} else if i < len(p) && p[i] == ']' {
					i++
					break
				} else if i >= len(p) {
					break
				} else if i+2 < len(p) && p[i+1] == '-' {
					lo, hi := int(int8(p[i])), int(int8(p[i+2]))
					if lo > hi {
						lo, hi = hi, lo
					}
					items = append(items, func(b byte, nocase bool) bool {
						l, h, c := lo, hi, int(int8(b))
						if nocase {
							l, h, c = lower(l), lower(h), lower(c)
						}
						return c >= l && c <= h
					})
					i += 3
				} else {
					x := p[i]
					items = append(items, func(b byte, nocase bool) bool {
						return b == x || (nocase && lower(int(x)) == lower(int(b)))
					})
					i++
				}
			}
			out = append(out, token{kind: 'c', pred: func(b byte, nocase bool) bool {
				in := false
				for _, f := range items {
					if f(b, nocase) {
						in = true
					}
				}
				return in != neg
			}})
		default:
			out = append(out, token{kind: 'l', lit: p[i]})
			i++
		}
	}
	return out
}

// reference is a plain dynamic-programming glob matcher over tokens, with
// Redis's one special case: a non-empty pattern never matches "".
func reference(p, s string, nocase bool) bool {
	if s == "" {
		return p == ""
	}
	toks := tokenize(p)
	// ok[i][j]: toks[i:] matches s[j:].
	ok := make([][]bool, len(toks)+1)
	for i := range ok {
		ok[i] = make([]bool, len(s)+1)
	}
	ok[len(toks)][len(s)] = true
	for i := len(toks) - 1; i >= 0; i-- {
		for j := len(s); j >= 0; j-- {
			t := toks[i]
			switch t.kind {
			case '*':
				ok[i][j] = ok[i+1][j] || (j < len(s) && ok[i][j+1])
			case '?':
				ok[i][j] = j < len(s) && ok[i+1][j+1]
			case 'c':
				ok[i][j] = j < len(s) && t.pred(s[j], nocase) && ok[i+1][j+1]
			case 'l':
				ok[i][j] = j < len(s) && (s[j] == t.lit || (nocase && lower(int(s[j])) == lower(int(t.lit)))) && ok[i+1][j+1]
			}
		}
	}
	return ok[0][0]
}

func FuzzMatch(f *testing.F) {
	for _, tc := range cases {
		f.Add(tc.pattern, tc.str, tc.nocase)
	}
	f.Fuzz(func(t *testing.T, pattern, str string, nocase bool) {
		if len(pattern) > 64 || len(str) > 64 {
			return
		}
		got := Match([]byte(pattern), []byte(str), nocase)
		if want := reference(pattern, str, nocase); got != want {
			t.Fatalf("Match(%q, %q, nocase=%v) = %v, reference says %v", pattern, str, nocase, got, want)
		}
	})
}
