package scripting

import (
	"fmt"
	"math"

	lua "github.com/yuin/gopher-lua"
)

// The bit library (LuaBitOp 1.0, which Redis bundles): 32-bit operations
// on Lua numbers, results as signed 32-bit integers.

// tobit normalizes a number to 32 bits like LuaBitOp (round to nearest,
// wrap modulo 2^32).
func tobit(f float64) int32 {
	f = math.RoundToEven(f)
	if math.Abs(f) >= 1<<63 || math.IsNaN(f) {
		f = math.Mod(f, 1<<32)
		if math.IsNaN(f) {
			return 0
		}
	}
	return int32(uint32(int64(f)))
}

func openBit(L *lua.LState) *lua.LTable {
	t := L.CreateTable(0, 12)
	arg := func(L *lua.LState, i int) uint32 { return uint32(tobit(float64(L.CheckNumber(i)))) }
	ret := func(L *lua.LState, v uint32) int { L.Push(lua.LNumber(int32(v))); return 1 }
	fold := func(op func(a, b uint32) uint32) lua.LGFunction {
		return func(L *lua.LState) int {
			v := arg(L, 1)
			for i := 2; i <= L.GetTop(); i++ {
				v = op(v, arg(L, i))
			}
			return ret(L, v)
		}
	}
	fns := map[string]lua.LGFunction{
		"tobit": func(L *lua.LState) int { return ret(L, arg(L, 1)) },
		"bnot":  func(L *lua.LState) int { return ret(L, ^arg(L, 1)) },
		"band":  fold(func(a, b uint32) uint32 { return a & b }),
		"bor":   fold(func(a, b uint32) uint32 { return a | b }),
		"bxor":  fold(func(a, b uint32) uint32 { return a ^ b }),
		"lshift": func(L *lua.LState) int {
			return ret(L, arg(L, 1)<<(arg(L, 2)&31))
		},
		"rshift": func(L *lua.LState) int {
			return ret(L, arg(L, 1)>>(arg(L, 2)&31))
		},
		"arshift": func(L *lua.LState) int {
			return ret(L, uint32(int32(arg(L, 1))>>(arg(L, 2)&31)))
		},
		"rol": func(L *lua.LState) int {
			b, n := arg(L, 1), arg(L, 2)&31
			return ret(L, b<<n|b>>((32-n)&31))
		},
		"ror": func(L *lua.LState) int {
			b, n := arg(L, 1), arg(L, 2)&31
			return ret(L, b>>n|b<<((32-n)&31))
		},
		"bswap": func(L *lua.LState) int {
			b := arg(L, 1)
			return ret(L, b>>24|(b>>8)&0xff00|(b&0xff00)<<8|b<<24)
		},
		"tohex": func(L *lua.LState) int {
			b := arg(L, 1)
			n := int32(8)
			if L.GetTop() >= 2 && L.Get(2) != lua.LNil {
				n = int32(arg(L, 2))
			}
			upper := false
			if n < 0 {
				n, upper = -n, true
			}
			if n > 8 {
				n = 8
			}
			if n < 8 {
				b &= 1<<(4*uint(n)) - 1
			}
			format := "%0*x"
			if upper {
				format = "%0*X"
			}
			L.Push(lua.LString(fmt.Sprintf(format, n, b)))
			return 1
		},
	}
	for name, fn := range fns {
		t.RawSetString(name, L.NewFunction(fn))
	}
	return t
}
