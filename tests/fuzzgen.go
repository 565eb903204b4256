package tests

import (
	"crypto/sha1"
	"encoding/hex"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
)

// The differential fuzzer's generator: a seeded source of random command
// lines over every command AiKv and Redis 7.0 both have. Arguments are
// mostly valid, drawn from small pools so that keys overlap (and so hold
// the wrong type for many commands), with edge values mixed in: empty
// strings, binary bytes, integers at and past the 64-bit limits, inf/nan
// spellings, negative indexes. Replies are compared according to the
// command's compare mode (see fuzzMode).

// fuzzMode says how a command's replies are compared.
type fuzzMode uint8

const (
	cmpExact      fuzzMode = iota // byte for byte (after RESP parsing)
	cmpSort                       // aggregate order is unspecified: sort elements (pairs for maps)
	cmpPairs                      // flat field/value arrays (HGETALL, HRANDFIELD WITHVALUES...): sort pairs
	cmpTTL                        // integers: -1/-2 exact, others within a tolerance
	cmpDeepSort                   // every nested aggregate sorted (FUNCTION LIST)
	cmpNoKeyFlags                 // key-spec flags blanked (COMMAND INFO, GETKEYSANDFLAGS)
	cmpEncoding                   // OBJECT ENCODING: embstr and raw alike
	cmpRefcount                   // OBJECT REFCOUNT: shared-integer count as 1
	cmpSortIfBy                   // SORT: sorted when BY is given
	cmpShape                      // structure and types only
	cmpScan                       // SCAN family: cursor shape, elements sorted
	cmpRandom                     // random picks: shape, and membership checked on Redis
	cmpSpop                       // random removal: membership checked, then Redis resynced
)

// fuzzGen generates command lines.
type fuzzGen struct {
	r *rand.Rand
	// inMulti counts the commands still to queue in an open MULTI.
	inMulti int
}

func newFuzzGen(seed uint64) *fuzzGen {
	return &fuzzGen{r: rand.New(rand.NewPCG(seed, seed*0x9e3779b97f4a7c15+1))}
}

func (g *fuzzGen) n(k int) int       { return g.r.IntN(k) }
func (g *fuzzGen) chance(p int) bool { return g.r.IntN(100) < p }

func (g *fuzzGen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

func (g *fuzzGen) pickInt(xs ...int) int { return xs[g.r.IntN(len(xs))] }

// key draws from a small shared pool: every command sees keys every other
// command wrote, of every type.
func (g *fuzzGen) key() string {
	if g.chance(3) {
		return g.pick("", "\x00\xff", "{t}k", "a:b")
	}
	return "k" + strconv.Itoa(g.n(8))
}

func (g *fuzzGen) keys(min, max int) []string {
	n := min + g.n(max-min+1)
	out := make([]string, n)
	for i := range out {
		out[i] = g.key()
	}
	return out
}

// member is a collection element or field: small pools so that
// operations collide, plus edge strings.
func (g *fuzzGen) member() string {
	switch g.n(10) {
	case 0:
		return g.value()
	case 1, 2, 3:
		return strconv.Itoa(g.n(12) - 2)
	default:
		return string(rune('a' + g.n(8)))
	}
}

func (g *fuzzGen) members(min, max int) []string {
	n := min + g.n(max-min+1)
	out := make([]string, n)
	for i := range out {
		out[i] = g.member()
	}
	return out
}

// value is a string value: plain words, numbers, and edge values.
func (g *fuzzGen) value() string {
	switch g.n(14) {
	case 0:
		return ""
	case 1:
		return "\x00\xff\r\n\x01bin"
	case 2:
		return g.pick("9223372036854775807", "-9223372036854775808", "9223372036854775808",
			"-9223372036854775809", "18446744073709551615")
	case 3:
		return g.pick("inf", "-inf", "+inf", "nan", "1e308", "1e400", "-0", "0x10", " 1", "1 ", "1.5", "3.0", "1e3", ".5")
	case 4:
		return strings.Repeat(g.pick("x", "ab", "\x00"), 20+g.n(60))
	case 5, 6, 7:
		return strconv.Itoa(g.n(200) - 50)
	case 8:
		return strconv.FormatFloat(g.r.NormFloat64()*100, 'f', g.n(4), 64)
	default:
		return g.pick("foo", "bar", "hello", "a", "b", "abc", "zzz", "Hello World")
	}
}

// integer is an integer argument (counts, increments, offsets), mostly
// small, sometimes at or beyond the limits or not a number at all.
func (g *fuzzGen) integer() string {
	switch g.n(20) {
	case 0:
		return g.pick("9223372036854775807", "-9223372036854775808", "9223372036854775808", "4294967296", "-4294967297")
	case 1:
		return g.pick("abc", "", "1.5", " 1", "+1", "01", "0x1")
	case 2, 3:
		return strconv.Itoa(-g.n(10) - 1)
	default:
		return strconv.Itoa(g.n(12))
	}
}

// index is a list/string index: positive, negative, out of range.
func (g *fuzzGen) index() string {
	switch g.n(10) {
	case 0:
		return g.pick("9223372036854775807", "-9223372036854775808", "100", "-100", "x")
	case 1, 2, 3:
		return strconv.Itoa(-g.n(6) - 1)
	default:
		return strconv.Itoa(g.n(8))
	}
}

// float is an increment or score.
func (g *fuzzGen) float() string {
	switch g.n(12) {
	case 0:
		return g.pick("inf", "-inf", "+inf", "nan", "1e308", "-1e308", "abc", "", "5e-324", "1.7976931348623157e308")
	case 1:
		return strconv.FormatFloat(g.r.NormFloat64()*1000, 'g', -1, 64)
	case 2, 3:
		return strconv.FormatFloat(float64(g.n(100))/4-5, 'f', -1, 64)
	default:
		return strconv.Itoa(g.n(10) - 3)
	}
}

// scoreBound is a ZRANGEBYSCORE bound.
func (g *fuzzGen) scoreBound() string {
	switch g.n(8) {
	case 0:
		return g.pick("-inf", "+inf", "inf", "(-inf", "(+inf", "nan", "x", "(")
	case 1, 2:
		return "(" + strconv.Itoa(g.n(10)-3)
	default:
		return strconv.Itoa(g.n(10) - 3)
	}
}

// lexBound is a ZRANGEBYLEX bound.
func (g *fuzzGen) lexBound() string {
	switch g.n(8) {
	case 0:
		return g.pick("-", "+", "x", "", "(")
	case 1, 2, 3:
		return "(" + g.member()
	default:
		return "[" + g.member()
	}
}

// ttlSeconds is an expiry that cannot elapse during a run (or one that
// is already past, which deletes the key at once): relative expiries of a
// few milliseconds would make the outcome depend on timing.
func (g *fuzzGen) ttlSeconds() string {
	switch g.n(8) {
	case 0:
		return g.pick("0", "-1", "-100", "abc", "9223372036854775807", "9223372036854775")
	default:
		return strconv.Itoa(1000 + g.n(100000))
	}
}

func (g *fuzzGen) ttlMillis() string {
	switch g.n(8) {
	case 0:
		return g.pick("0", "-1", "abc", "9223372036854775807")
	default:
		return strconv.Itoa(1000000 + g.n(100000000))
	}
}

// unixTime is an absolute expiry: in the past (the key goes at once) or
// far in the future, the same on both servers.
func (g *fuzzGen) unixTime(ms bool) string {
	t := int64(4102444800 + g.n(1000000)) // after 2100
	if g.chance(20) {
		t = int64(1 + g.n(1000))
	}
	if ms {
		t *= 1000
	}
	return strconv.FormatInt(t, 10)
}

func (g *fuzzGen) futureTime(ms bool) string {
	t := int64(4102444800 + g.n(1000000))
	if ms {
		t *= 1000
	}
	return strconv.FormatInt(t, 10)
}

// lexKey is a sorted set whose members all have score 0: Redis leaves
// lex ranges over mixed scores unspecified, so lex commands only read
// these keys, which only ZADD ... 0 ... writes (zaddLex).
func (g *fuzzGen) lexKey() string { return g.pick("z:lex0", "z:lex1") }

func (g *fuzzGen) zaddLex() []string {
	args := []string{"ZADD", g.lexKey()}
	for i := 1 + g.n(4); i > 0; i-- {
		args = append(args, "0", g.member())
	}
	return args
}

// randCount is SRANDMEMBER/HRANDFIELD/ZRANDMEMBER's count: a negative
// count asks for that many picks, so huge negative ones are left out (a
// reply of 4 billion elements hangs both servers).
func (g *fuzzGen) randCount() string {
	if g.chance(10) {
		return g.pick("-9223372036854775808", "9223372036854775807", "x", "", "-0")
	}
	return strconv.Itoa(g.n(30) - 10)
}

func (g *fuzzGen) expireFlag() []string {
	if g.chance(70) {
		return nil
	}
	return []string{g.pick("NX", "XX", "GT", "LT", "nx", "FOO")}
}

func (g *fuzzGen) lr() string { return g.pick("LEFT", "RIGHT", "left", "MIDDLE") }

func (g *fuzzGen) minmax() string { return g.pick("MIN", "MAX", "min", "MID") }

// blockTimeout is short: blocking commands that find nothing time out
// quickly and reply nil on both servers.
func (g *fuzzGen) blockTimeout() string { return g.pick("0.01", "0.02", "-1", "abc") }

// scripts are fixed Lua bodies for EVAL: deterministic, touching keys.
var fuzzScripts = []string{
	"return redis.call('GET', KEYS[1])",
	"return redis.call('INCRBY', KEYS[1], ARGV[1])",
	"return {KEYS[1], ARGV[1], 1, 2.5, true, false}",
	"return redis.pcall('LPUSH', KEYS[1], ARGV[1])",
	"redis.call('SET', KEYS[1], ARGV[1]); return redis.call('STRLEN', KEYS[1])",
	"return redis.error_reply('my error')",
	"local t = redis.call('HGETALL', KEYS[1]); table.sort(t); return t", // hashtable order is unspecified
	"return redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')",
}

// fuzzLibrary is loaded before each run (FUNCTION LOAD) for FCALL.
const fuzzLibrary = "#!lua name=fuzzlib\n" +
	"redis.register_function('fget', function(keys, args) return redis.call('GET', keys[1]) end)\n" +
	"redis.register_function{function_name='fro', callback=function(keys, args) return redis.call('EXISTS', keys[1]) end, flags={'no-writes'}}\n" +
	"redis.register_function('fset', function(keys, args) return redis.call('SET', keys[1], args[1]) end)\n"

func cat(parts ...any) []string {
	var out []string
	for _, p := range parts {
		switch x := p.(type) {
		case string:
			out = append(out, x)
		case []string:
			out = append(out, x...)
		}
	}
	return out
}

func (g *fuzzGen) opt(p int, parts ...any) []string {
	if g.chance(p) {
		return cat(parts...)
	}
	return nil
}

func (g *fuzzGen) nkeys(min, max int) []string {
	ks := g.keys(min, max)
	n := strconv.Itoa(len(ks))
	if g.chance(5) {
		n = g.pick("0", "-1", "100", "x")
	}
	return cat(n, ks)
}

func (g *fuzzGen) zaddFlags() []string {
	var out []string
	for _, f := range []string{"NX", "XX", "GT", "LT", "CH", "INCR"} {
		if g.chance(10) {
			out = append(out, f)
		}
	}
	return out
}

func (g *fuzzGen) scorePairs(min, max int) []string {
	var out []string
	for i := min + g.n(max-min+1); i > 0; i-- {
		out = append(out, g.float(), g.member())
	}
	return out
}

func (g *fuzzGen) fieldValues(min, max int) []string {
	var out []string
	for i := min + g.n(max-min+1); i > 0; i-- {
		out = append(out, g.member(), g.value())
	}
	return out
}

func (g *fuzzGen) limit() []string {
	return g.opt(30, "LIMIT", g.integer(), g.integer())
}

func (g *fuzzGen) weightsAggr(numkeys int) []string {
	var out []string
	if g.chance(30) {
		out = append(out, "WEIGHTS")
		for i := 0; i < numkeys; i++ {
			out = append(out, g.float())
		}
	}
	if g.chance(30) {
		out = append(out, "AGGREGATE", g.pick("SUM", "MIN", "MAX", "AVG"))
	}
	return out
}

func (g *fuzzGen) zsetOp(store bool, name string) []string {
	ks := g.keys(1, 3)
	args := []string{name}
	if store {
		args = append(args, g.key())
	}
	args = append(args, strconv.Itoa(len(ks)))
	args = append(args, ks...)
	if name != "ZDIFF" && name != "ZDIFFSTORE" {
		args = append(args, g.weightsAggr(len(ks))...)
	}
	if !store && g.chance(50) {
		args = append(args, "WITHSCORES")
	}
	return args
}

func (g *fuzzGen) bitfieldOps(ro bool) []string {
	var out []string
	for i := 1 + g.n(3); i > 0; i-- {
		typ := g.pick("u8", "i8", "u1", "i64", "u63", "u64", "i16", "x")
		off := g.pick(strconv.Itoa(g.n(40)), "#"+strconv.Itoa(g.n(4)), "-1")
		switch op := g.n(4); {
		case ro || op == 0:
			out = append(out, "GET", typ, off)
		case op == 1:
			out = append(out, "SET", typ, off, g.integer())
		case op == 2:
			out = append(out, "INCRBY", typ, off, g.integer())
		default:
			out = append(out, "OVERFLOW", g.pick("WRAP", "SAT", "FAIL", "BAD"))
		}
	}
	return out
}

// fuzzCommand describes one fuzzed command: its generator and compare mode.
type fuzzCommand struct {
	gen  func(g *fuzzGen) []string
	mode fuzzMode
}

// fuzzCommands is keyed by Redis's COMMAND LIST name ("object|encoding").
// Every command both servers have must be here or in fuzzExcluded.
var fuzzCommands = map[string]fuzzCommand{
	// Strings.
	"append":      {gen: func(g *fuzzGen) []string { return cat("APPEND", g.key(), g.value()) }},
	"decr":        {gen: func(g *fuzzGen) []string { return cat("DECR", g.key()) }},
	"decrby":      {gen: func(g *fuzzGen) []string { return cat("DECRBY", g.key(), g.integer()) }},
	"get":         {gen: func(g *fuzzGen) []string { return cat("GET", g.key()) }},
	"getdel":      {gen: func(g *fuzzGen) []string { return cat("GETDEL", g.key()) }},
	"getrange":    {gen: func(g *fuzzGen) []string { return cat("GETRANGE", g.key(), g.index(), g.index()) }},
	"substr":      {gen: func(g *fuzzGen) []string { return cat("SUBSTR", g.key(), g.index(), g.index()) }},
	"getset":      {gen: func(g *fuzzGen) []string { return cat("GETSET", g.key(), g.value()) }},
	"incr":        {gen: func(g *fuzzGen) []string { return cat("INCR", g.key()) }},
	"incrby":      {gen: func(g *fuzzGen) []string { return cat("INCRBY", g.key(), g.integer()) }},
	"incrbyfloat": {gen: func(g *fuzzGen) []string { return cat("INCRBYFLOAT", g.key(), g.float()) }},
	"mget":        {gen: func(g *fuzzGen) []string { return cat("MGET", g.keys(1, 4)) }},
	"mset": {gen: func(g *fuzzGen) []string {
		return cat("MSET", g.key(), g.value(), g.opt(50, g.key(), g.value()), g.opt(5, g.key()))
	}},
	"msetnx": {gen: func(g *fuzzGen) []string { return cat("MSETNX", g.key(), g.value(), g.opt(50, g.key(), g.value())) }},
	"psetex": {gen: func(g *fuzzGen) []string { return cat("PSETEX", g.key(), g.ttlMillis(), g.value()) }},
	"set": {gen: func(g *fuzzGen) []string {
		args := cat("SET", g.key(), g.value())
		switch g.n(8) {
		case 0:
			args = append(args, "EX", g.ttlSeconds())
		case 1:
			args = append(args, "PX", g.ttlMillis())
		case 2:
			// Future times only: Redis keeps a key SET with a past EXAT
			// until expiry reclaims it (DBSIZE counts it meanwhile).
			args = append(args, "EXAT", g.futureTime(false))
		case 3:
			args = append(args, "PXAT", g.futureTime(true))
		case 4:
			args = append(args, "KEEPTTL")
		}
		args = append(args, g.opt(20, g.pick("NX", "XX"))...)
		args = append(args, g.opt(20, "GET")...)
		args = append(args, g.opt(3, g.pick("EX", "PX", "BAD", "NX"))...)
		return args
	}},
	"setex": {gen: func(g *fuzzGen) []string { return cat("SETEX", g.key(), g.ttlSeconds(), g.value()) }},
	"setnx": {gen: func(g *fuzzGen) []string { return cat("SETNX", g.key(), g.value()) }},
	"setrange": {gen: func(g *fuzzGen) []string {
		return cat("SETRANGE", g.key(), g.pick(g.integer(), "-1", "536870912"), g.value())
	}},
	"strlen": {gen: func(g *fuzzGen) []string { return cat("STRLEN", g.key()) }},
	"getex": {gen: func(g *fuzzGen) []string {
		args := cat("GETEX", g.key())
		switch g.n(6) {
		case 0:
			args = append(args, "EX", g.ttlSeconds())
		case 1:
			args = append(args, "PXAT", g.unixTime(true))
		case 2:
			args = append(args, "PERSIST")
		case 3:
			args = append(args, g.pick("EX", "BAD"))
		}
		return args
	}},
	"lcs": {gen: func(g *fuzzGen) []string {
		return cat("LCS", g.key(), g.key(), g.opt(30, g.pick("LEN", "IDX")), g.opt(20, "MINMATCHLEN", g.integer()), g.opt(20, "WITHMATCHLEN"))
	}},
	"getbit": {gen: func(g *fuzzGen) []string { return cat("GETBIT", g.key(), g.pick(g.integer(), "4294967296")) }},
	"setbit": {gen: func(g *fuzzGen) []string {
		return cat("SETBIT", g.key(), g.pick(g.integer(), strconv.Itoa(g.n(64))), g.pick("0", "1", "2"))
	}},
	"bitcount": {gen: func(g *fuzzGen) []string {
		return cat("BITCOUNT", g.key(), g.opt(50, g.index(), g.index(), g.opt(30, g.pick("BYTE", "BIT", "BAD"))))
	}},
	"bitpos": {gen: func(g *fuzzGen) []string {
		return cat("BITPOS", g.key(), g.pick("0", "1", "2"), g.opt(50, g.index(), g.opt(50, g.index(), g.opt(30, g.pick("BYTE", "BIT")))))
	}},
	"bitop": {gen: func(g *fuzzGen) []string {
		op := g.pick("AND", "OR", "XOR", "NOT", "nand")
		return cat("BITOP", op, g.key(), g.keys(1, 3))
	}},
	"bitfield":    {gen: func(g *fuzzGen) []string { return cat("BITFIELD", g.key(), g.bitfieldOps(false)) }},
	"bitfield_ro": {gen: func(g *fuzzGen) []string { return cat("BITFIELD_RO", g.key(), g.bitfieldOps(true)) }},

	// Generic keyspace.
	"copy": {gen: func(g *fuzzGen) []string {
		return cat("COPY", g.key(), g.key(), g.opt(20, "DB", g.pick("1", "0", "16", "x")), g.opt(30, "REPLACE"))
	}},
	"del":         {gen: func(g *fuzzGen) []string { return cat("DEL", g.keys(1, 3)) }},
	"unlink":      {gen: func(g *fuzzGen) []string { return cat("UNLINK", g.keys(1, 3)) }},
	"exists":      {gen: func(g *fuzzGen) []string { return cat("EXISTS", g.keys(1, 3)) }},
	"touch":       {gen: func(g *fuzzGen) []string { return cat("TOUCH", g.keys(1, 3)) }},
	"type":        {gen: func(g *fuzzGen) []string { return cat("TYPE", g.key()) }},
	"expire":      {gen: func(g *fuzzGen) []string { return cat("EXPIRE", g.key(), g.ttlSeconds(), g.expireFlag()) }},
	"pexpire":     {gen: func(g *fuzzGen) []string { return cat("PEXPIRE", g.key(), g.ttlMillis(), g.expireFlag()) }},
	"expireat":    {gen: func(g *fuzzGen) []string { return cat("EXPIREAT", g.key(), g.unixTime(false), g.expireFlag()) }},
	"pexpireat":   {gen: func(g *fuzzGen) []string { return cat("PEXPIREAT", g.key(), g.unixTime(true), g.expireFlag()) }},
	"expiretime":  {gen: func(g *fuzzGen) []string { return cat("EXPIRETIME", g.key()) }, mode: cmpTTL},
	"pexpiretime": {gen: func(g *fuzzGen) []string { return cat("PEXPIRETIME", g.key()) }, mode: cmpTTL},
	"ttl":         {gen: func(g *fuzzGen) []string { return cat("TTL", g.key()) }, mode: cmpTTL},
	"pttl":        {gen: func(g *fuzzGen) []string { return cat("PTTL", g.key()) }, mode: cmpTTL},
	"persist":     {gen: func(g *fuzzGen) []string { return cat("PERSIST", g.key()) }},
	"keys":        {gen: func(g *fuzzGen) []string { return cat("KEYS", g.pick("*", "k*", "k[1-3]", "?", "*\\*", "[", "k?")) }, mode: cmpSort},
	"scan": {gen: func(g *fuzzGen) []string {
		return cat("SCAN", g.pick("0", "0", "x"), "COUNT", g.pick("1000", "0", "x"), g.opt(30, "MATCH", g.pick("k*", "*", "[")), g.opt(30, "TYPE", g.pick("string", "list", "hash", "set", "zset", "ReJSON-RL", "foo")))
	}, mode: cmpScan},
	"randomkey": {gen: func(g *fuzzGen) []string { return cat("RANDOMKEY") }, mode: cmpRandom},
	"rename":    {gen: func(g *fuzzGen) []string { return cat("RENAME", g.key(), g.key()) }},
	"renamenx":  {gen: func(g *fuzzGen) []string { return cat("RENAMENX", g.key(), g.key()) }},
	"move":      {gen: func(g *fuzzGen) []string { return cat("MOVE", g.key(), g.pick("0", "1", "2", "16", "-1", "x")) }},
	"select":    {gen: func(g *fuzzGen) []string { return cat("SELECT", g.pick("0", "0", "0", "1", "2", "16", "-1", "x")) }},
	"swapdb": {gen: func(g *fuzzGen) []string {
		return cat("SWAPDB", g.pick("0", "1", "2", "x"), g.pick("0", "1", "2", "16"))
	}},
	"dbsize":   {gen: func(g *fuzzGen) []string { return cat("DBSIZE") }},
	"flushdb":  {gen: func(g *fuzzGen) []string { return cat("FLUSHDB", g.opt(30, g.pick("ASYNC", "SYNC", "BAD"))) }},
	"flushall": {gen: func(g *fuzzGen) []string { return cat("FLUSHALL", g.opt(30, g.pick("ASYNC", "SYNC", "BAD"))) }},
	// Known difference: Redis makes strings built in place (APPEND,
	// SETRANGE, SETBIT...) "raw" whatever their length, and INCRBYFLOAT
	// results "embstr" even when they look like integers; AiKv derives the
	// encoding from the value. int, embstr and raw compare equal.
	"object|encoding": {gen: func(g *fuzzGen) []string { return cat("OBJECT", "ENCODING", g.key()) }, mode: cmpEncoding},
	"object|freq":     {gen: func(g *fuzzGen) []string { return cat("OBJECT", "FREQ", g.key()) }},
	"object|refcount": {gen: func(g *fuzzGen) []string { return cat("OBJECT", "REFCOUNT", g.key()) }, mode: cmpRefcount},
	"object|idletime": {gen: func(g *fuzzGen) []string { return cat("OBJECT", "IDLETIME", g.key()) }, mode: cmpShape},
	// With BY, elements of equal weight come in the order Redis's
	// unstable sort leaves them: compared sorted.
	"sort": {mode: cmpSortIfBy, gen: func(g *fuzzGen) []string {
		return cat("SORT", g.key(), g.opt(20, "BY", g.pick("nosort", "w_*", "h*->f")), g.limit(),
			g.opt(20, "GET", g.pick("#", "k*", "h*->f")), g.opt(20, g.pick("ASC", "DESC")), g.opt(40, "ALPHA"), g.opt(20, "STORE", g.key()))
	}},
	"sort_ro": {mode: cmpSortIfBy, gen: func(g *fuzzGen) []string {
		return cat("SORT_RO", g.key(), g.opt(20, "BY", g.pick("nosort", "w_*")), g.limit(), g.opt(20, "GET", g.pick("#", "k*")), g.opt(20, g.pick("ASC", "DESC")), g.opt(40, "ALPHA"))
	}},

	// Lists.
	"lpush":  {gen: func(g *fuzzGen) []string { return cat("LPUSH", g.key(), g.members(1, 4)) }},
	"rpush":  {gen: func(g *fuzzGen) []string { return cat("RPUSH", g.key(), g.members(1, 4)) }},
	"lpushx": {gen: func(g *fuzzGen) []string { return cat("LPUSHX", g.key(), g.members(1, 3)) }},
	"rpushx": {gen: func(g *fuzzGen) []string { return cat("RPUSHX", g.key(), g.members(1, 3)) }},
	"lpop":   {gen: func(g *fuzzGen) []string { return cat("LPOP", g.key(), g.opt(40, g.integer())) }},
	"rpop":   {gen: func(g *fuzzGen) []string { return cat("RPOP", g.key(), g.opt(40, g.integer())) }},
	"llen":   {gen: func(g *fuzzGen) []string { return cat("LLEN", g.key()) }},
	"lindex": {gen: func(g *fuzzGen) []string { return cat("LINDEX", g.key(), g.index()) }},
	"lrange": {gen: func(g *fuzzGen) []string { return cat("LRANGE", g.key(), g.index(), g.index()) }},
	"ltrim":  {gen: func(g *fuzzGen) []string { return cat("LTRIM", g.key(), g.index(), g.index()) }},
	"lset":   {gen: func(g *fuzzGen) []string { return cat("LSET", g.key(), g.index(), g.member()) }},
	"lrem":   {gen: func(g *fuzzGen) []string { return cat("LREM", g.key(), g.index(), g.member()) }},
	"linsert": {gen: func(g *fuzzGen) []string {
		return cat("LINSERT", g.key(), g.pick("BEFORE", "AFTER", "after", "MIDDLE"), g.member(), g.member())
	}},
	"lpos": {gen: func(g *fuzzGen) []string {
		return cat("LPOS", g.key(), g.member(), g.opt(30, "RANK", g.index()), g.opt(30, "COUNT", g.integer()), g.opt(20, "MAXLEN", g.integer()))
	}},
	"lmove":     {gen: func(g *fuzzGen) []string { return cat("LMOVE", g.key(), g.key(), g.lr(), g.lr()) }},
	"rpoplpush": {gen: func(g *fuzzGen) []string { return cat("RPOPLPUSH", g.key(), g.key()) }},
	"lmpop": {gen: func(g *fuzzGen) []string {
		return cat("LMPOP", g.nkeys(1, 3), g.lr(), g.opt(40, "COUNT", g.integer()))
	}},
	"blpop":      {gen: func(g *fuzzGen) []string { return cat("BLPOP", g.keys(1, 3), g.blockTimeout()) }},
	"brpop":      {gen: func(g *fuzzGen) []string { return cat("BRPOP", g.keys(1, 3), g.blockTimeout()) }},
	"blmove":     {gen: func(g *fuzzGen) []string { return cat("BLMOVE", g.key(), g.key(), g.lr(), g.lr(), g.blockTimeout()) }},
	"brpoplpush": {gen: func(g *fuzzGen) []string { return cat("BRPOPLPUSH", g.key(), g.key(), g.blockTimeout()) }},
	"blmpop": {gen: func(g *fuzzGen) []string {
		return cat("BLMPOP", g.blockTimeout(), g.nkeys(1, 3), g.lr(), g.opt(40, "COUNT", g.integer()))
	}},

	// Hashes.
	"hset":         {gen: func(g *fuzzGen) []string { return cat("HSET", g.key(), g.fieldValues(1, 3), g.opt(3, g.member())) }},
	"hmset":        {gen: func(g *fuzzGen) []string { return cat("HMSET", g.key(), g.fieldValues(1, 3)) }},
	"hsetnx":       {gen: func(g *fuzzGen) []string { return cat("HSETNX", g.key(), g.member(), g.value()) }},
	"hget":         {gen: func(g *fuzzGen) []string { return cat("HGET", g.key(), g.member()) }},
	"hmget":        {gen: func(g *fuzzGen) []string { return cat("HMGET", g.key(), g.members(1, 3)) }},
	"hdel":         {gen: func(g *fuzzGen) []string { return cat("HDEL", g.key(), g.members(1, 3)) }},
	"hexists":      {gen: func(g *fuzzGen) []string { return cat("HEXISTS", g.key(), g.member()) }},
	"hlen":         {gen: func(g *fuzzGen) []string { return cat("HLEN", g.key()) }},
	"hstrlen":      {gen: func(g *fuzzGen) []string { return cat("HSTRLEN", g.key(), g.member()) }},
	"hincrby":      {gen: func(g *fuzzGen) []string { return cat("HINCRBY", g.key(), g.member(), g.integer()) }},
	"hincrbyfloat": {gen: func(g *fuzzGen) []string { return cat("HINCRBYFLOAT", g.key(), g.member(), g.float()) }},
	"hgetall":      {gen: func(g *fuzzGen) []string { return cat("HGETALL", g.key()) }, mode: cmpPairs},
	"hkeys":        {gen: func(g *fuzzGen) []string { return cat("HKEYS", g.key()) }, mode: cmpSort},
	"hvals":        {gen: func(g *fuzzGen) []string { return cat("HVALS", g.key()) }, mode: cmpSort},
	"hscan": {gen: func(g *fuzzGen) []string {
		return cat("HSCAN", g.key(), g.pick("0", "0", "x"), "COUNT", "1000", g.opt(30, "MATCH", g.pick("a*", "*", "[")))
	}, mode: cmpScan},
	"hrandfield": {gen: func(g *fuzzGen) []string {
		return cat("HRANDFIELD", g.key(), g.opt(60, g.randCount(), g.opt(40, "WITHVALUES")))
	}, mode: cmpRandom},

	// Sets.
	"sadd":        {gen: func(g *fuzzGen) []string { return cat("SADD", g.key(), g.members(1, 4)) }},
	"srem":        {gen: func(g *fuzzGen) []string { return cat("SREM", g.key(), g.members(1, 3)) }},
	"scard":       {gen: func(g *fuzzGen) []string { return cat("SCARD", g.key()) }},
	"sismember":   {gen: func(g *fuzzGen) []string { return cat("SISMEMBER", g.key(), g.member()) }},
	"smismember":  {gen: func(g *fuzzGen) []string { return cat("SMISMEMBER", g.key(), g.members(1, 3)) }},
	"smembers":    {gen: func(g *fuzzGen) []string { return cat("SMEMBERS", g.key()) }, mode: cmpSort},
	"smove":       {gen: func(g *fuzzGen) []string { return cat("SMOVE", g.key(), g.key(), g.member()) }},
	"sinter":      {gen: func(g *fuzzGen) []string { return cat("SINTER", g.keys(1, 3)) }, mode: cmpSort},
	"sunion":      {gen: func(g *fuzzGen) []string { return cat("SUNION", g.keys(1, 3)) }, mode: cmpSort},
	"sdiff":       {gen: func(g *fuzzGen) []string { return cat("SDIFF", g.keys(1, 3)) }, mode: cmpSort},
	"sinterstore": {gen: func(g *fuzzGen) []string { return cat("SINTERSTORE", g.key(), g.keys(1, 3)) }},
	"sunionstore": {gen: func(g *fuzzGen) []string { return cat("SUNIONSTORE", g.key(), g.keys(1, 3)) }},
	"sdiffstore":  {gen: func(g *fuzzGen) []string { return cat("SDIFFSTORE", g.key(), g.keys(1, 3)) }},
	"sintercard":  {gen: func(g *fuzzGen) []string { return cat("SINTERCARD", g.nkeys(1, 3), g.opt(30, "LIMIT", g.integer())) }},
	"sscan": {gen: func(g *fuzzGen) []string {
		return cat("SSCAN", g.key(), g.pick("0", "0", "x"), "COUNT", "1000", g.opt(30, "MATCH", g.pick("a*", "1*", "[")))
	}, mode: cmpScan},
	"spop": {gen: func(g *fuzzGen) []string { return cat("SPOP", g.key(), g.opt(50, g.pick(g.integer(), "100"))) }, mode: cmpSpop},
	"srandmember": {gen: func(g *fuzzGen) []string {
		return cat("SRANDMEMBER", g.key(), g.opt(60, g.randCount()))
	}, mode: cmpRandom},

	// Sorted sets.
	"zadd": {gen: func(g *fuzzGen) []string {
		if g.chance(30) {
			return g.zaddLex()
		}
		return cat("ZADD", g.key(), g.zaddFlags(), g.scorePairs(1, 3))
	}},
	"zincrby":   {gen: func(g *fuzzGen) []string { return cat("ZINCRBY", g.key(), g.float(), g.member()) }},
	"zrem":      {gen: func(g *fuzzGen) []string { return cat("ZREM", g.key(), g.members(1, 3)) }},
	"zcard":     {gen: func(g *fuzzGen) []string { return cat("ZCARD", g.key()) }},
	"zscore":    {gen: func(g *fuzzGen) []string { return cat("ZSCORE", g.key(), g.member()) }},
	"zmscore":   {gen: func(g *fuzzGen) []string { return cat("ZMSCORE", g.key(), g.members(1, 3)) }},
	"zrank":     {gen: func(g *fuzzGen) []string { return cat("ZRANK", g.key(), g.member()) }},
	"zrevrank":  {gen: func(g *fuzzGen) []string { return cat("ZREVRANK", g.key(), g.member()) }},
	"zcount":    {gen: func(g *fuzzGen) []string { return cat("ZCOUNT", g.key(), g.scoreBound(), g.scoreBound()) }},
	"zlexcount": {gen: func(g *fuzzGen) []string { return cat("ZLEXCOUNT", g.lexKey(), g.lexBound(), g.lexBound()) }},
	"zrange": {gen: func(g *fuzzGen) []string {
		switch g.n(3) {
		case 0:
			return cat("ZRANGE", g.key(), g.index(), g.index(), g.opt(20, "REV"), g.opt(40, "WITHSCORES"))
		case 1:
			return cat("ZRANGE", g.key(), g.scoreBound(), g.scoreBound(), "BYSCORE", g.opt(20, "REV"), g.limit(), g.opt(40, "WITHSCORES"))
		}
		return cat("ZRANGE", g.lexKey(), g.lexBound(), g.lexBound(), "BYLEX", g.opt(20, "REV"), g.limit(), g.opt(10, "WITHSCORES"))
	}},
	"zrangestore": {gen: func(g *fuzzGen) []string {
		if g.chance(50) {
			return cat("ZRANGESTORE", g.key(), g.key(), g.index(), g.index(), g.opt(20, "REV"))
		}
		return cat("ZRANGESTORE", g.key(), g.key(), g.scoreBound(), g.scoreBound(), "BYSCORE", g.opt(20, "REV"), g.limit())
	}},
	"zrevrange": {gen: func(g *fuzzGen) []string {
		return cat("ZREVRANGE", g.key(), g.index(), g.index(), g.opt(40, "WITHSCORES"))
	}},
	"zrangebyscore": {gen: func(g *fuzzGen) []string {
		return cat("ZRANGEBYSCORE", g.key(), g.scoreBound(), g.scoreBound(), g.opt(40, "WITHSCORES"), g.limit())
	}},
	"zrevrangebyscore": {gen: func(g *fuzzGen) []string {
		return cat("ZREVRANGEBYSCORE", g.key(), g.scoreBound(), g.scoreBound(), g.opt(40, "WITHSCORES"), g.limit())
	}},
	"zrangebylex": {gen: func(g *fuzzGen) []string {
		return cat("ZRANGEBYLEX", g.lexKey(), g.lexBound(), g.lexBound(), g.limit())
	}},
	"zrevrangebylex": {gen: func(g *fuzzGen) []string {
		return cat("ZREVRANGEBYLEX", g.lexKey(), g.lexBound(), g.lexBound(), g.limit())
	}},
	"zremrangebyrank": {gen: func(g *fuzzGen) []string { return cat("ZREMRANGEBYRANK", g.key(), g.index(), g.index()) }},
	"zremrangebyscore": {gen: func(g *fuzzGen) []string {
		return cat("ZREMRANGEBYSCORE", g.key(), g.scoreBound(), g.scoreBound())
	}},
	"zremrangebylex": {gen: func(g *fuzzGen) []string { return cat("ZREMRANGEBYLEX", g.lexKey(), g.lexBound(), g.lexBound()) }},
	"zpopmin":        {gen: func(g *fuzzGen) []string { return cat("ZPOPMIN", g.key(), g.opt(40, g.integer())) }},
	"zpopmax":        {gen: func(g *fuzzGen) []string { return cat("ZPOPMAX", g.key(), g.opt(40, g.integer())) }},
	"bzpopmin":       {gen: func(g *fuzzGen) []string { return cat("BZPOPMIN", g.keys(1, 3), g.blockTimeout()) }},
	"bzpopmax":       {gen: func(g *fuzzGen) []string { return cat("BZPOPMAX", g.keys(1, 3), g.blockTimeout()) }},
	"zmpop": {gen: func(g *fuzzGen) []string {
		return cat("ZMPOP", g.nkeys(1, 3), g.minmax(), g.opt(40, "COUNT", g.integer()))
	}},
	"bzmpop": {gen: func(g *fuzzGen) []string {
		return cat("BZMPOP", g.blockTimeout(), g.nkeys(1, 3), g.minmax(), g.opt(40, "COUNT", g.integer()))
	}},
	"zunion":      {gen: func(g *fuzzGen) []string { return g.zsetOp(false, "ZUNION") }},
	"zinter":      {gen: func(g *fuzzGen) []string { return g.zsetOp(false, "ZINTER") }},
	"zdiff":       {gen: func(g *fuzzGen) []string { return g.zsetOp(false, "ZDIFF") }},
	"zunionstore": {gen: func(g *fuzzGen) []string { return g.zsetOp(true, "ZUNIONSTORE") }},
	"zinterstore": {gen: func(g *fuzzGen) []string { return g.zsetOp(true, "ZINTERSTORE") }},
	"zdiffstore":  {gen: func(g *fuzzGen) []string { return g.zsetOp(true, "ZDIFFSTORE") }},
	"zintercard":  {gen: func(g *fuzzGen) []string { return cat("ZINTERCARD", g.nkeys(1, 3), g.opt(30, "LIMIT", g.integer())) }},
	"zscan": {gen: func(g *fuzzGen) []string {
		return cat("ZSCAN", g.key(), g.pick("0", "0", "x"), "COUNT", "1000", g.opt(30, "MATCH", g.pick("a*", "*")))
	}, mode: cmpScan},
	"zrandmember": {gen: func(g *fuzzGen) []string {
		return cat("ZRANDMEMBER", g.key(), g.opt(60, g.randCount(), g.opt(40, "WITHSCORES")))
	}, mode: cmpRandom},

	// Transactions: MULTI opens a transaction that next() fills with a few
	// exactly-compared commands and closes with EXEC or DISCARD.
	"multi":   {gen: func(g *fuzzGen) []string { g.inMulti = 1 + g.n(5); return cat("MULTI") }},
	"exec":    {gen: func(g *fuzzGen) []string { return cat("EXEC") }},
	"discard": {gen: func(g *fuzzGen) []string { return cat("DISCARD") }},
	"watch":   {gen: func(g *fuzzGen) []string { return cat("WATCH", g.keys(1, 3)) }},
	"unwatch": {gen: func(g *fuzzGen) []string { return cat("UNWATCH") }},

	// Pub/sub. Subscriptions take one channel each (one reply frame) and
	// never one that anything publishes to (no message frames), so each
	// command gets exactly one reply; in RESP2 a subscribed connection
	// gets Redis's "only ... allowed in this context" errors meanwhile.
	"publish":         {gen: func(g *fuzzGen) []string { return cat("PUBLISH", g.pick("pub:x", "pub:y"), g.value()) }},
	"spublish":        {gen: func(g *fuzzGen) []string { return cat("SPUBLISH", g.pick("spub:x", "spub:y"), g.value()) }},
	"subscribe":       {gen: func(g *fuzzGen) []string { return cat("SUBSCRIBE", g.pick("sub:a", "sub:b")) }},
	"psubscribe":      {gen: func(g *fuzzGen) []string { return cat("PSUBSCRIBE", g.pick("sub:*", "sub:[ab]")) }},
	"ssubscribe":      {gen: func(g *fuzzGen) []string { return cat("SSUBSCRIBE", g.pick("ssub:a", "ssub:b")) }},
	"unsubscribe":     {gen: func(g *fuzzGen) []string { return cat("UNSUBSCRIBE", g.pick("sub:a", "sub:b", "sub:c")) }},
	"punsubscribe":    {gen: func(g *fuzzGen) []string { return cat("PUNSUBSCRIBE", g.pick("sub:*", "sub:[ab]", "x*")) }},
	"sunsubscribe":    {gen: func(g *fuzzGen) []string { return cat("SUNSUBSCRIBE", g.pick("ssub:a", "ssub:b", "ssub:c")) }},
	"pubsub|channels": {gen: func(g *fuzzGen) []string { return cat("PUBSUB", "CHANNELS", g.opt(50, g.pick("sub:*", "*", "x"))) }, mode: cmpSort},
	"pubsub|numpat":   {gen: func(g *fuzzGen) []string { return cat("PUBSUB", "NUMPAT") }},
	"pubsub|numsub":   {gen: func(g *fuzzGen) []string { return cat("PUBSUB", "NUMSUB", g.pick("sub:a", "sub:b", "x")) }},
	"pubsub|shardchannels": {gen: func(g *fuzzGen) []string {
		return cat("PUBSUB", "SHARDCHANNELS", g.opt(50, g.pick("ssub:*", "*")))
	}, mode: cmpSort},
	"pubsub|shardnumsub": {gen: func(g *fuzzGen) []string { return cat("PUBSUB", "SHARDNUMSUB", g.pick("ssub:a", "x")) }},
	// AiKv writes its own RDB payloads (encodings, no LZF): shape only.
	"dump": {gen: func(g *fuzzGen) []string { return cat("DUMP", g.key()) }, mode: cmpShape},

	// Connection and scripting.
	"ping":           {gen: func(g *fuzzGen) []string { return cat("PING", g.opt(50, g.value())) }},
	"echo":           {gen: func(g *fuzzGen) []string { return cat("ECHO", g.value()) }},
	"auth":           {gen: func(g *fuzzGen) []string { return cat("AUTH", g.opt(30, "default"), g.value()) }},
	"client|getname": {gen: func(g *fuzzGen) []string { return cat("CLIENT", "GETNAME") }},
	"client|setname": {gen: func(g *fuzzGen) []string {
		return cat("CLIENT", "SETNAME", g.pick("fuzz", "", "a b", "x\ny", "name-1"))
	}},
	"client|id": {gen: func(g *fuzzGen) []string { return cat("CLIENT", "ID") }, mode: cmpShape},
	"eval": {gen: func(g *fuzzGen) []string {
		return cat("EVAL", fuzzScripts[g.n(len(fuzzScripts))], "1", g.key(), g.pick(g.integer(), g.value()))
	}},
	"eval_ro": {gen: func(g *fuzzGen) []string {
		return cat("EVAL_RO", fuzzScripts[g.pickInt(0, 2, 6, 7)], "1", g.key(), g.value())
	}},
	"evalsha": {gen: func(g *fuzzGen) []string {
		return cat("EVALSHA", sha1hex(fuzzScripts[g.n(len(fuzzScripts))]), "1", g.key(), g.integer())
	}},
	"evalsha_ro": {gen: func(g *fuzzGen) []string {
		return cat("EVALSHA_RO", sha1hex(fuzzScripts[g.pickInt(0, 1, 6)]), "1", g.key(), g.integer())
	}},
	"script|load": {gen: func(g *fuzzGen) []string { return cat("SCRIPT", "LOAD", fuzzScripts[g.n(len(fuzzScripts))]) }},
	"script|exists": {gen: func(g *fuzzGen) []string {
		return cat("SCRIPT", "EXISTS", sha1hex(fuzzScripts[g.n(len(fuzzScripts))]), g.pick("abc", sha1hex(fuzzScripts[0])))
	}},
	"script|flush": {gen: func(g *fuzzGen) []string { return cat("SCRIPT", "FLUSH", g.opt(20, g.pick("ASYNC", "SYNC"))) }},
	"fcall": {gen: func(g *fuzzGen) []string {
		return cat("FCALL", g.pick("fget", "fset", "fro", "nope"), "1", g.key(), g.value())
	}},
	"fcall_ro":      {gen: func(g *fuzzGen) []string { return cat("FCALL_RO", g.pick("fget", "fro", "fset"), "1", g.key()) }},
	"function|load": {gen: func(g *fuzzGen) []string { return cat("FUNCTION", "LOAD", g.opt(50, "REPLACE"), fuzzLibrary) }},
	// Redis lists a library's functions in hash-table order.
	"function|list":   {gen: func(g *fuzzGen) []string { return cat("FUNCTION", "LIST", g.opt(30, "WITHCODE")) }, mode: cmpDeepSort},
	"function|delete": {gen: func(g *fuzzGen) []string { return cat("FUNCTION", "DELETE", g.pick("fuzzlib", "nope")) }},
	// Redis compresses the payload with LZF and AiKv does not: both
	// restore either (tested in scripting tests); only the shape compares.
	"function|dump":   {gen: func(g *fuzzGen) []string { return cat("FUNCTION", "DUMP") }, mode: cmpShape},
	"function|flush":  {gen: func(g *fuzzGen) []string { return cat("FUNCTION", "FLUSH") }},
	"command|getkeys": {gen: func(g *fuzzGen) []string { return cat("COMMAND", "GETKEYS", g.randomCommand()) }},
	// AiKv derives key-spec flags from the command flags (no per-key
	// specs in its table): they are blanked before comparing.
	"command|getkeysandflags": {gen: func(g *fuzzGen) []string {
		return cat("COMMAND", "GETKEYSANDFLAGS", g.randomCommand())
	}, mode: cmpNoKeyFlags},
	// COMMAND INFO compares name, arity, flags, key positions and ACL
	// categories of the command and its subcommands.
	"command|info": {gen: func(g *fuzzGen) []string {
		name := g.randomCommand()[0]
		switch name {
		case "SCRIPT", "CLIENT":
			// Known gaps: no SCRIPT DEBUG, no CLIENT CACHING, GETREDIR,
			// TRACKING, TRACKINGINFO.
			name = "EVAL"
		}
		return cat("COMMAND", "INFO", name)
	}, mode: cmpNoKeyFlags},
}

// fuzzExcluded lists the shared commands the fuzzer does not send, and why.
var fuzzExcluded = map[string]string{
	"acl":                 "users and permissions change the connection and persist between runs; tested in acl.txt and acl_test.go",
	"acl|cat":             "users and permissions change the connection and persist between runs; tested in acl.txt and acl_test.go",
	"acl|deluser":         "users and permissions change the connection and persist between runs; tested in acl.txt and acl_test.go",
	"acl|dryrun":          "users and permissions change the connection and persist between runs; tested in acl.txt and acl_test.go",
	"acl|genpass":         "users and permissions change the connection and persist between runs; tested in acl.txt and acl_test.go",
	"acl|getuser":         "users and permissions change the connection and persist between runs; tested in acl.txt and acl_test.go",
	"acl|help":            "users and permissions change the connection and persist between runs; tested in acl.txt and acl_test.go",
	"acl|list":            "users and permissions change the connection and persist between runs; tested in acl.txt and acl_test.go",
	"acl|load":            "users and permissions change the connection and persist between runs; tested in acl.txt and acl_test.go",
	"acl|log":             "users and permissions change the connection and persist between runs; tested in acl.txt and acl_test.go",
	"acl|save":            "users and permissions change the connection and persist between runs; tested in acl.txt and acl_test.go",
	"acl|setuser":         "users and permissions change the connection and persist between runs; tested in acl.txt and acl_test.go",
	"acl|users":           "users and permissions change the connection and persist between runs; tested in acl.txt and acl_test.go",
	"acl|whoami":          "users and permissions change the connection and persist between runs; tested in acl.txt and acl_test.go",
	"bgrewriteaof":        "background persistence; tested in persistence tests",
	"bgsave":              "background persistence; tested in snapshot tests",
	"sync":                "turns the connection into a snapshot transfer; tested in backup_test.go",
	"psync":               "AiKv refuses it with its own text (no replication); tested in backup_test.go",
	"replconf":            "state for SYNC only; tested in backup_test.go",
	"save":                "writes files; tested in snapshot tests",
	"lastsave":            "clock",
	"restore":             "needs a DUMP payload; tested in RDB tests",
	"migrate":             "network",
	"client|caching":      "client-side caching state; tested in tracking scripts",
	"client|getredir":     "client-side caching state; tested in tracking scripts",
	"client|tracking":     "client-side caching state; tested in tracking scripts",
	"client|trackinginfo": "client-side caching state; tested in tracking scripts",
	"pubsub":              "container",
	"pubsub|help":         "help text",
	"client":              "container",
	"client|help":         "help text differs by design (AiKv lists what it implements)",
	"client|info":         "per-connection state (addresses, ages, memory)",
	"client|list":         "per-connection state (addresses, ages, memory)",
	"client|kill":         "kills connections",
	"client|no-evict":     "admin state, tested in admin tests",
	"client|pause":        "stops the server serving",
	"client|unpause":      "pairs with CLIENT PAUSE",
	"client|reply":        "turns replies off: the comparison needs them",
	"client|unblock":      "needs a blocked client",
	"command":             "the full table differs (AiKv has JSON.*)",
	"command|count":       "the full table differs (AiKv has JSON.*)",
	"command|docs":        "documentation text",
	"command|list":        "the full table differs (AiKv has JSON.*)",
	"command|help":        "help text",
	"config":              "container",
	"config|get":          "server-specific values (dir, port); tested in config tests",
	"config|set":          "changes server behaviour; tested in config tests",
	"config|help":         "help text",
	"config|resetstat":    "statistics",
	"config|rewrite":      "writes files",
	"debug":               "server internals",
	"function":            "container",
	"function|help":       "help text",
	"function|kill":       "needs a running function",
	"function|restore":    "payload comes from FUNCTION DUMP; tested in scripting tests",
	"function|stats":      "engine statistics",
	"hello":               "server identity (version, id)",
	"info":                "server statistics",
	"latency":             "container",
	"latency|help":        "help text",
	"latency|history":     "timing",
	"latency|latest":      "timing",
	"latency|reset":       "timing",
	"memory":              "container",
	"memory|doctor":       "memory layout differs by design",
	"memory|help":         "help text",
	"memory|malloc-stats": "memory layout differs by design",
	"memory|purge":        "memory layout differs by design",
	"memory|stats":        "memory layout differs by design",
	"memory|usage":        "memory layout differs by design",
	"monitor":             "changes the connection into a feed",
	"object":              "container",
	"object|help":         "help text",
	"quit":                "closes the connection",
	"reset":               "resets the connection (tested in conn tests)",
	"script":              "container",
	"script|help":         "help text",
	"script|kill":         "needs a running script",
	"shutdown":            "stops the server",
	"slowlog":             "container",
	"slowlog|get":         "timing",
	"slowlog|help":        "help text",
	"slowlog|len":         "timing",
	"slowlog|reset":       "timing",
	"time":                "clock",
}

// randomCommand is a random line of some fuzzed command (for COMMAND
// GETKEYS and COMMAND INFO).
func (g *fuzzGen) randomCommand() []string {
	return fuzzTable[fuzzNames[g.n(len(fuzzNames))]].gen(g)
}

// fuzzNames is fuzzCommands' keys, sorted, so a seed means one stream
// (set in init: the generators refer to it through randomCommand).
var fuzzNames []string

// fuzzTable is fuzzCommands, for generators that call other generators
// (a direct reference would be an initialization cycle).
var fuzzTable map[string]fuzzCommand

func init() {
	fuzzTable = fuzzCommands
	for n := range fuzzCommands {
		fuzzNames = append(fuzzNames, n)
	}
	sort.Strings(fuzzNames)
}

// sha1hex is the SHA1 of a script body, as EVALSHA wants it.
func sha1hex(s string) string {
	sum := sha1.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// fuzzWeight makes some commands rarer: those that wipe the dataset and
// those that may block for their timeout.
func fuzzWeight(name string) int {
	switch name {
	case "flushall", "flushdb", "swapdb", "function|flush", "script|flush", "function|delete",
		"subscribe", "psubscribe", "ssubscribe", "multi", "exec", "discard":
		return 1
	case "blpop", "brpop", "blmove", "brpoplpush", "blmpop", "bzpopmin", "bzpopmax", "bzmpop":
		return 2
	case "select", "move", "copy", "object|refcount", "object|freq", "command|info":
		return 3
	}
	return 10
}

// multiSafe tells which commands may be queued in a fuzzed MULTI: those
// compared exactly (EXEC's reply is), outside the transaction and pub/sub
// families.
func multiSafe(name string) bool {
	switch name {
	case "multi", "exec", "discard", "watch", "unwatch", "subscribe", "psubscribe", "ssubscribe",
		"unsubscribe", "punsubscribe", "sunsubscribe":
		return false
	}
	return fuzzTable[name].mode == cmpExact
}

// next returns the next command line and its table name.
func (g *fuzzGen) next() (string, []string) {
	if g.inMulti > 0 {
		g.inMulti--
		if g.inMulti == 0 {
			if g.chance(80) {
				return "exec", []string{"EXEC"}
			}
			return "discard", []string{"DISCARD"}
		}
		for {
			n := fuzzNames[g.n(len(fuzzNames))]
			if multiSafe(n) {
				return n, fuzzTable[n].gen(g)
			}
		}
	}
	total := 0
	for _, n := range fuzzNames {
		total += fuzzWeight(n)
	}
	x := g.n(total)
	for _, n := range fuzzNames {
		x -= fuzzWeight(n)
		if x < 0 {
			args := fuzzCommands[n].gen(g)
			if g.chance(1) && n != "command|info" && fuzzWeight(n) != 2 && !strings.Contains(n, "subscribe") && n != "multi" {
				// (not blocking commands: an extra argument would be
				// their timeout)
				// A wrong arity now and then: one argument short or extra.
				if len(args) > 1 && g.chance(50) {
					args = args[:len(args)-1]
				} else {
					args = append(args, g.value())
				}
			}
			return n, args
		}
	}
	panic("unreachable")
}
