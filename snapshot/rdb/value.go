package rdb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/datastructs/hash"
	"github.com/aikv/aikv/datastructs/jsonval"
	"github.com/aikv/aikv/datastructs/list"
	"github.com/aikv/aikv/datastructs/set"
	"github.com/aikv/aikv/datastructs/zset"
)

// Value type bytes (rdb.h, Redis 7.2).
const (
	TypeString           = 0
	TypeList             = 1
	TypeSet              = 2
	TypeZSet             = 3
	TypeHash             = 4
	TypeZSet2            = 5
	TypeModulePreGA      = 6
	TypeModule2          = 7
	TypeHashZipmap       = 9
	TypeListZiplist      = 10
	TypeSetIntset        = 11
	TypeZSetZiplist      = 12
	TypeHashZiplist      = 13
	TypeListQuicklist    = 14
	TypeStreamListpacks  = 15
	TypeHashListpack     = 16
	TypeZSetListpack     = 17
	TypeListQuicklist2   = 18
	TypeStreamListpacks2 = 19
	TypeSetListpack      = 20
	TypeStreamListpacks3 = 21
)

// Quicklist 2 node containers.
const (
	containerPlain  = 1
	containerPacked = 2
)

// Object is one decoded value: a string (Val nil) or a collection.
type Object struct {
	Str string
	Val datastructs.Value
}

// UnsupportedError reports a value of a type AiKv cannot hold (streams,
// module types other than ReJSON-RL). The decoder has skipped its bytes,
// so a file reader can go on with the next key.
type UnsupportedError struct {
	// Kind is "stream" or "module <name>".
	Kind string
}

func (e *UnsupportedError) Error() string { return "rdb: unsupported value type: " + e.Kind }

// IsValueType reports whether b is a value type byte this package decodes
// (or knows how to skip).
func IsValueType(b byte) bool {
	return b <= TypeSetListpack+1 && b != 8 && b != TypeModulePreGA
}

// decodeValue reads a value of type t. Collections must not be empty and
// must not hold duplicates (as Redis checks when loading).
func (d *decoder) value(t byte) (Object, error) {
	obj, err := d.valueInner(t)
	if err == nil && d.err != nil {
		err = d.err
	}
	if err != nil {
		var ue *UnsupportedError
		if errors.As(err, &ue) && d.err == nil {
			return Object{}, err
		}
		if d.err == nil {
			d.err = err
		}
		return Object{}, d.err
	}
	return obj, nil
}

func (d *decoder) valueInner(t byte) (Object, error) {
	switch t {
	case TypeString:
		return Object{Str: d.str()}, nil
	case TypeList:
		n := d.count()
		l := list.New()
		for i := 0; i < n && d.err == nil; i++ {
			l.PushBack(d.str())
		}
		return listObject(l)
	case TypeListZiplist:
		es, err := ziplistEntries(d.stringBytes())
		if err != nil || d.err != nil {
			return Object{}, errOr(err, d.err)
		}
		l := list.New()
		for _, e := range es {
			l.PushBack(e)
		}
		return listObject(l)
	case TypeListQuicklist, TypeListQuicklist2:
		n := d.count()
		l := list.New()
		for i := 0; i < n && d.err == nil; i++ {
			container := uint64(containerPacked)
			if t == TypeListQuicklist2 {
				container, _ = d.length()
			}
			blob := d.stringBytes()
			if d.err != nil {
				break
			}
			var es []string
			var err error
			switch {
			case container == containerPlain:
				es = []string{string(blob)}
			case container != containerPacked:
				err = corrupt("quicklist container")
			case t == TypeListQuicklist:
				es, err = ziplistEntries(blob)
			default:
				es, err = listpackEntries(blob)
			}
			if err != nil {
				return Object{}, err
			}
			for _, e := range es {
				l.PushBack(e)
			}
		}
		return listObject(l)
	case TypeSet:
		n := d.count()
		s := set.New()
		for i := 0; i < n && d.err == nil; i++ {
			if !s.AddString(d.str()) && d.err == nil {
				return Object{}, corrupt("duplicate set member")
			}
		}
		return setObject(s)
	case TypeSetIntset:
		vs, err := intsetEntries(d.stringBytes())
		if err != nil || d.err != nil {
			return Object{}, errOr(err, d.err)
		}
		s := set.New()
		for _, v := range vs {
			if !s.AddString(strconv.FormatInt(v, 10)) {
				return Object{}, corrupt("duplicate intset member")
			}
		}
		return setObject(s)
	case TypeSetListpack:
		es, err := listpackEntries(d.stringBytes())
		if err != nil || d.err != nil {
			return Object{}, errOr(err, d.err)
		}
		s := set.New()
		for _, e := range es {
			if !s.AddString(e) {
				return Object{}, corrupt("duplicate set member")
			}
		}
		return setObject(s)
	case TypeZSet, TypeZSet2:
		n := d.count()
		z := zset.New()
		for i := 0; i < n && d.err == nil; i++ {
			m := d.str()
			var score float64
			if t == TypeZSet2 {
				score = d.binaryDouble()
			} else {
				score = d.textDouble()
			}
			if d.err != nil {
				break
			}
			if math.IsNaN(score) {
				return Object{}, corrupt("sorted set with a NaN score")
			}
			if !z.Set(m, score) {
				return Object{}, corrupt("duplicate sorted set member")
			}
		}
		return zsetObject(z)
	case TypeZSetZiplist, TypeZSetListpack:
		blob := d.stringBytes()
		if d.err != nil {
			return Object{}, d.err
		}
		var es []string
		var err error
		if t == TypeZSetZiplist {
			es, err = ziplistEntries(blob)
		} else {
			es, err = listpackEntries(blob)
		}
		if err != nil {
			return Object{}, err
		}
		if len(es)%2 != 0 {
			return Object{}, corrupt("sorted set with an odd number of entries")
		}
		z := zset.New()
		for i := 0; i < len(es); i += 2 {
			score, err := strconv.ParseFloat(es[i+1], 64)
			if err != nil || math.IsNaN(score) {
				return Object{}, corrupt("sorted set score")
			}
			if !z.Set(es[i], score) {
				return Object{}, corrupt("duplicate sorted set member")
			}
		}
		return zsetObject(z)
	case TypeHash:
		n := d.count()
		h := hash.New()
		for i := 0; i < n && d.err == nil; i++ {
			f := d.stringBytes()
			v := d.str()
			if d.err != nil {
				break
			}
			if !h.SetString(f, v) {
				return Object{}, corrupt("duplicate hash field")
			}
		}
		return hashObject(h)
	case TypeHashZipmap, TypeHashZiplist, TypeHashListpack:
		blob := d.stringBytes()
		if d.err != nil {
			return Object{}, d.err
		}
		var es []string
		var err error
		switch t {
		case TypeHashZipmap:
			es, err = zipmapEntries(blob)
		case TypeHashZiplist:
			es, err = ziplistEntries(blob)
		default:
			es, err = listpackEntries(blob)
		}
		if err != nil {
			return Object{}, err
		}
		if len(es)%2 != 0 {
			return Object{}, corrupt("hash with an odd number of entries")
		}
		h := hash.New()
		for i := 0; i < len(es); i += 2 {
			if !h.SetString([]byte(es[i]), es[i+1]) {
				return Object{}, corrupt("duplicate hash field")
			}
		}
		return hashObject(h)
	case TypeModule2:
		return d.module()
	case TypeStreamListpacks, TypeStreamListpacks2, TypeStreamListpacks3:
		d.skipStream(t)
		if d.err != nil {
			return Object{}, d.err
		}
		return Object{}, &UnsupportedError{Kind: "stream"}
	}
	return Object{}, corrupt(fmt.Sprintf("unknown value type %d", t))
}

func errOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

func listObject(l *list.List) (Object, error) {
	if l.Len() == 0 {
		return Object{}, errEmpty
	}
	return Object{Val: l}, nil
}

func setObject(s *set.Set) (Object, error) {
	if s.Len() == 0 {
		return Object{}, errEmpty
	}
	return Object{Val: s}, nil
}

func zsetObject(z *zset.ZSet) (Object, error) {
	if z.Len() == 0 {
		return Object{}, errEmpty
	}
	return Object{Val: z}, nil
}

func hashObject(h *hash.Hash) (Object, error) {
	if h.Len() == 0 {
		return Object{}, errEmpty
	}
	return Object{Val: h}, nil
}

// ErrEmptyKey is returned for an empty collection, which Redis never
// writes; file loading skips such keys as Redis does, RESTORE refuses them.
var ErrEmptyKey = errors.New("rdb: empty collection")

var errEmpty = ErrEmptyKey

// skipStream reads past a stream value (AiKv has no streams).
func (d *decoder) skipStream(t byte) {
	nodes := d.count()
	for i := 0; i < nodes && d.err == nil; i++ {
		d.stringBytes() // master ID
		d.stringBytes() // listpack
	}
	d.length() // length
	d.length() // last id ms
	d.length() // last id seq
	if t >= TypeStreamListpacks2 {
		d.length() // first id
		d.length()
		d.length() // max deleted id
		d.length()
		d.length() // entries added
	}
	groups := d.count()
	for i := 0; i < groups && d.err == nil; i++ {
		d.stringBytes() // name
		d.length()      // last id
		d.length()
		if t >= TypeStreamListpacks2 {
			d.length() // entries read
		}
		pel := d.count()
		for j := 0; j < pel && d.err == nil; j++ {
			d.bytes(16) // raw ID
			d.bytes(8)  // delivery time
			d.length()  // delivery count
		}
		consumers := d.count()
		for j := 0; j < consumers && d.err == nil; j++ {
			d.stringBytes() // name
			d.bytes(8)      // seen time
			if t >= TypeStreamListpacks3 {
				d.bytes(8) // active time
			}
			cpel := d.count()
			for k := 0; k < cpel && d.err == nil; k++ {
				d.bytes(16)
			}
		}
	}
}

// Module values (RDB_TYPE_MODULE_2): a 64-bit module type ID (9-character
// name and 10-bit encoding version), then opcode-tagged fields up to EOF.
const (
	moduleOpEOF    = 0
	moduleOpSInt   = 1
	moduleOpUInt   = 2
	moduleOpFloat  = 3
	moduleOpDouble = 4
	moduleOpString = 5
)

const moduleCharset = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// JSONModuleName is RedisJSON's module type name; AiKv's JSON documents
// are written as values of that type (encoding version 3: the document as
// one serialized string), so Redis with RedisJSON loads them.
const JSONModuleName = "ReJSON-RL"

const jsonEncVer = 3

// ModuleName returns the type name and encoding version in a module ID.
func ModuleName(id uint64) (string, int) {
	var b [9]byte
	for j := range b {
		b[j] = moduleCharset[(id>>(64-6*(j+1)))&63]
	}
	return string(b[:]), int(id & 1023)
}

// ModuleID encodes a 9-character type name and encoding version.
func ModuleID(name string, encver int) uint64 {
	var id uint64
	for j := 0; j < 9; j++ {
		var c byte
		if j < len(name) {
			c = name[j]
		}
		id = id<<6 | uint64(max(0, indexByte(moduleCharset, c)))
	}
	return id<<10 | uint64(encver&1023)
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

func (d *decoder) module() (Object, error) {
	id, enc := d.length()
	if enc {
		d.fail("module id")
	}
	name, encver := ModuleName(id)
	strs, others := d.skipModuleFields()
	if d.err != nil {
		return Object{}, d.err
	}
	if name == JSONModuleName && encver >= 2 && len(strs) == 1 && others == 0 {
		root, err := jsonval.Parse(strs[0])
		if err == nil {
			return Object{Val: &jsonval.Doc{Root: root}}, nil
		}
	}
	return Object{}, &UnsupportedError{Kind: "module " + name}
}

// skipModuleFields reads opcode-tagged module fields up to EOF, keeping
// the strings.
func (d *decoder) skipModuleFields() (strs [][]byte, others int) {
	for d.err == nil {
		op, _ := d.length()
		switch op {
		case moduleOpEOF:
			return
		case moduleOpSInt, moduleOpUInt:
			d.length()
		case moduleOpFloat:
			d.bytes(4)
		case moduleOpDouble:
			d.bytes(8)
		case moduleOpString:
			strs = append(strs, d.stringBytes())
			continue
		default:
			d.fail("module opcode")
			return
		}
		others++
	}
	return
}

// AppendValue appends e's type byte and value in the encoding Redis 7.0
// would use for it (DUMP, RDB files). JSON documents become RedisJSON
// module values.
func AppendValue(b []byte, e *datastructs.Entry) ([]byte, error) {
	if s, ok := e.Str(); ok {
		return AppendString(append(b, TypeString), s), nil
	}
	switch v := e.Obj().(type) {
	case *list.List:
		return appendList(b, v), nil
	case *hash.Hash:
		if v.Encoding() == "listpack" {
			lb := newListpack()
			v.Range(func(f, val string) bool {
				lb.append(f)
				lb.append(val)
				return true
			})
			return AppendString(append(b, TypeHashListpack), string(lb.bytes())), nil
		}
		b = append(b, TypeHash)
		b = AppendLength(b, uint64(v.Len()))
		v.Range(func(f, val string) bool {
			b = AppendString(AppendString(b, f), val)
			return true
		})
		return b, nil
	case *set.Set:
		if v.IsIntset() {
			return appendIntset(append(b, TypeSetIntset), v), nil
		}
		b = append(b, TypeSet)
		b = AppendLength(b, uint64(v.Len()))
		v.Range(func(m string) bool {
			b = AppendString(b, m)
			return true
		})
		return b, nil
	case *zset.ZSet:
		if v.IsListpack() {
			lb := newListpack()
			var tmp []byte
			v.Range(0, v.Len()-1, false, func(m string, score float64) bool {
				lb.append(m)
				tmp = appendD2String(tmp[:0], score)
				lb.append(string(tmp))
				return true
			})
			return AppendString(append(b, TypeZSetListpack), string(lb.bytes())), nil
		}
		b = append(b, TypeZSet2)
		b = AppendLength(b, uint64(v.Len()))
		// Like Redis, from the highest score down: loading then inserts at
		// the skiplist's head.
		v.Range(0, v.Len()-1, true, func(m string, score float64) bool {
			b = AppendString(b, m)
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(score))
			return true
		})
		return b, nil
	case *jsonval.Doc:
		b = append(b, TypeModule2)
		b = AppendLength(b, ModuleID(JSONModuleName, jsonEncVer))
		b = AppendLength(b, moduleOpString)
		b = AppendString(b, string(jsonval.Serialize(v.Root)))
		return AppendLength(b, moduleOpEOF), nil
	}
	return b, fmt.Errorf("rdb: cannot encode a %s value", e.Type())
}

// quicklistNodeBytes is list-max-listpack-size -2: 8 KB per node.
const quicklistNodeBytes = 8192

func appendList(b []byte, l *list.List) []byte {
	var nodes [][]byte
	lb := newListpack()
	l.Ascend(0, func(_ int, s string) bool {
		if lb.n > 0 && lb.size()+len(s)+11 > quicklistNodeBytes {
			nodes = append(nodes, lb.bytes())
			lb = newListpack()
		}
		lb.append(s)
		return true
	})
	if lb.n > 0 {
		nodes = append(nodes, lb.bytes())
	}
	b = append(b, TypeListQuicklist2)
	b = AppendLength(b, uint64(len(nodes)))
	for _, n := range nodes {
		b = AppendLength(b, containerPacked)
		b = AppendString(b, string(n))
	}
	return b
}

func appendIntset(b []byte, s *set.Set) []byte {
	vs := make([]int64, 0, s.Len())
	s.Range(func(m string) bool {
		v, _ := strconv.ParseInt(m, 10, 64)
		vs = append(vs, v)
		return true
	})
	slices.Sort(vs)
	enc := 2
	for _, v := range vs {
		if v < math.MinInt32 || v > math.MaxInt32 {
			enc = 8
			break
		}
		if v < math.MinInt16 || v > math.MaxInt16 {
			enc = 4
		}
	}
	blob := make([]byte, 8, 8+enc*len(vs))
	binary.LittleEndian.PutUint32(blob, uint32(enc))
	binary.LittleEndian.PutUint32(blob[4:], uint32(len(vs)))
	for _, v := range vs {
		switch enc {
		case 2:
			blob = binary.LittleEndian.AppendUint16(blob, uint16(v))
		case 4:
			blob = binary.LittleEndian.AppendUint32(blob, uint32(v))
		default:
			blob = binary.LittleEndian.AppendUint64(blob, uint64(v))
		}
	}
	return AppendString(b, string(blob))
}

// appendD2String formats a score like Redis 7.0.15's d2string, which is
// how a listpack sorted set stores scores: integral values within
// ±LLONG_MAX/2 as integers, otherwise %.17g.
func appendD2String(b []byte, f float64) []byte {
	const lim = float64(math.MaxInt64 / 2)
	switch {
	case f == 0 && math.Signbit(f):
		return append(b, "-0"...)
	case math.IsInf(f, 1):
		return append(b, "inf"...)
	case math.IsInf(f, -1):
		return append(b, "-inf"...)
	case f >= -lim && f <= lim && f == math.Trunc(f):
		return strconv.AppendInt(b, int64(f), 10)
	}
	return strconv.AppendFloat(b, f, 'g', 17, 64)
}
