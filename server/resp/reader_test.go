package resp

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
)

// oneByteReader returns one byte per Read, to exercise every split point.
type oneByteReader struct{ data []byte }

func (r *oneByteReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	p[0] = r.data[0]
	r.data = r.data[1:]
	return 1, nil
}

// readAll parses every request from src, filling as needed.
func readAll(t *testing.T, rd *Reader, src io.Reader) ([][]string, error) {
	t.Helper()
	var out [][]string
	for {
		for {
			args, ok, err := rd.Next(nil)
			if err != nil {
				return out, err
			}
			if !ok {
				break
			}
			var s []string
			for _, a := range args {
				s = append(s, string(a))
			}
			out = append(out, s)
		}
		if err := rd.Fill(src); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return out, err
		}
	}
}

func encode(args ...string) string {
	var b strings.Builder
	b.WriteString("*" + strconv.Itoa(len(args)) + "\r\n")
	for _, a := range args {
		b.WriteString("$" + strconv.Itoa(len(a)) + "\r\n" + a + "\r\n")
	}
	return b.String()
}

func TestReaderParsesAtEverySplit(t *testing.T) {
	input := encode("SET", "key", "va\r\nlue") + "PING\r\n" + encode("GET", "") +
		"  set  \"a b\" 'c d'  \r\n" + "*0\r\n" + "\r\n" + encode("ECHO", strings.Repeat("x", 70000))
	want := [][]string{{"SET", "key", "va\r\nlue"}, {"PING"}, {"GET", ""}, {"set", "a b", "c d"},
		{"ECHO", strings.Repeat("x", 70000)}}
	for _, name := range []string{"whole", "bytewise"} {
		t.Run(name, func(t *testing.T) {
			rd := &Reader{Authenticated: true}
			var src io.Reader = strings.NewReader(input)
			if name == "bytewise" {
				src = &oneByteReader{data: []byte(input)}
			}
			got, err := readAll(t, rd, src)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("got %d requests, want %d", len(got), len(want))
			}
			for i := range want {
				if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
					t.Errorf("request %d = %q, want %q", i, got[i], want[i])
				}
			}
		})
	}
}

func TestReaderProtocolErrors(t *testing.T) {
	cases := []struct{ in, want string }{
		{"*x\r\n", "ERR Protocol error: invalid multibulk length"},
		{"*3000000000\r\n", "ERR Protocol error: invalid multibulk length"},
		{"*1\r\n+foo\r\n", "ERR Protocol error: expected '$', got '+'"},
		{"*1\r\n$-1\r\n", "ERR Protocol error: invalid bulk length"},
		{"*1\r\n$abc\r\n", "ERR Protocol error: invalid bulk length"},
		{"*1\r\n$600000000\r\n", "ERR Protocol error: invalid bulk length"},
		{"set \"abc\r\n", "ERR Protocol error: unbalanced quotes in request"},
		{"set \"a\"b\r\n", "ERR Protocol error: unbalanced quotes in request"},
		{"*" + strings.Repeat("1", 70000), "ERR Protocol error: too big mbulk count string"},
		{"*1\r\n$" + strings.Repeat("1", 70000), "ERR Protocol error: too big bulk count string"},
		{strings.Repeat("a", 70000), "ERR Protocol error: too big inline request"},
	}
	for _, c := range cases {
		rd := &Reader{Authenticated: true}
		_, err := readAll(t, rd, strings.NewReader(c.in))
		var pe *ProtocolError
		if !errors.As(err, &pe) || pe.Error() != c.want {
			t.Errorf("%q: got %v, want %q", c.in[:min(len(c.in), 30)], err, c.want)
		}
	}
}

func TestReaderLimits(t *testing.T) {
	// proto-max-bulk-len
	rd := &Reader{Authenticated: true, MaxBulk: 10}
	if _, err := readAll(t, rd, strings.NewReader(encode("SET", "k", strings.Repeat("v", 11)))); err == nil {
		t.Fatal("bulk over proto-max-bulk-len accepted")
	}
	// Before AUTH, Redis caps multibulk counts at 10 and bulks at 16KB.
	rd = &Reader{}
	if _, err := readAll(t, rd, strings.NewReader(encode(make([]string, 11)...))); err == nil {
		t.Fatal("11-argument request accepted before AUTH")
	}
	rd = &Reader{}
	if _, err := readAll(t, rd, strings.NewReader(encode("AUTH", strings.Repeat("p", 16385)))); err == nil {
		t.Fatal("16KB+ bulk accepted before AUTH")
	}
	// client-query-buffer-limit: a request that never completes.
	rd = &Reader{Authenticated: true, MaxQueryBuf: 1 << 20}
	big := "*1\r\n$5000000\r\n" + strings.Repeat("x", 2<<20)
	_, err := readAll(t, rd, strings.NewReader(big))
	if !errors.Is(err, ErrQueryBufLimit) {
		t.Fatalf("got %v, want ErrQueryBufLimit", err)
	}
}

func TestSplitArgs(t *testing.T) {
	cases := []struct {
		in   string
		want []string
		ok   bool
	}{
		{`a b  c`, []string{"a", "b", "c"}, true},
		{`"a\x41\n" 'it\'s'`, []string{"aA\n", "it's"}, true},
		{`""`, []string{""}, true},
		{`"unterminated`, nil, false},
		{`'a'b`, nil, false},
		{`  `, nil, true},
	}
	for _, c := range cases {
		got, ok := SplitArgs([]byte(c.in), nil)
		if ok != c.ok {
			t.Errorf("%q: ok=%v want %v", c.in, ok, c.ok)
			continue
		}
		if !ok {
			continue
		}
		var s []string
		for _, g := range got {
			s = append(s, string(g))
		}
		if strings.Join(s, "|") != strings.Join(c.want, "|") || len(s) != len(c.want) {
			t.Errorf("%q: got %q want %q", c.in, s, c.want)
		}
	}
}

func TestIdleReaderReleasesBigBuffer(t *testing.T) {
	rd := &Reader{Authenticated: true}
	if _, err := readAll(t, rd, strings.NewReader(encode("SET", "k", strings.Repeat("v", 1<<20)))); err != nil {
		t.Fatal(err)
	}
	rd.Fill(strings.NewReader("PING\r\n"))
	if cap(rd.buf) > 4*initialBufSize {
		t.Fatalf("idle reader keeps a %d-byte buffer", cap(rd.buf))
	}
}

// FuzzReader feeds arbitrary bytes: the reader must never panic, and any
// request it returns must re-encode to a request that parses the same.
func FuzzReader(f *testing.F) {
	f.Add([]byte(encode("SET", "k", "v")))
	f.Add([]byte("PING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"))
	f.Add([]byte("set \"a\\x00b\" 'c'\r\n"))
	f.Add([]byte("*-1\r\n*0\r\n$3\r\nfoo\r\n"))
	f.Add([]byte("*1\r\n$-5\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rd := &Reader{Authenticated: true, MaxBulk: 1 << 16, MaxQueryBuf: 1 << 20}
		reqs, _ := readAll(t, rd, &oneByteReader{data: data})
		for _, req := range reqs {
			if len(req) == 0 {
				t.Fatal("empty request returned")
			}
			rd2 := &Reader{Authenticated: true}
			again, err := readAll(t, rd2, bytes.NewReader([]byte(encode(req...))))
			if err != nil || len(again) != 1 || strings.Join(again[0], "\x00") != strings.Join(req, "\x00") {
				t.Fatalf("round trip of %q failed: %v %q", req, err, again)
			}
		}
	})
}
