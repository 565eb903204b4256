// Package snapshot will hold AiKv's compressed point-in-time snapshot files
// (msgpack records in zstd frames, with a header carrying the log sequence
// number they cover and a checksummed trailer), written without fork and
// loaded at startup before the log is replayed. Nothing is implemented yet;
// see the project's issues.
package snapshot
