package scripting

import (
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/aikv/aikv/server/command"
)

// This file converts between Redis replies and Lua values with Redis 7.0's
// rules (script_lua.c: redisProtocolToLuaType and luaReplyToRedisReply).

// collector is the command.Writer that redis.call hands to the commands a
// script runs: it builds the Lua value of the reply. Its Proto is the
// script's redis.setresp protocol, which is what the command sees (Redis
// runs script commands on a fake client with that protocol).
type collector struct {
	L      *lua.LState
	proto  int
	stack  []aggFrame
	result lua.LValue
	// isErr is set when the top-level reply is an error.
	isErr bool
}

// aggFrame is an aggregate being filled.
type aggFrame struct {
	outer     *lua.LTable // the value put in the parent ({map=inner} etc.)
	inner     *lua.LTable // where the elements go
	kind      byte        // 'a' array, 'm' map, 's' set
	remaining int
	idx       int
	key       lua.LValue
	haveKey   bool
}

func (c *collector) reset(L *lua.LState, proto int) {
	c.L = L
	c.proto = proto
	c.stack = c.stack[:0]
	c.result = lua.LNil
	c.isErr = false
}

// put stores one complete value in the innermost open aggregate (or as the
// result), closing aggregates that become full.
func (c *collector) put(v lua.LValue) {
	for {
		if len(c.stack) == 0 {
			c.result = v
			return
		}
		f := &c.stack[len(c.stack)-1]
		switch f.kind {
		case 'a':
			f.idx++
			if v != lua.LNil {
				f.inner.RawSetInt(f.idx, v)
			}
		case 'm':
			if !f.haveKey {
				f.key, f.haveKey = v, true
				return // a key alone does not count
			}
			if f.key != lua.LNil {
				f.inner.RawSet(f.key, v)
			}
			f.haveKey = false
		case 's':
			if v != lua.LNil {
				f.inner.RawSet(v, lua.LTrue)
			}
		}
		f.remaining--
		if f.remaining > 0 {
			return
		}
		v = f.outer
		c.stack = c.stack[:len(c.stack)-1]
	}
}

func (c *collector) open(kind byte, n int, field string) {
	inner := c.L.CreateTable(n, 0)
	outer := inner
	if field != "" {
		outer = c.L.CreateTable(0, 1)
		outer.RawSetString(field, inner)
	}
	if n <= 0 {
		c.put(outer)
		return
	}
	c.stack = append(c.stack, aggFrame{outer: outer, inner: inner, kind: kind, remaining: n})
}

func (c *collector) SimpleString(s string) {
	t := c.L.CreateTable(0, 1)
	t.RawSetString("ok", lua.LString(s))
	c.put(t)
}

func (c *collector) OK() { c.SimpleString("OK") }

func (c *collector) Error(msg string) {
	if len(c.stack) == 0 {
		c.isErr = true
	}
	c.put(errorTable(c.L, "-"+msg))
}

func (c *collector) Int(n int64)   { c.put(lua.LNumber(n)) }
func (c *collector) Bulk(b []byte) { c.put(lua.LString(b)) }

// BulkString copies s: a command may reply with a view into a value's
// memory (a packed list node) that a later call in the same script
// rewrites, and a Lua string must not change under the script.
func (c *collector) BulkString(s string) { c.put(lua.LString(strings.Clone(s))) }

func (c *collector) Null() {
	if c.proto == 3 {
		c.put(lua.LNil)
	} else {
		c.put(lua.LFalse)
	}
}

func (c *collector) NullArray() { c.Null() }

func (c *collector) Array(n int) { c.open('a', n, "") }

func (c *collector) Map(n int) {
	if c.proto == 3 {
		c.open('m', n, "map")
	} else {
		c.open('a', 2*n, "")
	}
}

func (c *collector) Set(n int) {
	if c.proto == 3 {
		c.open('s', n, "set")
	} else {
		c.open('a', n, "")
	}
}

func (c *collector) Push(n int) { c.open('a', n, "") }

func (c *collector) Double(f float64) {
	if c.proto == 3 {
		t := c.L.CreateTable(0, 1)
		t.RawSetString("double", lua.LNumber(f))
		c.put(t)
		return
	}
	c.put(lua.LString(formatDouble17(f)))
}

func (c *collector) Bool(b bool) {
	if c.proto == 3 {
		c.put(lua.LBool(b))
		return
	}
	if b {
		c.put(lua.LNumber(1))
	} else {
		c.put(lua.LNumber(0))
	}
}

func (c *collector) Verbatim(format, s string) {
	if c.proto == 3 {
		v := c.L.CreateTable(0, 2)
		v.RawSetString("format", lua.LString(format))
		v.RawSetString("string", lua.LString(s))
		t := c.L.CreateTable(0, 1)
		t.RawSetString("verbatim_string", v)
		c.put(t)
		return
	}
	c.put(lua.LString(s))
}

func (c *collector) Proto() int { return c.proto }

var _ command.Writer = (*collector)(nil)

// formatDouble17 formats like C's "%.17g" (Redis's RESP2 doubles and the
// number arguments of redis.call).
func formatDouble17(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return nanText(f)
	}
	return strconv.FormatFloat(f, 'g', 17, 64)
}

// nanText is how glibc prints a NaN: "-nan" when the sign bit is set, as
// in the NaN x86 produces for 0/0, "nan" otherwise (strtod's "nan").
func nanText(f float64) string {
	if math.Signbit(f) {
		return "-nan"
	}
	return "nan"
}

// formatNumber14 formats like Lua 5.1's tostring ("%.14g").
func formatNumber14(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return nanText(f)
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e14 {
		if f == 0 && math.Signbit(f) {
			return "-0"
		}
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', 14, 64)
}

// errorTable builds the {err=...} table Redis makes of an error text
// (luaPushErrorBuff): "-CODE msg" keeps CODE, a text without a leading
// '-' or without a space gets the generic "ERR" code.
func errorTable(L *lua.LState, text string) *lua.LTable {
	t := L.CreateTable(0, 1)
	t.RawSetString("err", lua.LString(errorText(text)))
	return t
}

func errorText(text string) string {
	code, msg := "ERR", text
	if strings.HasPrefix(text, "-") {
		if sp := strings.IndexByte(text, ' '); sp >= 0 {
			code, msg = text[1:sp], text[sp+1:]
		} else {
			msg = text[1:]
		}
	}
	msg = strings.TrimRight(msg, "\r\n")
	return code + " " + msg
}

// sanitize replaces CR and LF, which cannot appear in a status or error
// reply, with spaces (Redis's sdsmapchars on the text).
func sanitize(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return ' '
		}
		return r
	}, s)
}

// toInt64 is C's (long long) cast of a Lua number: truncation toward zero,
// saturating where C's behaviour is undefined.
func toInt64(f float64) int64 {
	switch {
	case math.IsNaN(f):
		return math.MinInt64
	case f >= 9.223372036854775807e18:
		return math.MinInt64 // x86-64 cvttsd2si yields the "indefinite" value
	case f <= -9.223372036854775808e18:
		return math.MinInt64
	}
	return int64(f)
}

// writeReply writes the Lua value v to w as Redis converts a script's
// return value. resp is the script's redis.setresp protocol (it decides how
// booleans are sent).
func writeReply(L *lua.LState, v lua.LValue, w command.Writer, resp int, depth int) {
	switch v := v.(type) {
	case lua.LString:
		w.Bulk([]byte(string(v)))
	case lua.LBool:
		if resp == 2 {
			if v {
				w.Int(1)
			} else {
				w.Null()
			}
		} else {
			w.Bool(bool(v))
		}
	case lua.LNumber:
		w.Int(toInt64(float64(v)))
	case *lua.LTable:
		if depth > 1000 {
			w.Error("ERR reached lua stack limit")
			return
		}
		if s, ok := v.RawGetString("err").(lua.LString); ok {
			w.Error(sanitize(string(s)))
			return
		}
		if s, ok := v.RawGetString("ok").(lua.LString); ok {
			w.SimpleString(sanitize(string(s)))
			return
		}
		if n, ok := v.RawGetString("double").(lua.LNumber); ok {
			w.Double(float64(n))
			return
		}
		if s, ok := v.RawGetString("big_number").(lua.LString); ok {
			// No BigNumber in command.Writer: RESP2's form, a bulk string.
			w.BulkString(sanitize(string(s)))
			return
		}
		if m, ok := v.RawGetString("map").(*lua.LTable); ok {
			n := 0
			m.ForEach(func(_, _ lua.LValue) { n++ })
			w.Map(n)
			m.ForEach(func(k, val lua.LValue) {
				writeReply(L, k, w, resp, depth+1)
				writeReply(L, val, w, resp, depth+1)
			})
			return
		}
		if s, ok := v.RawGetString("set").(*lua.LTable); ok {
			n := 0
			s.ForEach(func(_, _ lua.LValue) { n++ })
			w.Set(n)
			s.ForEach(func(k, _ lua.LValue) { writeReply(L, k, w, resp, depth+1) })
			return
		}
		n := 0
		for v.RawGetInt(n+1) != lua.LNil {
			n++
		}
		w.Array(n)
		for i := 1; i <= n; i++ {
			writeReply(L, v.RawGetInt(i), w, resp, depth+1)
		}
	default:
		w.Null()
	}
}
