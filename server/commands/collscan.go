package commands

import (
	"math"

	"github.com/aikv/aikv/server/command"
)

// Helpers shared by HSCAN and SSCAN (and ZSCAN later): Redis's
// parseScanCursorOrReply and the option loop of scanGenericCommand.

// emptyScanReply is Redis's shared.emptyscan: cursor "0", no elements.
func emptyScanReply(c *command.Context) {
	c.W.Array(2)
	c.W.BulkString("0")
	c.W.Array(0)
}

// collScanCursor parses a SCAN cursor like Redis's strtoul-based parser,
// including its warts: an empty string is cursor 0, a leading '+' or '-'
// is accepted ("-1" wraps to 2^64-1), leading zeros are fine; leading
// spaces, trailing garbage and overflow are "ERR invalid cursor".
func collScanCursor(c *command.Context, b []byte) (uint64, bool) {
	bad := func() (uint64, bool) {
		c.W.Error("ERR invalid cursor")
		return 0, false
	}
	if len(b) > 0 && isSpaceByte(b[0]) {
		return bad()
	}
	neg := false
	i := 0
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	if i == len(b) && len(b) > 0 {
		// strtoul("-") parses nothing and leaves eptr at the sign.
		return bad()
	}
	var n uint64
	for ; i < len(b); i++ {
		d := b[i]
		if d < '0' || d > '9' {
			return bad()
		}
		if n > (math.MaxUint64-uint64(d-'0'))/10 {
			return bad()
		}
		n = n*10 + uint64(d-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// collScanOpts are the parsed MATCH and COUNT options.
type collScanOpts struct {
	count   int
	pattern []byte // nil: no filtering ("*" disables it too)
}

// collScanArgs parses MATCH/COUNT from args (what follows the cursor).
// ok is false when an error reply was sent.
func collScanArgs(c *command.Context, args [][]byte) (opts collScanOpts, ok bool) {
	opts.count = 10
	for i := 0; i < len(args); {
		more := len(args) - i
		switch {
		case eq(args[i], "count") && more >= 2:
			n, ok := parseInt(args[i+1])
			if !ok {
				c.W.Error(command.ErrNotInteger)
				return opts, false
			}
			if n < 1 {
				c.W.Error(command.ErrSyntax)
				return opts, false
			}
			if n > math.MaxInt32 {
				n = math.MaxInt32
			}
			opts.count = int(n)
			i += 2
		case eq(args[i], "match") && more >= 2:
			p := args[i+1]
			if len(p) == 1 && p[0] == '*' {
				opts.pattern = nil
			} else {
				opts.pattern = p
			}
			i += 2
		default:
			c.W.Error(command.ErrSyntax)
			return opts, false
		}
	}
	return opts, true
}

// randCountArg parses the count of SRANDMEMBER and HRANDFIELD, which Redis
// reads with getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX).
func randCountArg(c *command.Context, b []byte) (int64, bool) {
	n, ok := parseInt(b)
	if !ok {
		c.W.Error(command.ErrNotInteger)
		return 0, false
	}
	if n == math.MinInt64 {
		c.W.Error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
		return 0, false
	}
	return n, true
}
