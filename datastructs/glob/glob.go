package glob

// Match reports whether str matches pattern, with Redis's stringmatchlen
// semantics (see the package documentation). With nocase, ASCII letters
// match regardless of case.
func Match(pattern, str []byte, nocase bool) bool {
	skip := false
	return match(pattern, str, nocase, &skip)
}

// MatchString is Match for strings.
func MatchString(pattern, str string, nocase bool) bool {
	skip := false
	return match(pattern, str, nocase, &skip)
}

// MatchKey matches a []byte pattern (a command argument) against a
// string (a stored key) without converting either.
func MatchKey(pattern []byte, key string, nocase bool) bool {
	skip := false
	return match(pattern, key, nocase, &skip)
}

// bytes is a byte sequence: a string or a byte slice.
type bytes interface{ ~string | ~[]byte }

// lower is C's tolower in the "C" locale.
func lower(c int) int {
	if c >= 'A' && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// schar is a byte read as C's (signed) char on the platforms Redis runs on.
func schar(b byte) int { return int(int8(b)) }

// match is stringmatchlen_impl. The C code reads one byte past the end
// of the pattern (the sds NUL terminator); at returns 0 there instead.
func match[P, S bytes](p P, s S, nocase bool, skipLonger *bool) bool {
	at := func(i int) byte {
		if i < len(p) {
			return p[i]
		}
		return 0
	}
	for len(p) > 0 && len(s) > 0 {
		switch p[0] {
		case '*':
			for len(p) > 0 && at(1) == '*' {
				p = p[1:]
			}
			if len(p) == 1 {
				return true
			}
			for len(s) > 0 {
				if match(p[1:], s, nocase, skipLonger) {
					return true
				}
				if *skipLonger {
					return false
				}
				s = s[1:]
			}
			// No match for the rest of the pattern from anywhere in
			// the rest of the string: earlier stars cannot help by
			// matching longer (Redis's CVE-2022-36021 cut-off).
			*skipLonger = true
			return false
		case '?':
			s = s[1:]
		case '[':
			p = p[1:]
			not := at(0) == '^'
			if not {
				p = p[1:]
			}
			matched := false
			for {
				if at(0) == '\\' && len(p) >= 2 {
					p = p[1:]
					if p[0] == s[0] {
						matched = true
					}
				} else if at(0) == ']' {
					break
				} else if len(p) == 0 {
					// Unterminated: the class ran to the end of the
					// pattern (Redis steps back one byte here so that
					// its common advance below leaves it empty).
					break
				} else if len(p) >= 3 && p[1] == '-' {
					start, end, c := schar(p[0]), schar(p[2]), schar(s[0])
					if start > end {
						start, end = end, start
					}
					if nocase {
						start, end, c = lower(start), lower(end), lower(c)
					}
					p = p[2:]
					if c >= start && c <= end {
						matched = true
					}
				} else if !nocase {
					if p[0] == s[0] {
						matched = true
					}
				} else if lower(schar(p[0])) == lower(schar(s[0])) {
					matched = true
				}
				p = p[1:]
			}
			if not {
				matched = !matched
			}
			if !matched {
				return false
			}
			s = s[1:]
		case '\\':
			if len(p) >= 2 {
				p = p[1:]
			}
			fallthrough
		default:
			if !nocase {
				if p[0] != s[0] {
					return false
				}
			} else if lower(schar(p[0])) != lower(schar(s[0])) {
				return false
			}
			s = s[1:]
		}
		if len(p) > 0 { // empty only after an unterminated bracket
			p = p[1:]
		}
		if len(s) == 0 {
			for len(p) > 0 && p[0] == '*' {
				p = p[1:]
			}
			break
		}
	}
	return len(p) == 0 && len(s) == 0
}
