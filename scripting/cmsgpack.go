package scripting

import (
	"encoding/binary"
	"math"

	lua "github.com/yuin/gopher-lua"
)

// The cmsgpack library: a Go rewrite of lua-cmsgpack 0.4 as Redis bundles
// it (pack, unpack, unpack_one, unpack_limit) with its encoding choices:
// integral numbers as the smallest int type, other numbers as float32
// when exact, else float64; tables as arrays when their keys are exactly
// 1..n, else maps; nesting deeper than 16 packs nil.

const msgpackMaxNesting = 16

func openCMsgpack(L *lua.LState) *lua.LTable {
	t := L.CreateTable(0, 6)
	t.RawSetString("_NAME", lua.LString("cmsgpack"))
	t.RawSetString("_VERSION", lua.LString("lua-cmsgpack 0.4.0"))
	t.RawSetString("pack", L.NewFunction(func(L *lua.LState) int {
		n := L.GetTop()
		if n == 0 {
			argError(L, 0, "pack", "MessagePack pack needs input.")
		}
		var b []byte
		for i := 1; i <= n; i++ {
			b = msgpackEncode(b, L.Get(i), 0)
		}
		L.Push(lua.LString(b))
		return 1
	}))
	unpack := func(L *lua.LState, s string, limit, offset int) int {
		d := &msgpackDecoder{L: L, b: []byte(s), i: offset}
		n := 0
		for d.i < len(d.b) && (limit <= 0 || n < limit) {
			L.Push(d.value())
			n++
		}
		return n
	}
	t.RawSetString("unpack", L.NewFunction(func(L *lua.LState) int {
		s, ok := L.Get(1).(lua.LString)
		if !ok {
			got := "no value"
			if L.GetTop() >= 1 {
				got = L.Get(1).Type().String()
			}
			argError(L, 1, "unpack", "string expected, got "+got)
		}
		return unpack(L, string(s), 0, 0)
	}))
	withOffset := func(L *lua.LState, limit int, offArg int) int {
		s := L.CheckString(1)
		off := L.OptInt(offArg, 0)
		if off < 0 || off > len(s) {
			L.RaiseError("Start offset %d greater than input length %d.", off, len(s))
		}
		L.Push(lua.LNil) // placeholder for the next offset
		base := L.GetTop()
		d := &msgpackDecoder{L: L, b: []byte(s), i: off}
		n := 0
		for d.i < len(d.b) && (limit <= 0 || n < limit) {
			L.Push(d.value())
			n++
		}
		next := d.i
		if next >= len(s) {
			next = -1
		}
		L.Replace(base, lua.LNumber(next))
		return n + 1
	}
	t.RawSetString("unpack_one", L.NewFunction(func(L *lua.LState) int { return withOffset(L, 1, 2) }))
	t.RawSetString("unpack_limit", L.NewFunction(func(L *lua.LState) int {
		return withOffset(L, L.CheckInt(2), 3)
	}))
	return t
}

func msgpackEncode(b []byte, v lua.LValue, level int) []byte {
	switch v := v.(type) {
	case lua.LBool:
		if v {
			return append(b, 0xc3)
		}
		return append(b, 0xc2)
	case lua.LNumber:
		f := float64(v)
		if !math.IsInf(f, 0) && !math.IsNaN(f) && f >= -9.223372036854775808e18 && f < 9.223372036854775808e18 && float64(int64(f)) == f {
			return msgpackInt(b, int64(f))
		}
		if float64(float32(f)) == f || math.IsNaN(f) {
			b = append(b, 0xca)
			return binary.BigEndian.AppendUint32(b, math.Float32bits(float32(f)))
		}
		b = append(b, 0xcb)
		return binary.BigEndian.AppendUint64(b, math.Float64bits(f))
	case lua.LString:
		n := len(v)
		switch {
		case n < 32:
			b = append(b, 0xa0|byte(n))
		case n <= 0xff:
			b = append(b, 0xd9, byte(n))
		case n <= 0xffff:
			b = append(b, 0xda)
			b = binary.BigEndian.AppendUint16(b, uint16(n))
		default:
			b = append(b, 0xdb)
			b = binary.BigEndian.AppendUint32(b, uint32(n))
		}
		return append(b, v...)
	case *lua.LTable:
		if level == msgpackMaxNesting {
			return append(b, 0xc0)
		}
		count, maxIdx, isArray := 0, 0, true
		v.ForEach(func(k, _ lua.LValue) {
			count++
			if n, ok := k.(lua.LNumber); ok && float64(n) == math.Floor(float64(n)) && n >= 1 {
				if int(n) > maxIdx {
					maxIdx = int(n)
				}
				return
			}
			isArray = false
		})
		if isArray && maxIdx == count {
			b = msgpackHeader(b, count, 0x90, 0xdc)
			for i := 1; i <= count; i++ {
				b = msgpackEncode(b, v.RawGetInt(i), level+1)
			}
			return b
		}
		b = msgpackHeader(b, count, 0x80, 0xde)
		v.ForEach(func(k, val lua.LValue) {
			b = msgpackEncode(b, k, level+1)
			b = msgpackEncode(b, val, level+1)
		})
		return b
	default:
		return append(b, 0xc0)
	}
}

func msgpackHeader(b []byte, n int, fix, b16 byte) []byte {
	switch {
	case n <= 15:
		return append(b, fix|byte(n))
	case n <= 0xffff:
		b = append(b, b16)
		return binary.BigEndian.AppendUint16(b, uint16(n))
	default:
		b = append(b, b16+1)
		return binary.BigEndian.AppendUint32(b, uint32(n))
	}
}

func msgpackInt(b []byte, n int64) []byte {
	if n >= 0 {
		switch {
		case n <= 127:
			return append(b, byte(n))
		case n <= 0xff:
			return append(b, 0xcc, byte(n))
		case n <= 0xffff:
			return binary.BigEndian.AppendUint16(append(b, 0xcd), uint16(n))
		case n <= 0xffffffff:
			return binary.BigEndian.AppendUint32(append(b, 0xce), uint32(n))
		}
		return binary.BigEndian.AppendUint64(append(b, 0xcf), uint64(n))
	}
	switch {
	case n >= -32:
		return append(b, byte(int8(n)))
	case n >= -128:
		return append(b, 0xd0, byte(int8(n)))
	case n >= -32768:
		return binary.BigEndian.AppendUint16(append(b, 0xd1), uint16(int16(n)))
	case n >= -2147483648:
		return binary.BigEndian.AppendUint32(append(b, 0xd2), uint32(int32(n)))
	}
	return binary.BigEndian.AppendUint64(append(b, 0xd3), uint64(n))
}

type msgpackDecoder struct {
	L *lua.LState
	b []byte
	i int
}

func (d *msgpackDecoder) take(n int) []byte {
	if d.i+n > len(d.b) {
		d.L.RaiseError("Missing bytes in input.")
	}
	p := d.b[d.i : d.i+n]
	d.i += n
	return p
}

func (d *msgpackDecoder) value() lua.LValue {
	c := d.take(1)[0]
	switch {
	case c <= 0x7f:
		return lua.LNumber(c)
	case c >= 0xe0:
		return lua.LNumber(int8(c))
	case c&0xf0 == 0x80:
		return d.mapOf(int(c & 0x0f))
	case c&0xf0 == 0x90:
		return d.arrayOf(int(c & 0x0f))
	case c&0xe0 == 0xa0:
		return lua.LString(d.take(int(c & 0x1f)))
	}
	be := binary.BigEndian
	switch c {
	case 0xc0:
		return lua.LNil
	case 0xc2:
		return lua.LFalse
	case 0xc3:
		return lua.LTrue
	case 0xca:
		return lua.LNumber(math.Float32frombits(be.Uint32(d.take(4))))
	case 0xcb:
		return lua.LNumber(math.Float64frombits(be.Uint64(d.take(8))))
	case 0xcc:
		return lua.LNumber(d.take(1)[0])
	case 0xcd:
		return lua.LNumber(be.Uint16(d.take(2)))
	case 0xce:
		return lua.LNumber(be.Uint32(d.take(4)))
	case 0xcf:
		return lua.LNumber(be.Uint64(d.take(8)))
	case 0xd0:
		return lua.LNumber(int8(d.take(1)[0]))
	case 0xd1:
		return lua.LNumber(int16(be.Uint16(d.take(2))))
	case 0xd2:
		return lua.LNumber(int32(be.Uint32(d.take(4))))
	case 0xd3:
		return lua.LNumber(int64(be.Uint64(d.take(8))))
	case 0xc4, 0xd9:
		return lua.LString(d.take(int(d.take(1)[0])))
	case 0xc5, 0xda:
		return lua.LString(d.take(int(be.Uint16(d.take(2)))))
	case 0xc6, 0xdb:
		return lua.LString(d.take(int(be.Uint32(d.take(4)))))
	case 0xdc:
		return d.arrayOf(int(be.Uint16(d.take(2))))
	case 0xdd:
		return d.arrayOf(int(be.Uint32(d.take(4))))
	case 0xde:
		return d.mapOf(int(be.Uint16(d.take(2))))
	case 0xdf:
		return d.mapOf(int(be.Uint32(d.take(4))))
	}
	d.L.RaiseError("Bad data format in input.")
	return lua.LNil
}

func (d *msgpackDecoder) arrayOf(n int) lua.LValue {
	t := d.L.CreateTable(min(n, 1024), 0)
	for i := 1; i <= n; i++ {
		if v := d.value(); v != lua.LNil {
			t.RawSetInt(i, v)
		}
	}
	return t
}

func (d *msgpackDecoder) mapOf(n int) lua.LValue {
	t := d.L.CreateTable(0, min(n, 1024))
	for i := 0; i < n; i++ {
		k := d.value()
		v := d.value()
		if k != lua.LNil {
			t.RawSet(k, v)
		}
	}
	return t
}
