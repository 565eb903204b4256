// Package glob implements Redis's glob-style pattern matcher
// (stringmatchlen in Redis's util.c), used by KEYS, SCAN MATCH, CONFIG GET
// and PSUBSCRIBE.
//
// The syntax is:
//
//   - any sequence of bytes
//     ?        any single byte
//     [abc]    one byte from the set; [^abc] one byte not in it
//     [a-z]    one byte in the range (the ends may be given in either order)
//     \x       the byte x literally (also inside brackets)
//
// Match is byte-for-byte compatible with Redis 7.0, including its quirks,
// which are copied on purpose so that patterns behave identically:
//
//   - A non-empty pattern never matches the empty string, not even "*"
//     (KEYS and SCAN special-case the exact pattern "*" before calling
//     the matcher, so "*" still lists an empty key there).
//   - An unterminated bracket ("[abc") runs to the end of the pattern.
//   - "[]" matches nothing and "[^]" matches any byte.
//   - Inside brackets "x-y" is a range whenever two more pattern bytes
//     follow x, even when y is ']' ("[a-]" is the range 'a'..']').
//   - Range ends and the subject byte are compared as C's signed char,
//     so bytes >= 0x80 sort before ASCII in a range.
//   - Case folding (Nocase) only folds ASCII A-Z, as tolower in the C
//     locale does, and does not apply to escaped bytes inside brackets.
//
// Matching is the recursive backtracking algorithm of Redis with its
// "skip longer matches" cut-off, so patterns with many stars stay
// polynomial. The package has no state and is safe for concurrent use.
//
// Example:
//
//	glob.Match([]byte("user:*"), []byte("user:42"), false) // true
package glob
