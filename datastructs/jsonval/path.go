package jsonval

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Path is a path argument as RedisJSON reads it: a JSONPath when it starts
// with "$" followed by nothing, '.' or '['; otherwise a legacy path, which
// is rewritten to JSONPath ("." -> "$", ".a" -> "$.a", "a" -> "$.a") and
// acts on its first match only.
type Path struct {
	Original string // as sent
	Text     string // the JSONPath text
	Legacy   bool
}

// NewPath classifies and rewrites a path argument. It does not compile it.
func NewPath(s string) Path {
	if strings.HasPrefix(s, "$") && (len(s) < 2 || s[1] == '.' || s[1] == '[') {
		return Path{Original: s, Text: s}
	}
	switch {
	case s == ".":
		return Path{Original: s, Text: "$", Legacy: true}
	case strings.HasPrefix(s, "."):
		return Path{Original: s, Text: "$" + s, Legacy: true}
	}
	return Path{Original: s, Text: "$." + s, Legacy: true}
}

// IsRoot reports whether the path is the document root ("$" or ".").
func (p Path) IsRoot() bool { return p.Text == "$" }

// Seg is one step of a concrete location: an object key or an array index.
type Seg struct {
	Key     string
	Index   int
	IsIndex bool
}

// Match is one place a query matched: the node and its location.
type Match struct {
	Node *Node
	Path []Seg
}

type stepKind uint8

const (
	stKeys stepKind = iota
	stWildcard
	stIndexes
	stSlice
	stFilter
	stDescend
)

type step struct {
	kind  stepKind
	keys  []string
	idx   []int
	slice [3]*int // start, end, step
	expr  expr
}

// Query is a compiled JSONPath.
type Query struct {
	steps []step
}

// CompileError is a path syntax error, with the text RedisJSON's json_path
// crate gives ("Error occurred on position N, ...").
type CompileError struct {
	Pos int
	Msg string
}

func (e *CompileError) Error() string {
	return fmt.Sprintf("Error occurred on position %d, %s", e.Pos, e.Msg)
}

// Compile parses a JSONPath (starting with "$").
func Compile(s string) (*Query, error) {
	c := &compiler{s: s}
	if len(s) == 0 || s[0] != '$' {
		return nil, c.fail("expected '$'")
	}
	c.pos = 1
	steps, err := c.segments(false)
	if err != nil {
		return nil, err
	}
	if c.pos < len(s) {
		return nil, c.fail("unexpected character")
	}
	return &Query{steps: steps}, nil
}

type compiler struct {
	s   string
	pos int
}

func (c *compiler) fail(msg string) error {
	return &CompileError{Pos: c.pos + 1, Msg: fmt.Sprintf("\"%s <<<<----\", %s", c.s[:min(c.pos+1, len(c.s))], msg)}
}

func (c *compiler) peek() byte {
	if c.pos < len(c.s) {
		return c.s[c.pos]
	}
	return 0
}

func (c *compiler) ws() {
	for c.pos < len(c.s) && (c.s[c.pos] == ' ' || c.s[c.pos] == '\t') {
		c.pos++
	}
}

// isNameByte reports whether b may appear in a dotted member name.
func isNameByte(b byte) bool {
	if b >= 0x80 {
		return true
	}
	switch {
	case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9':
		return true
	}
	return b == '_' || b == '-' || b == '$' || b == '@' || b == ':' || b == '#' || b == '%' || b == '^' || b == '~' || b == '/' || b == '\\' || b == '+' || b == ';' || b == '?' || b == '`'
}

// segments parses steps until the end or, inside a filter, a byte that
// cannot continue a path.
func (c *compiler) segments(inFilter bool) ([]step, error) {
	var steps []step
	for c.pos < len(c.s) {
		switch c.s[c.pos] {
		case '.':
			c.pos++
			if c.peek() == '.' {
				c.pos++
				steps = append(steps, step{kind: stDescend})
				if c.peek() == '[' {
					continue
				}
			} else if c.peek() == '[' {
				continue // "$.[0]" is accepted
			}
			st, err := c.member()
			if err != nil {
				return nil, err
			}
			steps = append(steps, st)
		case '[':
			st, err := c.bracket()
			if err != nil {
				return nil, err
			}
			steps = append(steps, st)
		default:
			if inFilter {
				return steps, nil
			}
			return nil, c.fail("expected one of the following: '.', '..', '['")
		}
	}
	return steps, nil
}

func (c *compiler) member() (step, error) {
	if c.peek() == '*' {
		c.pos++
		return step{kind: stWildcard}, nil
	}
	start := c.pos
	for c.pos < len(c.s) && isNameByte(c.s[c.pos]) {
		c.pos++
	}
	if c.pos == start {
		return step{}, c.fail("expected one of the following: <string>, '*'")
	}
	return step{kind: stKeys, keys: []string{c.s[start:c.pos]}}, nil
}

func (c *compiler) quoted() (string, error) {
	q := c.s[c.pos]
	c.pos++
	var b strings.Builder
	for c.pos < len(c.s) {
		ch := c.s[c.pos]
		switch {
		case ch == q:
			c.pos++
			return b.String(), nil
		case ch == '\\' && c.pos+1 < len(c.s):
			c.pos++
			switch e := c.s[c.pos]; e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			default:
				b.WriteByte(e)
			}
			c.pos++
		default:
			b.WriteByte(ch)
			c.pos++
		}
	}
	return "", c.fail("unterminated string")
}

func (c *compiler) integer() (int, bool) {
	start := c.pos
	if c.peek() == '-' || c.peek() == '+' {
		c.pos++
	}
	for c.pos < len(c.s) && c.s[c.pos] >= '0' && c.s[c.pos] <= '9' {
		c.pos++
	}
	n, err := strconv.Atoi(c.s[start:c.pos])
	if err != nil {
		c.pos = start
		return 0, false
	}
	return n, true
}

func (c *compiler) bracket() (step, error) {
	c.pos++ // '['
	c.ws()
	var st step
	switch ch := c.peek(); {
	case ch == '*':
		c.pos++
		st.kind = stWildcard
	case ch == '?':
		c.pos++
		c.ws()
		if c.peek() != '(' {
			return st, c.fail("expected '('")
		}
		c.pos++
		e, err := c.orExpr()
		if err != nil {
			return st, err
		}
		c.ws()
		if c.peek() != ')' {
			return st, c.fail("expected ')'")
		}
		c.pos++
		st.kind, st.expr = stFilter, e
	case ch == '\'' || ch == '"':
		st.kind = stKeys
		for {
			c.ws()
			if p := c.peek(); p != '\'' && p != '"' {
				return st, c.fail("expected one of the following: <string>")
			}
			k, err := c.quoted()
			if err != nil {
				return st, err
			}
			st.keys = append(st.keys, k)
			c.ws()
			if c.peek() != ',' {
				break
			}
			c.pos++
		}
	default:
		// indexes or a slice
		var parts [3]*int
		n, ok := c.integer()
		if ok {
			parts[0] = &n
		}
		c.ws()
		if c.peek() == ':' {
			for i := 1; i < 3 && c.peek() == ':'; i++ {
				c.pos++
				c.ws()
				if m, ok := c.integer(); ok {
					parts[i] = &m
				}
				c.ws()
			}
			st.kind, st.slice = stSlice, parts
			break
		}
		if !ok {
			return st, c.fail("expected one of the following: '*', <number>, <string>, '?'")
		}
		st.kind, st.idx = stIndexes, []int{n}
		for c.peek() == ',' {
			c.pos++
			c.ws()
			m, ok := c.integer()
			if !ok {
				return st, c.fail("expected <number>")
			}
			st.idx = append(st.idx, m)
			c.ws()
		}
	}
	c.ws()
	if c.peek() != ']' {
		return st, c.fail("expected ']'")
	}
	c.pos++
	return st, nil
}

// Static reports whether the query names exactly one location (single
// keys and indexes only), as JSON.SET needs to create a member.
func (q *Query) Static() bool {
	for _, st := range q.steps {
		if !(st.kind == stKeys && len(st.keys) == 1) && !(st.kind == stIndexes && len(st.idx) == 1) {
			return false
		}
	}
	return true
}

// Len is the number of steps.
func (q *Query) Len() int { return len(q.steps) }

// Parent returns the query without its last step and that step's key;
// isKey is false when the last step is an index.
func (q *Query) Parent() (parent *Query, key string, isKey bool) {
	last := q.steps[len(q.steps)-1]
	parent = &Query{steps: q.steps[:len(q.steps)-1]}
	if last.kind == stKeys {
		return parent, last.keys[0], true
	}
	return parent, "", false
}

// Find returns every match in document order (RedisJSON's order: at a
// recursive descent, the matches at a node come before those below it).
func (q *Query) Find(root *Node) []Match {
	var out []Match
	q.run(0, root, nil, &out, root)
	return out
}

func extend(path []Seg, s Seg) []Seg {
	p := make([]Seg, len(path)+1)
	copy(p, path)
	p[len(path)] = s
	return p
}

func (q *Query) run(i int, n *Node, path []Seg, out *[]Match, doc *Node) {
	if i == len(q.steps) {
		*out = append(*out, Match{Node: n, Path: path})
		return
	}
	st := &q.steps[i]
	switch st.kind {
	case stKeys:
		if n.Kind == Object {
			for _, k := range st.keys {
				if v := n.Get(k); v != nil {
					q.run(i+1, v, extend(path, Seg{Key: k}), out, doc)
				}
			}
		}
	case stWildcard:
		q.children(n, path, func(c *Node, p []Seg) { q.run(i+1, c, p, out, doc) })
	case stIndexes:
		if n.Kind == Array {
			for _, x := range st.idx {
				if x < 0 {
					x += len(n.Arr)
				}
				if x >= 0 && x < len(n.Arr) {
					q.run(i+1, n.Arr[x], extend(path, Seg{Index: x, IsIndex: true}), out, doc)
				}
			}
		}
	case stSlice:
		if n.Kind == Array {
			l := len(n.Arr)
			start, end, stp := 0, l, 1
			if st.slice[0] != nil {
				start = normIndex(*st.slice[0], l)
			}
			if st.slice[1] != nil {
				end = normIndex(*st.slice[1], l)
			}
			if st.slice[2] != nil {
				stp = *st.slice[2]
			}
			if stp <= 0 {
				return
			}
			for x := start; x < end; x += stp {
				q.run(i+1, n.Arr[x], extend(path, Seg{Index: x, IsIndex: true}), out, doc)
			}
		}
	case stFilter:
		q.children(n, path, func(c *Node, p []Seg) {
			if st.expr.eval(c, doc) {
				q.run(i+1, c, p, out, doc)
			}
		})
	case stDescend:
		q.run(i+1, n, path, out, doc)
		q.children(n, path, func(c *Node, p []Seg) { q.run(i, c, p, out, doc) })
	}
}

func normIndex(x, l int) int {
	if x < 0 {
		x += l
		if x < 0 {
			x = 0
		}
	}
	if x > l {
		x = l
	}
	return x
}

func (q *Query) children(n *Node, path []Seg, fn func(*Node, []Seg)) {
	switch n.Kind {
	case Array:
		for x, c := range n.Arr {
			fn(c, extend(path, Seg{Index: x, IsIndex: true}))
		}
	case Object:
		for x, k := range n.Keys {
			fn(n.Vals[x], extend(path, Seg{Key: k}))
		}
	}
}

// Resolve walks a location from root and returns the node there and its
// parent (nil for the root), or nil when the location no longer exists.
func Resolve(root *Node, path []Seg) (node, parent *Node) {
	node = root
	for _, s := range path {
		parent = node
		switch {
		case s.IsIndex && node.Kind == Array && s.Index < len(node.Arr):
			node = node.Arr[s.Index]
		case !s.IsIndex && node.Kind == Object:
			node = node.Get(s.Key)
			if node == nil {
				return nil, nil
			}
		default:
			return nil, nil
		}
	}
	return node, parent
}

// Replace stores v at a location (not the root); it reports whether the
// location existed.
func Replace(root *Node, path []Seg, v *Node) bool {
	old, parent := Resolve(root, path)
	if old == nil || parent == nil {
		return false
	}
	last := path[len(path)-1]
	if last.IsIndex {
		parent.Arr[last.Index] = v
	} else {
		parent.Set(last.Key, v)
	}
	return true
}

// Delete removes the value at a location (not the root).
func Delete(root *Node, path []Seg) bool {
	old, parent := Resolve(root, path)
	if old == nil || parent == nil {
		return false
	}
	last := path[len(path)-1]
	if last.IsIndex {
		parent.Arr = append(parent.Arr[:last.Index], parent.Arr[last.Index+1:]...)
		return true
	}
	return parent.Remove(last.Key)
}

// --- filter expressions ---

type expr interface {
	eval(cur, root *Node) bool
}

type orExpr struct{ l, r expr }
type andExpr struct{ l, r expr }

func (e orExpr) eval(cur, root *Node) bool  { return e.l.eval(cur, root) || e.r.eval(cur, root) }
func (e andExpr) eval(cur, root *Node) bool { return e.l.eval(cur, root) && e.r.eval(cur, root) }

// term is a literal or a relative (@) or absolute ($) path.
type term struct {
	lit    *Node
	q      *Query
	fromAt bool
}

func (t term) value(cur, root *Node) *Node {
	if t.lit != nil {
		return t.lit
	}
	base := cur
	if !t.fromAt {
		base = root
	}
	m := t.q.Find(base)
	if len(m) == 0 {
		return nil
	}
	return m[0].Node
}

type cmpExpr struct {
	l, r term
	op   string // "" for an existence test
	re   *regexp.Regexp
}

func (e cmpExpr) eval(cur, root *Node) bool {
	l := e.l.value(cur, root)
	if e.op == "" {
		if e.l.lit != nil {
			return !(l.Kind == Bool && !l.B) && l.Kind != Null
		}
		return l != nil
	}
	r := e.r.value(cur, root)
	if l == nil || r == nil {
		return false
	}
	if e.op == "=~" {
		if l.Kind != String || r.Kind != String {
			return false
		}
		re := e.re
		if re == nil {
			var err error
			if re, err = regexp.Compile(r.S); err != nil {
				return false
			}
		}
		return re.MatchString(l.S)
	}
	c, ok := compare(l, r)
	switch e.op {
	case "==":
		return ok && c == 0
	case "!=":
		return !ok || c != 0
	case "<":
		return ok && c < 0 && ordered(l)
	case "<=":
		return ok && c <= 0 && ordered(l)
	case ">":
		return ok && c > 0 && ordered(l)
	case ">=":
		return ok && c >= 0 && ordered(l)
	}
	return false
}

func ordered(n *Node) bool { return n.IsNumber() || n.Kind == String }

// compare orders two values of comparable kinds; ok is false otherwise.
func compare(a, b *Node) (int, bool) {
	switch {
	case a.IsNumber() && b.IsNumber():
		if a.Kind == Int && b.Kind == Int {
			return cmpOrdered(a.I, b.I), true
		}
		x, y := a.Float64(), b.Float64()
		if math.IsNaN(x) || math.IsNaN(y) {
			return 0, false
		}
		return cmpOrdered(x, y), true
	case a.Kind == String && b.Kind == String:
		return strings.Compare(a.S, b.S), true
	case a.Kind == Bool && b.Kind == Bool:
		if a.B == b.B {
			return 0, true
		}
		return 1, true
	case a.Kind == Null && b.Kind == Null:
		return 0, true
	case a.Kind == b.Kind && (a.Kind == Array || a.Kind == Object):
		if Equal(a, b) {
			return 0, true
		}
		return 1, true
	}
	return 0, false
}

func cmpOrdered[T int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (c *compiler) orExpr() (expr, error) {
	l, err := c.andExpr()
	if err != nil {
		return nil, err
	}
	for {
		c.ws()
		if !strings.HasPrefix(c.s[c.pos:], "||") {
			return l, nil
		}
		c.pos += 2
		r, err := c.andExpr()
		if err != nil {
			return nil, err
		}
		l = orExpr{l, r}
	}
}

func (c *compiler) andExpr() (expr, error) {
	l, err := c.atom()
	if err != nil {
		return nil, err
	}
	for {
		c.ws()
		if !strings.HasPrefix(c.s[c.pos:], "&&") {
			return l, nil
		}
		c.pos += 2
		r, err := c.atom()
		if err != nil {
			return nil, err
		}
		l = andExpr{l, r}
	}
}

var filterOps = []string{"==", "!=", "<=", ">=", "=~", "<", ">"}

func (c *compiler) atom() (expr, error) {
	c.ws()
	if c.peek() == '(' {
		c.pos++
		e, err := c.orExpr()
		if err != nil {
			return nil, err
		}
		c.ws()
		if c.peek() != ')' {
			return nil, c.fail("expected ')'")
		}
		c.pos++
		return e, nil
	}
	l, err := c.term()
	if err != nil {
		return nil, err
	}
	c.ws()
	for _, op := range filterOps {
		if strings.HasPrefix(c.s[c.pos:], op) {
			c.pos += len(op)
			c.ws()
			r, err := c.term()
			if err != nil {
				return nil, err
			}
			e := cmpExpr{l: l, r: r, op: op}
			if op == "=~" && r.lit != nil && r.lit.Kind == String {
				e.re, _ = regexp.Compile(r.lit.S) // an invalid pattern matches nothing
				if e.re == nil {
					e.re = regexp.MustCompile(`[^\x00-\x{10FFFF}]`)
				}
			}
			return e, nil
		}
	}
	return cmpExpr{l: l}, nil
}

func (c *compiler) term() (term, error) {
	switch ch := c.peek(); {
	case ch == '@' || ch == '$':
		c.pos++
		steps, err := c.segments(true)
		if err != nil {
			return term{}, err
		}
		return term{q: &Query{steps: steps}, fromAt: ch == '@'}, nil
	case ch == '\'' || ch == '"':
		s, err := c.quoted()
		if err != nil {
			return term{}, err
		}
		return term{lit: NewString(s)}, nil
	case ch == '-' || (ch >= '0' && ch <= '9'):
		start := c.pos
		c.pos++
		for c.pos < len(c.s) && strings.IndexByte("0123456789.eE+-", c.s[c.pos]) >= 0 {
			c.pos++
		}
		n, err := Parse([]byte(c.s[start:c.pos]))
		if err != nil {
			c.pos = start
			return term{}, c.fail("expected <number>")
		}
		return term{lit: n}, nil
	}
	for _, w := range []struct {
		s string
		n *Node
	}{{"true", NewBool(true)}, {"false", NewBool(false)}, {"null", NewNull()}} {
		if strings.HasPrefix(c.s[c.pos:], w.s) {
			c.pos += len(w.s)
			return term{lit: w.n}, nil
		}
	}
	return term{}, c.fail("expected one of the following: '@', '$', <number>, <string>, true, false, null")
}
