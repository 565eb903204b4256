// Package scripting is AiKv's Lua engine on github.com/yuin/gopher-lua
// (Lua 5.1, like Redis): EVAL/EVALSHA and their _RO forms, the SCRIPT
// cache, Redis 7 function libraries (FUNCTION, FCALL), the redis.* API
// and the cjson, cmsgpack, bit and struct libraries Redis bundles.
//
// The package does not import the server. Commands run by a script go
// through a Dispatcher the caller provides (the server adapts
// command.Server.Call); replies come back through a command.Writer that
// builds Lua values (collector), and a script's return value is written to
// the client's command.Writer with Redis's conversion rules.
//
// Invariants:
//
//   - One Engine per server, one gopher-lua state per Engine. Scripts run
//     one at a time, under the server lock; the Engine is not safe for
//     concurrent use except Busy and Kill, which another goroutine may
//     call while a script runs.
//   - Scripts never see the real global table: EVAL bodies run in a
//     read-only proxy of it, functions in a per-library proxy that during
//     FUNCTION LOAD exposes only redis.register_function, redis.log and
//     the constants. Reading a missing global is an error, writing any
//     global is "Attempt to modify a readonly table", as in Redis 7.
//   - Argument slices passed to the Dispatcher are fresh and never reused,
//     so the server may keep them (for the log) until the batch ends.
//   - Error replies follow Redis 7.0.15: "<msg> script: <sha|function>,
//     on @user_script:<line>." for errors raised while running.
//   - gopher-lua's runtime messages are rewritten into Lua 5.1's words
//     (luaerr.go) by the error handlers (the run's and pcall's). Variable
//     names come from the faulting frame's bytecode, read through a mirror
//     of gopher-lua v1.1.2's unexported call frame that is checked against
//     the public API at each use; on a mismatch the text keeps its words
//     but loses the names, never misreads.
//
// Usage (in a handler, under the server lock):
//
//	e.Eval(scripting.Run{D: dispatcher, Proto: 2}, body, keys, argv, c.W)
package scripting
