// Package aof will hold AiKv's append-only log: a segmented write-ahead log
// of command effects on github.com/tidwall/wal, with per-record CRC32C and
// format version, group commit, the appendfsync policies (always, everysec,
// no), replay on startup and torn-tail repair. Nothing is implemented yet;
// see the project's issues.
package aof
