package commands

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/server/command"
)

// Shared argument parsing, with Redis's rules and error texts.

// parseInt parses a 64-bit integer like Redis's string2ll: no spaces, no
// '+', no leading zeros.
func parseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	if b[0] == '+' || (len(b) > 1 && (b[0] == '0' || (b[0] == '-' && b[1] == '0'))) {
		return 0, false
	}
	if len(b) == 1 && b[0] == '-' {
		return 0, false
	}
	var n uint64
	neg := b[0] == '-'
	i := 0
	if neg {
		i = 1
	}
	for ; i < len(b); i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if n > (math.MaxUint64-9)/10 {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	if neg {
		if n > 1<<63 {
			return 0, false
		}
		return -int64(n), true
	}
	if n > math.MaxInt64 {
		return 0, false
	}
	return int64(n), true
}

// intArg parses an integer argument, replying with Redis's error when it
// is not one. ok is false when the error was sent.
func intArg(c *command.Context, b []byte) (int64, bool) {
	n, ok := parseInt(b)
	if !ok {
		c.W.Error(command.ErrNotInteger)
	}
	return n, ok
}

// parseFloat parses a double like Redis's string2d / strtold use: accepts
// "inf", "+inf", "-inf" (case-insensitive), rejects NaN, empty strings and
// surrounding spaces.
func parseFloat(b []byte) (float64, bool) {
	if f, ok := parseSmallIntFloat(b); ok {
		return f, true
	}
	if len(b) == 0 || isSpaceByte(b[0]) || isSpaceByte(b[len(b)-1]) {
		return 0, false
	}
	s := string(b)
	switch strings.ToLower(s) {
	case "inf", "+inf", "infinity", "+infinity":
		return math.Inf(1), true
	case "-inf", "-infinity":
		return math.Inf(-1), true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false // includes overflow and underflow, as Redis's ERANGE check
	}
	if math.IsNaN(f) {
		return 0, false
	}
	// Go accepts hex floats and underscores; Redis does not care about
	// underscores (strtod stops there and fails). Reject them.
	if strings.ContainsAny(s, "_xXpP") {
		return 0, false
	}
	return f, true
}

// parseSmallIntFloat is parseFloat's fast path for an optional '-' and
// 1 to 15 decimal digits (scores are often integers): such a number is
// exact in a float64, so it equals what strconv.ParseFloat (and strtod)
// return, "-0" included. ok is false for anything else.
func parseSmallIntFloat(b []byte) (float64, bool) {
	d := b
	if len(d) > 0 && d[0] == '-' {
		d = d[1:]
	}
	if len(d) == 0 || len(d) > 15 {
		return 0, false
	}
	var n int64
	for _, c := range d {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	f := float64(n)
	if len(d) != len(b) {
		f = -f
	}
	return f, true
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// timeoutArg parses a blocking command's timeout in seconds (decimals
// allowed; 0 means forever) with Redis's errors. ok is false when the
// error was sent.
func timeoutArg(c *command.Context, b []byte) (time.Duration, bool) {
	f, ok := parseFloat(b)
	if !ok {
		// Redis parses a long double, so values past float64's range
		// (1e400) still parse there, and then overflow below.
		if g, err := strconv.ParseFloat(string(b), 64); err == nil || !math.IsInf(g, 0) || bytes.ContainsAny(b, "_xXpP") {
			c.W.Error(command.ErrTimeoutInvalid)
			return 0, false
		}
		f = math.Inf(1)
	}
	// Redis wart kept: it casts seconds*1000 to a long long, and a value
	// that does not fit (inf, 1e300) comes out negative, so it replies
	// "timeout is negative" for huge timeouts.
	if f < 0 || f*1000 >= math.MaxInt64 {
		c.W.Error(command.ErrTimeoutNegative)
		return 0, false
	}
	if f >= float64(math.MaxInt64/int64(time.Second)) {
		return math.MaxInt64, true // ~292 years: forever in practice
	}
	d := time.Duration(f * float64(time.Second))
	if f > 0 && d < time.Millisecond {
		d = time.Millisecond
	}
	return d, true
}

// eq reports whether arg equals the lower-case word, case-insensitively.
func eq(arg []byte, word string) bool {
	if len(arg) != len(word) {
		return false
	}
	for i := 0; i < len(arg); i++ {
		c := arg[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != word[i] {
			return false
		}
	}
	return true
}

// lookupTyped returns the value of key if it holds a T. A missing key
// gives found=false; a key of another type replies WRONGTYPE and gives
// ok=false. write selects LookupWrite (no hit/miss stats).
func lookupTyped[T datastructs.Value](c *command.Context, key []byte, write bool) (v T, found, ok bool) {
	return lookupTypedOr[T](c, key, write, datastructs.ErrWrongType.Error())
}

// lookupTypedOr is lookupTyped with the reply for a key of another type
// (RedisJSON's differs from WRONGTYPE).
func lookupTypedOr[T datastructs.Value](c *command.Context, key []byte, write bool, wrongType string) (v T, found, ok bool) {
	var e *datastructs.Entry
	if write {
		e = c.DB.LookupWrite(key)
	} else {
		e = c.DB.Lookup(key)
	}
	if e == nil {
		return v, false, true
	}
	v, isT := e.Obj().(T)
	if !isT {
		c.W.Error(wrongType)
		return v, false, false
	}
	return v, true, true
}

// lookupString returns the string at key. A missing key gives found=false;
// a key of another type replies WRONGTYPE and gives ok=false.
func lookupString(c *command.Context, key []byte, write bool) (s string, found, ok bool) {
	var e *datastructs.Entry
	if write {
		e = c.DB.LookupWrite(key)
	} else {
		e = c.DB.Lookup(key)
	}
	if e == nil {
		return "", false, true
	}
	s, isStr := e.Str()
	if !isStr {
		c.W.Error(datastructs.ErrWrongType.Error())
		return "", false, false
	}
	return s, true, true
}

// removedFrom finishes a command that removed elements from the collection
// at key: it sends the command's notification, then deletes the key if the
// collection is now empty (collections are never stored empty, and Redis
// then also notifies "del"), else records the in-place change.
func removedFrom(c *command.Context, key []byte, class command.NotifyClass, event string, empty bool) {
	c.Notify(class, event, key)
	if empty {
		c.DB.Delete(key)
		c.Notify(command.NotifyGeneric, "del", key)
	} else {
		c.DB.Modified(key)
	}
}
