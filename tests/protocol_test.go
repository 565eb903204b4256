package tests

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestPipelineKeepsOrder(t *testing.T) {
	h := StartServer(t, Options{})
	c := h.Raw(t)
	var b strings.Builder
	const n = 5000
	for i := 0; i < n; i++ {
		b.WriteString(EncodeCommand("ECHO", fmt.Sprint(i)))
	}
	c.SendRaw(b.String())
	for i := 0; i < n; i++ {
		r := c.Read()
		if r.Str != fmt.Sprint(i) {
			t.Fatalf("reply %d = %v", i, r)
		}
	}
}

func TestInlineCommands(t *testing.T) {
	h := StartServer(t, Options{})
	c := h.Raw(t)
	c.SendRaw("PING\r\n")
	if r := c.Read(); r.String() != `+"PONG"` {
		t.Fatalf("PING: %v", r)
	}
	c.SendRaw("ECHO \"hello\\x20world\"\n") // telnet may send a bare \n
	if r := c.Read(); r.Str != "hello world" {
		t.Fatalf("ECHO: %v", r)
	}
	c.SendRaw("\r\n\r\nPING x\r\n") // blank lines are ignored
	if r := c.Read(); r.Str != "x" {
		t.Fatalf("PING x: %v", r)
	}
}

func TestProtocolErrorClosesConnection(t *testing.T) {
	h := StartServer(t, Options{})
	cases := map[string]string{
		"*1\r\n+x\r\n":          "ERR Protocol error: expected '$', got '+'",
		"*abc\r\n":              "ERR Protocol error: invalid multibulk length",
		"*1\r\n$-7\r\n":         "ERR Protocol error: invalid bulk length",
		"ECHO \"unbalanced\r\n": "ERR Protocol error: unbalanced quotes in request",
	}
	for in, want := range cases {
		c := h.Raw(t)
		c.SendRaw("PING\r\n" + in)
		if r := c.Read(); r.Str != "PONG" {
			t.Fatalf("%q: first reply %v", in, r)
		}
		r := c.Read()
		if !r.IsError() || r.Str != want {
			t.Errorf("%q: got %v, want error %q", in, r, want)
		}
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.R.ReadByte(); err != io.EOF {
			t.Errorf("%q: connection not closed after protocol error (err %v)", in, err)
		}
	}
	// The server keeps serving others.
	if r := h.Raw(t).Do("PING"); r.Str != "PONG" {
		t.Fatalf("server unhealthy after protocol errors: %v", r)
	}
}

func TestUnknownCommandAndArity(t *testing.T) {
	h := StartServer(t, Options{})
	c := h.Raw(t)
	if r := c.Do("NOPE", "a", "b"); r.Str != "ERR unknown command 'NOPE', with args beginning with: 'a' 'b' " {
		t.Errorf("unknown: %v", r)
	}
	if r := c.Do("ECHO"); r.Str != "ERR wrong number of arguments for 'echo' command" {
		t.Errorf("arity: %v", r)
	}
}

func TestHelloSwitchesToRESP3(t *testing.T) {
	h := StartServer(t, Options{})
	c := h.Raw(t)
	r := c.Do("HELLO", "3")
	if r.Kind != '%' {
		t.Fatalf("HELLO 3 reply is not a map: %v", r)
	}
	m := map[string]string{}
	for i := 0; i+1 < len(r.Elems); i += 2 {
		m[r.Elems[i].Str] = r.Elems[i+1].Str
	}
	if m["proto"] != "3" || m["server"] != "redis" || m["version"] == "" {
		t.Fatalf("HELLO fields: %v", m)
	}
	if r := c.Do("HELLO", "4"); !strings.HasPrefix(r.Str, "NOPROTO") {
		t.Fatalf("HELLO 4: %v", r)
	}
	// go-redis negotiates RESP3 itself.
	rc := h.Client(t, func(o *redis.Options) { o.Protocol = 3 })
	if err := rc.Ping(Ctx(t)).Err(); err != nil {
		t.Fatal(err)
	}
}

func TestRequirePass(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--requirepass", "s3cret"}})
	c := h.Raw(t)
	if r := c.Do("ECHO", "x"); r.Str != "NOAUTH Authentication required." {
		t.Fatalf("before AUTH: %v", r)
	}
	if r := c.Do("AUTH", "wrong"); !strings.HasPrefix(r.Str, "WRONGPASS") {
		t.Fatalf("bad AUTH: %v", r)
	}
	if r := c.Do("AUTH", "s3cret"); r.Str != "OK" {
		t.Fatalf("AUTH: %v", r)
	}
	if r := c.Do("ECHO", "x"); r.Str != "x" {
		t.Fatalf("after AUTH: %v", r)
	}
	// Before AUTH, a huge multibulk is a protocol error (Redis's guard
	// against unauthenticated memory use).
	c2 := h.Raw(t)
	c2.SendRaw("*100\r\n")
	if r := c2.Read(); r.Str != "ERR Protocol error: invalid multibulk length" {
		t.Fatalf("unauthenticated big multibulk: %v", r)
	}
	rc := h.Client(t, func(o *redis.Options) { o.Password = "s3cret" })
	if err := rc.Ping(Ctx(t)).Err(); err != nil {
		t.Fatal(err)
	}
}

func TestMaxClients(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--maxclients", "3"}})
	var conns []*RawConn
	for i := 0; i < 3; i++ {
		c := h.Raw(t)
		if r := c.Do("PING"); r.Str != "PONG" {
			t.Fatalf("client %d: %v", i, r)
		}
		conns = append(conns, c)
	}
	extra := h.Raw(t)
	extra.SetReadDeadline(time.Now().Add(5 * time.Second))
	r, err := ReadReply(extra.R)
	if err != nil || r.Str != "ERR max number of clients reached" {
		t.Fatalf("4th client: %v %v", r, err)
	}
	conns[0].Close()
	// A slot frees up once the server notices the close.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c := h.Raw(t)
		c.Send("PING")
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		r, err := ReadReply(c.R)
		if err == nil && r.Str == "PONG" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no slot after a client left: %v %v", r, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestManyConcurrentClients(t *testing.T) {
	h := StartServer(t, Options{})
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c := h.Client(t)
			for j := 0; j < 200; j++ {
				v := fmt.Sprintf("%d-%d", i, j)
				got, err := c.Echo(Ctx(t), v).Result()
				if err != nil || got != v {
					errs <- fmt.Errorf("echo %s: %v %v", v, got, err)
					return
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestQuitClosesAfterOK(t *testing.T) {
	h := StartServer(t, Options{})
	c := h.Raw(t)
	c.SendRaw(EncodeCommand("QUIT") + EncodeCommand("PING"))
	if r := c.Read(); r.Str != "OK" {
		t.Fatalf("QUIT: %v", r)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.R.ReadByte(); err != io.EOF {
		t.Fatalf("connection open after QUIT: %v", err)
	}
}

func TestGracefulShutdownOnSIGTERM(t *testing.T) {
	h := StartServer(t, Options{})
	h.Raw(t).Do("PING")
	h.Stop()
	if code := h.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("exit code %d after SIGTERM; logs:\n%s", code, h.Logs())
	}
}
