package tests

import (
	"bufio"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

func clientID(t *testing.T, c *RawConn) string {
	t.Helper()
	r := c.Do("CLIENT", "ID")
	if r.Kind != ':' {
		t.Fatalf("CLIENT ID: %s", r)
	}
	return r.Str
}

// expectClosed checks that the server closed c.
func expectClosed(t *testing.T, c *RawConn) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := ReadReply(c.R); err == nil {
		t.Fatal("connection still open")
	}
}

func TestClientListAndKill(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	a, b := h.Raw(t), h.Raw(t)
	if r := a.Do("CLIENT", "SETNAME", "victim"); r.Str != "OK" {
		t.Fatal(r)
	}
	aid := clientID(t, a)
	list := b.Do("CLIENT", "LIST").Str
	if !strings.Contains(list, "id="+aid+" ") || !strings.Contains(list, " name=victim ") ||
		!strings.Contains(list, "cmd=client|list") || strings.Count(list, "\n") != 2 {
		t.Fatalf("CLIENT LIST:\n%s", list)
	}
	if got := b.Do("CLIENT", "LIST", "ID", aid).Str; strings.Count(got, "\n") != 1 || !strings.Contains(got, "name=victim") {
		t.Fatalf("CLIENT LIST ID: %q", got)
	}
	if got := b.Do("CLIENT", "INFO").Str; !strings.HasPrefix(got, "id="+clientID(t, b)+" ") {
		t.Fatalf("CLIENT INFO: %q", got)
	}
	// New form by ID; SKIPME protects the caller.
	if r := b.Do("CLIENT", "KILL", "ID", clientID(t, b)); r.Str != "0" {
		t.Fatalf("kill self with skipme: %s", r)
	}
	if r := b.Do("CLIENT", "KILL", "ID", aid); r.Str != "1" {
		t.Fatalf("kill by id: %s", r)
	}
	expectClosed(t, a)
	// Old form by address.
	c := h.Raw(t)
	c.Do("PING") // registered by now
	addr := c.LocalAddr().String()
	if r := b.Do("CLIENT", "KILL", addr); r.Str != "OK" {
		t.Fatalf("kill by addr: %s", r)
	}
	expectClosed(t, c)
	if r := b.Do("CLIENT", "KILL", addr); r.Str != "ERR No such client" {
		t.Fatalf("kill gone addr: %s", r)
	}
	// SKIPME no kills the caller after its reply.
	if r := b.Do("CLIENT", "KILL", "ID", clientID(t, b), "SKIPME", "no"); r.Str != "1" {
		t.Fatalf("kill self: %s", r)
	}
	expectClosed(t, b)
}

func TestClientPause(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	a, b := h.Raw(t), h.Raw(t)

	// WRITE: commands that do not write go through at once.
	if r := a.Do("CLIENT", "PAUSE", "60000", "WRITE"); r.Str != "OK" {
		t.Fatal(r)
	}
	if r := b.Do("PING"); r.Str != "PONG" {
		t.Fatal(r)
	}
	if b.Do("COMMAND", "INFO", "set").Elems[0].Kind == '*' {
		// A write waits until CLIENT UNPAUSE.
		b.Send("SET", "k", "v")
		b.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		if _, err := ReadReply(b.R); err == nil {
			t.Fatal("SET answered during CLIENT PAUSE WRITE")
		}
		a.Do("CLIENT", "UNPAUSE")
		if r := b.Read(); r.Str != "OK" {
			t.Fatalf("SET after unpause: %s", r)
		}
	} else {
		t.Log("no SET in the table yet: the write half of this test is skipped")
		a.Do("CLIENT", "UNPAUSE")
	}

	// ALL: every command waits, including the pauser's own, until the
	// timeout.
	if r := a.Do("CLIENT", "PAUSE", "700", "ALL"); r.Str != "OK" {
		t.Fatal(r)
	}
	b.Send("PING")
	b.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if _, err := ReadReply(b.R); err == nil {
		t.Fatal("PING answered during CLIENT PAUSE ALL")
	}
	if r := b.Read(); r.Str != "PONG" {
		t.Fatalf("PING after the pause: %s", r)
	}
	// A killed client that waits for a pause goes away.
	a.Do("CLIENT", "PAUSE", "60000", "WRITE")
	a.Do("CLIENT", "UNPAUSE")
}

var monitorLine = regexp.MustCompile(`^\+\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] (.*)\r\n$`)

func TestMonitor(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	m, c := h.Raw(t), h.Raw(t)
	if r := m.Do("MONITOR"); r.Str != "OK" {
		t.Fatal(r)
	}
	c.Do("PING")
	c.Do("ECHO", "a \"b\"\n\x01")
	c.Do("CLIENT", "LIST") // admin: not shown
	c.Do("AUTH", "secret") // shown redacted even though it fails
	c.Do("HELLO", "2", "AUTH", "default", "pw")
	c.Do("SELECT", "3")
	c.Do("PING", "in-db-3")
	// Arguments appear as sent (Redis does not lower-case the name).
	want := []string{`"PING"`, `"ECHO" "a \"b\"\n\x01"`, `"AUTH" "(redacted)"`,
		`"HELLO" "2" "AUTH" "(redacted)" "(redacted)"`}
	m.SetReadDeadline(time.Now().Add(10 * time.Second))
	for _, w := range want {
		line, err := m.R.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		g := monitorLine.FindStringSubmatch(line)
		if g == nil || g[1] != w {
			t.Fatalf("monitor line %q, want args %s", line, w)
		}
	}
	// Like Redis, the db shown is the one after the command ran.
	for _, w := range []string{`"SELECT" "3"`, `"PING" "in-db-3"`} {
		line, _ := m.R.ReadString('\n')
		if !strings.Contains(line, "[3 127.0.0.1:") || !strings.HasSuffix(line, w+"\r\n") {
			t.Fatalf("monitor line %q, want db 3 and %s", line, w)
		}
	}
	// A monitor cannot touch the keyspace; PING still works.
	if r := m.Do("MEMORY", "USAGE", "k"); r.Str != "ERR Replica can't interact with the keyspace" {
		t.Fatalf("monitor reading a key: %s", r)
	}
	if r := m.Do("PING"); r.Str != "PONG" {
		t.Fatal(r)
	}
	// After RESET the connection is an ordinary client again.
	if r := m.Do("RESET"); r.Str != "RESET" {
		t.Fatal(r)
	}
	c.Do("PING")
	if r := m.Do("PING", "x"); r.Str != "x" {
		t.Fatalf("after RESET: %s", r)
	}
}

func TestSlowlog(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no", "--slowlog-log-slower-than", "0"}})
	c := h.Raw(t)
	c.Do("CLIENT", "SETNAME", "slowpoke")
	c.Do("ECHO", "hello")
	c.Do("AUTH", "secret")
	r := c.Do("SLOWLOG", "GET", "2")
	if len(r.Elems) != 2 {
		t.Fatalf("SLOWLOG GET 2: %s", r)
	}
	auth, echo := r.Elems[0], r.Elems[1]
	if len(echo.Elems) != 6 || echo.Elems[0].Kind != ':' || echo.Elems[1].Kind != ':' || echo.Elems[2].Kind != ':' {
		t.Fatalf("entry shape: %s", echo)
	}
	if got := echo.Elems[3].String(); got != `*2[$"ECHO", $"hello"]` {
		t.Fatalf("args %s", got)
	}
	if echo.Elems[4].Str != c.LocalAddr().String() || echo.Elems[5].Str != "slowpoke" {
		t.Fatalf("addr/name: %s", echo)
	}
	if got := auth.Elems[3].String(); got != `*2[$"AUTH", $"(redacted)"]` {
		t.Fatalf("auth args %s", got)
	}
	id, _ := strconv.Atoi(echo.Elems[0].Str)
	if aid, _ := strconv.Atoi(auth.Elems[0].Str); aid != id+1 {
		t.Fatalf("ids %d then %d", id, aid)
	}
	if n, _ := strconv.Atoi(c.Do("SLOWLOG", "LEN").Str); n < 4 {
		t.Fatalf("SLOWLOG LEN %d", n)
	}
	c.Do("SLOWLOG", "RESET")
	for _, e := range c.Do("SLOWLOG", "GET", "-1").Elems {
		if strings.Contains(e.String(), "hello") {
			t.Fatalf("entry survived RESET: %s", e)
		}
	}
}

// infoFields maps section title to field names.
func infoFields(text string) map[string][]string {
	out := map[string][]string{}
	sec := ""
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "# "):
			sec = line[2:]
		case line != "":
			name, _, _ := strings.Cut(line, ":")
			out[sec] = append(out[sec], name)
		}
	}
	return out
}

// TestInfoFields checks that every field real Redis reports in the
// sections AiKv renders is present in AiKv's INFO too.
func TestInfoFields(t *testing.T) {
	redis := StartRedis(t)
	aikv := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	a, r := aikv.Raw(t), redis.Raw(t)
	ai, ri := infoFields(a.Do("INFO", "everything").Str), infoFields(r.Do("INFO", "everything").Str)
	for _, sec := range []string{"Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "Cluster"} {
		have := map[string]bool{}
		for _, f := range ai[sec] {
			have[f] = true
		}
		for _, f := range ri[sec] {
			if !have[f] {
				t.Errorf("INFO %s lacks %s", sec, f)
			}
		}
	}
	// Default sections are the same set and order.
	order := func(text string) string {
		var titles []string
		for _, l := range strings.Split(text, "\r\n") {
			if strings.HasPrefix(l, "# ") {
				titles = append(titles, l)
			}
		}
		return strings.Join(titles, ",")
	}
	if ga, gr := order(a.Do("INFO").Str), order(r.Do("INFO").Str); ga != gr {
		t.Errorf("default sections:\n aikv  %s\n redis %s", ga, gr)
	}
	a.Do("CLIENT", "ID")
	if got := a.Do("INFO", "commandstats").Str; !strings.Contains(got, "cmdstat_client|id:calls=1,") {
		t.Errorf("commandstats: %s", got)
	}
	if got := a.Do("INFO", "keyspace", "clients").Str; !strings.Contains(got, "# Clients") || !strings.Contains(got, "# Keyspace") {
		t.Errorf("multiple sections: %q", got)
	}
}

func setOf(r Reply) string {
	var s []string
	for _, e := range r.Elems {
		s = append(s, e.Str)
	}
	sort.Strings(s)
	return strings.Join(s, " ")
}

// compareInfo compares one COMMAND INFO entry of AiKv with Redis's:
// arity, flags, key positions, ACL categories, and every subcommand AiKv
// has (Redis may have more).
func compareInfo(t *testing.T, a, r Reply) {
	t.Helper()
	name := a.Elems[0].Str
	if len(a.Elems) != 10 {
		t.Errorf("%s: %d fields", name, len(a.Elems))
		return
	}
	for i, what := range []string{"name", "arity", "", "first key", "last key", "step"} {
		if what != "" && a.Elems[i].Str != r.Elems[i].Str {
			t.Errorf("%s: %s %s, Redis %s", name, what, a.Elems[i].Str, r.Elems[i].Str)
		}
	}
	if ga, gr := setOf(a.Elems[2]), setOf(r.Elems[2]); ga != gr {
		t.Errorf("%s: flags [%s], Redis [%s]", name, ga, gr)
	}
	if ga, gr := setOf(a.Elems[6]), setOf(r.Elems[6]); ga != gr {
		t.Errorf("%s: ACL [%s], Redis [%s]", name, ga, gr)
	}
	rsubs := map[string]Reply{}
	for _, s := range r.Elems[9].Elems {
		rsubs[s.Elems[0].Str] = s
	}
	for _, s := range a.Elems[9].Elems {
		rs, ok := rsubs[s.Elems[0].Str]
		if !ok {
			t.Errorf("%s: Redis has no subcommand %s", name, s.Elems[0].Str)
			continue
		}
		compareInfo(t, s, rs)
	}
}

// TestCommandInfoVsRedis compares COMMAND INFO and COMMAND DOCS of every
// command AiKv implements with real Redis.
func TestCommandInfoVsRedis(t *testing.T) {
	redis := StartRedis(t)
	aikv := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	a, r := aikv.Raw(t), redis.Raw(t)
	all := a.Do("COMMAND")
	if n, _ := strconv.Atoi(a.Do("COMMAND", "COUNT").Str); n != len(all.Elems) || n < 10 {
		t.Fatalf("COMMAND COUNT %d, COMMAND has %d", n, len(all.Elems))
	}
	checked := 0
	for _, ai := range all.Elems {
		name := ai.Elems[0].Str
		ri := r.Do("COMMAND", "INFO", name).Elems[0]
		if ri.Kind != '*' {
			continue // not a Redis command
		}
		compareInfo(t, ai, ri)
		ad, rd := a.Do("COMMAND", "DOCS", name), r.Do("COMMAND", "DOCS", name)
		if len(ad.Elems) != 2 || len(rd.Elems) != 2 {
			t.Errorf("%s: DOCS %s vs %s", name, ad, rd)
			continue
		}
		docField := func(d Reply, key string) string {
			for i := 0; i+1 < len(d.Elems); i += 2 {
				if d.Elems[i].Str == key {
					return d.Elems[i+1].Str
				}
			}
			return ""
		}
		for _, key := range []string{"since", "group"} {
			if ga, gr := docField(ad.Elems[1], key), docField(rd.Elems[1], key); ga != gr {
				t.Errorf("%s: DOCS %s %q, Redis %q", name, key, ga, gr)
			}
		}
		checked++
	}
	if checked < 10 {
		t.Fatalf("only %d commands compared", checked)
	}
	// RESP3: COMMAND DOCS is a map.
	a.Do("HELLO", "3")
	if d := a.Do("COMMAND", "DOCS", "client"); d.Kind != '%' || len(d.Elems) != 2 || d.Elems[1].Kind != '%' {
		t.Fatalf("RESP3 COMMAND DOCS: %s", d)
	}
}

func TestClientReply(t *testing.T) {
	for _, h := range []*Handle{StartServer(t, Options{Args: []string{"--appendonly", "no"}}), StartRedis(t)} {
		c := h.Raw(t)
		c.Send("CLIENT", "REPLY", "SKIP")
		c.Send("PING", "skipped")
		c.Send("PING", "one")
		c.Send("CLIENT", "REPLY", "OFF")
		c.Send("PING", "off")
		c.Send("CLIENT", "REPLY", "ON")
		c.Send("PING", "two")
		var got []string
		for i := 0; i < 3; i++ {
			got = append(got, c.Read().String())
		}
		if want := `$"one" +"OK" $"two"`; strings.Join(got, " ") != want {
			t.Fatalf("%s: replies %v", h.Addr, got)
		}
	}
}
