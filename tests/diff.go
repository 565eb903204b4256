package tests

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aikv/aikv/server/resp"
)

// A differential script is a text file of commands, one per line, written
// like redis-cli input (double-quoted args with \xHH escapes allowed).
// Blank lines and lines starting with '#' are ignored. A line may start
// with directives:
//
//	!sort   compare the reply with aggregate elements sorted (SMEMBERS...)
//	!shape  compare only the reply's structure and types (TIME, CLIENT ID)
//	!skip   run the command on both servers but do not compare replies
//
// Each script runs on a fresh connection to each server after FLUSHALL.

// scriptLine is one parsed line.
type scriptLine struct {
	num       int
	text      string
	args      []string
	sortReply bool
	shapeOnly bool
	skipReply bool
}

func parseScript(t testing.TB, path string) []scriptLine {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []scriptLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if text == "!sort" || text == "!shape" || text == "!skip" {
			t.Fatalf("%s:%d: directive %s must be followed by the command on the same line", path, n, text)
		}
		l := scriptLine{num: n, text: text}
		for {
			switch {
			case strings.HasPrefix(text, "!sort "):
				l.sortReply = true
			case strings.HasPrefix(text, "!shape "):
				l.shapeOnly = true
			case strings.HasPrefix(text, "!skip "):
				l.skipReply = true
			default:
				goto parsed
			}
			text = strings.TrimSpace(text[strings.IndexByte(text, ' '):])
		}
	parsed:
		args, ok := resp.SplitArgs([]byte(text), nil)
		if !ok || len(args) == 0 {
			t.Fatalf("%s:%d: cannot parse %q", path, n, text)
		}
		for _, a := range args {
			l.args = append(l.args, string(a))
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// RunDiffScript runs a script against both servers and reports every
// reply that differs.
func RunDiffScript(t *testing.T, aikv, redis *Handle, path string) {
	t.Helper()
	lines := parseScript(t, path)
	a, r := aikv.Raw(t), redis.Raw(t)
	for _, c := range []*RawConn{a, r} {
		c.Do("FLUSHALL")
	}
	mismatches := 0
	for _, l := range lines {
		ra, rr := a.Do(l.args...), r.Do(l.args...)
		if l.skipReply {
			continue
		}
		ga, gr := ra.String(), rr.String()
		switch {
		case l.shapeOnly:
			ga, gr = ra.Shape(), rr.Shape()
		case l.sortReply:
			ga, gr = ra.Sorted().String(), rr.Sorted().String()
		}
		if ga != gr {
			mismatches++
			t.Errorf("%s:%d: %s\n  aikv:  %s\n  redis: %s", path, l.num, l.text, ga, gr)
			if mismatches > 30 {
				t.Fatal("too many mismatches")
			}
		}
	}
}

// RunScriptDir runs each script matching pattern (e.g. "testdata/notify/*.txt") as a subtest,
// against one fresh AiKv (appendonly off) and one real Redis shared by all of them. It skips
// when redis-server is missing (StartRedis does) and fails when no script matches.
func RunScriptDir(t *testing.T, pattern string, run func(t *testing.T, aikv, redis *Handle, file string)) {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts match %s: %v", pattern, err)
	}
	redis := StartRedis(t)
	aikv := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		t.Run(name, func(t *testing.T) { run(t, aikv, redis, f) })
	}
}

// CompareStreams fails t at the first line where got (AiKv) and want (Redis) differ, logging
// up to context lines of each stream around it.
func CompareStreams(t *testing.T, file string, got, want []string, context int) {
	t.Helper()
	for i := 0; i < max(len(got), len(want)); i++ {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g == w {
			continue
		}
		t.Errorf("%s: stream differs at %d:\n  aikv:  %s\n  redis: %s", file, i, g, w)
		for j := max(0, i-context); j < min(i+context, len(want)); j++ {
			t.Logf("redis[%d] %s", j, want[j])
		}
		for j := max(0, i-context); j < min(i+context, len(got)); j++ {
			t.Logf("aikv[%d] %s", j, got[j])
		}
		return
	}
}
