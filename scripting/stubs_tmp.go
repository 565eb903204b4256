package scripting

import lua "github.com/yuin/gopher-lua"

func openCJSON(L *lua.LState) *lua.LTable    { return L.CreateTable(0, 0) }
func openCMsgpack(L *lua.LState) *lua.LTable { return L.CreateTable(0, 0) }
func openStruct(L *lua.LState) *lua.LTable   { return L.CreateTable(0, 0) }
