package tests

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestFanOutOrder: several pipelining publishers, messages of sizes from
// a few bytes to larger than AiKv's fan-out chunk, RESP2 and RESP3
// subscribers, channel and pattern subscriptions, and tracking
// invalidations sharing a subscriber's stream: every subscriber gets
// every message exactly once, each publisher's in the order sent, a
// PUBLISH's message and pmessage together, and each invalidation once.
// Run against AiKv and, when installed, real Redis.
func TestFanOutOrder(t *testing.T) {
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
		t.Run(s.name, func(t *testing.T) { fanOutOrder(t, s.h) })
	}
}

func fanOutOrder(t *testing.T, h *Handle) {
	const publishers, perPublisher, pipeline = 3, 300, 25
	sizes := []int{5, 300, 9000, 40000}
	payload := func(p, i int) string {
		head := fmt.Sprintf("p%d:%d:", p, i)
		return head + strings.Repeat("x", sizes[(p+i)%len(sizes)])
	}

	// sub2: RESP2, channel and pattern. sub3: RESP3, channel, and
	// broadcast tracking of keys k*, which the publishers write.
	sub2, sub3 := h.Raw(t), h.Raw(t)
	sub2.Do("SUBSCRIBE", "fan")
	sub2.Do("PSUBSCRIBE", "f?n")
	if r := sub3.Do("HELLO", "3"); r.Kind != '%' {
		t.Fatalf("HELLO 3: %s", r)
	}
	if r := sub3.Do("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "k"); r.Str != "OK" {
		t.Fatalf("CLIENT TRACKING: %s", r)
	}
	sub3.Do("SUBSCRIBE", "fan")

	// Each publisher: batches of PUBLISH fan <payload>; publisher 0 also
	// sets key k<i> after each message.
	var wg sync.WaitGroup
	errs := make(chan error, publishers)
	for p := 0; p < publishers; p++ {
		pub := h.Raw(t)
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			for i := 0; i < perPublisher; i += pipeline {
				var b strings.Builder
				n := 0
				for j := i; j < i+pipeline; j++ {
					b.WriteString(EncodeCommand("PUBLISH", "fan", payload(p, j)))
					n++
					if p == 0 {
						b.WriteString(EncodeCommand("SET", "k"+strconv.Itoa(j), "v"))
						n++
					}
				}
				pub.SetWriteDeadline(time.Now().Add(30 * time.Second))
				if _, err := pub.Write([]byte(b.String())); err != nil {
					errs <- err
					return
				}
				for ; n > 0; n-- {
					pub.SetReadDeadline(time.Now().Add(30 * time.Second))
					r, err := ReadReply(pub.R)
					if err != nil {
						errs <- err
						return
					}
					if r.Kind == ':' && r.Str != "3" {
						errs <- fmt.Errorf("publisher %d: PUBLISH reached %s receivers, want 3", p, r.Str)
						return
					}
				}
			}
		}(p)
	}

	// Read both subscribers while the publishers run.
	type stream struct {
		name    string
		c       *RawConn
		want    int // messages and invalidated keys expected
		replies []Reply
		err     error
	}
	streams := []*stream{
		{name: "resp2", c: sub2, want: 2 * publishers * perPublisher},
		{name: "resp3", c: sub3, want: publishers*perPublisher + perPublisher},
	}
	// units counts what a frame brings toward want (invalidations
	// may carry several keys).
	units := func(r Reply) int {
		if len(r.Elems) == 2 && r.Elems[0].Str == "invalidate" {
			return len(r.Elems[1].Elems)
		}
		return 1
	}
	var rg sync.WaitGroup
	for _, st := range streams {
		rg.Add(1)
		go func() {
			defer rg.Done()
			for got := 0; got < st.want; {
				st.c.SetReadDeadline(time.Now().Add(30 * time.Second))
				r, err := ReadReply(st.c.R)
				if err != nil {
					st.err = err
					return
				}
				st.replies = append(st.replies, r)
				got += units(r)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	rg.Wait()

	for _, st := range streams {
		if st.err != nil {
			t.Fatalf("%s: after %d frames: %v", st.name, len(st.replies), st.err)
		}
		next := make([]int, publishers)
		invalidated := map[string]bool{}
		for k := 0; k < len(st.replies); k++ {
			r := st.replies[k]
			if len(r.Elems) == 2 && r.Elems[0].Str == "invalidate" {
				// Redis sends a broadcast's keys sorted, not in order.
				for _, key := range r.Elems[1].Elems {
					if invalidated[key.Str] {
						t.Fatalf("%s frame %d: %s invalidated twice", st.name, k, key.Str)
					}
					invalidated[key.Str] = true
				}
				continue
			}
			if len(r.Elems) != 3 || r.Elems[0].Str != "message" || r.Elems[1].Str != "fan" {
				t.Fatalf("%s frame %d: %.200s", st.name, k, r)
			}
			msg := r.Elems[2].Str
			var p, i int
			if _, err := fmt.Sscanf(msg, "p%d:%d:", &p, &i); err != nil || p < 0 || p >= publishers {
				t.Fatalf("%s frame %d: message %.80q", st.name, k, msg)
			}
			if i != next[p] || msg != payload(p, i) {
				t.Fatalf("%s frame %d: message %.40q, want publisher %d's message %d", st.name, k, msg, p, next[p])
			}
			next[p]++
			if st.name == "resp2" {
				k++
				pm := st.replies[k]
				if len(pm.Elems) != 4 || pm.Elems[0].Str != "pmessage" || pm.Elems[1].Str != "f?n" ||
					pm.Elems[3].Str != msg {
					t.Fatalf("%s frame %d: %.200s, want the pmessage of %.40q", st.name, k, pm, msg)
				}
			}
		}
		for p, n := range next {
			if n != perPublisher {
				t.Fatalf("%s: %d messages of publisher %d, want %d", st.name, n, p, perPublisher)
			}
		}
		if st.name == "resp3" {
			for i := 0; i < perPublisher; i++ {
				if !invalidated["k"+strconv.Itoa(i)] {
					t.Fatalf("%s: no invalidation of k%d", st.name, i)
				}
			}
		}
	}
}
