package tests

import (
	"bufio"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestPublishThroughput measures PUBLISH fan-out on AiKv and real Redis
// side by side: 50 subscribers on one channel, publishers pipelining
// PUBLISH for a fixed time; it reports messages delivered per second.
// It is a measurement, not a check, and runs only with AIKV_BENCH=1.
func TestPublishThroughput(t *testing.T) {
	if os.Getenv("AIKV_BENCH") == "" {
		t.Skip("set AIKV_BENCH=1 to run the PUBLISH throughput comparison")
	}
	redis := StartRedis(t)
	aikv := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	for round := 0; round < 2; round++ {
		for _, s := range []struct {
			name string
			h    *Handle
		}{{"aikv", aikv}, {"redis", redis}} {
			pub, del := publishThroughput(t, s.h, 50, 2, 3*time.Second)
			t.Logf("%-5s round %d: published %.0f msg/s, delivered %.0f msg/s", s.name, round+1, pub, del)
		}
	}
}

func publishThroughput(t *testing.T, h *Handle, subscribers, publishers int, d time.Duration) (published, delivered float64) {
	t.Helper()
	const payload = "0123456789abcdef"
	frame := len(EncodeCommand("message", "bench", payload))
	var received atomic.Int64
	var wg sync.WaitGroup
	var subs []net.Conn
	for i := 0; i < subscribers; i++ {
		c, err := net.Dial("tcp", h.Addr)
		if err != nil {
			t.Fatal(err)
		}
		subs = append(subs, c)
		c.Write([]byte(EncodeCommand("SUBSCRIBE", "bench")))
		rd := bufio.NewReaderSize(c, 64<<10)
		if _, err := ReadReply(rd); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 64<<10)
			for {
				n, err := rd.Read(buf)
				received.Add(int64(n))
				if err != nil {
					return
				}
			}
		}()
	}
	var sent atomic.Int64
	stop := make(chan struct{})
	var pwg sync.WaitGroup
	var batch strings.Builder
	const perBatch = 64
	for i := 0; i < perBatch; i++ {
		batch.WriteString(EncodeCommand("PUBLISH", "bench", payload))
	}
	req := []byte(batch.String())
	for p := 0; p < publishers; p++ {
		c, err := net.Dial("tcp", h.Addr)
		if err != nil {
			t.Fatal(err)
		}
		pwg.Add(1)
		go func() {
			defer pwg.Done()
			defer c.Close()
			rd := bufio.NewReader(c)
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := c.Write(req); err != nil {
					return
				}
				for i := 0; i < perBatch; i++ {
					if _, err := rd.ReadSlice('\n'); err != nil {
						return
					}
				}
				sent.Add(perBatch)
			}
		}()
	}
	// Warm up, then measure over d: messages delivered to subscribers
	// within the window, and PUBLISH replies received.
	time.Sleep(500 * time.Millisecond)
	before, sentBefore := received.Load(), sent.Load()
	time.Sleep(d)
	inWindow, sentInWindow := received.Load()-before, sent.Load()-sentBefore
	close(stop)
	pwg.Wait()
	elapsed := d
	time.Sleep(200 * time.Millisecond)
	if c, err := net.Dial("tcp", h.Addr); err == nil {
		c.Write([]byte(EncodeCommand("PUBSUB", "NUMSUB", "bench")))
		r, _ := ReadReply(bufio.NewReader(c))
		c.Close()
		if len(r.Elems) == 2 && r.Elems[1].Str != "50" {
			t.Logf("only %s of %d subscribers left (output buffer limit)", r.Elems[1].Str, len(subs))
			if l := h.Logs(); strings.Contains(l, "overcoming") {
				t.Logf("%.2000s", l[strings.Index(l, "overcoming"):])
			}
		}
	}
	for _, c := range subs {
		c.Close()
	}
	wg.Wait()
	return float64(sentInWindow) / elapsed.Seconds(), float64(inWindow/int64(frame)) / elapsed.Seconds()
}
