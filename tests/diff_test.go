package tests

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestDifferential runs every testdata/*.txt script against AiKv and real
// Redis and compares the replies.
func TestDifferential(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts found: %v", err)
	}
	redis := StartRedis(t)
	aikv := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		t.Run(name, func(t *testing.T) { RunDiffScript(t, aikv, redis, f) })
	}
}
