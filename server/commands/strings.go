package commands

import (
	"math"
	"strconv"
	"unsafe"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/server/command"
)

// maxStringLen is the largest string SETRANGE, APPEND, SETBIT and
// BITFIELD may build: Redis's default proto-max-bulk-len (512MB).
const maxStringLen = 512 << 20

func registerStrings(t *command.Table) {
	rsf := []string{"read", "string", "fast"}
	rss := []string{"read", "string", "slow"}
	wsf := []string{"write", "string", "fast"}
	wss := []string{"write", "string", "slow"}
	rbf := []string{"read", "bitmap", "fast"}
	rbs := []string{"read", "bitmap", "slow"}
	wbs := []string{"write", "bitmap", "slow"}
	const (
		ro   = command.ReadOnly
		rof  = command.ReadOnly | command.Fast
		wd   = command.Write | command.DenyOOM
		wdf  = command.Write | command.DenyOOM | command.Fast
		wf   = command.Write | command.Fast
		o1   = "O(1)"
		str  = "string"
		bmap = "bitmap"
	)
	one := func(name string, arity int, flags command.Flags, acl []string, group, summary, since, complexity string, h command.Handler) *command.Spec {
		return &command.Spec{Name: name, Arity: arity, Flags: flags, FirstKey: 1, LastKey: 1, Step: 1,
			ACL: acl, Group: group, Summary: summary, Since: since, Complexity: complexity, Handler: h}
	}
	substrComplexity := "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings."
	t.Add(
		one("get", 2, rof, rsf, str, "Get the value of a key", "1.0.0", o1, get),
		one("set", -3, wd, wss, str, "Set the string value of a key", "1.0.0", o1, setCmd),
		one("setnx", 3, wdf, wsf, str, "Set the value of a key, only if the key does not exist", "1.0.0", o1, setnx),
		one("setex", 4, wd, wss, str, "Set the value and expiration of a key", "2.0.0", o1, setex),
		one("psetex", 4, wd, wss, str, "Set the value and expiration in milliseconds of a key", "2.6.0", o1, psetex),
		one("getset", 3, wdf, wsf, str, "Set the string value of a key and return its old value", "1.0.0", o1, getset),
		one("getdel", 2, wf, wsf, str, "Get the value of a key and delete the key", "6.2.0", o1, getdel),
		one("getex", -2, wf, wsf, str, "Get the value of a key and optionally set its expiration", "6.2.0", o1, getex),
		&command.Spec{Name: "mget", Arity: -2, Flags: rof, FirstKey: 1, LastKey: -1, Step: 1, ACL: rsf, Group: str,
			Summary: "Get the values of all the given keys", Since: "1.0.0",
			Complexity: "O(N) where N is the number of keys to retrieve.", Handler: mget},
		&command.Spec{Name: "mset", Arity: -3, Flags: wd, FirstKey: 1, LastKey: -1, Step: 2, ACL: wss, Group: str,
			Summary: "Set multiple keys to multiple values", Since: "1.0.1",
			Complexity: "O(N) where N is the number of keys to set.", Handler: mset},
		&command.Spec{Name: "msetnx", Arity: -3, Flags: wd, FirstKey: 1, LastKey: -1, Step: 2, ACL: wss, Group: str,
			Summary: "Set multiple keys to multiple values, only if none of the keys exist", Since: "1.0.1",
			Complexity: "O(N) where N is the number of keys to set.", Handler: msetnx},
		one("incr", 2, wdf, wsf, str, "Increment the integer value of a key by one", "1.0.0", o1, incr),
		one("decr", 2, wdf, wsf, str, "Decrement the integer value of a key by one", "1.0.0", o1, decr),
		one("incrby", 3, wdf, wsf, str, "Increment the integer value of a key by the given amount", "1.0.0", o1, incrby),
		one("decrby", 3, wdf, wsf, str, "Decrement the integer value of a key by the given number", "1.0.0", o1, decrby),
		one("incrbyfloat", 3, wdf, wsf, str, "Increment the float value of a key by the given amount", "2.6.0", o1, incrbyfloat),
		one("append", 3, wdf, wsf, str, "Append a value to a key", "2.0.0",
			"O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.", appendCmd),
		one("strlen", 2, rof, rsf, str, "Get the length of the value stored in a key", "2.2.0", o1, strlen),
		one("getrange", 4, ro, rss, str, "Get a substring of the string stored at a key", "2.4.0", substrComplexity, getrange),
		one("substr", 4, ro, rss, str, "Get a substring of the string stored at a key", "1.0.0", substrComplexity, getrange),
		one("setrange", 4, wd, wss, str, "Overwrite part of a string at key starting at the specified offset", "2.2.0",
			"O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.", setrange),
		&command.Spec{Name: "lcs", Arity: -3, Flags: ro, FirstKey: 1, LastKey: 2, Step: 1, ACL: rss, Group: str,
			Summary: "Find longest common substring", Since: "7.0.0",
			Complexity: "O(N*M) where N and M are the lengths of s1 and s2, respectively", Handler: lcs},

		// Redis files the bit commands under the "bitmap" group and ACL
		// category; so do we.
		one("setbit", 4, wd, wbs, bmap, "Sets or clears the bit at offset in the string value stored at key", "2.2.0", o1, setbit),
		one("getbit", 3, rof, rbf, bmap, "Returns the bit value at offset in the string value stored at key", "2.2.0", o1, getbit),
		one("bitcount", -2, ro, rbs, bmap, "Count set bits in a string", "2.6.0", "O(N)", bitcount),
		one("bitpos", -3, ro, rbs, bmap, "Find first bit set or clear in a string", "2.8.7", "O(N)", bitpos),
		&command.Spec{Name: "bitop", Arity: -4, Flags: wd, FirstKey: 2, LastKey: -1, Step: 1, ACL: wbs, Group: bmap,
			Summary: "Perform bitwise operations between strings", Since: "2.6.0", Complexity: "O(N)", Handler: bitop},
		one("bitfield", -2, wd, wbs, bmap, "Perform arbitrary bitfield integer operations on strings", "3.2.0",
			"O(1) for each subcommand specified", bitfield),
		one("bitfield_ro", -2, rof, rbf, bmap, "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD", "6.0.0",
			"O(1) for each subcommand specified", bitfieldRO),
	)
}

// strOwned views a freshly built buffer as a string without copying.
// The caller must never modify b afterwards.
func strOwned(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// strBytes views a stored (immutable) string as bytes for parsing. The
// bytes must not be modified.
func strBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

func strWrongType(c *command.Context) { c.W.Error(datastructs.ErrWrongType.Error()) }

func get(c *command.Context) {
	s, found, ok := lookupString(c, c.Args[1], false)
	if !ok {
		return
	}
	if !found {
		c.W.Null()
		return
	}
	c.W.BulkString(s)
}

// Flags of SET and GETEX options, as Redis's OBJ_SET_* / OBJ_* flags.
const (
	optNX = 1 << iota
	optXX
	optGet
	optKeepTTL
	optPersist
	optEX
	optPX
	optEXAT
	optPXAT
)

// parseExtendedString parses SET's (isSet) or GETEX's options with the
// exact precedence rules of Redis's parseExtendedStringArgumentsOrReply:
// a repeated EX (or PX...) is accepted and the last wins, but mixing
// conflicting options is a syntax error. ok is false when the error was
// sent.
func parseExtendedString(c *command.Context, args [][]byte, isSet bool) (flags int, expire []byte, ok bool) {
	const anyTTL = optEX | optPX | optEXAT | optPXAT
	for j := 0; j < len(args); j++ {
		opt := args[j]
		hasNext := j+1 < len(args)
		switch {
		case isSet && eq(opt, "nx") && flags&optXX == 0:
			flags |= optNX
		case isSet && eq(opt, "xx") && flags&optNX == 0:
			flags |= optXX
		case isSet && eq(opt, "get"):
			flags |= optGet
		case isSet && eq(opt, "keepttl") && flags&(optPersist|anyTTL) == 0:
			flags |= optKeepTTL
		case !isSet && eq(opt, "persist") && flags&(anyTTL|optKeepTTL) == 0:
			flags |= optPersist
		case eq(opt, "ex") && hasNext && flags&(optKeepTTL|optPersist|optEXAT|optPX|optPXAT) == 0:
			flags |= optEX
			expire = args[j+1]
			j++
		case eq(opt, "px") && hasNext && flags&(optKeepTTL|optPersist|optEX|optEXAT|optPXAT) == 0:
			flags |= optPX
			expire = args[j+1]
			j++
		case eq(opt, "exat") && hasNext && flags&(optKeepTTL|optPersist|optEX|optPX|optPXAT) == 0:
			flags |= optEXAT
			expire = args[j+1]
			j++
		case eq(opt, "pxat") && hasNext && flags&(optKeepTTL|optPersist|optEX|optEXAT|optPX) == 0:
			flags |= optPXAT
			expire = args[j+1]
			j++
		default:
			c.W.Error(command.ErrSyntax)
			return 0, nil, false
		}
	}
	return flags, expire, true
}

// expireAt converts an EX/PX/EXAT/PXAT argument to absolute Unix ms, as
// Redis's getExpireMillisecondsOrReply does (including its overflow
// checks: a relative time that overflows when added to now is invalid).
func expireAt(c *command.Context, arg []byte, flags int) (int64, bool) {
	ms, ok := intArg(c, arg)
	if !ok {
		return 0, false
	}
	seconds := flags&(optEX|optEXAT) != 0
	if ms <= 0 || (seconds && ms > math.MaxInt64/1000) {
		c.W.Error(command.InvalidExpire(c.Name()))
		return 0, false
	}
	if seconds {
		ms *= 1000
	}
	if flags&(optEX|optPX) != 0 {
		ms += c.KS.Now() // wraps negative on overflow, as in Redis
	}
	if ms <= 0 {
		c.W.Error(command.InvalidExpire(c.Name()))
		return 0, false
	}
	return ms, true
}

// setReplies selects the success and abort replies of setGeneric.
type setReplies uint8

const (
	replyOKNull  setReplies = iota // SET: +OK, or null when NX/XX aborts
	replyOneZero                   // SETNX: 1, or 0 when it aborts
)

// setGeneric is Redis's setGenericCommand.
func setGeneric(c *command.Context, flags int, key, val, expire []byte, replies setReplies) {
	var at int64
	if expire != nil {
		var ok bool
		if at, ok = expireAt(c, expire, flags); !ok {
			return
		}
	}
	if flags&optGet != 0 {
		s, found, ok := lookupString(c, key, false)
		if !ok {
			return
		}
		if found {
			c.W.BulkString(s)
		} else {
			c.W.Null()
		}
	}
	// A past EXAT/PXAT deletes the key instead of storing it.
	past := expire != nil && c.KS.AlreadyExpired(at)
	if flags&(optNX|optXX) != 0 || past {
		found := c.DB.Exists(key)
		if (flags&optNX != 0 && found) || (flags&optXX != 0 && !found) {
			if flags&optGet == 0 {
				if replies == replyOneZero {
					c.W.Int(0)
				} else {
					c.W.Null()
				}
			}
			return
		}
	}
	// The log gets the effect with an absolute time, whatever form of
	// SET/SETEX/SETNX/PSETEX was sent.
	switch {
	case past:
		// Like Redis 7.0, the key is stored with its past time and
		// reclaimed later ("expired" on the next access or by the expiry
		// cycle). The log gets the deletion.
		if c.DB.Exists(key) {
			c.Propagate(wordDEL, key)
		} else {
			c.Propagate()
		}
		c.DB.SetString(key, val, at, false)
		c.Notify(command.NotifyString, "set", key)
		c.Notify(command.NotifyGeneric, "expire", key)
	case expire != nil:
		c.DB.SetString(key, val, at, false)
		c.Propagate(wordSET, key, val, wordPXAT, strconv.AppendInt(nil, at, 10))
		c.Notify(command.NotifyString, "set", key)
		c.Notify(command.NotifyGeneric, "expire", key)
	case flags&optKeepTTL != 0:
		c.DB.SetString(key, val, at, true)
		c.Propagate(wordSET, key, val, wordKEEPTTL)
		c.Notify(command.NotifyString, "set", key)
	default:
		c.DB.SetString(key, val, 0, false)
		c.Propagate(wordSET, key, val)
		c.Notify(command.NotifyString, "set", key)
	}
	if flags&optGet == 0 {
		if replies == replyOneZero {
			c.W.Int(1)
		} else {
			c.W.OK()
		}
	}
}

func setCmd(c *command.Context) {
	flags, expire, ok := parseExtendedString(c, c.Args[3:], true)
	if !ok {
		return
	}
	setGeneric(c, flags, c.Args[1], c.Args[2], expire, replyOKNull)
}

func setnx(c *command.Context) {
	setGeneric(c, optNX, c.Args[1], c.Args[2], nil, replyOneZero)
}

func setex(c *command.Context) {
	setGeneric(c, optEX, c.Args[1], c.Args[3], c.Args[2], replyOKNull)
}

func psetex(c *command.Context) {
	setGeneric(c, optPX, c.Args[1], c.Args[3], c.Args[2], replyOKNull)
}

func getset(c *command.Context) {
	s, found, ok := lookupString(c, c.Args[1], false)
	if !ok {
		return
	}
	if found {
		c.W.BulkString(s)
	} else {
		c.W.Null()
	}
	c.DB.SetString(c.Args[1], c.Args[2], 0, false)
	c.Notify(command.NotifyString, "set", c.Args[1])
}

func getdel(c *command.Context) {
	s, found, ok := lookupString(c, c.Args[1], false)
	if !ok {
		return
	}
	if !found {
		c.W.Null()
		return
	}
	c.W.BulkString(s)
	c.DB.Delete(c.Args[1])
	c.Notify(command.NotifyGeneric, "del", c.Args[1])
}

// getex follows Redis's order of checks: option syntax, then a missing
// key (null, even if the expire time is invalid), then type, then the
// expire value.
func getex(c *command.Context) {
	flags, expire, ok := parseExtendedString(c, c.Args[2:], false)
	if !ok {
		return
	}
	key := c.Args[1]
	s, found, ok := lookupString(c, key, false)
	if !ok {
		return
	}
	if !found {
		c.W.Null()
		return
	}
	var at int64
	if expire != nil {
		if at, ok = expireAt(c, expire, flags); !ok {
			return
		}
	}
	c.W.BulkString(s)
	switch {
	case flags&(optEXAT|optPXAT) != 0 && c.KS.AlreadyExpired(at):
		c.DB.Delete(key)
		c.Propagate(wordDEL, key)
		c.Notify(command.NotifyGeneric, "del", key)
	case expire != nil:
		c.DB.SetExpire(key, at)
		c.Propagate(wordPEXPIREAT, key, strconv.AppendInt(nil, at, 10))
		c.Notify(command.NotifyGeneric, "expire", key)
	case flags&optPersist != 0:
		if c.DB.Persist(key) {
			c.Propagate(wordPERSIST, key)
			c.Notify(command.NotifyGeneric, "persist", key)
		}
	}
}

func mget(c *command.Context) {
	keys := c.Args[1:]
	c.W.Array(len(keys))
	for _, k := range keys {
		e := c.DB.Lookup(k)
		if e == nil {
			c.W.Null()
			continue
		}
		if s, ok := e.Str(); ok {
			c.W.BulkString(s)
		} else {
			c.W.Null()
		}
	}
}

func mset(c *command.Context) {
	if len(c.Args)%2 == 0 {
		c.W.Error(command.ArgCountError(c.Name()))
		return
	}
	for i := 1; i < len(c.Args); i += 2 {
		c.DB.SetString(c.Args[i], c.Args[i+1], 0, false)
		c.Notify(command.NotifyString, "set", c.Args[i])
	}
	c.W.OK()
}

func msetnx(c *command.Context) {
	if len(c.Args)%2 == 0 {
		c.W.Error(command.ArgCountError(c.Name()))
		return
	}
	for i := 1; i < len(c.Args); i += 2 {
		if c.DB.Exists(c.Args[i]) {
			c.W.Int(0)
			return
		}
	}
	for i := 1; i < len(c.Args); i += 2 {
		c.DB.SetString(c.Args[i], c.Args[i+1], 0, false)
		c.Notify(command.NotifyString, "set", c.Args[i])
	}
	c.W.Int(1)
}

// incrDecr is Redis's incrDecrCommand: the value keeps its TTL.
func incrDecr(c *command.Context, incr int64) {
	key := c.Args[1]
	var val int64
	if e := c.DB.LookupWrite(key); e != nil {
		s, isStr := e.Str()
		if !isStr {
			strWrongType(c)
			return
		}
		var ok bool
		if val, ok = parseInt(strBytes(s)); !ok {
			c.W.Error(command.ErrNotInteger)
			return
		}
	}
	if (incr < 0 && val < 0 && incr < math.MinInt64-val) ||
		(incr > 0 && val > 0 && incr > math.MaxInt64-val) {
		c.W.Error(command.ErrOverflow)
		return
	}
	val += incr
	c.DB.SetStringOwned(key, strconv.FormatInt(val, 10), 0, true)
	c.Notify(command.NotifyString, "incrby", key)
	c.W.Int(val)
}

func incr(c *command.Context) { incrDecr(c, 1) }
func decr(c *command.Context) { incrDecr(c, -1) }

func incrby(c *command.Context) {
	n, ok := intArg(c, c.Args[2])
	if !ok {
		return
	}
	incrDecr(c, n)
}

func decrby(c *command.Context) {
	n, ok := intArg(c, c.Args[2])
	if !ok {
		return
	}
	if n == math.MinInt64 {
		c.W.Error(command.ErrDecrOverflow)
		return
	}
	incrDecr(c, -n)
}

// incrbyfloat computes in x87 80-bit long double arithmetic and formats
// the result like Redis (see strings_float.go), so replies match byte for
// byte. The value keeps its TTL.
func incrbyfloat(c *command.Context) {
	key := c.Args[1]
	cur := ldZero()
	if e := c.DB.LookupWrite(key); e != nil {
		s, isStr := e.Str()
		if !isStr {
			strWrongType(c)
			return
		}
		var ok bool
		if cur, ok = parseLongDouble(strBytes(s)); !ok {
			c.W.Error(command.ErrNotFloat)
			return
		}
	}
	inc, ok := parseLongDouble(c.Args[2])
	if !ok {
		c.W.Error(command.ErrNotFloat)
		return
	}
	sum, ok := addLongDouble(cur, inc)
	if !ok {
		c.W.Error(command.ErrIncrFloatNaN)
		return
	}
	out := formatLongDoubleHuman(sum)
	c.DB.SetStringOwned(key, out, 0, true)
	c.Notify(command.NotifyString, "incrbyfloat", key)
	c.W.BulkString(out)
	// Logged as the resulting value, so replay does not depend on
	// floating point arithmetic.
	c.PropagateStrings("SET", string(key), out, "KEEPTTL")
}

func appendCmd(c *command.Context) {
	key, val := c.Args[1], c.Args[2]
	e := c.DB.LookupWrite(key)
	if e == nil {
		c.DB.SetString(key, val, 0, false)
		c.Notify(command.NotifyString, "append", key)
		c.W.Int(int64(len(val)))
		return
	}
	s, isStr := e.Str()
	if !isStr {
		strWrongType(c)
		return
	}
	if len(s)+len(val) > maxStringLen {
		c.W.Error(command.ErrStringTooLong)
		return
	}
	ns := s + string(val)
	c.DB.SetStringOwned(key, ns, 0, true)
	c.Notify(command.NotifyString, "append", key)
	c.W.Int(int64(len(ns)))
}

func strlen(c *command.Context) {
	s, _, ok := lookupString(c, c.Args[1], false)
	if ok {
		c.W.Int(int64(len(s)))
	}
}

// getrange serves GETRANGE and SUBSTR.
func getrange(c *command.Context) {
	start, ok := intArg(c, c.Args[2])
	if !ok {
		return
	}
	end, ok := intArg(c, c.Args[3])
	if !ok {
		return
	}
	s, found, ok := lookupString(c, c.Args[1], false)
	if !ok {
		return
	}
	if !found {
		c.W.BulkString("")
		return
	}
	n := int64(len(s))
	if start < 0 && end < 0 && start > end {
		c.W.BulkString("")
		return
	}
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	start = max(start, 0)
	end = max(end, 0)
	if end >= n {
		end = n - 1
	}
	if start > end || n == 0 {
		c.W.BulkString("")
		return
	}
	c.W.BulkString(s[start : end+1])
}

func setrange(c *command.Context) {
	key, val := c.Args[1], c.Args[3]
	off, ok := intArg(c, c.Args[2])
	if !ok {
		return
	}
	if off < 0 {
		c.W.Error(command.ErrOffsetRange)
		return
	}
	e := c.DB.LookupWrite(key)
	var old string
	if e != nil {
		var isStr bool
		if old, isStr = e.Str(); !isStr {
			strWrongType(c)
			return
		}
	}
	if len(val) == 0 {
		c.W.Int(int64(len(old)))
		return
	}
	if off > maxStringLen || off+int64(len(val)) > maxStringLen {
		c.W.Error(command.ErrStringTooLong)
		return
	}
	n := max(int64(len(old)), off+int64(len(val)))
	buf := make([]byte, n)
	copy(buf, old)
	copy(buf[off:], val)
	c.DB.SetStringOwned(key, strOwned(buf), 0, true)
	c.Notify(command.NotifyString, "setrange", key)
	c.W.Int(n)
}
