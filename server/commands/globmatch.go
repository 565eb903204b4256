package commands

// scanMatch is the glob matcher behind HSCAN/SSCAN's MATCH option.
// TODO(glob): swap for the shared datastructs/glob matcher once it is
// merged; this one line is the only change needed.
var scanMatch = redisGlobMatch

// redisGlobMatch reports whether s matches pattern with Redis's
// stringmatchlen rules: '*', '?', '[...]' classes with '^' negation and
// 'a-z' ranges (reversed ranges allowed), '\' escapes. It is a direct port
// of Redis 7.0's case-sensitive matcher, including its quirks (e.g. an
// unterminated '[' class matches as if closed at the end of the pattern).
func redisGlobMatch(pattern, s []byte) bool {
	skip := false
	return globMatch(pattern, s, &skip)
}

func globMatch(p, s []byte, skipLonger *bool) bool {
	for len(p) > 0 && len(s) > 0 {
		switch p[0] {
		case '*':
			for len(p) > 1 && p[1] == '*' {
				p = p[1:]
			}
			if len(p) == 1 {
				return true
			}
			for len(s) > 0 {
				if globMatch(p[1:], s, skipLonger) {
					return true
				}
				if *skipLonger {
					return false
				}
				s = s[1:]
			}
			// No match anywhere for the rest of the pattern: longer
			// strings cannot match either (Redis's skipLongerMatches).
			*skipLonger = true
			return false
		case '?':
			s = s[1:]
		case '[':
			p = p[1:]
			not := len(p) > 0 && p[0] == '^'
			if not {
				p = p[1:]
			}
			match := false
			for {
				if len(p) == 0 {
					// Unterminated class: step back so the outer loop's
					// advance ends the pattern (as Redis does).
					p = []byte{0}
					break
				}
				if p[0] == '\\' && len(p) >= 2 {
					p = p[1:]
					if p[0] == s[0] {
						match = true
					}
				} else if p[0] == ']' {
					break
				} else if len(p) >= 3 && p[1] == '-' {
					start, end := p[0], p[2]
					if start > end {
						start, end = end, start
					}
					p = p[2:]
					if s[0] >= start && s[0] <= end {
						match = true
					}
				} else if p[0] == s[0] {
					match = true
				}
				p = p[1:]
			}
			if not {
				match = !match
			}
			if !match {
				return false
			}
			s = s[1:]
		case '\\':
			if len(p) >= 2 {
				p = p[1:]
			}
			fallthrough
		default:
			if p[0] != s[0] {
				return false
			}
			s = s[1:]
		}
		p = p[1:]
		if len(s) == 0 {
			for len(p) > 0 && p[0] == '*' {
				p = p[1:]
			}
			break
		}
	}
	return len(p) == 0 && len(s) == 0
}
