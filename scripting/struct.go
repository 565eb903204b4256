package scripting

import (
	"encoding/binary"
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// The struct library (Roberto Ierusalimschy's struct.c as Redis bundles
// it): struct.pack, struct.unpack and struct.size with the formats
// < > = ! x b B h H l L T i[n] I[n] f d s c[n]. Native order is little
// endian and long/size_t are 8 bytes, as on x86-64.

const structMaxIntSize = 32

type structFmt struct {
	L        *lua.LState
	fname    string
	f        string
	i        int
	little   bool
	maxAlign int
}

// optSize reads an optional decimal size after an option.
func (s *structFmt) optSize(def int) int {
	if s.i >= len(s.f) || s.f[s.i] < '0' || s.f[s.i] > '9' {
		return def
	}
	n := 0
	for s.i < len(s.f) && s.f[s.i] >= '0' && s.f[s.i] <= '9' {
		n = n*10 + int(s.f[s.i]-'0')
		s.i++
	}
	return n
}

// next returns the next option and its size (-1: variable).
func (s *structFmt) next() (byte, int, bool) {
	for s.i < len(s.f) {
		opt := s.f[s.i]
		s.i++
		switch opt {
		case 'b', 'B':
			return opt, 1, true
		case 'h', 'H':
			return opt, 2, true
		case 'l', 'L', 'T':
			return opt, 8, true
		case 'f':
			return opt, 4, true
		case 'd':
			return opt, 8, true
		case 'x':
			return opt, 1, true
		case 'c':
			return opt, s.optSize(1), true
		case 's':
			return opt, -1, true
		case 'i', 'I':
			n := s.optSize(4)
			if n > structMaxIntSize {
				s.L.RaiseError("integral size %d is larger than limit of %d", n, structMaxIntSize)
			}
			return opt, n, true
		case ' ':
		case '>':
			s.little = false
		case '<', '=':
			s.little = true
		case '!':
			s.maxAlign = s.optSize(8)
		default:
			argError(s.L, 1, s.fname, "invalid format option '"+string(opt)+"'")
		}
	}
	return 0, 0, false
}

func (s *structFmt) align(size, pos int) int {
	a := size
	if a <= 1 || s.maxAlign <= 1 {
		return 0
	}
	if a > s.maxAlign {
		a = s.maxAlign
	}
	if a&(a-1) != 0 {
		argError(s.L, 1, s.fname, "format asks for alignment not power of 2")
	}
	return (a - pos&(a-1)) & (a - 1)
}

func openStruct(L *lua.LState) *lua.LTable {
	t := L.CreateTable(0, 3)
	t.RawSetString("pack", L.NewFunction(structPack))
	t.RawSetString("unpack", L.NewFunction(structUnpack))
	t.RawSetString("size", L.NewFunction(structSize))
	return t
}

func putInt(b []byte, v uint64, size int, little bool, neg bool) []byte {
	buf := make([]byte, size)
	for i := 0; i < size; i++ {
		var by byte
		if i < 8 {
			by = byte(v >> (8 * i))
		} else if neg {
			by = 0xff
		}
		if little {
			buf[i] = by
		} else {
			buf[size-1-i] = by
		}
	}
	return append(b, buf...)
}

func structPack(L *lua.LState) int {
	s := &structFmt{L: L, fname: "pack", f: L.CheckString(1), little: true, maxAlign: 1}
	var b []byte
	arg := 2
	for {
		opt, size, ok := s.next()
		if !ok {
			break
		}
		if size > 0 {
			for pad := s.align(size, len(b)); pad > 0; pad-- {
				b = append(b, 0)
			}
		}
		switch opt {
		case 'x':
			b = append(b, 0)
		case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I':
			n := float64(L.CheckNumber(arg))
			arg++
			var v uint64
			if n < 0 {
				v = uint64(int64(n))
			} else {
				v = uint64(n)
			}
			b = putInt(b, v, size, s.little, n < 0)
		case 'f':
			v := math.Float32bits(float32(L.CheckNumber(arg)))
			arg++
			if s.little {
				b = binary.LittleEndian.AppendUint32(b, v)
			} else {
				b = binary.BigEndian.AppendUint32(b, v)
			}
		case 'd':
			v := math.Float64bits(float64(L.CheckNumber(arg)))
			arg++
			if s.little {
				b = binary.LittleEndian.AppendUint64(b, v)
			} else {
				b = binary.BigEndian.AppendUint64(b, v)
			}
		case 'c', 's':
			str := L.CheckString(arg)
			l := len(str)
			if size == 0 || opt == 's' {
				size = l
			}
			if l < size {
				argError(L, arg, "pack", "string too short")
			}
			b = append(b, str[:size]...)
			if opt == 's' {
				b = append(b, 0)
			}
			arg++
		}
	}
	L.Push(lua.LString(b))
	return 1
}

func structUnpack(L *lua.LState) int {
	s := &structFmt{L: L, fname: "unpack", f: L.CheckString(1), little: true, maxAlign: 1}
	data := L.CheckString(2)
	pos := L.OptInt(3, 1) - 1
	if pos < 0 || pos > len(data) {
		argError(L, 3, "unpack", "offset must be 1 or greater")
	}
	n := 0
	for {
		opt, size, ok := s.next()
		if !ok {
			break
		}
		if size > 0 {
			pos += s.align(size, pos)
		}
		if size > 0 && pos+size > len(data) {
			argError(L, 2, "unpack", "data string too short")
		}
		switch opt {
		case 'x':
			pos++
			continue
		case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I':
			var v uint64
			for i := 0; i < size && i < 8; i++ {
				var by byte
				if s.little {
					by = data[pos+i]
				} else {
					by = data[pos+size-1-i]
				}
				v |= uint64(by) << (8 * i)
			}
			signed := opt == 'b' || opt == 'h' || opt == 'l' || opt == 'i'
			if signed {
				if size < 8 {
					shift := uint(64 - 8*size)
					L.Push(lua.LNumber(int64(v<<shift) >> shift))
				} else {
					L.Push(lua.LNumber(int64(v)))
				}
			} else {
				L.Push(lua.LNumber(v))
			}
		case 'f':
			var v uint32
			if s.little {
				v = binary.LittleEndian.Uint32([]byte(data[pos:]))
			} else {
				v = binary.BigEndian.Uint32([]byte(data[pos:]))
			}
			L.Push(lua.LNumber(math.Float32frombits(v)))
		case 'd':
			var v uint64
			if s.little {
				v = binary.LittleEndian.Uint64([]byte(data[pos:]))
			} else {
				v = binary.BigEndian.Uint64([]byte(data[pos:]))
			}
			L.Push(lua.LNumber(math.Float64frombits(v)))
		case 'c':
			if size == 0 {
				if n == 0 {
					L.RaiseError("format 'c0' needs a previous size")
				}
				prev, ok := L.Get(-1).(lua.LNumber)
				if !ok {
					L.RaiseError("format 'c0' needs a previous size")
				}
				L.Pop(1)
				n--
				size = int(prev)
				if pos+size > len(data) {
					argError(L, 2, "unpack", "data string too short")
				}
			}
			L.Push(lua.LString(data[pos : pos+size]))
		case 's':
			e := strings.IndexByte(data[pos:], 0)
			if e < 0 {
				L.RaiseError("unfinished string in data")
			}
			size = e + 1
			L.Push(lua.LString(data[pos : pos+e]))
		}
		n++
		pos += size
	}
	L.Push(lua.LNumber(pos + 1))
	return n + 1
}

func structSize(L *lua.LState) int {
	s := &structFmt{L: L, fname: "size", f: L.CheckString(1), little: true, maxAlign: 1}
	pos := 0
	for {
		opt, size, ok := s.next()
		if !ok {
			break
		}
		if size < 0 || (opt == 'c' && size == 0) {
			argError(L, 1, "size", "option '"+string(opt)+"' has no fixed size")
		}
		pos += s.align(size, pos) + size
	}
	L.Push(lua.LNumber(pos))
	return 1
}

// argError raises Lua 5.1's luaL_argerror text, which names the function
// in quotes (gopher-lua's ArgError does not quote it).
func argError(L *lua.LState, n int, fname, msg string) {
	L.RaiseError("bad argument #%d to '%s' (%s)", n, fname, msg)
}
