package commands

import (
	"bytes"
	"os"
	"testing"
)

// TestCommandDocsUpToDate fails when docs/commands.md no longer matches
// the command table. Fix it with `go generate ./server/commands`.
func TestCommandDocsUpToDate(t *testing.T) {
	got, err := os.ReadFile("../../docs/commands.md")
	if err != nil {
		t.Fatalf("%v (run go generate ./server/commands)", err)
	}
	if want := NewTable().Markdown(); !bytes.Equal(got, want) {
		t.Fatal("docs/commands.md is stale: run go generate ./server/commands")
	}
}
