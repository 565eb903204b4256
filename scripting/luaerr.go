package scripting

import (
	"strconv"
	"strings"
	"unsafe"

	lua "github.com/yuin/gopher-lua"
)

// This file rewrites gopher-lua's runtime error messages into the words
// PUC Lua 5.1 (Redis's interpreter) uses, including the variable names
// Lua 5.1 finds by inspecting the bytecode (ldebug.c getobjname):
//
//	gopher-lua: attempt to index a non-table object(nil) with key 'x'
//	Lua 5.1:    attempt to index local 't' (a nil value)
//
// The names come from gopher-lua's bytecode, which is Lua 5.1's register
// machine with a few extra opcodes, so the same symbolic execution works.

// Opcodes of gopher-lua v1.1.2 (opcode.go), which does not export them.
const (
	opMove = iota
	opMoveN
	opLoadK
	opLoadBool
	opLoadNil
	opGetUpval
	opGetGlobal
	opGetTable
	opGetTableKS
	opSetGlobal
	opSetUpval
	opSetTable
	opSetTableKS
	opNewTable
	opSelf
	opAdd
	opSub
	opMul
	opDiv
	opMod
	opPow
	opUnm
	opNot
	opLen
	opConcat
	opJmp
	opEq
	opLt
	opLe
	opTest
	opTestSet
	opCall
	opTailCall
	opReturn
	opForLoop
	opForPrep
	opTForLoop
	opSetList
	opClose
	opClosure
	opVararg
	opNop
)

func instOp(i uint32) int { return int(i >> 26) }
func instA(i uint32) int  { return int(i>>18) & 0xff }
func instB(i uint32) int  { return int(i & 0x1ff) }
func instC(i uint32) int  { return int(i>>9) & 0x1ff }
func instBx(i uint32) int { return int(i & 0x3ffff) }

const opBitRK = 1 << 8

// frameMirror mirrors the leading fields of gopher-lua's unexported
// callFrame (v1.1.2), and debugMirror those of lua.Debug, to read the
// program counter and argument count of a frame, which the public API does
// not give. frameOf checks the mirror against GetInfo's function before
// trusting it; a gopher-lua upgrade that changes the layout turns the
// translation off (messages keep gopher-lua's words) rather than misread.
type frameMirror struct {
	Idx        int
	Fn         *lua.LFunction
	Parent     unsafe.Pointer
	Pc         int
	Base       int
	LocalBase  int
	ReturnBase int
	NArgs      int
}

type debugMirror struct {
	frame *frameMirror
}

// frameOf returns the frame behind dbg when it runs fn.
func frameOf(dbg *lua.Debug, fn lua.LValue) *frameMirror {
	f, ok := fn.(*lua.LFunction)
	if !ok {
		return nil
	}
	m := (*debugMirror)(unsafe.Pointer(dbg))
	if m.frame == nil || m.frame.Fn != f {
		return nil
	}
	return m.frame
}

// errSite is where a runtime error happened: the innermost Lua function,
// its faulting instruction, and the innermost Go function if the error
// was raised by one.
type errSite struct {
	L     *lua.LState
	dbg   *lua.Debug
	proto *lua.FunctionProto
	pc    int // index of the faulting instruction
	// gArgs is the argument count of the Go function that raised the
	// error (-1 when the VM raised it).
	gArgs int
}

// findErrSite locates the innermost Lua frame (and Go frame above it).
// ok is false when the frames cannot be read.
func findErrSite(L *lua.LState) (s errSite, ok bool) {
	s.L, s.gArgs = L, -1
	sawG := false
	for level := 0; level < 64; level++ {
		dbg, found := L.GetStack(level)
		if !found {
			return s, false
		}
		fn, err := L.GetInfo("f", dbg, lua.LNil)
		if err != nil {
			continue
		}
		lf, isFn := fn.(*lua.LFunction)
		if !isFn {
			continue
		}
		fr := frameOf(dbg, fn)
		if fr == nil {
			return s, false
		}
		if lf.IsG {
			if !sawG && level > 0 {
				// level 0 is the error handler itself.
				s.gArgs = fr.NArgs
				sawG = true
			}
			continue
		}
		if fr.Pc <= 0 || fr.Pc > len(lf.Proto.Code) {
			return s, false
		}
		s.dbg, s.proto, s.pc = dbg, lf.Proto, fr.Pc-1
		if !sawG {
			s.gArgs = -1
		}
		return s, true
	}
	return s, false
}

// value returns the value of RK(x) of the faulting frame, and whether x is
// a register (Lua 5.1 only names values on the stack).
func (s *errSite) value(x int) (lua.LValue, bool) {
	if x&opBitRK != 0 {
		k := x &^ opBitRK
		if k < len(s.proto.Constants) {
			return s.proto.Constants[k], false
		}
		return lua.LNil, false
	}
	_, v := s.L.GetLocal(s.dbg, x+1)
	return v, true
}

// objName is Lua 5.1's getobjname: what register reg holds at pc (a local,
// global, field, upvalue or method name), or "" when unknown.
func objName(p *lua.FunctionProto, pc, reg int) (kind, name string) {
	for depth := 0; depth < 16; depth++ {
		if n, ok := localName(p, reg+1, pc); ok {
			return "local", n
		}
		i := lastSetter(p, pc, reg)
		if i < 0 {
			return "", ""
		}
		inst := p.Code[i]
		switch instOp(inst) {
		case opGetGlobal:
			if k, ok := p.Constants[instBx(inst)].(lua.LString); ok {
				return "global", string(k)
			}
			return "", ""
		case opMove, opMoveN:
			a, b := instA(inst), instB(inst)
			if b >= a {
				return "", ""
			}
			pc, reg = i, b
			continue
		case opGetTable, opGetTableKS:
			return "field", kname(p, instC(inst))
		case opGetUpval:
			if b := instB(inst); b < len(p.DbgUpvalues) {
				return "upvalue", p.DbgUpvalues[b]
			}
			return "upvalue", "?"
		case opSelf:
			return "method", kname(p, instC(inst))
		}
		return "", ""
	}
	return "", ""
}

// localName is luaF_getlocalname: the name of the n-th active local at pc.
func localName(p *lua.FunctionProto, n, pc int) (string, bool) {
	for _, l := range p.DbgLocals {
		if l.StartPc > pc {
			break
		}
		if pc < l.EndPc {
			n--
			if n == 0 {
				return l.Name, true
			}
		}
	}
	return "", false
}

func kname(p *lua.FunctionProto, c int) string {
	if c&opBitRK != 0 {
		if k, ok := p.Constants[c&^opBitRK].(lua.LString); ok {
			return string(k)
		}
	}
	return "?"
}

// lastSetter is Lua 5.1's symbexec: the last instruction before pc that
// sets register reg, or -1.
func lastSetter(p *lua.FunctionProto, lastpc, reg int) int {
	last := -1
	for pc := 0; pc < lastpc; pc++ {
		inst := p.Code[pc]
		a, b, c := instA(inst), instB(inst), instC(inst)
		switch op := instOp(inst); op {
		case opLoadNil:
			if a <= reg && reg <= b {
				last = pc
			}
		case opCall, opTailCall:
			if reg >= a {
				last = pc
			}
		case opTForLoop:
			if reg >= a+2 {
				last = pc
			}
		case opVararg:
			if reg >= a && (b == 0 || reg <= a+b-2) {
				last = pc
			}
		case opJmp:
			dest := pc + 1 + (instBx(inst) - 131071)
			if pc < dest && dest <= lastpc {
				pc = dest - 1
			}
		case opSetGlobal, opSetUpval, opSetTable, opSetTableKS, opEq, opLt, opLe,
			opReturn, opSetList, opClose, opNop:
		case opLoadBool:
			if a == reg {
				last = pc
			}
			if c != 0 {
				pc++
			}
		case opClosure:
			if a == reg {
				last = pc
			}
			// The upvalue pseudo-instructions that follow set nothing.
			if k := instBx(inst); k < len(p.FunctionPrototypes) {
				pc += int(p.FunctionPrototypes[k].NumUpvalues)
			}
		case opTest:
		default:
			if a == reg {
				last = pc
			}
		}
	}
	return last
}

// describe is Lua 5.1's luaG_typeerror text for the value in RK(x).
func (s *errSite) describe(op string, x int, v lua.LValue) string {
	t := v.Type().String()
	if x >= 0 && x&opBitRK == 0 {
		if kind, name := objName(s.proto, s.pc, x); kind != "" {
			return "attempt to " + op + " " + kind + " '" + name + "' (a " + t + " value)"
		}
	}
	return "attempt to " + op + " a " + t + " value"
}

func isNumeric(v lua.LValue) bool {
	switch v := v.(type) {
	case lua.LNumber:
		return true
	case lua.LString:
		_, err := strconv.ParseFloat(strings.TrimSpace(string(v)), 64)
		return err == nil
	}
	return false
}

// translateError rewrites a gopher-lua runtime message ("user_script:1:
// text") into Lua 5.1's words. Messages it does not know are returned as
// they are.
func translateError(L *lua.LState, msg string) string {
	pos, text := splitPosition(msg)
	if out, ok := translateText(L, text); ok {
		return pos + out
	}
	return msg
}

// splitPosition splits "chunk:line: text" into the position and the text.
func splitPosition(msg string) (string, string) {
	i := strings.Index(msg, ": ")
	if i < 0 {
		return "", msg
	}
	head := msg[:i]
	j := strings.LastIndexByte(head, ':')
	if j < 0 {
		return "", msg
	}
	if _, err := strconv.Atoi(head[j+1:]); err != nil {
		return "", msg
	}
	return msg[:i+2], msg[i+2:]
}

var forErrors = map[string]string{
	"for statement init must be a number":  "'for' initial value must be a number",
	"for statement limit must be a number": "'for' limit must be a number",
	"for statement step must be a number":  "'for' step must be a number",
}

func translateText(L *lua.LState, text string) (string, bool) {
	if t, ok := forErrors[text]; ok {
		return t, true
	}
	if rest, ok := strings.CutPrefix(text, "attempt to compare "); ok {
		// "attempt to compare T1 with T2"; Lua says "two T values" when
		// the types are equal.
		if t1, t2, ok := strings.Cut(rest, " with "); ok && t1 == t2 {
			return "attempt to compare two " + t1 + " values", true
		}
		return text, false
	}
	if strings.HasPrefix(text, "invalid value (") {
		// table.concat: "... in table for 'concat'".
		if i := strings.LastIndex(text, " for "); i >= 0 && !strings.HasSuffix(text, "'") {
			return text[:i] + " for '" + text[i+5:] + "'", true
		}
		return text, false
	}
	if strings.HasPrefix(text, "bad argument #") {
		return translateBadArg(L, text)
	}
	vmErr := strings.HasPrefix(text, "attempt to index a non-table object(") ||
		text == "attempt to call a non-function object" ||
		strings.HasPrefix(text, "cannot perform ") ||
		text == "__len undefined" || text == "__unm undefined"
	if !vmErr {
		return text, false
	}
	s, ok := findErrSite(L)
	if !ok || s.gArgs >= 0 && text != "attempt to call a non-function object" {
		return fallbackText(text), true
	}
	inst := s.proto.Code[s.pc]
	a, b, c := instA(inst), instB(inst), instC(inst)
	switch op := instOp(inst); {
	case strings.HasPrefix(text, "attempt to index"):
		reg := -1
		switch op {
		case opGetTable, opGetTableKS, opSelf:
			reg = b
		case opSetTable, opSetTableKS:
			reg = a
		}
		if reg < 0 {
			return fallbackText(text), true
		}
		v, _ := s.value(reg)
		return s.describe("index", reg, v), true
	case text == "attempt to call a non-function object":
		if s.gArgs >= 0 {
			// Raised by a Go function (e.g. a library calling its
			// argument): Lua names no variable.
			return "attempt to call a nil value", true
		}
		switch op {
		case opCall, opTailCall:
			v, _ := s.value(a)
			return s.describe("call", a, v), true
		case opTForLoop:
			v, _ := s.value(a)
			return "attempt to call a " + v.Type().String() + " value", true
		}
		return fallbackText(text), true
	case text == "__len undefined" && op == opLen:
		v, _ := s.value(b)
		return s.describe("get length of", b, v), true
	case text == "__unm undefined" && op == opUnm:
		v, _ := s.value(b)
		return s.describe("perform arithmetic on", b, v), true
	case op == opConcat:
		// Lua concatenates right to left, pair by pair; of a failing
		// pair it blames the left operand unless that one is a string or
		// a number (luaG_concaterror).
		isStr := func(v lua.LValue) bool {
			switch v.(type) {
			case lua.LString, lua.LNumber:
				return true
			}
			return false
		}
		acc := c
		for r := c - 1; r >= b; r-- {
			left, _ := s.value(r)
			right, _ := s.value(acc)
			if isStr(left) && isStr(right) {
				acc = r // the result lands in the left register
				continue
			}
			if isStr(left) {
				return s.describe("concatenate", acc, right), true
			}
			return s.describe("concatenate", r, left), true
		}
		return fallbackText(text), true
	case op >= opAdd && op <= opPow:
		// luaG_aritherror: blame the first operand unless it is a
		// number (or a string convertible to one).
		x := b
		if v, _ := s.value(b); isNumeric(v) {
			x = c
		}
		v, _ := s.value(x)
		return s.describe("perform arithmetic on", x, v), true
	}
	return fallbackText(text), true
}

// fallbackText translates without names, from the message alone.
func fallbackText(text string) string {
	switch {
	case strings.HasPrefix(text, "attempt to index a non-table object("):
		t := strings.TrimPrefix(text, "attempt to index a non-table object(")
		if i := strings.IndexByte(t, ')'); i >= 0 {
			t = t[:i]
		}
		return "attempt to index a " + t + " value"
	case text == "attempt to call a non-function object":
		return "attempt to call a nil value"
	case text == "__len undefined":
		return "attempt to get length of a nil value"
	case text == "__unm undefined":
		return "attempt to perform arithmetic on a nil value"
	case strings.HasPrefix(text, "cannot perform concat operation between "):
		t1, t2, _ := strings.Cut(strings.TrimPrefix(text, "cannot perform concat operation between "), " and ")
		if t1 == "string" || t1 == "number" {
			t1 = t2
		}
		return "attempt to concatenate a " + t1 + " value"
	case strings.HasPrefix(text, "cannot perform "):
		rest := text[strings.Index(text, " between ")+len(" between "):]
		t1, t2, _ := strings.Cut(rest, " and ")
		if t1 == "number" {
			t1 = t2
		}
		return "attempt to perform arithmetic on a " + t1 + " value"
	}
	return text
}

// translateBadArg quotes the function name ("bad argument #1 to 'rep'")
// and says "no value" for a missing argument, as Lua 5.1's luaL_argerror.
func translateBadArg(L *lua.LState, text string) (string, bool) {
	rest := strings.TrimPrefix(text, "bad argument #")
	sp := strings.IndexByte(rest, ' ')
	if sp < 0 {
		return text, false
	}
	n, err := strconv.Atoi(rest[:sp])
	if err != nil {
		return text, false
	}
	rest, ok := strings.CutPrefix(rest[sp:], " to ")
	if !ok {
		return text, false
	}
	name, detail, ok := strings.Cut(rest, " (")
	if !ok {
		return text, false
	}
	if !strings.HasPrefix(name, "'") {
		name = "'" + name + "'"
	}
	if s, ok := findErrSite(L); ok && s.gArgs >= 0 {
		if n > s.gArgs && strings.HasSuffix(detail, ", got nil)") {
			detail = strings.TrimSuffix(detail, "nil)") + "no value)"
		}
		// Lua does not count self in a method call (s:rep()).
		if inst := s.proto.Code[s.pc]; instOp(inst) == opCall || instOp(inst) == opTailCall {
			if kind, _ := objName(s.proto, s.pc, instA(inst)); kind == "method" {
				n--
				if n == 0 {
					return "calling " + name + " on bad self (" + detail, true
				}
			}
		}
	}
	return "bad argument #" + strconv.Itoa(n) + " to " + name + " (" + detail, true
}

// openErrorFuncs replaces pcall, error and assert with versions that
// behave as Redis 7.0's where gopher-lua differs: pcall hands the caller
// translated messages and catches {err=...} tables as their err string
// (Redis's luaRedisPcall), error() with no argument raises nil and error(5)
// gets a position like a string, assert accepts a number message.
func (e *Engine) openErrorFuncs(g *lua.LTable) {
	L := e.L
	e.translateFn = L.NewFunction(func(L *lua.LState) int {
		v := L.Get(1)
		if s, ok := v.(lua.LString); ok {
			v = lua.LString(translateError(L, string(s)))
		}
		L.Push(v)
		return 1
	})
	g.RawSetString("pcall", L.NewFunction(func(L *lua.LState) int {
		L.CheckAny(1)
		v := L.Get(1)
		if v.Type() != lua.LTFunction && L.GetMetaField(v, "__call").Type() != lua.LTFunction {
			L.Push(lua.LFalse)
			L.Push(lua.LString("attempt to call a " + v.Type().String() + " value"))
			return 2
		}
		if err := L.PCall(L.GetTop()-1, lua.MultRet, e.translateFn); err != nil {
			L.Push(lua.LFalse)
			if aerr, ok := err.(*lua.ApiError); ok {
				obj := aerr.Object
				// Redis 7's luaRedisPcall: an {err=...} table (what
				// redis.call raises) is caught as its err string.
				if t, ok := obj.(*lua.LTable); ok {
					switch v := t.RawGetString("err").(type) {
					case lua.LString, lua.LNumber: // lua_isstring
						obj = v
					}
				}
				L.Push(obj)
			} else {
				L.Push(lua.LString(err.Error()))
			}
			return 2
		}
		L.Insert(lua.LTrue, 1)
		return L.GetTop()
	}))
	g.RawSetString("error", L.NewFunction(func(L *lua.LState) int {
		// luaB_error: strings and numbers get the position of the
		// function at level (none when that is a Go function).
		obj := L.Get(1)
		level := L.OptInt(2, 1)
		switch v := obj.(type) {
		case lua.LNumber:
			obj = lua.LString(where(L, level) + formatNumber14(float64(v)))
		case lua.LString:
			obj = lua.LString(where(L, level) + string(v))
		}
		L.Error(obj, 0)
		return 0
	}))
	origSetmt := g.RawGetString("setmetatable")
	g.RawSetString("setmetatable", L.NewFunction(func(L *lua.LState) int {
		if _, ok := L.Get(1).(*lua.LTable); !ok {
			L.RaiseError("bad argument #1 to 'setmetatable' (table expected, got %s)", typeName(L, 1))
		}
		switch L.Get(2).(type) {
		case *lua.LNilType, *lua.LTable:
		default:
			L.RaiseError("bad argument #2 to 'setmetatable' (nil or table expected)")
		}
		L.Push(origSetmt)
		L.Push(L.Get(1))
		L.Push(L.Get(2))
		L.Call(2, 1)
		return 1
	}))
	g.RawSetString("assert", L.NewFunction(func(L *lua.LState) int {
		if L.ToBool(1) {
			return L.GetTop()
		}
		msg := "assertion failed!"
		switch v := L.Get(2).(type) {
		case *lua.LNilType:
		case lua.LNumber:
			msg = formatNumber14(float64(v))
		case lua.LString:
			msg = string(v)
		default:
			L.RaiseError("bad argument #2 to 'assert' (string expected, got %s)", v.Type().String())
		}
		L.RaiseError("%s", msg)
		return 0
	}))
}

// where is luaL_where: "chunk:line: " of the function at level, or "" for
// a Go function.
func where(L *lua.LState, level int) string {
	if level <= 0 {
		return ""
	}
	dbg, ok := L.GetStack(level)
	if !ok {
		return ""
	}
	if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil || dbg.What == "G" || dbg.CurrentLine <= 0 {
		return ""
	}
	return dbg.Source + ":" + strconv.Itoa(dbg.CurrentLine) + ": "
}

// typeName is luaL_typename: "no value" for a missing argument.
func typeName(L *lua.LState, n int) string {
	if n > L.GetTop() {
		return "no value"
	}
	return L.Get(n).Type().String()
}
