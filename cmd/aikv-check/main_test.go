package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aikv/aikv/aof"
)

// makeLog writes n records into a new log directory.
func makeLog(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	l, err := aof.Open(aof.Options{Dir: dir, Fsync: aof.FsyncNo})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if err := l.Wait(l.Append(aof.Record{Time: int64(i), Cmds: []aof.Cmd{{Args: [][]byte{[]byte("SET"), []byte("k"), []byte("v")}}}})); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func runCheck(t *testing.T, stdin string, args ...string) (int, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String() + errOut.String()
}

// tear cuts the last 3 bytes off the log's only segment.
func tear(t *testing.T, dir string) {
	t.Helper()
	seg := filepath.Join(dir, "00000000000000000001")
	fi, err := os.Stat(seg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(seg, fi.Size()-3); err != nil {
		t.Fatal(err)
	}
}

func TestAOFCheck(t *testing.T) {
	dir := makeLog(t, 10)
	if code, out := runCheck(t, "", "aof", dir); code != 0 || !strings.Contains(out, "10 valid record(s)") || !strings.Contains(out, "OK") {
		t.Fatalf("good log: exit %d\n%s", code, out)
	}

	tear(t, dir)
	code, out := runCheck(t, "", "aof", dir)
	if code != 1 || !strings.Contains(out, "torn tail") || !strings.Contains(out, "9 valid record(s)") {
		t.Fatalf("torn log: exit %d\n%s", code, out)
	}
	// --fix asks; "n" leaves the log alone.
	code, out = runCheck(t, "n\n", "aof", dir, "--fix")
	if code != 1 || !strings.Contains(out, "continue? [y/N]") || !strings.Contains(out, "not fixed") {
		t.Fatalf("--fix answered no: exit %d\n%s", code, out)
	}
	if code, _ := runCheck(t, "", "aof", dir); code != 1 {
		t.Fatal("answering no changed the log")
	}
	code, out = runCheck(t, "y\n", "aof", dir, "--fix")
	if code != 0 || !strings.Contains(out, "cut 1 record(s)") {
		t.Fatalf("--fix answered yes: exit %d\n%s", code, out)
	}
	if code, out := runCheck(t, "", "aof", dir); code != 0 {
		t.Fatalf("after fix: exit %d\n%s", code, out)
	}

	dir = makeLog(t, 5)
	tear(t, dir)
	code, out = runCheck(t, "", "aof", "--fix", "--yes", dir)
	if code != 0 || !strings.Contains(out, "cut 1 record(s)") || strings.Contains(out, "[y/N]") {
		t.Fatalf("--fix --yes: exit %d\n%s", code, out)
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"nope"}, {"aof"}, {"aof", "a", "b"}, {"aof", "--bogus", "d"}} {
		if code, out := runCheck(t, "", args...); code != 2 || !strings.Contains(out, "usage") {
			t.Errorf("%q: exit %d\n%s", args, code, out)
		}
	}
	if code, out := runCheck(t, "", "aof", filepath.Join(t.TempDir(), "missing")); code != 2 {
		t.Errorf("missing dir: exit %d\n%s", code, out)
	}
}
