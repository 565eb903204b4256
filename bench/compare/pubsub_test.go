package main

import (
	"os"
	"runtime"
	"slices"
	"testing"
	"time"
)

func TestIntList(t *testing.T) {
	got, err := intList("-x", " 1, 4 ,16")
	if err != nil || !slices.Equal(got, []int{1, 4, 16}) {
		t.Fatalf("intList: %v %v", got, err)
	}
	for _, bad := range []string{"", "0", "1,,2", "-3", "x"} {
		if _, err := intList("-x", bad); err == nil {
			t.Errorf("intList(%q) accepted", bad)
		}
	}
}

func TestPubSubFlags(t *testing.T) {
	o, err := parseFlags([]string{"-pubsub", "-pubsub-pubs", "2", "-pubsub-sizes", "8,32"})
	if err != nil {
		t.Fatal(err)
	}
	if !o.ps.enabled || o.ps.subs != 50 || !slices.Equal(o.ps.pubs, []int{2}) || !slices.Equal(o.ps.sizes, []int{8, 32}) {
		t.Fatalf("options: %+v", o.ps)
	}
	if _, err := parseFlags([]string{"-pubsub", "-pubsub-subs", "0"}); err == nil {
		t.Fatal("-pubsub-subs 0 accepted")
	}
}

func TestRespCommand(t *testing.T) {
	if got := string(respCommand("PUBLISH", "ch", "")); got != "*3\r\n$7\r\nPUBLISH\r\n$2\r\nch\r\n$0\r\n\r\n" {
		t.Fatalf("respCommand: %q", got)
	}
}

func TestProcCounters(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("needs /proc")
	}
	if _, err := cpuSeconds(os.Getpid()); err != nil {
		t.Fatal(err)
	}
	n, err := syscallCounts(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if n[0] <= 0 {
		t.Fatalf("syscr %d: this process has read its binary", n[0])
	}
}

// TestPubSubOnce runs one short measurement against a real redis-server:
// every message must arrive (pubsubOnce checks the counts).
func TestPubSubOnce(t *testing.T) {
	bin := redisServerBin(t)
	useProcs(t)
	s, err := startServer("Redis", bin, "off")
	if err != nil {
		t.Fatal(err)
	}
	defer s.stop()
	p := &pubsubOptions{subs: 3, pipeline: 8, warmup: 50 * time.Millisecond, window: 200 * time.Millisecond, channel: "c"}
	res, err := pubsubOnce(p, s, pubsubCase{pubs: 2, size: 5})
	if err != nil {
		t.Fatal(err)
	}
	if !(res.Delivered > 0) || !(res.Published > 0) {
		t.Fatalf("result %+v", res)
	}
}
