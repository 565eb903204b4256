package tests

import "testing"

// TestPublishBeforePausedCommand: a message published earlier in a
// pipeline reaches its subscribers while a later command of the same
// pipeline waits for CLIENT PAUSE (AiKv wakes a batch's receivers once
// the batch releases the lock; waiting for the pause releases it too).
// Run against AiKv and, when installed, real Redis.
func TestPublishBeforePausedCommand(t *testing.T) {
	servers := []struct {
		name string
		h    *Handle
	}{{"aikv", StartServer(t, Options{Args: []string{"--appendonly", "no"}})}}
	if _, err := lookPathRedis(); err == nil {
		servers = append(servers, struct {
			name string
			h    *Handle
		}{"redis", StartRedis(t)})
	}
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			sub, pub, ctl := s.h.Raw(t), s.h.Raw(t), s.h.Raw(t)
			if r := sub.Do("SUBSCRIBE", "ch"); len(r.Elems) != 3 || r.Elems[0].Str != "subscribe" {
				t.Fatalf("SUBSCRIBE: %s", r)
			}
			// One pipeline: the PUBLISH runs, the pause starts, SET waits.
			pub.SendRaw(EncodeCommand("PUBLISH", "ch", "m1") +
				EncodeCommand("CLIENT", "PAUSE", "60000", "WRITE") +
				EncodeCommand("SET", "k", "v"))
			if r := pub.Read(); r.Kind != ':' || r.Str != "1" {
				t.Fatalf("PUBLISH: %s", r)
			}
			if r := pub.Read(); r.Str != "OK" {
				t.Fatalf("CLIENT PAUSE: %s", r)
			}
			// Read waits up to 30s: the message must come during the pause.
			msg := sub.Read()
			if len(msg.Elems) != 3 || msg.Elems[0].Str != "message" || msg.Elems[2].Str != "m1" {
				t.Fatalf("message: %s", msg)
			}
			if r := ctl.Do("CLIENT", "UNPAUSE"); r.Str != "OK" {
				t.Fatalf("CLIENT UNPAUSE: %s", r)
			}
			if r := pub.Read(); r.Str != "OK" {
				t.Fatalf("SET after the pause: %s", r)
			}
		})
	}
}
