package tests

import (
	"testing"
)

// TestDifferential runs every testdata/*.txt script against AiKv and real
// Redis and compares the replies.
func TestDifferential(t *testing.T) {
	RunScriptDir(t, "testdata/*.txt", RunDiffScript)
}
