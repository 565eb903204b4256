package tests

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The differential fuzzer's runner: it sends one command stream to AiKv
// and to real Redis, compares every reply by the command's mode, and on a
// mismatch shrinks the stream (delta debugging) to a minimal one that
// still mismatches.

// fuzzStep is one command of a stream.
type fuzzStep struct {
	name string // fuzzCommands key
	args []string
}

// fuzzConn is a raw connection with error returns instead of test
// failures (a hung or crashed server is a finding, not a harness error).
type fuzzConn struct {
	nc net.Conn
	rd *bufio.Reader
}

func dialFuzz(addr string) (*fuzzConn, error) {
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	return &fuzzConn{nc: nc, rd: bufio.NewReader(nc)}, nil
}

func (c *fuzzConn) do(args ...string) (Reply, error) {
	c.nc.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.nc.Write([]byte(EncodeCommand(args...))); err != nil {
		return Reply{}, err
	}
	return ReadReply(c.rd)
}

func (c *fuzzConn) close() { c.nc.Close() }

// fuzzPair is one AiKv connection and one Redis connection in the same
// state.
type fuzzPair struct {
	a, r *fuzzConn
}

// fuzzSession opens a fresh pair of connections, empties both servers and
// loads the fuzz function library; resp3 switches both to RESP3.
func fuzzSession(aikvAddr, redisAddr string, resp3 bool) (*fuzzPair, error) {
	a, err := dialFuzz(aikvAddr)
	if err != nil {
		return nil, err
	}
	r, err := dialFuzz(redisAddr)
	if err != nil {
		a.close()
		return nil, err
	}
	p := &fuzzPair{a: a, r: r}
	setup := [][]string{{"FLUSHALL"}, {"SCRIPT", "FLUSH"}, {"FUNCTION", "FLUSH"}, {"FUNCTION", "LOAD", fuzzLibrary}}
	if resp3 {
		setup = append(setup, []string{"HELLO", "3"})
	}
	for _, cmd := range setup {
		for _, c := range []*fuzzConn{a, r} {
			rep, err := c.do(cmd...)
			if err == nil && rep.IsError() {
				err = errors.New(rep.Str)
			}
			if err != nil {
				p.close()
				return nil, fmt.Errorf("setup %q: %v", cmd, err)
			}
		}
	}
	return p, nil
}

func (p *fuzzPair) close() { p.a.close(); p.r.close() }

// fuzzMismatch describes the first differing reply of a stream.
type fuzzMismatch struct {
	index       int // in the stream
	aikv, redis string
	note        string
}

// run sends the steps to both servers and returns the first mismatch, or
// nil. An I/O error (a crash, a hang) on either side is a mismatch too.
func (p *fuzzPair) run(steps []fuzzStep) *fuzzMismatch {
	for i, st := range steps {
		ra, ea := p.a.do(st.args...)
		rr, er := p.r.do(st.args...)
		if ea != nil || er != nil {
			return &fuzzMismatch{index: i, aikv: errString(ea), redis: errString(er), note: "connection error"}
		}
		if m := p.compare(st, ra, rr); m != nil {
			m.index = i
			return m
		}
	}
	return nil
}

func errString(err error) string {
	if err == nil {
		return "(no error)"
	}
	return "I/O error: " + err.Error()
}

func mismatch(a, r string, note string) *fuzzMismatch {
	return &fuzzMismatch{aikv: a, redis: r, note: note}
}

// compare applies the command's mode to one pair of replies.
func (p *fuzzPair) compare(st fuzzStep, ra, rr Reply) *fuzzMismatch {
	mode := fuzzCommands[st.name].mode
	if staleErrnoSort(st, ra, rr) {
		return nil
	}
	if mode == cmpSortIfBy {
		// Which elements of equal weight a LIMIT keeps is unspecified
		// too: then only the shape compares.
		mode = cmpExact
		by, limit := false, false
		for _, a := range st.args {
			by = by || strings.EqualFold(a, "BY")
			limit = limit || strings.EqualFold(a, "LIMIT")
		}
		switch {
		case by && limit:
			mode = cmpShape
		case by:
			mode = cmpSort
		}
	}
	if ra.IsError() || rr.IsError() {
		mode = cmpExact
	}
	switch mode {
	case cmpSort:
		ga, gr := ra.Sorted().String(), rr.Sorted().String()
		if ga != gr {
			return mismatch(ga, gr, "compared sorted")
		}
	case cmpPairs:
		ga, gr := sortPairs(ra).String(), sortPairs(rr).String()
		if ga != gr {
			return mismatch(ga, gr, "compared as sorted pairs")
		}
	case cmpTTL:
		if !ttlClose(st.name, ra, rr) {
			return mismatch(ra.String(), rr.String(), "TTLs compared with tolerance")
		}
	case cmpDeepSort:
		ga, gr := deepSorted(ra).String(), deepSorted(rr).String()
		if ga != gr {
			return mismatch(ga, gr, "compared with every aggregate sorted")
		}
	case cmpNoKeyFlags:
		ga, gr := blankKeyFlags(st.name, ra).String(), blankKeyFlags(st.name, rr).String()
		if ga != gr {
			return mismatch(ga, gr, "compared with key-spec flags blanked")
		}
	case cmpEncoding:
		enc := func(r Reply) string {
			if r.Str == "int" || r.Str == "embstr" || r.Str == "raw" {
				return "a string encoding"
			}
			return r.String()
		}
		if enc(ra) != enc(rr) {
			return mismatch(ra.String(), rr.String(), "int, embstr and raw compared equal")
		}
	case cmpRefcount:
		// Known difference: AiKv reports every integer-looking string as
		// a shared integer; Redis only those it encoded as such.
		norm := func(r Reply) string {
			if r.Kind == ':' && r.Str == "2147483647" {
				r.Str = "1"
			}
			return r.String()
		}
		if norm(ra) != norm(rr) {
			return mismatch(ra.String(), rr.String(), "shared-integer refcount compared as 1")
		}
	case cmpShape:
		if ra.Shape() != rr.Shape() {
			return mismatch(ra.Shape(), rr.Shape(), "compared by shape")
		}
	case cmpScan:
		ga, gr := scanNormal(st, ra), scanNormal(st, rr)
		if ga != gr {
			return mismatch(ga, gr, "SCAN: cursor zero or not, elements sorted")
		}
	case cmpRandom:
		if ra.Shape() != rr.Shape() {
			return mismatch(ra.String(), rr.String(), "random reply: shapes differ")
		}
		if note := p.checkMembers(st, ra, nil); note != "" {
			return mismatch(ra.String(), rr.String(), note)
		}
	case cmpSpop:
		return p.spop(st, ra, rr)
	default:
		if ra.String() != rr.String() {
			return mismatch(ra.String(), rr.String(), "")
		}
	}
	return nil
}

// sortPairs sorts a flat field/value array (RESP2) or a map by pairs.
func sortPairs(r Reply) Reply {
	if r.Kind == '%' {
		return r.Sorted()
	}
	if r.Kind != '*' {
		return r
	}
	type pair struct{ k, v Reply }
	var ps []pair
	for i := 0; i+1 < len(r.Elems); i += 2 {
		ps = append(ps, pair{r.Elems[i], r.Elems[i+1]})
	}
	slices.SortFunc(ps, func(x, y pair) int { return strings.Compare(x.k.String()+x.v.String(), y.k.String()+y.v.String()) })
	out := Reply{Kind: '*'}
	for _, p := range ps {
		out.Elems = append(out.Elems, p.k, p.v)
	}
	if len(r.Elems)%2 == 1 {
		out.Elems = append(out.Elems, r.Elems[len(r.Elems)-1])
	}
	return out
}

// deepSorted sorts every aggregate, innermost first.
func deepSorted(r Reply) Reply {
	if len(r.Elems) == 0 {
		return r
	}
	out := Reply{Kind: r.Kind, Str: r.Str, Elems: make([]Reply, len(r.Elems))}
	for i, e := range r.Elems {
		out.Elems[i] = deepSorted(e)
	}
	if r.Kind == '%' {
		out.Kind = '*' // pairs are not kept: keys and values sort alike
	}
	return out.Sorted()
}

// blankKeyFlags replaces key-spec flags: the value after a "flags" bulk in
// COMMAND INFO's key-spec maps, the second element of each
// GETKEYSANDFLAGS pair.
func blankKeyFlags(name string, r Reply) Reply {
	if len(r.Elems) == 0 {
		return r
	}
	out := Reply{Kind: r.Kind, Str: r.Str, Elems: make([]Reply, len(r.Elems))}
	for i, e := range r.Elems {
		switch {
		case name == "command|getkeysandflags" && e.Kind == '*' && len(e.Elems) == 2:
			out.Elems[i] = Reply{Kind: '*', Elems: []Reply{e.Elems[0], {Kind: '+', Str: "flags"}}}
		case i > 0 && r.Elems[i-1].Kind == '$' && r.Elems[i-1].Str == "flags":
			out.Elems[i] = Reply{Kind: '+', Str: "flags"}
		case name == "command|info" && len(r.Elems) == 10 && (i == 7 || i == 8):
			// Known gap: AiKv's table has no command tips for most
			// commands and one derived key spec per command.
			out.Elems[i] = Reply{Kind: '+', Str: "not compared"}
		case name == "command|info" && i == 9 && len(r.Elems) == 10:
			// Subcommands come in Redis's hash-table order.
			out.Elems[i] = blankKeyFlags(name, e).Sorted()
		default:
			out.Elems[i] = blankKeyFlags(name, e)
		}
	}
	return out
}

// ttlClose compares TTL-like integers: negative (no key, no expiry)
// exactly, others within two seconds (the servers run the same command a
// few milliseconds apart).
func ttlClose(name string, a, r Reply) bool {
	if a.Kind != ':' || r.Kind != ':' {
		return a.String() == r.String()
	}
	x, _ := strconv.ParseInt(a.Str, 10, 64)
	y, _ := strconv.ParseInt(r.Str, 10, 64)
	if x < 0 || y < 0 {
		return x == y
	}
	tol := int64(2)
	if name == "pttl" || name == "pexpiretime" {
		tol = 2000
	}
	return x-y <= tol && y-x <= tol
}

// scanNormal renders a SCAN-family reply with the cursor reduced to
// "zero or not" and the elements sorted (pairs for HSCAN/ZSCAN).
func scanNormal(st fuzzStep, r Reply) string {
	if r.Kind != '*' || len(r.Elems) != 2 {
		return r.String()
	}
	cur := "cursor≠0"
	if r.Elems[0].Str == "0" {
		cur = "cursor=0"
	}
	els := r.Elems[1]
	if st.name == "hscan" || st.name == "zscan" {
		els = sortPairs(els)
	} else {
		els = els.Sorted()
	}
	return cur + " " + els.String()
}

// memberCheck is how a random reply's elements are checked against
// Redis's dataset: the command to ask and the reply that means "yes".
func (p *fuzzPair) isMember(cmd, key string, elem Reply, want *Reply) (bool, error) {
	var q []string
	switch cmd {
	case "srandmember", "spop":
		q = []string{"SISMEMBER", key, elem.Str}
	case "hrandfield":
		q = []string{"HGET", key, elem.Str}
	case "zrandmember":
		q = []string{"ZSCORE", key, elem.Str}
	case "randomkey":
		q = []string{"EXISTS", elem.Str}
	}
	rep, err := p.r.do(q...)
	if err != nil {
		return false, err
	}
	switch cmd {
	case "srandmember", "spop", "randomkey":
		return rep.Kind == ':' && rep.Str == "1" || rep.Kind == '#' && rep.Str == "t", nil
	}
	if rep.Kind == 'N' || rep.Kind == '_' {
		return false, nil
	}
	if want != nil {
		// WITHVALUES / WITHSCORES: the value must match too. Scores are
		// compared as numbers (RESP3 doubles vs RESP2 bulks).
		if cmd == "zrandmember" {
			x, _ := strconv.ParseFloat(rep.Str, 64)
			y, _ := strconv.ParseFloat(want.Str, 64)
			return x == y || rep.Str == want.Str, nil
		}
		return rep.Str == want.Str, nil
	}
	return true, nil
}

// randomElems lists a random reply's elements with their values (for
// WITHVALUES/WITHSCORES), in either protocol's layout.
func randomElems(st fuzzStep, r Reply) (elems []Reply, vals []*Reply) {
	with := false
	for _, a := range st.args[min(2, len(st.args)):] {
		if strings.EqualFold(a, "WITHVALUES") || strings.EqualFold(a, "WITHSCORES") {
			with = true
		}
	}
	switch r.Kind {
	case '$', '+':
		return []Reply{r}, []*Reply{nil}
	case '*', '~':
	default:
		return nil, nil
	}
	for i := 0; i < len(r.Elems); i++ {
		e := r.Elems[i]
		switch {
		case with && e.Kind == '*' && len(e.Elems) == 2: // RESP3 pairs
			elems, vals = append(elems, e.Elems[0]), append(vals, &e.Elems[1])
		case with && i+1 < len(r.Elems): // RESP2 flat
			elems, vals = append(elems, e), append(vals, &r.Elems[i+1])
			i++
		default:
			elems, vals = append(elems, e), append(vals, nil)
		}
	}
	return elems, vals
}

// checkMembers checks that every element AiKv picked at random is in
// Redis's copy of the collection (or, for SPOP, in what Redis popped).
func (p *fuzzPair) checkMembers(st fuzzStep, ra Reply, alsoOK map[string]bool) string {
	key := ""
	if len(st.args) > 1 {
		key = st.args[1]
	}
	elems, vals := randomElems(st, ra)
	for i, e := range elems {
		if alsoOK[e.Str] {
			continue
		}
		ok, err := p.isMember(st.name, key, e, vals[i])
		if err != nil {
			return "membership check: " + err.Error()
		}
		if !ok {
			return fmt.Sprintf("AiKv's random pick %s is not in Redis's collection", e.String())
		}
	}
	return ""
}

// spop checks an SPOP: same shape, every member AiKv popped was in the
// set (still in Redis's or popped by Redis too); then Redis's set is made
// equal to AiKv's (re-add what Redis popped, remove what AiKv popped) so
// the streams stay in step.
func (p *fuzzPair) spop(st fuzzStep, ra, rr Reply) *fuzzMismatch {
	if ra.Shape() != rr.Shape() {
		return mismatch(ra.String(), rr.String(), "SPOP: shapes differ")
	}
	redisPopped := map[string]bool{}
	re, _ := randomElems(st, rr)
	for _, e := range re {
		redisPopped[e.Str] = true
	}
	if note := p.checkMembers(st, ra, redisPopped); note != "" {
		return mismatch(ra.String(), rr.String(), note)
	}
	ae, _ := randomElems(st, ra)
	if ra.Sorted().String() == rr.Sorted().String() || len(ae) == 0 {
		return nil
	}
	key := st.args[1]
	add := []string{"SADD", key}
	for _, e := range re {
		add = append(add, e.Str)
	}
	rem := []string{"SREM", key}
	for _, e := range ae {
		rem = append(rem, e.Str)
	}
	for _, cmd := range [][]string{add, rem} {
		if _, err := p.r.do(cmd...); err != nil {
			return mismatch("", errString(err), "SPOP resync")
		}
	}
	return nil
}

// quoteCLI renders args as one redis-cli input line.
func quoteCLI(args []string) string {
	parts := make([]string, len(args))
	for i, a := range args {
		plain := a != ""
		for j := 0; j < len(a); j++ {
			c := a[j]
			if c <= ' ' || c >= 0x7f || c == '"' || c == '\'' || c == '\\' {
				plain = false
				break
			}
		}
		if plain {
			parts[i] = a
			continue
		}
		var b strings.Builder
		b.WriteByte('"')
		for j := 0; j < len(a); j++ {
			switch c := a[j]; {
			case c == '"' || c == '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			case c == '\t':
				b.WriteString(`\t`)
			case c < ' ' || c >= 0x7f:
				fmt.Fprintf(&b, `\x%02x`, c)
			default:
				b.WriteByte(c)
			}
		}
		b.WriteByte('"')
		parts[i] = b.String()
	}
	return strings.Join(parts, " ")
}

// fuzzShrinker replays candidate streams on fresh sessions.
type fuzzShrinker struct {
	aikvAddr, redisAddr string
	resp3               bool
	budget              int       // replays left
	deadline            time.Time // stop shrinking after this
}

// fails reports whether steps still produce a mismatch.
func (s *fuzzShrinker) fails(steps []fuzzStep) (*fuzzMismatch, bool) {
	if s.budget <= 0 || time.Now().After(s.deadline) {
		return nil, false
	}
	s.budget--
	p, err := fuzzSession(s.aikvAddr, s.redisAddr, s.resp3)
	if err != nil {
		return &fuzzMismatch{note: err.Error()}, true
	}
	defer p.close()
	m := p.run(steps)
	return m, m != nil
}

// shrink is ddmin (Zeller): remove chunks of the stream while it still
// fails, refining the chunk size down to single commands. It returns the
// smallest failing stream found (cut after its first mismatch).
func (s *fuzzShrinker) shrink(steps []fuzzStep, m *fuzzMismatch) ([]fuzzStep, *fuzzMismatch) {
	steps = steps[:m.index+1]
	n := 2
	for len(steps) >= 2 {
		chunk := (len(steps) + n - 1) / n
		reduced := false
		for start := 0; start < len(steps); start += chunk {
			end := min(start+chunk, len(steps))
			cand := append(append([]fuzzStep(nil), steps[:start]...), steps[end:]...)
			if cm, ok := s.fails(cand); ok && cm.index < len(cand) {
				steps, m = cand[:cm.index+1], cm
				n = max(n-1, 2)
				reduced = true
				break
			}
		}
		if !reduced {
			if n >= len(steps) || s.budget <= 0 || time.Now().After(s.deadline) {
				break
			}
			n = min(n*2, len(steps))
		}
	}
	return steps, m
}

// fuzzReport renders a minimal failing stream for the test log.
func fuzzReport(seed uint64, resp3 bool, steps []fuzzStep, m *fuzzMismatch) string {
	var b strings.Builder
	fmt.Fprintf(&b, "seed %d: AiKv and Redis differ; minimal sequence (%d commands, redis-cli lines", seed, len(steps))
	if resp3 {
		b.WriteString(", after HELLO 3")
	}
	b.WriteString(", after FLUSHALL and FUNCTION LOAD of the fuzz library):\n")
	for _, st := range steps {
		b.WriteString("  " + quoteCLI(st.args) + "\n")
	}
	fmt.Fprintf(&b, "last reply:\n  aikv:  %s\n  redis: %s\n", m.aikv, m.redis)
	if m.note != "" {
		b.WriteString("  (" + m.note + ")\n")
	}
	return b.String()
}

// staleErrnoSort recognises a Redis bug the fuzzer does not hold against
// AiKv: SORT checks errno == ERANGE after strtod without clearing errno
// first, so after any earlier command parsed an out-of-range float (1e400,
// a denormal like 5e-324) a numeric SORT of valid numbers fails with "One
// or more scores can't be converted into double". It is accepted when
// AiKv sorted, and every element AiKv returned is a number.
func staleErrnoSort(st fuzzStep, ra, rr Reply) bool {
	if st.name != "sort" && st.name != "sort_ro" || rr.Str != "ERR One or more scores can't be converted into double" || ra.Kind != '*' {
		return false
	}
	for _, a := range st.args {
		if strings.EqualFold(a, "BY") || strings.EqualFold(a, "GET") || strings.EqualFold(a, "ALPHA") {
			return false
		}
	}
	for _, e := range ra.Elems {
		if _, err := strconv.ParseFloat(strings.TrimSpace(e.Str), 64); err != nil && !strings.Contains(err.Error(), "range") {
			return false
		}
	}
	return true
}
