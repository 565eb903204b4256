// Package config holds AiKv's settings: the typed Config the server
// reads, and the Registry that maps every Redis 7.0 configuration name
// (port, dir, appendfsync, hash-max-listpack-entries, ...) to it for the
// TOML config file, command-line flags and CONFIG GET/SET/REWRITE.
//
// Every parameter has a Kind (Bool, Int, Memory, Enum, ...) that validates
// values with Redis's rules and error texts, and renders them as Redis's
// CONFIG GET does (memory in bytes, "yes"/"no", "3600 1 300 100"). Each
// parameter is in one of three states:
//
//   - implemented: it has a typed field in Config that the server uses;
//   - NoEffect: Redis-internal tuning (encodings, hz, lazyfree, I/O
//     threads, defragmentation): validated, stored in Config.Other,
//     reported, and without effect;
//   - Unsupported: a feature AiKv does not have yet (replication,
//     cluster, TLS, ...): only its default value is accepted, anything
//     else is refused with "not supported by AiKv yet".
//
// Invariants: every value stored in a Config is canonical (it went
// through Param.Canonical), so rendering never fails and CONFIG GET shows
// what CONFIG SET would accept back. CONFIG SET (Registry.SetRuntime)
// validates every pair before storing any, so it applies all or none.
//
// Usage:
//
//	reg := config.NewRegistry()
//	cfg := config.Default()
//	err := reg.LoadFile(cfg, "aikv.toml")      // [server] [storage] [logging] [redis]
//	err = reg.Set(cfg, "port", "6380")         // a command-line flag
//	pairs := reg.Get(cfg, "maxmemory", "tcp*") // CONFIG GET
//	_, err = reg.SetRuntime(cfg, [][2]string{{"appendfsync", "always"}}, false)
//	err = reg.Rewrite(cfg, "aikv.toml")        // CONFIG REWRITE
package config
