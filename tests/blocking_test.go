package tests

import (
	"bufio"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Blocking commands end to end. Each scenario is a choreography of raw
// connections that records the replies it sees in order; it runs against
// real Redis (which validates the expected transcript) and against AiKv.
// Steps wait for INFO's blocked_clients to reach a count instead of
// sleeping, so the order in which clients block is the order they were
// sent.

// blockScenario returns the transcript of one choreography.
type blockScenario struct {
	name string
	run  func(t *testing.T, h *Handle) []string
	want []string
}

// blockedClients reads INFO clients' blocked_clients; ok is false when
// the server has no INFO command yet (then counts cannot be checked and
// waits fall back to a pause).
func blockedClients(t *testing.T, c *RawConn) (n int, ok bool) {
	t.Helper()
	r := c.Do("INFO", "clients")
	if r.IsError() {
		return 0, false
	}
	for _, line := range strings.Split(r.Str, "\r\n") {
		if v, found := strings.CutPrefix(line, "blocked_clients:"); found {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("bad blocked_clients line %q", line)
			}
			return n, true
		}
	}
	t.Fatalf("INFO clients has no blocked_clients: %q", r.Str)
	return 0, false
}

// waitBlockedN polls until exactly n clients are blocked.
func waitBlockedN(t *testing.T, admin *RawConn, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, ok := blockedClients(t, admin)
		if !ok {
			time.Sleep(200 * time.Millisecond)
			return
		}
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("blocked_clients stayed %d, want %d", got, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// checkBlocked fails the test unless n clients are blocked now (when the
// server can tell).
func checkBlocked(t *testing.T, admin *RawConn, n int) {
	t.Helper()
	if got, ok := blockedClients(t, admin); ok && got != n {
		t.Errorf("blocked_clients = %d, want %d", got, n)
	} else if !ok {
		t.Logf("no INFO command: blocked_clients not checked")
	}
}

// noReply reports "(no reply)" if nothing arrives on c within d, or the
// reply that did arrive.
func noReply(t *testing.T, c *RawConn, d time.Duration) string {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(d))
	r, err := ReadReply(c.R)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		// The reader saw nothing; start afresh so later reads are clean.
		c.R = bufio.NewReader(c.Conn)
		return "(no reply)"
	}
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return r.String()
}

// blockOn sends a blocking command on a new connection and waits until
// the server counts it as blocked (n clients in all).
func blockOn(t *testing.T, h *Handle, admin *RawConn, n int, args ...string) *RawConn {
	t.Helper()
	c := h.Raw(t)
	c.Send(args...)
	waitBlockedN(t, admin, n)
	return c
}

var blockScenarios = []blockScenario{
	{
		name: "fifo among clients on one key",
		run: func(t *testing.T, h *Handle) []string {
			admin := h.Raw(t)
			c1 := blockOn(t, h, admin, 1, "BLPOP", "q", "0")
			c2 := blockOn(t, h, admin, 2, "BRPOP", "q", "0")
			c3 := blockOn(t, h, admin, 3, "BLPOP", "other", "q", "0")
			out := []string{admin.Do("RPUSH", "q", "a").String()}
			out = append(out, c1.Read().String(), noReply(t, c2, 100*time.Millisecond))
			checkBlocked(t, admin, 2)
			out = append(out, admin.Do("RPUSH", "q", "b", "c", "d").String())
			out = append(out, c2.Read().String(), c3.Read().String())
			out = append(out, admin.Do("LRANGE", "q", "0", "-1").String())
			checkBlocked(t, admin, 0)
			return out
		},
		want: []string{`:"1"`, `*2[$"q", $"a"]`, "(no reply)", `:"3"`,
			`*2[$"q", $"d"]`, `*2[$"q", $"b"]`, `*1[$"c"]`},
	},
	{
		name: "timeouts with decimals",
		run: func(t *testing.T, h *Handle) []string {
			c := h.Raw(t)
			var out []string
			for _, args := range [][]string{
				{"BLPOP", "none", "0.1"},
				{"BRPOP", "none", "none2", ".1"},
				{"BLMOVE", "none", "d", "LEFT", "RIGHT", "0.1"},
				{"BRPOPLPUSH", "none", "d", "0.10"},
				{"BLMPOP", "0.1", "1", "none", "LEFT"},
				{"BZPOPMIN", "none", "0.1"},
				{"BZPOPMAX", "none", "1e-1"},
				{"BZMPOP", "0.1", "2", "none", "none2", "MIN"},
			} {
				start := time.Now()
				r := c.Do(args...).String()
				if el := time.Since(start); el < 90*time.Millisecond || el > 5*time.Second {
					t.Errorf("%v returned after %v, want about 100ms", args, el)
				}
				out = append(out, r)
			}
			return append(out, c.Do("EXISTS", "d").String())
		},
		want: []string{"(nil*)", "(nil*)", "(nil*)", "(nil*)", "(nil*)", "(nil*)", "(nil*)", "(nil*)", `:"0"`},
	},
	{
		name: "BLMOVE onto a list another client waits on wakes it",
		run: func(t *testing.T, h *Handle) []string {
			admin := h.Raw(t)
			a := blockOn(t, h, admin, 1, "BLPOP", "dst", "0")
			b := blockOn(t, h, admin, 2, "BLMOVE", "src", "dst", "RIGHT", "LEFT", "0")
			out := []string{admin.Do("RPUSH", "src", "x", "y").String()}
			out = append(out, b.Read().String(), a.Read().String())
			out = append(out, admin.Do("LRANGE", "src", "0", "-1").String(), admin.Do("EXISTS", "dst").String())
			// A chain: BRPOPLPUSH c1->c2 feeds a BLMPOP waiting on c2.
			m := blockOn(t, h, admin, 1, "BLMPOP", "0", "1", "c2", "RIGHT", "COUNT", "5")
			r := blockOn(t, h, admin, 2, "BRPOPLPUSH", "c1", "c2", "0")
			out = append(out, admin.Do("LPUSH", "c1", "v").String(), r.Read().String(), m.Read().String())
			checkBlocked(t, admin, 0)
			return append(out, admin.Do("EXISTS", "c1", "c2").String())
		},
		want: []string{`:"2"`, `$"y"`, `*2[$"dst", $"y"]`, `*1[$"x"]`, `:"0"`,
			`:"1"`, `$"v"`, `*2[$"c2", *1[$"v"]]`, `:"0"`},
	},
	{
		name: "a disconnected waiter is cleaned up and consumes nothing",
		run: func(t *testing.T, h *Handle) []string {
			admin := h.Raw(t)
			gone := blockOn(t, h, admin, 1, "BLPOP", "k", "0")
			stays := blockOn(t, h, admin, 2, "BRPOP", "k", "0")
			gone2 := blockOn(t, h, admin, 3, "BZPOPMIN", "z", "0")
			gone.Close()
			gone2.Close()
			waitBlockedN(t, admin, 1)
			out := []string{admin.Do("RPUSH", "k", "a", "b").String(), stays.Read().String()}
			out = append(out, admin.Do("LRANGE", "k", "0", "-1").String())
			out = append(out, admin.Do("ZADD", "z", "1", "m").String(), admin.Do("ZCARD", "z").String())
			checkBlocked(t, admin, 0)
			return out
		},
		want: []string{`:"2"`, `*2[$"k", $"b"]`, `*1[$"a"]`, `:"1"`, `:"1"`},
	},
	{
		name: "BLPOP on several keys is served from the first non-empty",
		run: func(t *testing.T, h *Handle) []string {
			admin := h.Raw(t)
			admin.Do("RPUSH", "k3", "c")
			admin.Do("RPUSH", "k2", "b1", "b2")
			out := []string{admin.Do("BLPOP", "k1", "k2", "k3", "0").String()}
			out = append(out, admin.Do("BRPOP", "k1", "k3", "k2", "0").String())
			out = append(out, admin.Do("BLMPOP", "0", "3", "k1", "k3", "k2", "LEFT", "COUNT", "9").String())
			out = append(out, admin.Do("EXISTS", "k2", "k3").String())
			// Blocked on several keys: the first key that gets data
			// serves it, the other registrations are dropped.
			c := blockOn(t, h, admin, 1, "BLPOP", "k1", "k2", "0")
			out = append(out, admin.Do("RPUSH", "k2", "late").String(), c.Read().String())
			out = append(out, admin.Do("RPUSH", "k1", "after").String(), admin.Do("LLEN", "k1").String())
			// Commands on other keys do not wake it.
			admin.Do("DEL", "k1", "k2")
			c = blockOn(t, h, admin, 1, "BLPOP", "k1", "k2", "0")
			out = append(out, admin.Do("LMPOP", "1", "nokey", "LEFT").String())
			checkBlocked(t, admin, 1)
			return append(out, noReply(t, c, 50*time.Millisecond))
		},
		want: []string{`*2[$"k2", $"b1"]`, `*2[$"k3", $"c"]`, `*2[$"k2", *1[$"b2"]]`, `:"0"`,
			`:"1"`, `*2[$"k2", $"late"]`, `:"1"`, `:"1"`, "(nil*)", "(no reply)"},
	},
	{
		name: "a key changing type keeps the client waiting",
		run: func(t *testing.T, h *Handle) []string {
			admin := h.Raw(t)
			c := blockOn(t, h, admin, 1, "BLPOP", "k", "0")
			out := []string{admin.Do("SET", "k", "str").String(), noReply(t, c, 100*time.Millisecond)}
			checkBlocked(t, admin, 1)
			out = append(out, admin.Do("DEL", "k").String(), admin.Do("HSET", "k", "f", "v").String(), noReply(t, c, 50*time.Millisecond))
			out = append(out, admin.Do("DEL", "k").String(), admin.Do("RPUSH", "k", "v").String(), c.Read().String())
			// A sorted-set waiter is not served by a list under its key.
			z := blockOn(t, h, admin, 1, "BZPOPMIN", "z", "0")
			out = append(out, admin.Do("RPUSH", "z", "x").String(), noReply(t, z, 100*time.Millisecond))
			out = append(out, admin.Do("DEL", "z").String(), admin.Do("ZADD", "z", "2", "m").String(), z.Read().String())
			// A list waiter is not served by a sorted set.
			l := blockOn(t, h, admin, 1, "BLMPOP", "0", "1", "lz", "LEFT")
			out = append(out, admin.Do("ZADD", "lz", "1", "a").String(), noReply(t, l, 100*time.Millisecond))
			out = append(out, admin.Do("DEL", "lz").String(), admin.Do("LPUSH", "lz", "e").String(), l.Read().String())
			checkBlocked(t, admin, 0)
			return out
		},
		want: []string{`+"OK"`, "(no reply)", `:"1"`, `:"1"`, "(no reply)", `:"1"`, `:"1"`, `*2[$"k", $"v"]`,
			`:"1"`, "(no reply)", `:"1"`, `:"1"`, `*3[$"z", $"m", $"2"]`,
			`:"1"`, "(no reply)", `:"1"`, `:"1"`, `*2[$"lz", *1[$"e"]]`},
	},
	{
		name: "sorted-set and multi-pop waiters woken by writes",
		run: func(t *testing.T, h *Handle) []string {
			admin := h.Raw(t)
			a := blockOn(t, h, admin, 1, "BZPOPMIN", "z1", "z2", "0")
			b := blockOn(t, h, admin, 2, "BZMPOP", "0", "1", "z2", "MAX", "COUNT", "2")
			c := blockOn(t, h, admin, 3, "BZPOPMAX", "z2", "0")
			out := []string{admin.Do("ZADD", "z2", "1", "a", "2", "b", "3", "c", "4", "d").String()}
			out = append(out, a.Read().String(), b.Read().String(), c.Read().String())
			out = append(out, admin.Do("ZRANGE", "z2", "0", "-1").String())
			// Writes other than ZADD that create the key wake waiters too.
			admin.Do("ZADD", "src", "5", "x")
			a = blockOn(t, h, admin, 1, "BZMPOP", "0", "1", "zu", "MIN")
			out = append(out, admin.Do("ZUNIONSTORE", "zu", "1", "src").String(), a.Read().String())
			a = blockOn(t, h, admin, 1, "BZPOPMIN", "zr", "0")
			out = append(out, admin.Do("ZRANGESTORE", "zr", "src", "0", "-1").String(), a.Read().String())
			a = blockOn(t, h, admin, 1, "BLMPOP", "0", "2", "l1", "l2", "RIGHT", "COUNT", "2")
			out = append(out, admin.Do("LPUSH", "l2", "p", "q", "r").String(), a.Read().String())
			a = blockOn(t, h, admin, 1, "BLPOP", "sorted", "0")
			admin.Do("RPUSH", "tosort", "3", "1", "2")
			out = append(out, admin.Do("SORT", "tosort", "STORE", "sorted").String(), a.Read().String())
			a = blockOn(t, h, admin, 1, "BLPOP", "moved", "0")
			out = append(out, admin.Do("LMOVE", "tosort", "moved", "LEFT", "LEFT").String(), a.Read().String())
			checkBlocked(t, admin, 0)
			return out
		},
		want: []string{`:"4"`, `*3[$"z2", $"a", $"1"]`, `*2[$"z2", *2[*2[$"d", $"4"], *2[$"c", $"3"]]]`,
			`*3[$"z2", $"b", $"2"]`, `*0[]`,
			`:"1"`, `*2[$"zu", *1[*2[$"x", $"5"]]]`, `:"1"`, `*3[$"zr", $"x", $"5"]`,
			`:"3"`, `*2[$"l2", *2[$"p", $"q"]]`, `:"3"`, `*2[$"sorted", $"1"]`,
			`$"3"`, `*2[$"moved", $"3"]`},
	},
	{
		name: "pipelines, repeated keys and commands sent while blocked",
		run: func(t *testing.T, h *Handle) []string {
			admin := h.Raw(t)
			// A key named twice is served once.
			c := blockOn(t, h, admin, 1, "BLPOP", "k", "k", "0")
			out := []string{admin.Do("RPUSH", "k", "a", "b").String(), c.Read().String(), admin.Do("LLEN", "k").String()}
			checkBlocked(t, admin, 0)
			// Commands after the blocking one in the same batch, and ones
			// sent while blocked, run after it is served, in order.
			c = h.Raw(t)
			c.SendRaw(EncodeCommand("BLPOP", "p1", "0") + EncodeCommand("ECHO", "after") + EncodeCommand("BLPOP", "p2", "0"))
			waitBlockedN(t, admin, 1)
			c.Send("ECHO", "sent while blocked")
			out = append(out, noReply(t, c, 50*time.Millisecond))
			out = append(out, admin.Do("RPUSH", "p1", "x").String(), c.Read().String(), c.Read().String())
			waitBlockedN(t, admin, 1)
			out = append(out, admin.Do("RPUSH", "p2", "y").String(), c.Read().String(), c.Read().String())
			// A client is served right after the command that made the
			// key ready, before the next command of the writer's batch.
			c = blockOn(t, h, admin, 1, "BRPOP", "r", "0")
			admin.SendRaw(EncodeCommand("RPUSH", "r", "1") + EncodeCommand("LPOP", "r") + EncodeCommand("RPUSH", "r", "2"))
			out = append(out, admin.Read().String(), admin.Read().String(), admin.Read().String(), c.Read().String())
			return append(out, admin.Do("LRANGE", "r", "0", "-1").String())
		},
		want: []string{`:"2"`, `*2[$"k", $"a"]`, `:"1"`, "(no reply)",
			`:"1"`, `*2[$"p1", $"x"]`, `$"after"`, `:"1"`, `*2[$"p2", $"y"]`, `$"sent while blocked"`,
			`:"1"`, `(nil$)`, `:"1"`, `*2[$"r", $"1"]`, `*1[$"2"]`},
	},
	{
		name: "databases, RENAME, MOVE, COPY and SWAPDB",
		run: func(t *testing.T, h *Handle) []string {
			admin := h.Raw(t)
			c := blockOn(t, h, admin, 1, "BLPOP", "k", "0")
			admin.Do("SELECT", "1")
			out := []string{admin.Do("RPUSH", "k", "db1").String(), noReply(t, c, 50*time.Millisecond)}
			out = append(out, admin.Do("MOVE", "k", "0").String(), c.Read().String())
			admin.Do("SELECT", "0")
			c = blockOn(t, h, admin, 1, "BLPOP", "k", "0")
			admin.Do("RPUSH", "src", "r")
			out = append(out, admin.Do("RENAME", "src", "k").String(), c.Read().String())
			c = blockOn(t, h, admin, 1, "BZPOPMIN", "k", "0")
			admin.Do("ZADD", "zsrc", "1", "m")
			out = append(out, admin.Do("COPY", "zsrc", "k").String(), c.Read().String())
			c = blockOn(t, h, admin, 1, "BRPOP", "k", "0")
			admin.Do("SELECT", "1")
			admin.Do("RPUSH", "k", "swapped")
			admin.Do("SELECT", "0")
			out = append(out, admin.Do("SWAPDB", "0", "1").String(), c.Read().String())
			c = blockOn(t, h, admin, 1, "BRPOP", "k", "0")
			admin.Do("SELECT", "1")
			out = append(out, admin.Do("RPUSH", "k", "x").String(), admin.Do("RENAMENX", "k", "k2").String())
			admin.Do("SELECT", "0")
			out = append(out, noReply(t, c, 50*time.Millisecond))
			out = append(out, admin.Do("RPUSH", "k", "y").String(), c.Read().String())
			return out
		},
		want: []string{`:"1"`, "(no reply)", `:"1"`, `*2[$"k", $"db1"]`,
			`+"OK"`, `*2[$"k", $"r"]`, `:"1"`, `*3[$"k", $"m", $"1"]`,
			`+"OK"`, `*2[$"k", $"swapped"]`, `:"1"`, `:"1"`, "(no reply)", `:"1"`, `*2[$"k", $"y"]`},
	},
	{
		name: "BLMOVE served while its destination has the wrong type",
		run: func(t *testing.T, h *Handle) []string {
			admin := h.Raw(t)
			admin.Do("SET", "dst", "str")
			c := blockOn(t, h, admin, 1, "BLMOVE", "src", "dst", "LEFT", "RIGHT", "0")
			out := []string{admin.Do("RPUSH", "src", "x", "y").String(), c.Read().String()}
			checkBlocked(t, admin, 0)
			out = append(out, admin.Do("LRANGE", "src", "0", "-1").String(), admin.Do("GET", "dst").String())
			// Not blocked at all when the source has data.
			out = append(out, c.Do("BLMOVE", "src", "dst", "LEFT", "RIGHT", "0").String())
			return append(out, admin.Do("LLEN", "src").String())
		},
		want: []string{`:"2"`, `-"WRONGTYPE Operation against a key holding the wrong kind of value"`,
			`*2[$"x", $"y"]`, `$"str"`, `-"WRONGTYPE Operation against a key holding the wrong kind of value"`, `:"2"`},
	}}

func TestBlockingScenarios(t *testing.T) {
	servers := []struct {
		name  string
		start func(t *testing.T) *Handle
	}{
		{"redis", func(t *testing.T) *Handle { return StartRedis(t) }},
		{"aikv", func(t *testing.T) *Handle { return StartServer(t, Options{}) }},
	}
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			h := srv.start(t)
			for _, sc := range blockScenarios {
				t.Run(sc.name, func(t *testing.T) {
					h.Raw(t).Do("FLUSHALL")
					got := sc.run(t, h)
					if strings.Join(got, "\n") != strings.Join(sc.want, "\n") {
						t.Errorf("transcript:\n got  %q\n want %q", got, sc.want)
					}
				})
			}
		})
	}
}

// TestBlockingGoRedis drives the same machinery through go-redis:
// FIFO order, a fractional timeout, and BLMOVE feeding a BLPOP.
func TestBlockingGoRedis(t *testing.T) {
	h := StartServer(t, Options{})
	ctx := Ctx(t)
	admin := h.Raw(t)
	writer := h.Client(t)

	type res struct {
		who string
		v   []string
		err error
	}
	results := make(chan res, 3)
	for i, name := range []string{"first", "second", "third"} {
		c := h.Client(t)
		go func() {
			v, err := c.BLPop(ctx, 0, "fifo").Result()
			results <- res{name, v, err}
		}()
		waitBlockedN(t, admin, i+1)
	}
	writer.RPush(ctx, "fifo", "1", "2", "3")
	got := map[string]string{}
	for range 3 {
		r := <-results
		if r.err != nil {
			t.Fatalf("%s: %v", r.who, r.err)
		}
		got[r.who] = r.v[1]
	}
	if got["first"] != "1" || got["second"] != "2" || got["third"] != "3" {
		t.Fatalf("FIFO order broken: %v", got)
	}

	start := time.Now()
	if err := writer.BRPop(ctx, 100*time.Millisecond, "nothing").Err(); err != redis.Nil {
		t.Fatalf("BRPOP timeout: %v, want redis.Nil", err)
	}
	if el := time.Since(start); el < 90*time.Millisecond {
		t.Fatalf("BRPOP returned after %v, before its 0.1s timeout", el)
	}

	popped := make(chan []string, 1)
	go func() {
		v, _ := h.Client(t).BLPop(ctx, 0, "dst").Result()
		popped <- v
	}()
	waitBlockedN(t, admin, 1)
	moved := make(chan string, 1)
	go func() {
		v, _ := h.Client(t).BLMove(ctx, "src", "dst", "LEFT", "RIGHT", 0).Result()
		moved <- v
	}()
	waitBlockedN(t, admin, 2)
	writer.LPush(ctx, "src", "e")
	if v := <-moved; v != "e" {
		t.Fatalf("BLMOVE got %q", v)
	}
	if v := <-popped; len(v) != 2 || v[0] != "dst" || v[1] != "e" {
		t.Fatalf("BLPOP on the BLMOVE destination got %v", v)
	}
	if n := writer.Exists(ctx, "src", "dst").Val(); n != 0 {
		t.Fatalf("EXISTS src dst = %d after both pops", n)
	}
	waitBlockedN(t, admin, 0)
}
