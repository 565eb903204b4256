package scripting

import (
	"math"
	"math/bits"

	lua "github.com/yuin/gopher-lua"
)

// luaNextOrder returns the keys of t in the order PUC Lua 5.1's lua_next
// visits them, which is the order Redis's cjson.encode writes an object's
// members in. gopher-lua stores tables differently (Go maps plus a slice of
// keys in insertion order), so the order is rebuilt by replaying the
// insertions into a model of Lua 5.1's hash part (ltable.c: main
// positions, collision chains, the lastfree pointer, rehash on a full
// table). Positive integer keys (gopher-lua's array part) come first in
// ascending order, as Lua's array part does.
//
// The model assumes the table grew from empty by assignments, as tables
// built by cjson.decode or by t.k = v do. A table constructor ({a=1, b=2})
// presizes the hash part instead; Lua then places colliding keys
// differently, so the order of such tables can still differ from Redis's
// when two of their keys collide.
func luaNextOrder(t *lua.LTable) []lua.LValue {
	var arr, hash []lua.LValue
	for k, _ := t.Next(lua.LNil); k != lua.LNil; k, _ = t.Next(k) {
		if n, ok := k.(lua.LNumber); ok && isArrayIndex(float64(n)) {
			arr = append(arr, k)
			continue
		}
		hash = append(hash, k)
	}
	if len(hash) < 2 {
		return append(arr, hash...)
	}
	var m lua51Hash
	for _, k := range hash {
		m.set(k)
	}
	out := arr
	for _, n := range m.nodes {
		if n.used {
			out = append(out, n.key)
		}
	}
	return out
}

func isArrayIndex(f float64) bool {
	return f >= 1 && f == math.Trunc(f) && f < math.MaxInt32
}

type lua51Node struct {
	key  lua.LValue
	used bool
	next int
}

// lua51Hash models the hash part of a Lua 5.1 table.
type lua51Hash struct {
	nodes    []lua51Node
	lastfree int
}

// keyHash is the hash Lua 5.1 computes for a key: luaS_hash for strings
// (no seed), the sum of the two 32-bit halves of a double for numbers.
func keyHash(k lua.LValue) (uint32, bool) {
	switch k := k.(type) {
	case lua.LString:
		s := string(k)
		l := len(s)
		h := uint32(l)
		step := (l >> 5) + 1
		for l1 := l; l1 >= step; l1 -= step {
			h ^= (h << 5) + (h >> 2) + uint32(s[l1-1])
		}
		return h, true
	case lua.LNumber:
		f := float64(k)
		if f == 0 {
			return 0, false
		}
		b := math.Float64bits(f)
		return uint32(b) + uint32(b>>32), false
	}
	return 0, true
}

func (m *lua51Hash) mainPosition(k lua.LValue) int {
	h, isStr := keyHash(k)
	size := len(m.nodes)
	if isStr {
		return int(h & uint32(size-1))
	}
	if n, ok := k.(lua.LNumber); ok && n == 0 {
		return 0
	}
	return int(h % uint32((size-1)|1))
}

func (m *lua51Hash) find(k lua.LValue) bool {
	if len(m.nodes) == 0 {
		return false
	}
	for i := m.mainPosition(k); i >= 0; i = m.nodes[i].next {
		if m.nodes[i].used && m.nodes[i].key == k {
			return true
		}
	}
	return false
}

func (m *lua51Hash) set(k lua.LValue) {
	if m.find(k) {
		return
	}
	if len(m.nodes) == 0 {
		m.rehash(k)
		return
	}
	mp := m.mainPosition(k)
	if m.nodes[mp].used {
		n := m.freePos()
		if n < 0 {
			m.rehash(k)
			return
		}
		other := m.mainPosition(m.nodes[mp].key)
		if other != mp {
			// The colliding node is out of its main position: move it.
			for m.nodes[other].next != mp {
				other = m.nodes[other].next
			}
			m.nodes[other].next = n
			m.nodes[n] = m.nodes[mp]
			m.nodes[mp] = lua51Node{next: -1}
		} else {
			m.nodes[n].next = m.nodes[mp].next
			m.nodes[mp].next = n
			mp = n
		}
	}
	m.nodes[mp].key = k
	m.nodes[mp].used = true
}

func (m *lua51Hash) freePos() int {
	for m.lastfree > 0 {
		m.lastfree--
		if !m.nodes[m.lastfree].used {
			return m.lastfree
		}
	}
	return -1
}

// rehash grows the table to fit its keys plus k (luaH_resize re-inserts
// the old nodes from the last to the first), then inserts k.
func (m *lua51Hash) rehash(k lua.LValue) {
	old := m.nodes
	total := 1
	for _, n := range old {
		if n.used {
			total++
		}
	}
	size := 1 << bits.Len(uint(total-1)) // luaO_ceillog2
	m.nodes = make([]lua51Node, size)
	for i := range m.nodes {
		m.nodes[i].next = -1
	}
	m.lastfree = size
	for i := len(old) - 1; i >= 0; i-- {
		if old[i].used {
			m.set(old[i].key)
		}
	}
	m.set(k)
}
