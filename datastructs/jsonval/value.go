package jsonval

import (
	"math"

	"github.com/aikv/aikv/datastructs"
)

// Kind is the JSON type of a Node.
type Kind uint8

const (
	Null Kind = iota
	Bool
	Int   // int64
	Uint  // uint64 above math.MaxInt64
	Float // float64 (finite)
	String
	Array
	Object
)

// Node is one JSON value. Only the fields of its Kind are meaningful.
type Node struct {
	Kind Kind
	B    bool
	I    int64
	U    uint64
	F    float64
	S    string
	Arr  []*Node
	// Keys and Vals hold an object's members in order (see the package
	// doc for the order after removals); idx indexes Keys once the object
	// is large.
	Keys []string
	Vals []*Node
	idx  map[string]int
}

// indexThreshold is the object size from which lookups use a map.
const indexThreshold = 16

// NewNull and friends build leaf nodes.
func NewNull() *Node            { return &Node{Kind: Null} }
func NewBool(b bool) *Node      { return &Node{Kind: Bool, B: b} }
func NewInt(i int64) *Node      { return &Node{Kind: Int, I: i} }
func NewString(s string) *Node  { return &Node{Kind: String, S: s} }
func NewArray(v []*Node) *Node  { return &Node{Kind: Array, Arr: v} }
func NewObject() *Node          { return &Node{Kind: Object} }
func NewFloat(f float64) *Node  { return &Node{Kind: Float, F: f} }
func (n *Node) IsNumber() bool  { return n.Kind == Int || n.Kind == Uint || n.Kind == Float }
func (n *Node) IsInteger() bool { return n.Kind == Int || n.Kind == Uint }

// NewUint returns an integer node, stored as Int when it fits.
func NewUint(u uint64) *Node {
	if u <= math.MaxInt64 {
		return NewInt(int64(u))
	}
	return &Node{Kind: Uint, U: u}
}

// Float64 returns a number's value as a float64 (lossy for big integers).
func (n *Node) Float64() float64 {
	switch n.Kind {
	case Int:
		return float64(n.I)
	case Uint:
		return float64(n.U)
	}
	return n.F
}

// TypeName is the name JSON.TYPE replies with.
func (n *Node) TypeName() string {
	switch n.Kind {
	case Null:
		return "null"
	case Bool:
		return "boolean"
	case Int, Uint:
		return "integer"
	case Float:
		return "number"
	case String:
		return "string"
	case Array:
		return "array"
	}
	return "object"
}

// Len returns the number of members of an array or object.
func (n *Node) Len() int {
	if n.Kind == Array {
		return len(n.Arr)
	}
	return len(n.Keys)
}

// Get returns an object's member, or nil.
func (n *Node) Get(key string) *Node {
	if i := n.find(key); i >= 0 {
		return n.Vals[i]
	}
	return nil
}

func (n *Node) find(key string) int {
	if n.idx != nil {
		if i, ok := n.idx[key]; ok {
			return i
		}
		return -1
	}
	for i, k := range n.Keys {
		if k == key {
			return i
		}
	}
	return -1
}

// Set stores an object member: an existing key keeps its position, a new
// one goes last.
func (n *Node) Set(key string, v *Node) {
	if i := n.find(key); i >= 0 {
		n.Vals[i] = v
		return
	}
	n.Keys = append(n.Keys, key)
	n.Vals = append(n.Vals, v)
	if n.idx != nil {
		n.idx[key] = len(n.Keys) - 1
	} else if len(n.Keys) > indexThreshold {
		n.idx = make(map[string]int, len(n.Keys))
		for i, k := range n.Keys {
			n.idx[k] = i
		}
	}
}

// Remove deletes an object member, moving the last member into its place
// (ijson's swap_remove, visible in RedisJSON's replies). It reports
// whether the key existed.
func (n *Node) Remove(key string) bool {
	i := n.find(key)
	if i < 0 {
		return false
	}
	last := len(n.Keys) - 1
	if n.idx != nil {
		delete(n.idx, key)
		if i != last {
			n.idx[n.Keys[last]] = i
		}
	}
	n.Keys[i], n.Vals[i] = n.Keys[last], n.Vals[last]
	n.Keys[last], n.Vals[last] = "", nil
	n.Keys, n.Vals = n.Keys[:last], n.Vals[:last]
	return true
}

// Clone returns a deep copy.
func (n *Node) Clone() *Node {
	c := &Node{Kind: n.Kind, B: n.B, I: n.I, U: n.U, F: n.F, S: n.S}
	switch n.Kind {
	case Array:
		c.Arr = make([]*Node, len(n.Arr))
		for i, v := range n.Arr {
			c.Arr[i] = v.Clone()
		}
	case Object:
		c.Keys = append([]string(nil), n.Keys...)
		c.Vals = make([]*Node, len(n.Vals))
		for i, v := range n.Vals {
			c.Vals[i] = v.Clone()
		}
		if n.idx != nil {
			c.idx = make(map[string]int, len(n.idx))
			for k, i := range n.idx {
				c.idx[k] = i
			}
		}
	}
	return c
}

// Equal is RedisJSON's is_equal (JSON.ARRINDEX): same kinds and values;
// an integer never equals a float, even 1 and 1.0.
func Equal(a, b *Node) bool {
	ai, bi := a.IsInteger(), b.IsInteger()
	if ai && bi {
		return a.Kind == b.Kind && a.I == b.I && a.U == b.U
	}
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case Null:
		return true
	case Bool:
		return a.B == b.B
	case Float:
		return a.F == b.F
	case String:
		return a.S == b.S
	case Array:
		if len(a.Arr) != len(b.Arr) {
			return false
		}
		for i := range a.Arr {
			if !Equal(a.Arr[i], b.Arr[i]) {
				return false
			}
		}
		return true
	case Object:
		if len(a.Keys) != len(b.Keys) {
			return false
		}
		for i, k := range a.Keys {
			bv := b.Get(k)
			if bv == nil || !Equal(a.Vals[i], bv) {
				return false
			}
		}
		return true
	}
	return false
}

// Memory estimates the bytes a node occupies, following RedisJSON's
// get_memory_occupied for its ijson representation (JSON.DEBUG MEMORY):
// 8 bytes per value, plus 16 for floats and large integers, 4 for
// integers outside [-128, 383] that fit in 24 bits, the string bytes,
// and for non-empty arrays and objects their table (ijson reserves at
// least 4 slots, then doubles).
func Memory(n *Node) int64 {
	size := int64(8)
	switch n.Kind {
	case Float, Uint:
		size += 16
	case Int:
		switch {
		case n.I >= -128 && n.I <= 383:
		case n.I > -8388608 && n.I <= 8388607:
			size += 4
		default:
			size += 16
		}
	case String:
		size += int64(len(n.S))
	case Array:
		if c := capacity(len(n.Arr)); c > 0 {
			size += int64(8 * (c + 2))
			for _, v := range n.Arr {
				size += Memory(v)
			}
		}
	case Object:
		if c := capacity(len(n.Keys)); c > 0 {
			size += int64(8 * (c*3 + 2))
			for i, k := range n.Keys {
				size += int64(len(k)) + Memory(n.Vals[i])
			}
		}
	}
	return size
}

func capacity(n int) int {
	if n == 0 {
		return 0
	}
	c := 4
	for c < n {
		c *= 2
	}
	return c
}

// Doc is a JSON document stored under a key.
//
// Its size (Memory of Root) is cached for the keyspace's memory
// accounting, which asks for it after every change: the mutators below
// keep the cache exact by adding the change of the part they touch, so a
// one-field write to a large document costs O(field), not O(document).
// Code that changes Root's tree by other means must call SetRoot (or
// Update) so the cache is recomputed.
type Doc struct {
	Root *Node
	// size is Memory(Root) when known is set.
	size  int64
	known bool
}

// SetRoot replaces the whole document.
func (d *Doc) SetRoot(n *Node) { d.Root, d.known = n, false }

// Update runs fn, which changes the subtree at n in place (n stays where
// it is: its parent is not touched), and accounts for the change.
func (d *Doc) Update(n *Node, fn func()) {
	if !d.known {
		fn()
		return
	}
	before := Memory(n)
	fn()
	d.size += Memory(n) - before
}

// Replace stores v at a location (not the root); it reports whether the
// location existed.
func (d *Doc) Replace(path []Seg, v *Node) bool {
	old, parent := Resolve(d.Root, path)
	if old == nil || parent == nil {
		return false
	}
	if d.known && old != v {
		d.size += Memory(v) - Memory(old)
	}
	return Replace(d.Root, path, v)
}

// Delete removes the value at a location (not the root).
func (d *Doc) Delete(path []Seg) bool {
	old, parent := Resolve(d.Root, path)
	if old == nil || parent == nil {
		return false
	}
	before := overhead(parent)
	if !Delete(d.Root, path) {
		return false
	}
	d.size += overhead(parent) - before - Memory(old) - memberKey(parent, path[len(path)-1])
	return true
}

// SetMember stores v as member key of obj, an object of the document.
func (d *Doc) SetMember(obj *Node, key string, v *Node) {
	if old := obj.Get(key); old != nil {
		if old != v {
			d.size += Memory(v) - Memory(old)
		}
		obj.Set(key, v)
		return
	}
	before := overhead(obj)
	obj.Set(key, v)
	d.size += overhead(obj) - before + int64(len(key)) + Memory(v)
}

// Merge applies an RFC 7386 merge patch at a location (the root when path
// is empty) and reports whether the location existed.
func (d *Doc) Merge(path []Seg, patch *Node) bool {
	if len(path) == 0 {
		root, delta := mergePatch(d.Root, patch)
		d.Root = root
		d.size += delta
		return true
	}
	cur, parent := Resolve(d.Root, path)
	if cur == nil || parent == nil {
		return false
	}
	res, delta := mergePatch(cur, patch)
	d.size += delta
	if res != cur {
		Replace(d.Root, path, res)
	}
	return true
}

// mergePatch applies patch to target (nil when absent) and returns the
// result, which may be target changed in place, and the change of Memory
// from target to it.
func mergePatch(target, patch *Node) (*Node, int64) {
	if patch.Kind != Object {
		return patch, Memory(patch) - memoryOrZero(target)
	}
	var delta int64
	if target == nil || target.Kind != Object {
		delta -= memoryOrZero(target)
		target = NewObject()
		delta += Memory(target)
	}
	for i, k := range patch.Keys {
		v := patch.Vals[i]
		old := target.Get(k)
		before := overhead(target)
		if v.Kind == Null {
			if old != nil {
				target.Remove(k)
				delta += overhead(target) - before - Memory(old) - int64(len(k))
			}
			continue
		}
		res, d := mergePatch(old, v)
		target.Set(k, res)
		delta += d
		if old == nil {
			delta += overhead(target) - before + int64(len(k))
		}
	}
	return target, delta
}

func memoryOrZero(n *Node) int64 {
	if n == nil {
		return 0
	}
	return Memory(n)
}

// overhead is the part of Memory(n) for n's own table (0 for scalars and
// empty containers).
func overhead(n *Node) int64 {
	switch n.Kind {
	case Array:
		if c := capacity(len(n.Arr)); c > 0 {
			return int64(8 * (c + 2))
		}
	case Object:
		if c := capacity(len(n.Keys)); c > 0 {
			return int64(8 * (c*3 + 2))
		}
	}
	return 0
}

// memberKey is what a member's key adds to its object's Memory (0 for an
// array element).
func memberKey(parent *Node, s Seg) int64 {
	if parent.Kind == Object && !s.IsIndex {
		return int64(len(s.Key))
	}
	return 0
}

// Type implements datastructs.Value.
func (d *Doc) Type() datastructs.Type { return datastructs.TypeJSON }

// Encoding implements datastructs.Encoder: module values report "raw".
func (d *Doc) Encoding() string { return "raw" }

// Copy implements datastructs.Copier with a deep copy.
func (d *Doc) Copy() datastructs.Value { return &Doc{Root: d.Root.Clone()} }

// MemoryUsage is the document's size for MEMORY USAGE (RedisJSON's
// mem_usage callback).
func (d *Doc) MemoryUsage() int64 { return Memory(d.Root) }

// Size implements datastructs.Sizer with the MEMORY USAGE estimate: the
// cached size, measured once (O(document)) after the document was built
// or replaced and then kept up to date by the mutators.
func (d *Doc) Size() int64 {
	if !d.known {
		d.size, d.known = Memory(d.Root), true
	}
	return d.size
}
