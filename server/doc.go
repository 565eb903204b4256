// Package server runs AiKv's network side: it accepts connections, reads
// requests, dispatches them through the command table, and writes replies.
//
// # Concurrency model
//
// Ordinary connections are served by one event loop (eventloop_linux.go,
// on when the server calls EnableEventLoop, as aikv-server does unless
// AIKV_EVENT_LOOP=0): an epoll set of client sockets, each ready one read,
// run and answered with non-blocking system calls, and the replies of one
// round sent after one log write, as Redis does. A connection that must
// wait (a blocking command, CLIENT PAUSE, a full socket, pub/sub, MONITOR,
// scripts and EXEC, SYNC) is handed for good to a goroutine of its own
// that reads, executes and writes (conn.serve); without the event loop
// every connection has one from the start.
//
// All commands run under a single mutex (Server.mu) that guards the
// keyspace, the client registry and every handler-visible state. A
// connection takes the mutex once per pipelined batch: it parses every
// complete request in its read buffer, runs them all in order under one
// lock, releases it, and then writes all the replies with one syscall. So
// every command, MULTI/EXEC block and script is atomic, pipelining
// amortises the lock, and slow network I/O never happens under the lock.
//
// Output one connection produces for another (MONITOR lines, Pub/Sub
// messages, keyspace notifications, client-side caching invalidations)
// is appended under the mutex to the receiver's outbox; the receiver's
// goroutine is woken by a read deadline set to now ("nudge") and writes
// the outbox without the mutex. Output for the connection running the
// current command goes straight into its reply buffer, in order with its
// replies. Outboxes are bounded by client-output-buffer-limit, and a
// publisher that overfills a receiver which is still reading waits for it
// after its batch (see pubsub.go), which is the back-pressure Redis gets
// from doing all writes on one thread.
//
// Background work (active expiry, incremental rehash) runs in one cron
// goroutine that takes the same mutex for short, bounded steps.
package server
