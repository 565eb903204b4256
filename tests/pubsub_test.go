package tests

import (
	"bufio"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestGoRedisPubSub uses go-redis's PubSub helper over RESP2 and RESP3:
// channel and pattern messages arrive in order with the right fields.
func TestGoRedisPubSub(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	for _, proto := range []int{2, 3} {
		t.Run("resp"+strconv.Itoa(proto), func(t *testing.T) {
			ctx := Ctx(t)
			sub := h.Client(t, func(o *redis.Options) { o.Protocol = proto })
			pub := h.Client(t)
			ps := sub.Subscribe(ctx, "news")
			defer ps.Close()
			if _, err := ps.Receive(ctx); err != nil { // subscription confirmation
				t.Fatal(err)
			}
			if err := ps.PSubscribe(ctx, "spo?t"); err != nil {
				t.Fatal(err)
			}
			// Wait until both subscriptions are in place.
			deadline := time.Now().Add(5 * time.Second)
			for pub.PubSubNumPat(ctx).Val() < 1 && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			ch := ps.Channel()
			for i := 0; i < 100; i++ {
				channel := "news"
				if i%2 == 1 {
					channel = "sport"
				}
				if n, err := pub.Publish(ctx, channel, "m"+strconv.Itoa(i)).Result(); err != nil || n != 1 {
					t.Fatalf("publish %d: %d, %v", i, n, err)
				}
			}
			for i := 0; i < 100; i++ {
				select {
				case m := <-ch:
					want := &redis.Message{Channel: "news", Payload: "m" + strconv.Itoa(i)}
					if i%2 == 1 {
						want = &redis.Message{Channel: "sport", Pattern: "spo?t", Payload: "m" + strconv.Itoa(i)}
					}
					if m.Channel != want.Channel || m.Pattern != want.Pattern || m.Payload != want.Payload {
						t.Fatalf("message %d: got %+v, want %+v", i, m, want)
					}
				case <-time.After(10 * time.Second):
					t.Fatalf("message %d not received", i)
				}
			}
			got := pub.PubSubNumSub(ctx, "news").Val()
			if got["news"] != 1 {
				t.Fatalf("NUMSUB news = %v", got)
			}
		})
	}
}

// TestPubSubClientIntrospection checks CLIENT LIST's sub/psub/ssub
// fields and P flag, CLIENT KILL TYPE pubsub's filter, INFO's counters,
// and that a disconnecting subscriber is forgotten.
func TestPubSubClientIntrospection(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	sub := h.Raw(t)
	sub.Send("SUBSCRIBE", "a", "b")
	sub.Read()
	sub.Read()
	sub.Send("PSUBSCRIBE", "x*")
	sub.Read()
	sub.Send("SSUBSCRIBE", "s")
	sub.Read()
	admin := h.Raw(t)
	list := admin.Do("CLIENT", "LIST", "TYPE", "pubsub").Str
	if !strings.Contains(list, " flags=P ") || !strings.Contains(list, " sub=2 psub=1 ssub=1 ") {
		t.Fatalf("CLIENT LIST TYPE pubsub: %q", list)
	}
	if n := strings.Count(strings.TrimSpace(list), "\n"); n != 0 {
		t.Fatalf("more than one pubsub client: %q", list)
	}
	info := admin.Do("INFO", "stats").Str
	for _, f := range []string{"pubsub_channels:2", "pubsub_patterns:1", "pubsubshard_channels:1"} {
		if !strings.Contains(info, f+"\r\n") {
			t.Fatalf("INFO stats lacks %s:\n%s", f, info)
		}
	}
	sub.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		r := admin.Do("PUBSUB", "NUMSUB", "a")
		if r.Elems[1].Str == "0" && admin.Do("PUBSUB", "NUMPAT").Str == "0" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("subscriptions survived the disconnection: %s", r)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// peakRSS returns the server process's peak resident set size (VmHWM).
func peakRSS(t *testing.T, h *Handle) int64 {
	t.Helper()
	data, err := os.ReadFile("/proc/" + strconv.Itoa(h.cmd.Process.Pid) + "/status")
	if err != nil {
		t.Skip("no /proc:", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	t.Skip("no VmHWM")
	return 0
}

// TestSlowSubscriber: a subscriber that never reads is disconnected once
// its pending output passes client-output-buffer-limit pubsub, the
// server's memory stays bounded while a publisher floods, and other
// clients keep working.
func TestSlowSubscriber(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no",
		"--client-output-buffer-limit", "pubsub 4mb 2mb 60"}})
	ctx := Ctx(t)
	other := h.Client(t)

	nc, err := net.Dial("tcp", h.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.(*net.TCPConn).SetReadBuffer(4096)
	nc.Write([]byte(EncodeCommand("SUBSCRIBE", "flood")))
	rd := bufio.NewReader(nc)
	if r, err := ReadReply(rd); err != nil || len(r.Elems) != 3 {
		t.Fatalf("subscribe: %v %v", r, err)
	}
	// From here on the subscriber reads nothing.

	payload := strings.Repeat("x", 4096)
	pub := h.Raw(t)
	const batch, maxMessages = 256, 64 << 10 // up to 256 MB offered
	sent := 0
	disconnected := false
	for sent < maxMessages && !disconnected {
		var b strings.Builder
		for i := 0; i < batch; i++ {
			b.WriteString(EncodeCommand("PUBLISH", "flood", payload))
		}
		pub.SendRaw(b.String())
		for i := 0; i < batch; i++ {
			if r := pub.Read(); r.Str == "0" {
				disconnected = true
			}
		}
		sent += batch
		if err := other.Set(ctx, "k", sent, 0).Err(); err != nil {
			t.Fatalf("other client failed during the flood: %v", err)
		}
	}
	if !disconnected {
		t.Fatalf("subscriber still subscribed after %d MB", sent*len(payload)>>20)
	}
	t.Logf("subscriber disconnected after %d messages (%d MB offered)", sent, sent*len(payload)>>20)
	if sent*len(payload) > 64<<20 {
		t.Fatalf("disconnected only after %d MB", sent*len(payload)>>20)
	}
	if peak := peakRSS(t, h); peak > 128<<20 {
		t.Fatalf("server peak RSS %d MB", peak>>20)
	}
	// The server closed the subscriber's connection. (Draining what the
	// kernel still holds through the subscriber's tiny receive window
	// would take long; CLIENT LIST shows the server side is gone.)
	deadline := time.Now().Add(10 * time.Second)
	for strings.Contains(other.ClientList(ctx).Val(), "addr="+nc.LocalAddr().String()+" ") {
		if time.Now().After(deadline) {
			t.Fatalf("subscriber still connected: %s", other.ClientList(ctx).Val())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if v, err := other.Get(ctx, "k").Result(); err != nil || v != strconv.Itoa(sent) {
		t.Fatalf("other client after the flood: %q %v", v, err)
	}
	if n := other.PubSubNumSub(ctx, "flood").Val()["flood"]; n != 0 {
		t.Fatalf("NUMSUB flood = %d", n)
	}
}

// TestSlowSubscriberSoftLimit: staying above the soft limit for longer
// than its seconds disconnects the subscriber at the next message.
func TestSlowSubscriberSoftLimit(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	ctx := Ctx(t)
	admin := h.Client(t)
	if err := admin.ConfigSet(ctx, "client-output-buffer-limit", "pubsub 0 1mb 1").Err(); err != nil {
		t.Fatal(err)
	}
	nc, err := net.Dial("tcp", h.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.(*net.TCPConn).SetReadBuffer(4096)
	nc.Write([]byte(EncodeCommand("SUBSCRIBE", "soft")))
	if _, err := ReadReply(bufio.NewReader(nc)); err != nil {
		t.Fatal(err)
	}
	payload := strings.Repeat("y", 64<<10)
	// Enough to exceed the soft limit even after the socket buffers
	// filled (a few MB at most), but far below any hard limit.
	for i := 0; i < 128; i++ {
		if n := admin.Publish(ctx, "soft", payload).Val(); n != 1 {
			t.Fatalf("disconnected early, at message %d", i)
		}
	}
	time.Sleep(1500 * time.Millisecond)
	// Over the soft limit for > 1s: the next hand-over schedules the close,
	// which (as in Redis, "scheduled to be closed ASAP") completes
	// asynchronously; poll with a generous deadline.
	deadline := time.Now().Add(20 * time.Second)
	for {
		n := admin.Publish(ctx, "soft", payload).Val()
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("subscriber above the soft limit for too long was kept (%d receivers)", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
