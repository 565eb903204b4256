package commands

import (
	"math"

	"github.com/aikv/aikv/server/command"
)

// lcsMatch is one matching range of LCS IDX: a[aStart..aEnd] equals
// b[bStart..bEnd].
type lcsMatch struct {
	aStart, aEnd, bStart, bEnd uint32
}

// lcsResult is what computeLCS finds.
type lcsResult struct {
	length  uint32
	str     []byte     // the common subsequence (when wanted)
	matches []lcsMatch // ranges, last ones first, as Redis emits them
}

// lcsTableTooBig reports whether the DP table for strings of these lengths
// exceeds Redis's transient memory limit (proto-max-bulk-len).
func lcsTableTooBig(alen, blen int) bool {
	cells := uint64(alen+1) * uint64(blen+1)
	return cells > math.MaxUint64/4 || cells*4 > maxStringLen
}

// computeLCS is a port of Redis's lcsCommand core: the classic dynamic
// programming table, then a walk back from the end that rebuilds the
// string and the matching ranges. Ranges shorter than minMatchLen are
// dropped (0 keeps all). wantStr and wantIdx select the work done.
func computeLCS(a, b string, minMatchLen int64, wantStr, wantIdx bool) lcsResult {
	alen, blen := uint32(len(a)), uint32(len(b))
	w := blen + 1
	tbl := make([]uint32, (uint64(alen)+1)*uint64(w))
	at := func(i, j uint32) uint32 { return tbl[uint64(i)*uint64(w)+uint64(j)] }
	for i := uint32(1); i <= alen; i++ {
		row := tbl[uint64(i)*uint64(w):]
		prev := tbl[uint64(i-1)*uint64(w):]
		for j := uint32(1); j <= blen; j++ {
			if a[i-1] == b[j-1] {
				row[j] = prev[j-1] + 1
			} else {
				row[j] = max(prev[j], row[j-1])
			}
		}
	}
	res := lcsResult{length: at(alen, blen)}
	if !wantStr && !wantIdx {
		return res
	}
	idx := res.length
	res.str = make([]byte, idx)
	// arangeStart == alen means "no range in progress".
	arangeStart, arangeEnd, brangeStart, brangeEnd := alen, uint32(0), uint32(0), uint32(0)
	i, j := alen, blen
	for i > 0 && j > 0 {
		emit := false
		if a[i-1] == b[j-1] {
			res.str[idx-1] = a[i-1]
			if arangeStart == alen {
				arangeStart, arangeEnd = i-1, i-1
				brangeStart, brangeEnd = j-1, j-1
			} else if arangeStart == i && brangeStart == j {
				arangeStart--
				brangeStart--
			} else {
				emit = true
			}
			if arangeStart == 0 || brangeStart == 0 {
				emit = true
			}
			idx--
			i--
			j--
		} else {
			if at(i-1, j) > at(i, j-1) {
				i--
			} else {
				j--
			}
			if arangeStart != alen {
				emit = true
			}
		}
		if emit {
			matchLen := arangeEnd - arangeStart + 1
			if wantIdx && (minMatchLen == 0 || int64(matchLen) >= minMatchLen) {
				res.matches = append(res.matches, lcsMatch{arangeStart, arangeEnd, brangeStart, brangeEnd})
			}
			arangeStart = alen
		}
	}
	return res
}

// lcs follows Redis 7.0: keys are looked up (and type checked) before the
// options are parsed.
func lcs(c *command.Context) {
	ea, eb := c.DB.Lookup(c.Args[1]), c.DB.Lookup(c.Args[2])
	var a, b string
	if ea != nil {
		var isStr bool
		if a, isStr = ea.Str(); !isStr {
			c.W.Error(command.ErrLCSNotString)
			return
		}
	}
	if eb != nil {
		var isStr bool
		if b, isStr = eb.Str(); !isStr {
			c.W.Error(command.ErrLCSNotString)
			return
		}
	}
	var getLen, getIdx, withMatchLen bool
	var minMatchLen int64
	for j := 3; j < len(c.Args); j++ {
		opt := c.Args[j]
		more := len(c.Args) - 1 - j
		switch {
		case eq(opt, "idx"):
			getIdx = true
		case eq(opt, "len"):
			getLen = true
		case eq(opt, "withmatchlen"):
			withMatchLen = true
		case eq(opt, "minmatchlen") && more > 0:
			n, ok := intArg(c, c.Args[j+1])
			if !ok {
				return
			}
			minMatchLen = max(n, 0)
			j++
		default:
			c.W.Error(command.ErrSyntax)
			return
		}
	}
	if getIdx && getLen {
		c.W.Error(command.ErrLCSLenAndIdx)
		return
	}
	if lcsTableTooBig(len(a), len(b)) {
		c.W.Error(command.ErrLCSMemory)
		return
	}
	res := computeLCS(a, b, minMatchLen, !getLen, getIdx)
	switch {
	case getIdx:
		c.W.Map(2)
		c.W.BulkString("matches")
		c.W.Array(len(res.matches))
		for _, m := range res.matches {
			if withMatchLen {
				c.W.Array(3)
			} else {
				c.W.Array(2)
			}
			c.W.Array(2)
			c.W.Int(int64(m.aStart))
			c.W.Int(int64(m.aEnd))
			c.W.Array(2)
			c.W.Int(int64(m.bStart))
			c.W.Int(int64(m.bEnd))
			if withMatchLen {
				c.W.Int(int64(m.aEnd - m.aStart + 1))
			}
		}
		c.W.BulkString("len")
		c.W.Int(int64(res.length))
	case getLen:
		c.W.Int(int64(res.length))
	default:
		c.W.Bulk(res.str)
	}
}
