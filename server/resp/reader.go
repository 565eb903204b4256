package resp

import (
	"errors"
	"io"
)

// Default limits, as in Redis 7.0.
const (
	DefaultMaxBulk     = 512 << 20 // proto-max-bulk-len
	DefaultMaxQueryBuf = 1 << 30   // client-query-buffer-limit
	// maxInline is Redis's PROTO_INLINE_MAX_SIZE: the longest inline
	// request, and the longest multibulk/bulk count line.
	maxInline = 64 << 10
	// maxUnauthMultibulk is the largest multibulk count Redis accepts from
	// a client that has not authenticated yet.
	maxUnauthMultibulk = 10
	// maxUnauthBulk likewise bounds bulk lengths before AUTH.
	maxUnauthBulk  = 16384
	initialBufSize = 16 << 10
)

// ProtocolError is a malformed request. The server replies
// "ERR Protocol error: <Msg>" and closes the connection, as Redis does.
type ProtocolError struct{ Msg string }

func (e *ProtocolError) Error() string { return "ERR Protocol error: " + e.Msg }

// ErrQueryBufLimit means a client's pending request outgrew
// client-query-buffer-limit. Redis closes such a client without a reply.
var ErrQueryBufLimit = errors.New("resp: query buffer limit reached")

// Reader buffers one connection's input and parses requests from it.
//
// Invariant: the argument slices returned by Next point into the buffer
// and stay valid until the next call to Fill, which may move or reuse the
// buffer. The server therefore executes every command parsed from one Fill
// (a pipelined batch) before filling again.
type Reader struct {
	buf  []byte
	r, w int // unread data is buf[r:w]
	// need is how many unread bytes the next parse needs at least; it
	// keeps a large bulk from being re-parsed on every read.
	need int

	// MaxBulk is proto-max-bulk-len; MaxQueryBuf is
	// client-query-buffer-limit. Zero means the Redis default.
	MaxBulk, MaxQueryBuf int64
	// Authenticated relaxes the pre-AUTH limits on request sizes.
	Authenticated bool
}

// Buffered returns the number of unread bytes.
func (rd *Reader) Buffered() int { return rd.w - rd.r }

// Fill reads at least once from src, making room first. It must only be
// called when no argument slices from Next are still in use.
func (rd *Reader) Fill(src io.Reader) error {
	unread := rd.w - rd.r
	if unread == 0 {
		rd.r, rd.w = 0, 0
		// Let a big buffer go once a connection is idle, so idle clients
		// cost little memory.
		if cap(rd.buf) > 4*initialBufSize {
			rd.buf = nil
		}
	}
	want := rd.need
	if want < unread+512 {
		want = unread + 512
	}
	maxQ := rd.MaxQueryBuf
	if maxQ <= 0 {
		maxQ = DefaultMaxQueryBuf
	}
	if int64(unread) >= maxQ {
		return ErrQueryBufLimit
	}
	if rd.buf == nil {
		rd.buf = make([]byte, max(initialBufSize, want))
	}
	if len(rd.buf)-rd.r < want {
		if len(rd.buf) >= want && rd.r > 0 {
			copy(rd.buf, rd.buf[rd.r:rd.w])
		} else {
			size := max(2*len(rd.buf), want)
			if int64(size) > maxQ+maxInline {
				size = int(maxQ + maxInline)
			}
			nb := make([]byte, size)
			copy(nb, rd.buf[rd.r:rd.w])
			rd.buf = nb
		}
		rd.r, rd.w = 0, unread
	}
	n, err := src.Read(rd.buf[rd.w:])
	rd.w += n
	if n > 0 {
		return nil
	}
	if err == nil {
		err = io.ErrNoProgress
	}
	return err
}

// Next parses the next complete request. It returns ok=false when more
// input is needed. Empty requests (a blank inline line, "*0") are skipped.
// args is reused as the backing array of the result.
func (rd *Reader) Next(args [][]byte) (out [][]byte, ok bool, err error) {
	for {
		if rd.w-rd.r < rd.need || rd.r == rd.w {
			return nil, false, nil
		}
		var n int
		if rd.buf[rd.r] == '*' {
			out, n, err = rd.parseMultibulk(args[:0])
		} else {
			out, n, err = rd.parseInline(args[:0])
		}
		if err != nil || n == 0 {
			return nil, false, err
		}
		rd.r += n
		rd.need = 0
		if len(out) > 0 {
			return out, true, nil
		}
	}
}

// indexCR finds "\r" in b, returning -1 if absent.
func indexCR(b []byte) int {
	for i, c := range b {
		if c == '\r' {
			return i
		}
	}
	return -1
}

// parseMultibulk parses "*<n>\r\n" then n bulks from buf[r:w]. It returns
// the bytes consumed, or 0 (and sets rd.need) when incomplete.
func (rd *Reader) parseMultibulk(args [][]byte) ([][]byte, int, error) {
	b := rd.buf[rd.r:rd.w]
	count, cr := smallLen(b, 0)
	if cr < 0 {
		cr = indexCR(b)
		if cr < 0 || cr+1 >= len(b) {
			if len(b) > maxInline {
				return nil, 0, &ProtocolError{"too big mbulk count string"}
			}
			rd.need = len(b) + 1
			return nil, 0, nil
		}
		var ok bool
		if count, ok = parseInt(b[1:cr]); !ok || count > 1<<31-1 {
			return nil, 0, &ProtocolError{"invalid multibulk length"}
		}
	}
	if !rd.Authenticated && count > maxUnauthMultibulk {
		return nil, 0, &ProtocolError{"invalid multibulk length"}
	}
	pos := cr + 2
	if count <= 0 {
		return args, pos, nil
	}
	maxBulk := rd.MaxBulk
	if maxBulk <= 0 {
		maxBulk = DefaultMaxBulk
	}
	if !rd.Authenticated {
		maxBulk = maxUnauthBulk
	}
	for i := int64(0); i < count; i++ {
		if pos >= len(b) {
			rd.need = pos + 1
			return nil, 0, nil
		}
		if b[pos] != '$' {
			return nil, 0, &ProtocolError{"expected '$', got '" + string(b[pos]) + "'"}
		}
		n, cr := smallLen(b, pos)
		if cr < 0 {
			cr = indexCR(b[pos:])
			if cr < 0 || pos+cr+1 >= len(b) {
				if len(b)-pos > maxInline {
					return nil, 0, &ProtocolError{"too big bulk count string"}
				}
				rd.need = len(b) + 1
				return nil, 0, nil
			}
			cr += pos
			var ok bool
			if n, ok = parseInt(b[pos+1 : cr]); !ok || n < 0 {
				return nil, 0, &ProtocolError{"invalid bulk length"}
			}
		}
		if n > maxBulk {
			return nil, 0, &ProtocolError{"invalid bulk length"}
		}
		start := cr + 2
		end := start + int(n)
		if end+2 > len(b) {
			rd.need = end + 2
			return nil, 0, nil
		}
		// Redis does not check the two bytes after a bulk: it skips them.
		// We do the same so a client sending "\n" alone still works.
		args = append(args, b[start:end:end])
		pos = end + 2
	}
	return args, pos, nil
}

// smallLen is the fast path for the count line at b[pos] ("*3\r\n",
// "$14\r\n"): one to nine digits, no leading zero, then "\r" and at
// least one more byte. It returns the count and the index of the "\r",
// or cr = -1 for anything else (longer, malformed or incomplete lines),
// which the caller parses the general way. For every line it accepts,
// indexCR and parseInt would give the same result.
func smallLen(b []byte, pos int) (n int64, cr int) {
	i := pos + 1
	// One or two digits, checked without a loop.
	if i+3 < len(b) {
		c0, c1 := b[i]-'0', b[i+1]-'0'
		if c0 <= 9 {
			if b[i+1] == '\r' {
				return int64(c0), i + 1
			}
			if c1 <= 9 && c0 != 0 && b[i+2] == '\r' {
				return int64(c0)*10 + int64(c1), i + 2
			}
		}
	}
	end := min(len(b), i+10)
	for ; i < end; i++ {
		c := b[i]
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int64(c-'0')
	}
	digits := i - pos - 1
	if i >= end || b[i] != '\r' || digits == 0 || digits > 9 || i+1 >= len(b) ||
		(digits > 1 && b[pos+1] == '0') {
		return 0, -1
	}
	return n, i
}

// parseInline parses a telnet-style request line.
func (rd *Reader) parseInline(args [][]byte) ([][]byte, int, error) {
	b := rd.buf[rd.r:rd.w]
	nl := -1
	for i, c := range b {
		if c == '\n' {
			nl = i
			break
		}
		if c == 0 {
			// Redis finds the newline with strchr, which stops at a NUL
			// byte: an inline request with a NUL before its newline
			// never completes (until it is too big). A wart, kept.
			break
		}
	}
	if nl < 0 {
		if len(b) > maxInline {
			return nil, 0, &ProtocolError{"too big inline request"}
		}
		rd.need = len(b) + 1
		return nil, 0, nil
	}
	line := b[:nl]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	args, ok := SplitArgs(line, args)
	if !ok {
		return nil, 0, &ProtocolError{"unbalanced quotes in request"}
	}
	return args, nl + 1, nil
}

// parseInt parses a decimal int64 the way Redis's string2ll does: no
// spaces, no leading '+', no leading zeros (except "0"). It is on the
// hot path of every request, so it parses by hand.
func parseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	neg := false
	if b[0] == '-' {
		neg = true
		b = b[1:]
		if len(b) == 0 {
			return 0, false
		}
	}
	if len(b) > 1 && b[0] == '0' {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if n > (1<<63-d)/10 {
			return 0, false // beyond int64 (one more is allowed when negative)
		}
		n = n*10 + d
	}
	if neg {
		if n == 0 && len(b) == 1 {
			return 0, false // "-0"
		}
		return -int64(n), true
	}
	if n > 1<<63-1 {
		return 0, false
	}
	return int64(n), true
}

// SplitArgs splits an inline request line like Redis's sdssplitargs:
// whitespace separates arguments; "double quotes" support \n \r \t \b \a
// \\ \" and \xHH escapes; 'single quotes' support \'. A closing quote must
// be followed by whitespace or the end. ok is false on unbalanced quotes.
// Arguments are appended to args; quoted ones are fresh copies, others
// point into line.
func SplitArgs(line []byte, args [][]byte) (_ [][]byte, ok bool) {
	i := 0
	for {
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		if i >= len(line) {
			return args, true
		}
		if line[i] != '"' && line[i] != '\'' {
			start := i
			for i < len(line) && !isSpace(line[i]) && line[i] != '"' && line[i] != '\'' {
				i++
			}
			if i < len(line) && (line[i] == '"' || line[i] == '\'') {
				// A quote in the middle of a word starts a quoted part of
				// the same argument, as in sdssplitargs.
				cur := append([]byte(nil), line[start:i]...)
				var ok bool
				cur, i, ok = splitQuoted(line, i, cur)
				if !ok {
					return args, false
				}
				args = append(args, cur)
				continue
			}
			args = append(args, line[start:i:i])
			continue
		}
		cur, next, ok := splitQuoted(line, i, nil)
		if !ok {
			return args, false
		}
		args = append(args, cur)
		i = next
	}
}

// splitQuoted reads a quoted section starting at line[i] (a quote char),
// appending its content to cur, then continues the argument until
// whitespace. It returns the index after the argument.
func splitQuoted(line []byte, i int, cur []byte) ([]byte, int, bool) {
	if cur == nil {
		cur = []byte{}
	}
	for i < len(line) && !isSpace(line[i]) {
		q := line[i]
		if q != '"' && q != '\'' {
			cur = append(cur, q)
			i++
			continue
		}
		i++
		closed := false
		for i < len(line) {
			c := line[i]
			if q == '"' && c == '\\' && i+3 < len(line) && line[i+1] == 'x' && isHex(line[i+2]) && isHex(line[i+3]) {
				cur = append(cur, unhex(line[i+2])<<4|unhex(line[i+3]))
				i += 4
				continue
			}
			if c == '\\' && i+1 < len(line) {
				if q == '\'' {
					if line[i+1] == '\'' {
						cur = append(cur, '\'')
						i += 2
						continue
					}
					cur = append(cur, c)
					i++
					continue
				}
				e := line[i+1]
				switch e {
				case 'n':
					e = '\n'
				case 'r':
					e = '\r'
				case 't':
					e = '\t'
				case 'b':
					e = '\b'
				case 'a':
					e = '\a'
				}
				cur = append(cur, e)
				i += 2
				continue
			}
			if c == q {
				i++
				closed = true
				// The closing quote must be followed by a space or the end.
				if i < len(line) && !isSpace(line[i]) {
					return nil, 0, false
				}
				break
			}
			cur = append(cur, c)
			i++
		}
		if !closed {
			return nil, 0, false
		}
	}
	return cur, i, true
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
