package tests

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestMultiDifferential runs the testdata/multi/*.txt scripts, which drive
// several connections, against AiKv and real Redis and compares
// everything each connection receives: replies, messages, push frames.
//
// Each line is "<conn> <command...>" (conn is any word; a connection is
// opened on first use). After every command each connection is synced
// with PING <marker> and everything it received before the marker's
// reply is recorded, so messages caused by another connection's command
// appear right after that command. "$id:<conn>" in an argument is
// replaced by that connection's client ID. Directives (!shape, !sort,
// !skip) apply to the command's own reply.
func TestMultiDifferential(t *testing.T) {
	RunScriptDir(t, "testdata/multi/*.txt", func(t *testing.T, aikv, redis *Handle, f string) {
		lines := parseScript(t, f)
		CompareStreams(t, f, multiStream(t, aikv, lines), multiStream(t, redis, lines), 6)
	})
}

func multiStream(t *testing.T, h *Handle, lines []scriptLine) []string {
	t.Helper()
	conns := map[string]*RawConn{}
	ids := map[string]string{}
	var order []string
	get := func(name string) *RawConn {
		if c, ok := conns[name]; ok {
			return c
		}
		c := h.Raw(t)
		conns[name] = c
		ids[name] = c.Do("CLIENT", "ID").Str
		order = append(order, name)
		return c
	}
	admin := h.Raw(t)
	admin.Do("FLUSHALL")
	defer admin.Do("CONFIG", "SET", "notify-keyspace-events", "")
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	var out []string
	n := 0
	for _, l := range lines {
		name, args := l.args[0], append([]string(nil), l.args[1:]...)
		c := get(name)
		for i, a := range args {
			if ref, ok := strings.CutPrefix(a, "$id:"); ok {
				get(ref)
				args[i] = ids[ref]
			}
		}
		c.Send(args...)
		r := c.Read()
		rs := r.String()
		switch {
		case l.skipReply || l.shapeOnly:
			rs = r.Shape()
		case l.sortReply:
			rs = r.Sorted().String()
		}
		out = append(out, name+"> "+strings.Join(l.args[1:], " ")+" -> "+rs)
		if strings.EqualFold(args[0], "quit") {
			c.Close()
			delete(conns, name)
			for i, o := range order {
				if o == name {
					order = append(order[:i], order[i+1:]...)
					break
				}
			}
			// Let the server notice before the next command.
			time.Sleep(50 * time.Millisecond)
		}
		// Sync every connection, in order of creation.
		for _, cn := range order {
			n++
			marker := "sync" + strconv.Itoa(n)
			conns[cn].Send("PING", marker)
			for {
				r := conns[cn].Read()
				if r.Str == marker || (len(r.Elems) == 2 && r.Elems[1].Str == marker) {
					break
				}
				out = append(out, cn+"< "+r.String())
			}
		}
	}
	// Client IDs differ between the servers: name them where they are
	// reported (redirect fields and tracking-redir-broken).
	for i, line := range out {
		if !strings.Contains(line, "redir") {
			continue
		}
		for name, id := range ids {
			line = strings.ReplaceAll(line, `:"`+id+`"`, `:"$id:`+name+`"`)
		}
		out[i] = line
	}
	return out
}
