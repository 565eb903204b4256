package jsonval

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth is serde_json's recursion limit, which RedisJSON keeps for
// values sent by clients.
const MaxDepth = 128

// ErrNotUTF8 is returned for input that is not valid UTF-8 (RedisJSON
// reads arguments as Rust strings).
var ErrNotUTF8 = errors.New("Couldn't parse as UTF-8 string")

// SyntaxError is a parse error with serde_json's text, which RedisJSON
// sends as the error reply (without an "ERR" prefix).
type SyntaxError struct {
	Msg          string
	Line, Column int
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s at line %d column %d", e.Msg, e.Line, e.Column)
}

type parser struct {
	b     []byte
	pos   int // bytes consumed
	depth int
}

// Parse parses one JSON value (surrounding whitespace allowed).
func Parse(b []byte) (*Node, error) {
	if !utf8.Valid(b) {
		return nil, ErrNotUTF8
	}
	p := &parser{b: b}
	p.ws()
	n, err := p.value()
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.pos < len(p.b) {
		return nil, p.peekErr("trailing characters")
	}
	return n, nil
}

// errAt reports an error at the last consumed byte.
func (p *parser) errAt(msg string) error {
	line, col := 1, 0
	for _, c := range p.b[:p.pos] {
		if c == '\n' {
			line, col = line+1, 0
		} else {
			col++
		}
	}
	return &SyntaxError{Msg: msg, Line: line, Column: col}
}

// peekErr reports an error at the next (peeked) byte.
func (p *parser) peekErr(msg string) error {
	if p.pos < len(p.b) {
		p.pos++
		defer func() { p.pos-- }()
	}
	return p.errAt(msg)
}

func (p *parser) ws() {
	for p.pos < len(p.b) {
		switch p.b[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) value() (*Node, error) {
	if p.pos >= len(p.b) {
		return nil, p.errAt("EOF while parsing a value")
	}
	switch c := p.b[p.pos]; {
	case c == 'n':
		return NewNull(), p.ident("null")
	case c == 't':
		return NewBool(true), p.ident("true")
	case c == 'f':
		return NewBool(false), p.ident("false")
	case c == '"':
		p.pos++
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return NewString(s), nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == '[':
		return p.array()
	case c == '{':
		return p.object()
	}
	return nil, p.peekErr("expected value")
}

func (p *parser) ident(word string) error {
	p.pos++
	for i := 1; i < len(word); i++ {
		if p.pos >= len(p.b) {
			return p.errAt("EOF while parsing a value")
		}
		p.pos++
		if p.b[p.pos-1] != word[i] {
			return p.errAt("expected ident")
		}
	}
	return nil
}

func (p *parser) number() (*Node, error) {
	start := p.pos
	if p.b[p.pos] == '-' {
		p.pos++
	}
	digits := func() int {
		s := p.pos
		for p.pos < len(p.b) && p.b[p.pos] >= '0' && p.b[p.pos] <= '9' {
			p.pos++
		}
		return p.pos - s
	}
	if p.pos >= len(p.b) {
		return nil, p.errAt("EOF while parsing a value")
	}
	if p.b[p.pos] == '0' {
		p.pos++
		if p.pos < len(p.b) && p.b[p.pos] >= '0' && p.b[p.pos] <= '9' {
			return nil, p.peekErr("invalid number")
		}
	} else if digits() == 0 {
		return nil, p.peekErr("invalid number")
	}
	isFloat := false
	if p.pos < len(p.b) && p.b[p.pos] == '.' {
		isFloat = true
		p.pos++
		if digits() == 0 {
			if p.pos >= len(p.b) {
				return nil, p.errAt("EOF while parsing a value")
			}
			return nil, p.peekErr("invalid number")
		}
	}
	if p.pos < len(p.b) && (p.b[p.pos] == 'e' || p.b[p.pos] == 'E') {
		isFloat = true
		p.pos++
		if p.pos < len(p.b) && (p.b[p.pos] == '+' || p.b[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			if p.pos >= len(p.b) {
				return nil, p.errAt("EOF while parsing a value")
			}
			return nil, p.peekErr("invalid number")
		}
	}
	text := string(p.b[start:p.pos])
	if !isFloat {
		if text[0] == '-' {
			if i, err := strconv.ParseInt(text, 10, 64); err == nil {
				return NewInt(i), nil
			}
		} else if u, err := strconv.ParseUint(text, 10, 64); err == nil {
			return NewUint(u), nil
		}
		// Too big for 64 bits: serde_json falls back to a float.
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(f, 0) {
		return nil, p.errAt("number out of range")
	}
	return NewFloat(f), nil
}

// str parses a string body after the opening quote.
func (p *parser) str() (string, error) {
	var out []byte
	start := p.pos
	for {
		if p.pos >= len(p.b) {
			return "", p.errAt("EOF while parsing a string")
		}
		c := p.b[p.pos]
		switch {
		case c == '"':
			s := p.b[start:p.pos]
			p.pos++
			if out == nil {
				return string(s), nil
			}
			return string(append(out, s...)), nil
		case c < 0x20:
			p.pos++
			return "", p.errAt("control character (\\u0000-\\u001F) found while parsing a string")
		case c == '\\':
			out = append(out, p.b[start:p.pos]...)
			if out == nil {
				out = []byte{}
			}
			p.pos++
			if p.pos >= len(p.b) {
				return "", p.errAt("EOF while parsing a string")
			}
			e := p.b[p.pos]
			p.pos++
			switch e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r, err := p.hex4()
				if err != nil {
					return "", err
				}
				if utf16.IsSurrogate(r) {
					if r >= 0xDC00 {
						return "", p.errAt("lone leading surrogate in hex escape")
					}
					if p.pos+1 >= len(p.b) || p.b[p.pos] != '\\' || p.b[p.pos+1] != 'u' {
						return "", p.errAt("unexpected end of hex escape")
					}
					p.pos += 2
					r2, err := p.hex4()
					if err != nil {
						return "", err
					}
					r = utf16.DecodeRune(r, r2)
					if r == utf8.RuneError {
						return "", p.errAt("lone leading surrogate in hex escape")
					}
				}
				out = utf8.AppendRune(out, r)
			default:
				return "", p.errAt("invalid escape")
			}
			start = p.pos
		default:
			p.pos++
		}
	}
}

func (p *parser) hex4() (rune, error) {
	var r rune
	for i := 0; i < 4; i++ {
		if p.pos >= len(p.b) {
			return 0, p.errAt("EOF while parsing a string")
		}
		c := p.b[p.pos]
		p.pos++
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, p.errAt("invalid escape")
		}
	}
	return r, nil
}

func (p *parser) enter() error {
	p.depth++
	p.pos++
	if p.depth > MaxDepth {
		return p.errAt("recursion limit exceeded")
	}
	return nil
}

func (p *parser) array() (*Node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	n := NewArray(nil)
	p.ws()
	if p.pos >= len(p.b) {
		return nil, p.errAt("EOF while parsing a list")
	}
	if p.b[p.pos] == ']' {
		p.pos++
		p.depth--
		return n, nil
	}
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		n.Arr = append(n.Arr, v)
		p.ws()
		if p.pos >= len(p.b) {
			return nil, p.errAt("EOF while parsing a list")
		}
		switch p.b[p.pos] {
		case ',':
			p.pos++
			p.ws()
			if p.pos < len(p.b) && p.b[p.pos] == ']' {
				return nil, p.peekErr("trailing comma")
			}
		case ']':
			p.pos++
			p.depth--
			return n, nil
		default:
			return nil, p.peekErr("expected `,` or `]`")
		}
	}
}

func (p *parser) object() (*Node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	n := NewObject()
	p.ws()
	if p.pos < len(p.b) && p.b[p.pos] == '}' {
		p.pos++
		p.depth--
		return n, nil
	}
	for {
		if p.pos >= len(p.b) {
			return nil, p.errAt("EOF while parsing an object")
		}
		if p.b[p.pos] != '"' {
			return nil, p.peekErr("key must be a string")
		}
		p.pos++
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.ws()
		if p.pos >= len(p.b) {
			return nil, p.errAt("EOF while parsing an object")
		}
		if p.b[p.pos] != ':' {
			return nil, p.peekErr("expected `:`")
		}
		p.pos++
		p.ws()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		n.Set(k, v) // a repeated key keeps its first position, last value wins
		p.ws()
		if p.pos >= len(p.b) {
			return nil, p.errAt("EOF while parsing an object")
		}
		switch p.b[p.pos] {
		case ',':
			p.pos++
			p.ws()
			if p.pos >= len(p.b) {
				return nil, p.errAt("EOF while parsing a value")
			}
			if p.b[p.pos] == '}' {
				return nil, p.peekErr("trailing comma")
			}
		case '}':
			p.pos++
			p.depth--
			return n, nil
		default:
			return nil, p.peekErr("expected `,` or `}`")
		}
	}
}
