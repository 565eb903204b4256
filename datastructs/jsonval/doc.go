// Package jsonval is the native JSON document type behind the RedisJSON
// commands (JSON.SET, JSON.GET, ...): a parsed tree of Nodes held by a Doc,
// which is the datastructs.Value stored in the keyspace (TYPE "ReJSON-RL").
//
// It has three parts:
//
//   - Parse: a JSON parser with serde_json's rules and error texts (the
//     messages RedisJSON replies with), a nesting limit of 128, integers
//     kept exact (int64, or uint64 above MaxInt64) and everything else a
//     float64.
//   - Serialize/Format: serde_json's output. Integers print as integers,
//     floats always carry a decimal point or an exponent ("7.0", "1e16",
//     "1.5e-7"), chosen like Rust's ryu; strings are escaped like
//     serde_json (control characters, '"' and '\\' only).
//   - Compile/Path: RedisJSON's path language. A path starting with "$"
//     is a JSONPath (recursive descent, wildcards, unions, slices,
//     filters); anything else is a legacy path ("." , ".a.b[0]", "a.b")
//     that is rewritten to JSONPath and acts on its first match only.
//
// Invariants:
//   - An Object's keys are unique; its order is insertion order, and
//     removing a key moves the last entry into the hole (ijson's
//     swap_remove), which RedisJSON replies make visible.
//   - A Node of kind Uint always holds a value above math.MaxInt64;
//     smaller unsigned values are stored as Int.
//   - Floats are finite: NaN and infinities cannot be stored.
//
// Nodes are not safe for concurrent use; the server lock guards them.
//
// Example:
//
//	root, err := jsonval.Parse([]byte(`{"a":[1,2.5]}`))
//	p, _ := jsonval.Compile("$.a[*]")
//	for _, m := range p.Find(root) { fmt.Println(string(jsonval.Serialize(m.Node))) }
//	// 1
//	// 2.5
package jsonval
