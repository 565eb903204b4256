package tests

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// RawConn is a raw RESP connection for protocol-level tests.
type RawConn struct {
	net.Conn
	R *bufio.Reader
	t testing.TB
}

// Send writes one command as a RESP multibulk request.
func (c *RawConn) Send(args ...string) {
	c.t.Helper()
	c.SendRaw(EncodeCommand(args...))
}

// SendRaw writes bytes as they are.
func (c *RawConn) SendRaw(s string) {
	c.t.Helper()
	c.SetWriteDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(c.Conn, s); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// Do sends a command and returns its reply.
func (c *RawConn) Do(args ...string) Reply {
	c.t.Helper()
	c.Send(args...)
	return c.Read()
}

// Read reads one reply, failing the test on error or after 10s.
func (c *RawConn) Read() Reply {
	c.t.Helper()
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	r, err := ReadReply(c.R)
	if err != nil {
		c.t.Fatalf("read reply: %v", err)
	}
	return r
}

// EncodeCommand encodes args as a RESP multibulk request.
func EncodeCommand(args ...string) string {
	var b strings.Builder
	b.WriteString("*" + strconv.Itoa(len(args)) + "\r\n")
	for _, a := range args {
		b.WriteString("$" + strconv.Itoa(len(a)) + "\r\n" + a + "\r\n")
	}
	return b.String()
}

// Reply is a parsed RESP2/RESP3 reply.
type Reply struct {
	// Kind is the RESP type byte: + - : $ * % ~ > , # _ = ( and 'N' for
	// the RESP2 nulls ($-1 and *-1, told apart by Str "$" or "*").
	Kind  byte
	Str   string
	Elems []Reply
}

// String renders a reply canonically; two replies are equal iff their
// renderings are.
func (r Reply) String() string {
	var b strings.Builder
	r.render(&b)
	return b.String()
}

func (r Reply) render(b *strings.Builder) {
	switch r.Kind {
	case '*', '%', '~', '>':
		b.WriteByte(r.Kind)
		b.WriteString(strconv.Itoa(len(r.Elems)))
		b.WriteString("[")
		for i, e := range r.Elems {
			if i > 0 {
				b.WriteString(", ")
			}
			e.render(b)
		}
		b.WriteString("]")
	case 'N':
		b.WriteString("(nil" + r.Str + ")")
	case '_':
		b.WriteString("(null)")
	default:
		b.WriteByte(r.Kind)
		b.WriteString(strconv.Quote(r.Str))
	}
}

// Sorted returns a copy with aggregate elements sorted by rendering (for
// replies whose order Redis leaves unspecified, like SMEMBERS). For maps,
// key/value pairs are sorted as units.
func (r Reply) Sorted() Reply {
	switch r.Kind {
	case '*', '~', '>':
		els := append([]Reply(nil), r.Elems...)
		sort.Slice(els, func(i, j int) bool { return els[i].String() < els[j].String() })
		return Reply{Kind: r.Kind, Elems: els}
	case '%':
		type pair struct{ k, v Reply }
		var ps []pair
		for i := 0; i+1 < len(r.Elems); i += 2 {
			ps = append(ps, pair{r.Elems[i], r.Elems[i+1]})
		}
		sort.Slice(ps, func(i, j int) bool { return ps[i].k.String() < ps[j].k.String() })
		var els []Reply
		for _, p := range ps {
			els = append(els, p.k, p.v)
		}
		return Reply{Kind: r.Kind, Elems: els}
	}
	return r
}

// Shape renders only the reply's structure and types (for replies whose
// values legitimately differ, like TIME or CLIENT ID).
func (r Reply) Shape() string {
	switch r.Kind {
	case '*', '%', '~', '>':
		var parts []string
		for _, e := range r.Elems {
			parts = append(parts, e.Shape())
		}
		return string(r.Kind) + strconv.Itoa(len(r.Elems)) + "[" + strings.Join(parts, ",") + "]"
	case 'N':
		return "nil" + r.Str
	}
	return string(r.Kind)
}

// IsError reports whether the reply is an error.
func (r Reply) IsError() bool { return r.Kind == '-' }

// ReadReply parses one reply from rd.
func ReadReply(rd *bufio.Reader) (Reply, error) {
	line, err := rd.ReadString('\n')
	if err != nil {
		return Reply{}, err
	}
	if len(line) < 3 || !strings.HasSuffix(line, "\r\n") {
		return Reply{}, fmt.Errorf("malformed reply line %q", line)
	}
	kind, body := line[0], line[1:len(line)-2]
	switch kind {
	case '+', '-', ':', ',', '#', '(':
		return Reply{Kind: kind, Str: body}, nil
	case '_':
		return Reply{Kind: '_'}, nil
	case '$', '=', '!':
		n, err := strconv.Atoi(body)
		if err != nil {
			return Reply{}, fmt.Errorf("bad bulk length %q", body)
		}
		if n < 0 {
			return Reply{Kind: 'N', Str: "$"}, nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(rd, buf); err != nil {
			return Reply{}, err
		}
		if kind == '!' {
			kind = '-'
		}
		return Reply{Kind: kind, Str: string(buf[:n])}, nil
	case '*', '%', '~', '>':
		n, err := strconv.Atoi(body)
		if err != nil {
			return Reply{}, fmt.Errorf("bad aggregate length %q", body)
		}
		if n < 0 {
			return Reply{Kind: 'N', Str: "*"}, nil
		}
		count := n
		if kind == '%' {
			count = 2 * n
		}
		r := Reply{Kind: kind, Elems: make([]Reply, 0, count)}
		for i := 0; i < count; i++ {
			e, err := ReadReply(rd)
			if err != nil {
				return Reply{}, err
			}
			r.Elems = append(r.Elems, e)
		}
		return r, nil
	}
	return Reply{}, errors.New("unknown reply type " + strconv.Quote(line))
}
