// Command compare runs redis-benchmark against a real redis-server and
// against AiKv, side by side on this machine, and prints a Markdown report:
// requests/s, the ratio AiKv/Redis and p50/p99 latency per test, the
// geometric-mean ratio per mode, and memory figures (idle RSS, RSS per
// idle connection, RSS per key after 1M SETs, the size of the snapshot
// SAVE writes of those keys and the time from restarting on it to ready).
//
//	go run ./bench/compare [-quick] [-out FILE] [-aikv BIN] [-persistence off,everysec,...]
//	go run ./bench/compare -shapes all [-keys N]   # RSS per key for strings, hashes, lists, a sorted set
//	go run ./bench/compare -restart [-dataset strings,mixed] [-keys N]   # snapshot load at startup
//	go run ./bench/compare -bgsave [-keys N] [-c N]   # BGSAVE under a write load
//	go run ./bench/compare -pubsub                 # PUBLISH fan-out to 50 subscribers (pubsub.go)
//
// `make bench-compare` (and `make bench-compare QUICK=1`) is the usual
// entry point; docs/benchmarks.md explains every column.
//
// Invariants the report relies on:
//   - Both servers run with the same settings (bind 127.0.0.1, save "",
//     the same appendonly/appendfsync) on free loopback ports, each in its
//     own temporary directory, and both see the same command sequence, so
//     their datasets evolve identically.
//   - Runs alternate between the servers test by test (A B A B …; the
//     first server flips every round), so machine drift hits both.
//   - Every process the tool starts is in its own process group and is
//     killed on exit, on error and on SIGINT/SIGTERM; on Linux the servers
//     also get SIGKILL if the tool itself dies (Pdeathsig).
//
// It needs Linux (/proc/PID/status) for the memory figures.
package main
