// Package resp speaks the Redis serialization protocol on the server side:
// Reader turns a byte stream into commands (RESP multibulk or inline),
// enforcing Redis's limits and error texts, and Writer encodes replies as
// RESP2 or RESP3.
//
// redcon's own reader grows its buffer without bound and answers protocol
// errors with its own texts, so AiKv parses requests here and uses redcon's
// Append* primitives for encoding.
package resp
