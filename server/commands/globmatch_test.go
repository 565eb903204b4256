package commands

import "testing"

func TestRedisGlobMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"*", "anything", true},
		{"h?llo", "hello", true},
		{"h?llo", "hllo", false},
		{"h*llo", "hllo", true},
		{"h*llo", "heeeello", true},
		{"h[ae]llo", "hallo", true},
		{"h[ae]llo", "hillo", false},
		{"h[^e]llo", "hallo", true},
		{"h[^e]llo", "hello", false},
		{"h[a-b]llo", "hbllo", true},
		{"h[b-a]llo", "hbllo", true}, // reversed range
		{"h[a-b]llo", "hcllo", false},
		{`h\*llo`, "h*llo", true},
		{`h\*llo`, "hello", false},
		{`h[\]]llo`, "h]llo", true},
		{"h[a", "ha", true}, // unterminated class: Redis's quirk
		{"h[a", "hb", false},
		{"a*", "a", true},
		{"**b", "ab", true},
		{"*b*", "xxbyy", true},
		{"*x", "abc", false},
		{"", "", true},
		{"", "a", false},
		{"a", "", false},
		{"*", "", false}, // stringmatchlen's loop never runs: Redis wart (SCAN disables "*" instead)
		{"?", "", false},
		{`\`, `\`, true},
	} {
		if got := redisGlobMatch([]byte(tc.pattern), []byte(tc.s)); got != tc.want {
			t.Errorf("match(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}
