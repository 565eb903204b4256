package tests

import (
	"testing"
	"time"
)

// TestClientUnblock: CLIENT UNBLOCK ends a real BLPOP with the timeout
// reply or with the UNBLOCKED error, on AiKv as on Redis.
func TestClientUnblock(t *testing.T) {
	servers := map[string]*Handle{"aikv": StartServer(t, Options{Args: []string{"--appendonly", "no"}})}
	if _, err := lookPathRedis(); err == nil {
		servers["redis"] = StartRedis(t)
	}
	for name, h := range servers {
		t.Run(name, func(t *testing.T) {
			for _, mode := range []string{"TIMEOUT", "ERROR"} {
				blocked, admin := h.Raw(t), h.Raw(t)
				id := blocked.Do("CLIENT", "ID").Str
				blocked.Send("BLPOP", "nokey", "0")
				deadline := time.Now().Add(5 * time.Second)
				for {
					r := admin.Do("CLIENT", "UNBLOCK", id, mode)
					if r.Str == "1" {
						break
					}
					if time.Now().After(deadline) {
						t.Fatalf("CLIENT UNBLOCK %s never found the client blocked: %v", mode, r)
					}
					time.Sleep(10 * time.Millisecond)
				}
				r := blocked.Read()
				want := "(nil*)"
				if mode == "ERROR" {
					want = `-"UNBLOCKED client unblocked via CLIENT UNBLOCK"`
				}
				if r.String() != want {
					t.Fatalf("%s: blocked client got %s, want %s", mode, r, want)
				}
				if r := admin.Do("CLIENT", "UNBLOCK", id); r.Str != "0" {
					t.Fatalf("second UNBLOCK: %v", r)
				}
			}
		})
	}
}
