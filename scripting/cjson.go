package scripting

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
)

// The cjson library: a Go rewrite of the lua-cjson 2.1 subset Redis ships
// (encode, decode, null), with its number format ("%.14g"), escaping
// ('/' becomes "\/"), sparse-array rule and error texts.

const cjsonMaxDepth = 1000

func openCJSON(L *lua.LState) *lua.LTable {
	null := L.NewUserData()
	t := L.CreateTable(0, 8)
	t.RawSetString("null", null)
	t.RawSetString("_NAME", lua.LString("cjson"))
	t.RawSetString("_VERSION", lua.LString("2.1.0"))
	t.RawSetString("encode", L.NewFunction(func(L *lua.LState) int {
		if L.GetTop() != 1 {
			L.RaiseError("bad argument #1 to '%s' (expected 1 argument)", "encode")
		}
		var b strings.Builder
		cjsonEncode(L, &b, L.Get(1), null, 0)
		L.Push(lua.LString(b.String()))
		return 1
	}))
	t.RawSetString("decode", L.NewFunction(func(L *lua.LState) int {
		if L.GetTop() != 1 {
			L.RaiseError("bad argument #1 to '%s' (expected 1 argument)", "decode")
		}
		d := &jsonDecoder{L: L, s: L.CheckString(1), null: null}
		v := d.value(0)
		tok, pos := d.next()
		if tok != "T_END" {
			L.RaiseError("Expected the end but found %s at character %d", tok, pos)
		}
		L.Push(v)
		return 1
	}))
	return t
}

func cjsonEncode(L *lua.LState, b *strings.Builder, v lua.LValue, null *lua.LUserData, depth int) {
	switch v := v.(type) {
	case *lua.LNilType:
		b.WriteString("null")
	case lua.LBool:
		if v {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case lua.LNumber:
		f := float64(v)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			L.RaiseError("Cannot serialise number: must not be NaN or Inf")
		}
		b.WriteString(formatNumber14(f))
	case lua.LString:
		jsonString(b, string(v))
	case *lua.LUserData:
		if v == null {
			b.WriteString("null")
			return
		}
		L.RaiseError("Cannot serialise userdata: type not supported")
	case *lua.LTable:
		depth++
		if depth > cjsonMaxDepth {
			L.RaiseError("Cannot serialise, excessive nesting (%d)", depth)
		}
		// lua-cjson's lua_array_length: an array when every key is a
		// positive integer; too sparse arrays are an error.
		maxIdx, items, isArray := 0, 0, true
		v.ForEach(func(k, _ lua.LValue) {
			if n, ok := k.(lua.LNumber); ok && float64(n) == math.Floor(float64(n)) && n >= 1 {
				if int(n) > maxIdx {
					maxIdx = int(n)
				}
				items++
				return
			}
			isArray = false
		})
		if isArray && maxIdx > 0 {
			if maxIdx > items*2 && maxIdx > 10 {
				L.RaiseError("Cannot serialise table: excessively sparse array")
			}
			b.WriteByte('[')
			for i := 1; i <= maxIdx; i++ {
				if i > 1 {
					b.WriteByte(',')
				}
				cjsonEncode(L, b, v.RawGetInt(i), null, depth)
			}
			b.WriteByte(']')
			return
		}
		// Members in Lua 5.1's lua_next order, as Redis writes them.
		b.WriteByte('{')
		for i, k := range luaNextOrder(v) {
			var name string
			switch k := k.(type) {
			case lua.LString:
				name = string(k)
			case lua.LNumber:
				name = formatNumber14(float64(k))
			default:
				L.RaiseError("Cannot serialise %s: table key must be a number or string", k.Type().String())
			}
			if i > 0 {
				b.WriteByte(',')
			}
			jsonString(b, name)
			b.WriteByte(':')
			cjsonEncode(L, b, v.RawGet(k), null, depth)
		}
		b.WriteByte('}')
	default:
		L.RaiseError("Cannot serialise %s: type not supported", v.Type().String())
	}
}

func jsonString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '/':
			b.WriteString(`\/`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 || c == 0x7f {
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&15])
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
}

type jsonDecoder struct {
	L    *lua.LState
	s    string
	i    int
	null *lua.LUserData
	// tokVal holds the value of the last string/number/boolean token.
	tokVal lua.LValue
}

// next scans one token and returns lua-cjson's name for it and its
// 1-based position.
func (d *jsonDecoder) next() (string, int) {
	for d.i < len(d.s) && strings.IndexByte(" \t\r\n", d.s[d.i]) >= 0 {
		d.i++
	}
	pos := d.i + 1
	if d.i >= len(d.s) {
		return "T_END", pos
	}
	c := d.s[d.i]
	switch c {
	case '{':
		d.i++
		return "T_OBJ_BEGIN", pos
	case '}':
		d.i++
		return "T_OBJ_END", pos
	case '[':
		d.i++
		return "T_ARR_BEGIN", pos
	case ']':
		d.i++
		return "T_ARR_END", pos
	case ':':
		d.i++
		return "T_COLON", pos
	case ',':
		d.i++
		return "T_COMMA", pos
	case '"':
		if s, ok := d.str(); ok {
			d.tokVal = lua.LString(s)
			return "T_STRING", pos
		}
		return "invalid token", pos
	}
	for _, lit := range []struct {
		word string
		v    lua.LValue
		tok  string
	}{{"true", lua.LTrue, "T_BOOLEAN"}, {"false", lua.LFalse, "T_BOOLEAN"}, {"null", d.null, "T_NULL"}} {
		if strings.HasPrefix(d.s[d.i:], lit.word) {
			d.i += len(lit.word)
			d.tokVal = lit.v
			return lit.tok, pos
		}
	}
	// lua-cjson as Redis configures it (decode_invalid_numbers on) hands
	// numbers to strtod, which also takes hex, leading zeros, "+1",
	// "Infinity" and "NaN"; an overflow decodes as inf.
	rest := d.s[d.i:]
	if c == '-' || c >= '0' && c <= '9' || c == '+' || hasPrefixFold(rest, "inf") || hasPrefixFold(rest, "nan") {
		f, n := strtod(rest)
		if n == 0 {
			return "invalid number", pos
		}
		d.i += n
		d.tokVal = lua.LNumber(f)
		return "T_NUMBER", pos
	}
	return "invalid token", pos
}

func (d *jsonDecoder) str() (string, bool) {
	var b strings.Builder
	j := d.i + 1
	for j < len(d.s) {
		c := d.s[j]
		switch {
		case c == '"':
			d.i = j + 1
			return b.String(), true
		case c == '\\':
			if j+1 >= len(d.s) {
				return "", false
			}
			e := d.s[j+1]
			j += 2
			switch e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				if j+4 > len(d.s) {
					return "", false
				}
				n, err := strconv.ParseUint(d.s[j:j+4], 16, 32)
				if err != nil {
					return "", false
				}
				j += 4
				r := rune(n)
				if r >= 0xd800 && r < 0xdc00 && j+6 <= len(d.s) && d.s[j] == '\\' && d.s[j+1] == 'u' {
					if lo, err := strconv.ParseUint(d.s[j+2:j+6], 16, 32); err == nil && lo >= 0xdc00 && lo < 0xe000 {
						r = (r-0xd800)<<10 + (rune(lo) - 0xdc00) + 0x10000
						j += 6
					}
				}
				var buf [4]byte
				b.Write(buf[:utf8.EncodeRune(buf[:], r)])
			default:
				return "", false
			}
		default:
			b.WriteByte(c)
			j++
		}
	}
	return "", false
}

func (d *jsonDecoder) value(depth int) lua.LValue {
	tok, pos := d.next()
	return d.valueFrom(tok, pos, depth)
}

func (d *jsonDecoder) valueFrom(tok string, pos, depth int) lua.LValue {
	L := d.L
	switch tok {
	case "T_STRING", "T_NUMBER", "T_BOOLEAN", "T_NULL":
		return d.tokVal
	case "T_OBJ_BEGIN", "T_ARR_BEGIN":
		if depth+1 > cjsonMaxDepth {
			L.RaiseError("Found too many nested data structures (%d) at character %d", depth+1, pos)
		}
	}
	switch tok {
	case "T_OBJ_BEGIN":
		t := L.CreateTable(0, 4)
		tok, pos = d.next()
		if tok == "T_OBJ_END" {
			return t
		}
		for {
			if tok != "T_STRING" {
				L.RaiseError("Expected object key string but found %s at character %d", tok, pos)
			}
			key := d.tokVal
			if tok, pos = d.next(); tok != "T_COLON" {
				L.RaiseError("Expected colon but found %s at character %d", tok, pos)
			}
			t.RawSet(key, d.value(depth+1))
			tok, pos = d.next()
			if tok == "T_OBJ_END" {
				return t
			}
			if tok != "T_COMMA" {
				L.RaiseError("Expected comma or object end but found %s at character %d", tok, pos)
			}
			tok, pos = d.next()
		}
	case "T_ARR_BEGIN":
		t := L.CreateTable(4, 0)
		tok, pos = d.next()
		if tok == "T_ARR_END" {
			return t
		}
		for i := 1; ; i++ {
			t.RawSetInt(i, d.valueFrom(tok, pos, depth+1))
			tok, pos = d.next()
			if tok == "T_ARR_END" {
				return t
			}
			if tok != "T_COMMA" {
				L.RaiseError("Expected comma or array end but found %s at character %d", tok, pos)
			}
			tok, pos = d.next()
		}
	}
	L.RaiseError("Expected value but found %s at character %d", tok, pos)
	return lua.LNil
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// strtod parses the longest prefix of s that C's strtod accepts (C locale,
// no leading spaces) and returns its value and length (0: none).
func strtod(s string) (float64, int) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	sign := func(f float64) float64 {
		if neg {
			return -f
		}
		return f
	}
	rest := s[i:]
	switch {
	case hasPrefixFold(rest, "infinity"):
		return sign(math.Inf(1)), i + 8
	case hasPrefixFold(rest, "inf"):
		return sign(math.Inf(1)), i + 3
	case hasPrefixFold(rest, "nan"):
		n := i + 3
		if n < len(s) && s[n] == '(' {
			if j := strings.IndexByte(s[n:], ')'); j >= 0 {
				n += j + 1
			}
		}
		return sign(math.NaN()), n
	}
	isHex := func(c byte) bool { return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'f' }
	isDec := func(c byte) bool { return c >= '0' && c <= '9' }
	digits, expChar := isDec, byte('e')
	start := i
	if len(rest) >= 2 && rest[0] == '0' && rest[1]|0x20 == 'x' {
		j := i + 2
		k := j
		for k < len(s) && isHex(s[k]) {
			k++
		}
		if k < len(s) && s[k] == '.' {
			k++
		}
		for k < len(s) && isHex(s[k]) {
			k++
		}
		if k > j && !(k == j+1 && s[j] == '.') {
			digits, expChar, start = isHex, 'p', j
		}
	}
	j := start
	nd := 0
	for j < len(s) && digits(s[j]) {
		j++
		nd++
	}
	if j < len(s) && s[j] == '.' {
		j++
		for j < len(s) && digits(s[j]) {
			j++
			nd++
		}
	}
	if nd == 0 {
		return 0, 0
	}
	end := j
	if j < len(s) && s[j]|0x20 == expChar {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		if k < len(s) && isDec(s[k]) {
			for k < len(s) && isDec(s[k]) {
				k++
			}
			end = k
		}
	}
	text := s[i:end]
	if expChar == 'p' && !strings.ContainsAny(text[2:], "pP") {
		text += "p0" // Go wants the binary exponent
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
			return 0, 0
		}
		// Overflow gives ±Inf, underflow 0, as strtod.
	}
	return sign(f), end
}
