package tests

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestBusyScriptAndScriptKill: past busy-reply-threshold other clients get
// BUSY instead of waiting, and SCRIPT KILL stops the script; run against
// AiKv and real Redis with the same expectations.
func TestBusyScriptAndScriptKill(t *testing.T) {
	servers := map[string]*Handle{"aikv": StartServer(t, Options{Args: []string{"--appendonly", "no"}})}
	if _, err := exec.LookPath("redis-server"); err == nil {
		servers["redis"] = StartRedis(t)
	}
	for name, h := range servers {
		t.Run(name, func(t *testing.T) {
			admin := h.Raw(t)
			if r := admin.Do("CONFIG", "SET", "busy-reply-threshold", "100"); r.Str != "OK" {
				t.Fatalf("CONFIG SET: %v", r)
			}
			runner := h.Raw(t)
			runner.Send("EVAL", "while true do end", "0")
			deadline := time.Now().Add(10 * time.Second)
			for {
				r := admin.Do("PING")
				if strings.HasPrefix(r.Str, "BUSY Redis is busy running a script.") {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("no BUSY reply while a script loops: %v", r)
				}
				time.Sleep(20 * time.Millisecond)
			}
			if r := admin.Do("SCRIPT", "KILL"); r.Str != "OK" {
				t.Fatalf("SCRIPT KILL: %v", r)
			}
			if r := runner.Read(); !strings.HasPrefix(r.Str, "ERR Script killed by user with SCRIPT KILL") {
				t.Fatalf("killed script's reply: %v", r)
			}
			if r := admin.Do("PING"); r.Str != "PONG" {
				t.Fatalf("after kill: %v", r)
			}
		})
	}
}
