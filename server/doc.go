// Package server runs AiKv's network side: it accepts connections, reads
// requests, dispatches them through the command table, and writes replies.
//
// # Concurrency model
//
// Each connection has one goroutine that reads, executes and writes. All
// commands run under a single mutex (Server.mu) that guards the keyspace,
// the client registry and every handler-visible state. A connection takes
// the mutex once per pipelined batch: it parses every complete request in
// its read buffer, runs them all in order under one lock, releases it, and
// then writes all the replies with one syscall. So every command (and later
// every MULTI/EXEC block and script) is atomic, pipelining amortises the
// lock, and slow network I/O never happens under the lock.
//
// Background work (active expiry, incremental rehash) runs in one cron
// goroutine that takes the same mutex for short, bounded steps.
package server
