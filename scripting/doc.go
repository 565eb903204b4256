// Package scripting will hold AiKv's Lua engine on github.com/yuin/gopher-lua
// (EVAL, EVALSHA, SCRIPT, FUNCTION/FCALL), dispatching redis.call through a
// Dispatcher interface it defines. Nothing is implemented yet; see the
// project's issues.
package scripting
