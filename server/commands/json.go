package commands

import (
	"math"
	"slices"
	"strings"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/datastructs/jsonval"
	"github.com/aikv/aikv/server/command"
)

// The RedisJSON 2.x command set on jsonval documents.
//
// Logging: every JSON command is deterministic given the document it
// acts on (no clock, no randomness; float arithmetic is IEEE and the same
// on replay), so write commands are logged verbatim and need no
// Propagate call.
//
// Replies follow RedisJSON: a JSONPath ("$...") acts on every match and
// answers with an array (null where the command does not apply); a legacy
// path acts on the matches but answers for one, with RedisJSON's legacy
// errors.

func registerJSON(t *command.Table) {
	spec := func(name string, arity int, flags command.Flags, summary, since string, h command.Handler) *command.Spec {
		acl := []string{"read", "json"}
		if flags.Has(command.Write) {
			acl = []string{"write", "json"}
		}
		return &command.Spec{Name: name, Arity: arity, Flags: flags, FirstKey: 1, LastKey: 1, Step: 1,
			ACL: acl, Group: "json", Summary: summary, Since: since, Handler: h}
	}
	w, wd, r := command.Write, command.Write|command.DenyOOM, command.ReadOnly
	mget := spec("json.mget", -3, r, "Return the values at path from multiple key arguments", "1.0.0", jsonMGet)
	mget.LastKey = -2
	mset := spec("json.mset", -4, wd, "Set or update one or more JSON values according to the specified key-path-value triplets", "2.6.0", jsonMSet)
	mset.LastKey, mset.Step = -1, 3
	debug := spec("json.debug", -2, r, "This is a container command for debugging related tasks", "1.0.0", jsonDebug)
	debug.FirstKey, debug.LastKey, debug.Step = 0, 0, 0
	t.Add(
		spec("json.get", -2, r, "Get JSON value at path", "1.0.0", jsonGet),
		spec("json.set", -4, wd, "Set the JSON value at path in key", "1.0.0", jsonSet),
		spec("json.merge", -4, wd, "Merge a given JSON value into matching paths", "2.6.0", jsonMerge),
		mset, mget, debug,
		spec("json.del", -2, w, "Delete a value", "1.0.0", jsonDel),
		spec("json.forget", -2, w, "Delete a value", "1.0.0", jsonDel),
		spec("json.type", -2, r, "Report the type of JSON value at path", "1.0.0", jsonType),
		spec("json.numincrby", 4, w, "Increment the number value stored at path by number", "1.0.0", jsonNumOp),
		spec("json.nummultby", 4, w, "Multiply the number value stored at path by number", "1.0.0", jsonNumOp),
		spec("json.numpowby", 4, w, "Raise the number value stored at path to the power of number", "1.0.0", jsonNumOp),
		spec("json.toggle", 3, w, "Toggle the boolean value stored at path", "2.0.0", jsonToggle),
		spec("json.strappend", -3, wd, "Append the json-string values to the string at path", "1.0.0", jsonStrAppend),
		spec("json.strlen", -2, r, "Report the length of the JSON String at path in key", "1.0.0", jsonStrLen),
		spec("json.arrappend", -3, wd, "Append the JSON values into the array at path after the last element in it", "1.0.0", jsonArrAppend),
		spec("json.arrindex", -4, r, "Search for the first occurrence of a JSON value in an array", "1.0.0", jsonArrIndex),
		spec("json.arrinsert", -5, wd, "Insert the json values into the array at path before the index (shifts to the right)", "1.0.0", jsonArrInsert),
		spec("json.arrlen", -2, r, "Report the length of the JSON array at path in key", "1.0.0", jsonArrLen),
		spec("json.arrpop", -2, w, "Remove and return the element at the specified index in the array at path", "1.0.0", jsonArrPop),
		spec("json.arrtrim", 5, w, "Trim an array so that it contains only the specified inclusive range of elements", "1.0.0", jsonArrTrim),
		spec("json.objkeys", -2, r, "Return the keys in the object that's referenced by path", "1.0.0", jsonObjKeys),
		spec("json.objlen", -2, r, "Report the number of keys in the JSON object at path in key", "1.0.0", jsonObjLen),
		spec("json.clear", -2, w, "Clear container values (arrays/objects) and set numeric values to 0", "2.0.0", jsonClear),
		spec("json.resp", -2, r, "Return the JSON in key in Redis serialization protocol specification form", "1.0.0", jsonResp),
	)
}

// jsonWrongArity is a module's RedisModule_WrongArity: unlike the table's
// arity check it names the command as the client typed it.
func jsonWrongArity(c *command.Context) {
	c.W.Error("ERR wrong number of arguments for '" + string(c.Args[0]) + "' command")
}

// jsonChanged records an in-place change of the document at key and
// sends RedisJSON's keyspace event (class d, module events: "json.set",
// "json.del", "json.numincrby"...).
func jsonChanged(c *command.Context, key []byte, event string) {
	c.DB.Modified(key)
	c.Notify(command.NotifyModule, event, key)
}

// jsonCreated stores a new document at key and sends the event.
func jsonCreated(c *command.Context, key []byte, root *jsonval.Node, event string) {
	c.DB.SetValue(key, &jsonval.Doc{Root: root}, 0, false)
	c.Notify(command.NotifyModule, event, key)
}

// jsonInPlace runs fn, an in-place change of n, one of the matches ms of a
// path in doc, keeping the document's size exact. With one match the
// change of n's subtree is added; with several, the size is measured
// again once (lazily) instead of per match, which would cost a walk of
// each matched subtree (CLEAR $..*).
func jsonInPlace(doc *jsonval.Doc, ms []jsonval.Match, n *jsonval.Node, fn func()) {
	if len(ms) == 1 {
		doc.Update(n, fn)
		return
	}
	fn()
	doc.SetRoot(doc.Root)
}

func isJSONArray(n *jsonval.Node) bool { return n.Kind == jsonval.Array }

// jsonLookup returns the document at key. A missing key gives
// found=false; a key of another type replies RedisJSON's "Existing key has
// wrong Redis type" (redis-module-rs verify_type) and gives ok=false.
func jsonLookup(c *command.Context, key []byte, write bool) (doc *jsonval.Doc, found, ok bool) {
	return lookupTypedOr[*jsonval.Doc](c, key, write, command.ErrJSONWrongRedisType)
}

// jsonFind compiles p and returns its matches in doc; ok is false when the
// compile error was sent.
func jsonFind(c *command.Context, root *jsonval.Node, p jsonval.Path) ([]jsonval.Match, bool) {
	q, err := jsonval.Compile(p.Text)
	if err != nil {
		c.W.Error(err.Error())
		return nil, false
	}
	return q.Find(root), true
}

// jsonParse parses a JSON argument, replying with serde_json's error.
func jsonParse(c *command.Context, b []byte) (*jsonval.Node, bool) {
	n, err := jsonval.Parse(b)
	if err != nil {
		c.W.Error(err.Error())
		return nil, false
	}
	return n, true
}

// jsonPathArg returns the optional path at index i (the legacy root when
// absent).
func jsonPathArg(c *command.Context, i int) jsonval.Path {
	if i < len(c.Args) {
		return jsonval.NewPath(string(c.Args[i]))
	}
	return jsonval.NewPath(".")
}

// jsonInt parses an integer argument like redis-module-rs's parse_integer.
func jsonInt(c *command.Context, b []byte) (int64, bool) {
	n, ok := parseInt(b)
	if !ok {
		c.W.Error(command.ErrJSONParseInt)
	}
	return n, ok
}

func jsonBulk(c *command.Context, n *jsonval.Node, f *jsonval.Format) {
	c.W.Bulk(jsonval.Append(nil, n, f))
}

// jsonList serializes matches as one JSON array.
func jsonList(ms []jsonval.Match) *jsonval.Node {
	arr := jsonval.NewArray(make([]*jsonval.Node, len(ms)))
	for i, m := range ms {
		arr.Arr[i] = m.Node
	}
	return arr
}

// optInts writes an array of integers where nil entries are nulls.
func optInts(c *command.Context, vals []*int64) {
	c.W.Array(len(vals))
	for _, v := range vals {
		if v == nil {
			c.W.Null()
		} else {
			c.W.Int(*v)
		}
	}
}

func i64p(n int) *int64 { v := int64(n); return &v }

func jsonGet(c *command.Context) {
	var paths []jsonval.Path
	var f jsonval.Format
	args := c.Args[2:]
	for i := 0; i < len(args); i++ {
		a := args[i]
		if len(a) > 8 {
			paths = append(paths, jsonval.NewPath(string(a)))
			continue
		}
		next := func() (string, bool) {
			if i+1 >= len(args) {
				jsonWrongArity(c)
				return "", false
			}
			i++
			return string(args[i]), true
		}
		var ok bool
		switch {
		case eq(a, "indent"):
			if f.Indent, ok = next(); !ok {
				return
			}
		case eq(a, "newline"):
			if f.Newline, ok = next(); !ok {
				return
			}
		case eq(a, "space"):
			if f.Space, ok = next(); !ok {
				return
			}
		case eq(a, "noescape"):
			// Accepted and ignored, as RedisJSON does (ReJSON 1.0 option).
		case eq(a, "format"):
			if c.W.Proto() < 3 && len(paths) == 0 {
				c.W.Error(command.ErrJSONFormatRESP2)
				return
			}
			v, ok := next()
			if !ok {
				return
			}
			if !strings.EqualFold(v, "STRING") {
				// EXPAND/EXPAND1 (RESP3 native replies) are not implemented.
				c.W.Error(command.ErrJSONReplyFormat)
				return
			}
		default:
			paths = append(paths, jsonval.NewPath(string(a)))
		}
	}
	doc, found, ok := jsonLookup(c, c.Args[1], false)
	if !ok {
		return
	}
	if !found {
		c.W.Null()
		return
	}
	if len(paths) == 0 {
		paths = append(paths, jsonval.NewPath("."))
	}
	legacy := true
	for _, p := range paths {
		legacy = legacy && p.Legacy
	}
	if len(paths) == 1 {
		ms, ok := jsonFind(c, doc.Root, paths[0])
		if !ok {
			return
		}
		if legacy {
			if len(ms) == 0 {
				c.W.Error(command.JSONPathMissing(paths[0].Text))
				return
			}
			jsonBulk(c, ms[0].Node, &f)
			return
		}
		jsonBulk(c, jsonList(ms), &f)
		return
	}
	// Several paths: an object from each path (as sent) to its value.
	// RedisJSON builds it in a hash map, so its key order is arbitrary;
	// ours is the order of the arguments. Paths that do not compile are
	// left out, as RedisJSON does.
	out := jsonval.NewObject()
	for _, p := range paths {
		q, err := jsonval.Compile(p.Text)
		if err != nil {
			continue
		}
		ms := q.Find(doc.Root)
		if legacy {
			if len(ms) == 0 {
				c.W.Error(command.JSONPathMissing(p.Original))
				return
			}
			out.Set(p.Original, ms[0].Node)
		} else {
			out.Set(p.Original, jsonList(ms))
		}
	}
	jsonBulk(c, out, &f)
}

func jsonMGet(c *command.Context) {
	p := jsonval.NewPath(string(c.Args[len(c.Args)-1]))
	q, qerr := jsonval.Compile(p.Text)
	keys := c.Args[1 : len(c.Args)-1]
	c.W.Array(len(keys))
	for _, k := range keys {
		e := c.DB.Lookup(k)
		var doc *jsonval.Doc
		if e != nil {
			doc, _ = e.Obj().(*jsonval.Doc)
		}
		// A missing key, a key of another type or a bad path give null.
		if doc == nil || qerr != nil {
			c.W.Null()
			continue
		}
		ms := q.Find(doc.Root)
		if !p.Legacy {
			jsonBulk(c, jsonList(ms), nil)
		} else if len(ms) == 0 {
			c.W.Null()
		} else {
			jsonBulk(c, ms[0].Node, nil)
		}
	}
}

// jsonUpdate is one place JSON.SET/MERGE/MSET writes: an existing
// location (replace) or a new member key of the object at path (add).
type jsonUpdate struct {
	path []jsonval.Seg
	add  bool
	key  string
}

type setMode uint8

const (
	setAny setMode = iota
	setNX
	setXX
	setMerge
)

// jsonFindUpdates is RedisJSON's find_paths: existing matches (unless NX),
// else (unless XX) the member a static path would create. The error is
// the reply text.
func jsonFindUpdates(root *jsonval.Node, p jsonval.Path, mode setMode) ([]jsonUpdate, string) {
	q, err := jsonval.Compile(p.Text)
	if err != nil {
		return nil, err.Error()
	}
	if mode != setNX {
		if ms := q.Find(root); len(ms) > 0 {
			ups := make([]jsonUpdate, len(ms))
			for i, m := range ms {
				ups[i] = jsonUpdate{path: m.Path}
			}
			return ups, ""
		}
	}
	if mode == setXX {
		return nil, ""
	}
	if !q.Static() {
		return nil, command.ErrJSONWrongStatic
	}
	if q.Len() < 1 {
		return nil, command.ErrJSONPathEnd
	}
	parent, key, isKey := q.Parent()
	if !isKey {
		// An index past the end, or NX on an element that exists.
		if len(q.Find(root)) == 0 {
			return nil, command.ErrJSONIndexRange
		}
		return nil, ""
	}
	var ups []jsonUpdate
	for _, m := range parent.Find(root) {
		ups = append(ups, jsonUpdate{path: m.Path, add: true, key: key})
	}
	return ups, ""
}

// jsonApply performs updates with v (cloned for all but the last) and
// reports whether anything changed. merge selects RFC 7386 merging.
func jsonApply(doc *jsonval.Doc, ups []jsonUpdate, v *jsonval.Node, merge bool) bool {
	changed := false
	for i, u := range ups {
		val := v
		if i < len(ups)-1 {
			val = v.Clone()
		}
		if u.add {
			parent, _ := jsonval.Resolve(doc.Root, u.path)
			if parent != nil && parent.Kind == jsonval.Object && parent.Get(u.key) == nil {
				doc.SetMember(parent, u.key, val)
				changed = true
			}
			continue
		}
		if len(u.path) == 0 {
			if merge {
				doc.Merge(nil, val)
			} else {
				doc.SetRoot(val)
			}
			changed = true
			continue
		}
		if merge {
			// A null patch at a matched location sets it to null: RFC
			// 7386 deletes only object members named inside the patch.
			// RedisJSON's merge_value (ivalue_manager.rs) does the same,
			// although older command docs showed JSON.MERGE doc $.a null
			// deleting "a" (the docs now use $ '{"a":null}').
			changed = doc.Merge(u.path, val) || changed
			continue
		}
		changed = doc.Replace(u.path, val) || changed
	}
	return changed
}

func jsonSet(c *command.Context) {
	p := jsonval.NewPath(string(c.Args[2]))
	mode := setAny
	for i := 4; i < len(c.Args); i++ {
		a := c.Args[i]
		switch {
		case eq(a, "nx") && mode == setAny:
			mode = setNX
		case eq(a, "xx") && mode == setAny:
			mode = setXX
		case eq(a, "format"):
			if i+1 >= len(c.Args) {
				jsonWrongArity(c)
				return
			}
			i++
			if f := string(c.Args[i]); f != "JSON" && f != "STRING" {
				// BSON input is not supported.
				c.W.Error(command.ErrJSONWrongFormat)
				return
			}
		default:
			c.W.Error(command.ErrSyntax)
			return
		}
	}
	doc, found, ok := jsonLookup(c, c.Args[1], true)
	if !ok {
		return
	}
	val, ok := jsonParse(c, c.Args[3])
	if !ok {
		return
	}
	if !found {
		switch {
		case mode == setXX:
			c.W.Null()
		case p.IsRoot():
			jsonCreated(c, c.Args[1], val, "json.set")
			c.W.OK()
		default:
			c.W.Error(command.ErrJSONNewAtRoot)
		}
		return
	}
	if p.IsRoot() {
		if mode == setNX {
			c.W.Null()
			return
		}
		doc.SetRoot(val)
		jsonChanged(c, c.Args[1], "json.set")
		c.W.OK()
		return
	}
	ups, errText := jsonFindUpdates(doc.Root, p, mode)
	if errText != "" {
		c.W.Error(errText)
		return
	}
	if len(ups) == 0 || !jsonApply(doc, ups, val, false) {
		c.W.Null()
		return
	}
	jsonChanged(c, c.Args[1], "json.set")
	c.W.OK()
}

func jsonMerge(c *command.Context) {
	p := jsonval.NewPath(string(c.Args[2]))
	for i := 4; i < len(c.Args); i++ {
		if !eq(c.Args[i], "format") {
			c.W.Error(command.ErrSyntax)
			return
		}
		if i+1 >= len(c.Args) {
			jsonWrongArity(c)
			return
		}
		i++
		if f := string(c.Args[i]); f != "JSON" && f != "STRING" {
			c.W.Error(command.ErrJSONWrongFormat)
			return
		}
	}
	doc, found, ok := jsonLookup(c, c.Args[1], true)
	if !ok {
		return
	}
	val, ok := jsonParse(c, c.Args[3])
	if !ok {
		return
	}
	if !found {
		if !p.IsRoot() {
			c.W.Error(command.ErrJSONNewAtRoot)
			return
		}
		jsonCreated(c, c.Args[1], val, "json.merge")
		c.W.OK()
		return
	}
	var ups []jsonUpdate
	if p.IsRoot() {
		ups = []jsonUpdate{{}}
	} else {
		var errText string
		if ups, errText = jsonFindUpdates(doc.Root, p, setMerge); errText != "" {
			c.W.Error(errText)
			return
		}
	}
	if len(ups) == 0 || !jsonApply(doc, ups, val, true) {
		c.W.Null()
		return
	}
	jsonChanged(c, c.Args[1], "json.merge")
	c.W.OK()
}

func jsonMSet(c *command.Context) {
	type action struct {
		key  []byte
		doc  *jsonval.Doc // nil: create
		ups  []jsonUpdate // nil with root
		root bool
		val  *jsonval.Node
	}
	var actions []action
	// Everything is checked before anything is written, as RedisJSON does,
	// triplet by triplet in its order: the key's type, then the path, then
	// the value (a missing path or value is a wrong arity error there).
	for i := 1; i < len(c.Args); i += 3 {
		doc, found, ok := jsonLookup(c, c.Args[i], true)
		if !ok {
			return
		}
		if i+1 >= len(c.Args) {
			jsonWrongArity(c)
			return
		}
		a := action{key: c.Args[i]}
		p := jsonval.NewPath(string(c.Args[i+1]))
		switch {
		case p.IsRoot():
			a.root = true
		case found:
			ups, errText := jsonFindUpdates(doc.Root, p, setAny)
			if errText != "" {
				c.W.Error(errText)
				return
			}
			a.ups = ups
		default:
			c.W.Error(command.ErrJSONNewAtRoot)
			return
		}
		if found {
			a.doc = doc
		}
		if i+2 >= len(c.Args) {
			jsonWrongArity(c)
			return
		}
		val, ok := jsonParse(c, c.Args[i+2])
		if !ok {
			return
		}
		a.val = val
		actions = append(actions, a)
	}
	for _, a := range actions {
		if a.root {
			if e := c.DB.LookupWrite(a.key); e != nil {
				if d, ok := e.Obj().(*jsonval.Doc); ok {
					d.SetRoot(a.val)
					jsonChanged(c, a.key, "json.mset")
					continue
				}
			}
			jsonCreated(c, a.key, a.val, "json.mset")
			continue
		}
		if len(a.ups) > 0 && jsonApply(a.doc, a.ups, a.val, false) {
			jsonChanged(c, a.key, "json.mset")
		}
	}
	c.W.OK()
}

func jsonDel(c *command.Context) {
	// Arguments after the path are ignored, as RedisJSON's json_del does
	// (test_multi.py testErrorMessage: JSON.DEL doc_none $.object '"abc"' is 0).
	p := jsonPathArg(c, 2)
	doc, found, ok := jsonLookup(c, c.Args[1], true)
	if !ok {
		return
	}
	if !found {
		c.W.Int(0)
		return
	}
	if p.IsRoot() {
		// RedisModule_DeleteKey sends no "del" of its own.
		c.DB.Delete(c.Args[1])
		c.Notify(command.NotifyModule, "json.del", c.Args[1])
		c.W.Int(1)
		return
	}
	ms, ok := jsonFind(c, doc.Root, p)
	if !ok {
		return
	}
	deleted := 0
	for _, path := range jsonSortForDelete(ms) {
		if len(path) == 0 {
			continue
		}
		if doc.Delete(path) {
			deleted++
		}
	}
	if deleted > 0 {
		jsonChanged(c, c.Args[1], "json.del")
	}
	c.W.Int(int64(deleted))
}

func jsonType(c *command.Context) {
	p := jsonPathArg(c, 2)
	doc, found, ok := jsonLookup(c, c.Args[1], false)
	if !ok {
		return
	}
	// A legacy path answers the first match's type, and null for no match
	// or a path that does not compile; a JSONPath that does not compile is
	// an error (json_type_impl's get_values(path)?), sent as is: RedisJSON
	// wraps only the successful reply in an array on RESP3.
	var ms []jsonval.Match
	if found {
		q, err := jsonval.Compile(p.Text)
		switch {
		case err == nil:
			ms = q.Find(doc.Root)
		case !p.Legacy:
			c.W.Error(err.Error())
			return
		}
	}
	if c.W.Proto() >= 3 {
		c.W.Array(1)
	}
	switch {
	case !found:
		c.W.Null()
	case p.Legacy && len(ms) == 0:
		c.W.Null()
	case p.Legacy:
		c.W.BulkString(ms[0].Node.TypeName())
	default:
		c.W.Array(len(ms))
		for _, m := range ms {
			c.W.BulkString(m.Node.TypeName())
		}
	}
}

// jsonWriteDoc finds the document for a write command that needs the key
// to exist, replying with RedisJSON's error when it does not.
func jsonWriteDoc(c *command.Context) (*jsonval.Doc, bool) {
	doc, found, ok := jsonLookup(c, c.Args[1], true)
	if !ok {
		return nil, false
	}
	if !found {
		c.W.Error(command.ErrJSONNoKey)
		return nil, false
	}
	return doc, true
}

func jsonNumOp(c *command.Context) {
	p := jsonval.NewPath(string(c.Args[2]))
	doc, ok := jsonWriteDoc(c)
	if !ok {
		return
	}
	ms, ok := jsonFind(c, doc.Root, p)
	if !ok {
		return
	}
	var in *jsonval.Node
	results := make([]*jsonval.Node, len(ms))
	changed := false
	for i, m := range ms {
		if !m.Node.IsNumber() {
			continue
		}
		if in == nil {
			if in, ok = jsonParse(c, c.Args[3]); !ok {
				return
			}
			if !in.IsNumber() {
				c.W.Error(command.ErrJSONBadNumber)
				return
			}
		}
		res, errText := jsonArith(c.Name(), m.Node, in)
		if errText != "" {
			if changed {
				// Earlier matches stay changed; RedisJSON sends no event.
				c.DB.Modified(c.Args[1])
			}
			c.W.Error(errText)
			return
		}
		doc.Update(m.Node, func() { *m.Node = *res })
		results[i] = res
		changed = true
	}
	if changed {
		jsonChanged(c, c.Args[1], c.Name()) // json.numincrby, json.nummultby, json.numpowby
	}
	if c.W.Proto() >= 3 {
		c.W.Array(len(results))
		for _, r := range results {
			switch {
			case r == nil:
				c.W.Null()
			case r.Kind == jsonval.Int:
				c.W.Int(r.I)
			default:
				c.W.Double(r.Float64())
			}
		}
		return
	}
	if p.Legacy {
		var last *jsonval.Node
		for _, r := range results {
			if r != nil {
				last = r
			}
		}
		if last == nil {
			c.W.Error(command.JSONPathMissingOr(p.Text, "does not contains a number"))
			return
		}
		c.W.BulkString(jsonval.FormatNumber(last))
		return
	}
	arr := jsonval.NewArray(make([]*jsonval.Node, len(results)))
	for i, r := range results {
		if r == nil {
			r = jsonval.NewNull()
		}
		arr.Arr[i] = r
	}
	jsonBulk(c, arr, nil)
}

// jsonArith is RedisJSON's do_num_op: integer arithmetic when the stored
// number has no decimal point and the operand is an i64, float otherwise.
// Integer overflow wraps, as RedisJSON's release build does.
func jsonArith(cmd string, cur, in *jsonval.Node) (*jsonval.Node, string) {
	if cur.Kind == jsonval.Int && in.Kind == jsonval.Int {
		a, b := cur.I, in.I
		switch cmd {
		case "json.numincrby":
			return jsonval.NewInt(a + b), ""
		case "json.nummultby":
			return jsonval.NewInt(a * b), ""
		default:
			// Rust's i64::pow(b as u32), wrapping: square and multiply.
			r, base := int64(1), a
			for e := uint32(b); e > 0; e >>= 1 {
				if e&1 == 1 {
					r *= base
				}
				base *= base
			}
			return jsonval.NewInt(r), ""
		}
	}
	a, b := cur.Float64(), in.Float64()
	var r float64
	switch cmd {
	case "json.numincrby":
		r = a + b
	case "json.nummultby":
		r = a * b
	default:
		r = math.Pow(a, b)
	}
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return nil, command.ErrJSONNotANumber
	}
	return jsonval.NewFloat(r), ""
}

func jsonToggle(c *command.Context) {
	p := jsonval.NewPath(string(c.Args[2]))
	doc, ok := jsonWriteDoc(c)
	if !ok {
		return
	}
	ms, ok := jsonFind(c, doc.Root, p)
	if !ok {
		return
	}
	res := make([]*int64, len(ms))
	var last *jsonval.Node
	for i, m := range ms {
		if m.Node.Kind != jsonval.Bool {
			continue
		}
		m.Node.B = !m.Node.B
		v := int64(0)
		if m.Node.B {
			v = 1
		}
		res[i], last = &v, m.Node
	}
	if last != nil {
		jsonChanged(c, c.Args[1], "json.toggle")
	}
	if !p.Legacy {
		optInts(c, res)
		return
	}
	if last == nil {
		c.W.Error(command.JSONPathMissingOr(p.Text, "not a bool"))
		return
	}
	if last.B {
		c.W.BulkString("true")
	} else {
		c.W.BulkString("false")
	}
}

func jsonStrAppend(c *command.Context) {
	p, arg := jsonval.NewPath("."), c.Args[2]
	if len(c.Args) > 3 {
		p, arg = jsonval.NewPath(string(c.Args[2])), c.Args[3]
	}
	doc, ok := jsonWriteDoc(c)
	if !ok {
		return
	}
	ms, ok := jsonFind(c, doc.Root, p)
	if !ok {
		return
	}
	res := make([]*int64, len(ms))
	var suffix *jsonval.Node
	var last *int64
	for i, m := range ms {
		if m.Node.Kind != jsonval.String {
			continue
		}
		if suffix == nil {
			if suffix, ok = jsonParse(c, arg); !ok {
				return
			}
			if suffix.Kind != jsonval.String {
				c.W.Error(command.JSONExpected("string", string(arg)))
				return
			}
		}
		doc.Update(m.Node, func() { m.Node.S += suffix.S })
		res[i] = i64p(len(m.Node.S))
		last = res[i]
	}
	if last != nil {
		jsonChanged(c, c.Args[1], "json.strappend")
	}
	if !p.Legacy {
		optInts(c, res)
		return
	}
	if last == nil {
		c.W.Error(command.JSONPathMissingOr(p.Text, "not a string"))
		return
	}
	c.W.Int(*last)
}

func jsonStrLen(c *command.Context) {
	p := jsonPathArg(c, 2)
	doc, found, ok := jsonLookup(c, c.Args[1], false)
	if !ok {
		return
	}
	if !found {
		if p.Legacy {
			c.W.Null()
		} else {
			c.W.Error(command.ErrJSONNoKey)
		}
		return
	}
	ms, ok := jsonFind(c, doc.Root, p)
	if !ok {
		return
	}
	if p.Legacy {
		switch {
		case len(ms) == 0:
			c.W.Error(command.JSONPathMissing(p.Text))
		case ms[0].Node.Kind != jsonval.String:
			c.W.Error(command.JSONExpected("string", ms[0].Node.TypeName()))
		default:
			c.W.Int(int64(len(ms[0].Node.S)))
		}
		return
	}
	res := make([]*int64, len(ms))
	for i, m := range ms {
		if m.Node.Kind == jsonval.String {
			res[i] = i64p(len(m.Node.S))
		}
	}
	optInts(c, res)
}

// jsonValues parses the JSON arguments from index i on.
func jsonValues(c *command.Context, i int) ([]*jsonval.Node, bool) {
	vals := make([]*jsonval.Node, 0, len(c.Args)-i)
	for ; i < len(c.Args); i++ {
		v, ok := jsonParse(c, c.Args[i])
		if !ok {
			return nil, false
		}
		vals = append(vals, v)
	}
	return vals, true
}

func cloneAll(vals []*jsonval.Node) []*jsonval.Node {
	out := make([]*jsonval.Node, len(vals))
	for i, v := range vals {
		out[i] = v.Clone()
	}
	return out
}

func jsonArrAppend(c *command.Context) {
	if len(c.Args) < 4 {
		jsonWrongArity(c)
		return
	}
	p := jsonval.NewPath(string(c.Args[2]))
	vals, ok := jsonValues(c, 3)
	if !ok {
		return
	}
	doc, ok := jsonWriteDoc(c)
	if !ok {
		return
	}
	ms, ok := jsonFind(c, doc.Root, p)
	if !ok {
		return
	}
	res := make([]*int64, len(ms))
	var last *int64
	for i, m := range ms {
		if m.Node.Kind != jsonval.Array {
			continue
		}
		doc.Update(m.Node, func() { m.Node.Arr = append(m.Node.Arr, cloneAll(vals)...) })
		res[i] = i64p(len(m.Node.Arr))
		last = res[i]
	}
	if last != nil {
		jsonChanged(c, c.Args[1], "json.arrappend")
	}
	if !p.Legacy {
		optInts(c, res)
		return
	}
	if last == nil {
		c.W.Error(command.JSONPathMissingOr(p.Original, "not an array"))
		return
	}
	c.W.Int(*last)
}

// normStart is RedisJSON's normalize_arr_start_index.
func normStart(start, l int64) int64 {
	if start < 0 {
		return max(0, l+start)
	}
	return min(start, l-1)
}

func jsonArrIndex(c *command.Context) {
	if len(c.Args) > 6 {
		jsonWrongArity(c)
		return
	}
	p := jsonval.NewPath(string(c.Args[2]))
	var start, stop int64
	var ok bool
	if len(c.Args) > 4 {
		if start, ok = jsonInt(c, c.Args[4]); !ok {
			return
		}
	}
	if len(c.Args) > 5 {
		if stop, ok = jsonInt(c, c.Args[5]); !ok {
			return
		}
	}
	doc, found, ok := jsonLookup(c, c.Args[1], false)
	if !ok {
		return
	}
	val, ok := jsonParse(c, c.Args[3])
	if !ok {
		return
	}
	if !found {
		c.W.Error(command.JSONPathMissing(p.Original))
		return
	}
	ms, ok := jsonFind(c, doc.Root, p)
	if !ok {
		return
	}
	index := func(arr *jsonval.Node) int64 {
		l := int64(len(arr.Arr))
		if l == 0 {
			return -1
		}
		s := normStart(start, l)
		e := stop
		switch {
		case e == 0:
			e = l
		case e < 0:
			e = max(0, l+e)
		default:
			e = min(e, l)
		}
		for i := s; i < e; i++ {
			if jsonval.Equal(arr.Arr[i], val) {
				return i
			}
		}
		return -1
	}
	if p.Legacy {
		switch {
		case len(ms) == 0:
			c.W.Error(command.JSONPathMissing(p.Text))
		case ms[0].Node.Kind != jsonval.Array:
			c.W.Error(command.JSONExpected("array", ms[0].Node.TypeName()))
		default:
			c.W.Int(index(ms[0].Node))
		}
		return
	}
	res := make([]*int64, len(ms))
	for i, m := range ms {
		if m.Node.Kind == jsonval.Array {
			v := index(m.Node)
			res[i] = &v
		}
	}
	optInts(c, res)
}

func jsonArrInsert(c *command.Context) {
	p := jsonval.NewPath(string(c.Args[2]))
	index, ok := jsonInt(c, c.Args[3])
	if !ok {
		return
	}
	vals, ok := jsonValues(c, 4)
	if !ok {
		return
	}
	doc, ok := jsonWriteDoc(c)
	if !ok {
		return
	}
	ms, ok := jsonFind(c, doc.Root, p)
	if !ok {
		return
	}
	res := make([]*int64, len(ms))
	var last *int64 // the legacy reply: the last array changed, in that order
	for _, t := range jsonMutationTargets(ms, isJSONArray) {
		n, _ := jsonval.Resolve(doc.Root, t.path)
		if n == nil || n.Kind != jsonval.Array {
			continue // not reached: the mutation order keeps locations valid
		}
		l := int64(len(n.Arr))
		at := index
		if at < 0 {
			at += l
		}
		if at < 0 || at > l {
			if last != nil {
				// Earlier matches stay changed; RedisJSON sends no event.
				c.DB.Modified(c.Args[1])
			}
			c.W.Error(command.ErrJSONIndexBounds)
			return
		}
		doc.Update(n, func() { n.Arr = slices.Insert(n.Arr, int(at), cloneAll(vals)...) })
		res[t.at] = i64p(len(n.Arr))
		last = res[t.at]
	}
	if last != nil {
		jsonChanged(c, c.Args[1], "json.arrinsert")
	}
	if !p.Legacy {
		optInts(c, res)
		return
	}
	if last == nil {
		c.W.Error(command.JSONPathMissingOr(p.Text, "not an array"))
		return
	}
	c.W.Int(*last)
}

func jsonArrLen(c *command.Context) {
	p := jsonPathArg(c, 2)
	doc, found, ok := jsonLookup(c, c.Args[1], false)
	if !ok {
		return
	}
	if !found {
		if p.Legacy {
			c.W.Null()
		} else {
			c.W.Error(command.ErrJSONNoKey)
		}
		return
	}
	ms, ok := jsonFind(c, doc.Root, p)
	if !ok {
		return
	}
	if p.Legacy {
		switch {
		case len(ms) == 0:
			c.W.Error(command.JSONPathMissing(p.Original))
		case ms[0].Node.Kind != jsonval.Array:
			c.W.Error(command.JSONPathMissingOr(p.Original, "not an array"))
		default:
			c.W.Int(int64(len(ms[0].Node.Arr)))
		}
		return
	}
	res := make([]*int64, len(ms))
	for i, m := range ms {
		if m.Node.Kind == jsonval.Array {
			res[i] = i64p(len(m.Node.Arr))
		}
	}
	optInts(c, res)
}

func jsonArrPop(c *command.Context) {
	args := c.Args[2:]
	if len(args) >= 2 && eq(args[0], "format") {
		f := string(args[1])
		if strings.EqualFold(f, "STRING") {
			c.W.Error(command.ErrJSONReplyFormat)
			return
		}
		if c.W.Proto() < 3 {
			c.W.Error(command.ErrJSONFormatRESP2)
			return
		}
		if !strings.EqualFold(f, "STRINGS") {
			// EXPAND/EXPAND1 are not implemented.
			c.W.Error(command.ErrJSONReplyFormat)
			return
		}
		args = args[2:]
	}
	p, index := jsonval.NewPath("."), int64(math.MaxInt64)
	if len(args) > 0 {
		p, index = jsonval.NewPath(string(args[0])), -1
		if len(args) > 1 {
			// RedisJSON quietly uses -1 for an index that does not parse.
			if n, ok := parseInt(args[1]); ok {
				index = n
			}
		}
	}
	doc, ok := jsonWriteDoc(c)
	if !ok {
		return
	}
	ms, ok := jsonFind(c, doc.Root, p)
	if !ok {
		return
	}
	res := make([][]byte, len(ms))
	ts := jsonMutationTargets(ms, isJSONArray)
	arrays := len(ts)
	changed := false
	var last []byte // the legacy reply: the last array popped, in that order
	for _, t := range ts {
		n, _ := jsonval.Resolve(doc.Root, t.path)
		last = nil
		// The mutation order keeps every location valid: RedisJSON would
		// reply null for a missing one, and fail on a non-array.
		if n == nil || n.Kind != jsonval.Array || len(n.Arr) == 0 {
			continue
		}
		at := normStart(index, int64(len(n.Arr)))
		res[t.at] = jsonval.Serialize(n.Arr[at])
		last = res[t.at]
		jsonInPlace(doc, ms, n, func() { n.Arr = slices.Delete(n.Arr, int(at), int(at)+1) })
		changed = true
	}
	switch {
	case changed:
		jsonChanged(c, c.Args[1], "json.arrpop")
	case p.Legacy && arrays > 0:
		// RedisJSON's legacy path notifies when it found an array, even
		// an empty one (a wart copied).
		c.Notify(command.NotifyModule, "json.arrpop", c.Args[1])
	}
	if p.Legacy {
		if arrays == 0 {
			c.W.Error(command.JSONPathMissingOr(p.Text, "not an array"))
			return
		}
		if last == nil {
			c.W.Null()
		} else {
			c.W.Bulk(last)
		}
		return
	}
	c.W.Array(len(res))
	for _, r := range res {
		if r == nil {
			c.W.Null()
		} else {
			c.W.Bulk(r)
		}
	}
}

func jsonArrTrim(c *command.Context) {
	p := jsonval.NewPath(string(c.Args[2]))
	start, ok := jsonInt(c, c.Args[3])
	if !ok {
		return
	}
	stop, ok := jsonInt(c, c.Args[4])
	if !ok {
		return
	}
	doc, ok := jsonWriteDoc(c)
	if !ok {
		return
	}
	ms, ok := jsonFind(c, doc.Root, p)
	if !ok {
		return
	}
	res := make([]*int64, len(ms))
	var last *int64 // the legacy reply: the last array trimmed, in that order
	for _, t := range jsonMutationTargets(ms, isJSONArray) {
		n, _ := jsonval.Resolve(doc.Root, t.path)
		if n == nil || n.Kind != jsonval.Array {
			continue // not reached: the mutation order keeps locations valid
		}
		l := int64(len(n.Arr))
		e := normStart(stop, l)
		s := e + 1
		if start < 0 || start < l {
			s = normStart(start, l)
		}
		jsonInPlace(doc, ms, n, func() {
			if s > e || l == 0 {
				n.Arr = n.Arr[:0]
			} else {
				n.Arr = append(n.Arr[:0], n.Arr[s:e+1]...)
			}
		})
		res[t.at] = i64p(len(n.Arr))
		last = res[t.at]
	}
	if last != nil {
		jsonChanged(c, c.Args[1], "json.arrtrim")
	}
	if !p.Legacy {
		optInts(c, res)
		return
	}
	if last == nil {
		c.W.Error(command.JSONPathMissingOr(p.Text, "not an array"))
		return
	}
	c.W.Int(*last)
}

// jsonFindObj is jsonFind for JSON.OBJKEYS and JSON.OBJLEN, whose legacy
// forms treat a path that does not compile like one without a match
// (key_value.rs obj_len and json_obj_keys_legacy map get_first's error to
// null).
func jsonFindObj(c *command.Context, root *jsonval.Node, p jsonval.Path) ([]jsonval.Match, bool) {
	if p.Legacy {
		q, err := jsonval.Compile(p.Text)
		if err != nil {
			return nil, true
		}
		return q.Find(root), true
	}
	return jsonFind(c, root, p)
}

func writeKeys(c *command.Context, n *jsonval.Node) {
	c.W.Array(len(n.Keys))
	for _, k := range n.Keys {
		c.W.BulkString(k)
	}
}

func jsonObjKeys(c *command.Context) {
	p := jsonPathArg(c, 2)
	doc, found, ok := jsonLookup(c, c.Args[1], false)
	if !ok {
		return
	}
	if !found {
		if p.Legacy {
			c.W.Null()
		} else {
			c.W.Error(command.ErrJSONNoKey)
		}
		return
	}
	ms, ok := jsonFindObj(c, doc.Root, p)
	if !ok {
		return
	}
	if p.Legacy {
		switch {
		case len(ms) == 0:
			c.W.Null()
		case ms[0].Node.Kind != jsonval.Object:
			c.W.Error(command.JSONPathMissingOr(p.Text, "not an object"))
		default:
			writeKeys(c, ms[0].Node)
		}
		return
	}
	c.W.Array(len(ms))
	for _, m := range ms {
		if m.Node.Kind == jsonval.Object {
			writeKeys(c, m.Node)
		} else {
			c.W.Null()
		}
	}
}

func jsonObjLen(c *command.Context) {
	p := jsonPathArg(c, 2)
	doc, found, ok := jsonLookup(c, c.Args[1], false)
	if !ok {
		return
	}
	if !found {
		if p.Legacy {
			c.W.Null()
		} else {
			c.W.Error(command.JSONPathMissingOr(p.Text, "not an object"))
		}
		return
	}
	ms, ok := jsonFindObj(c, doc.Root, p)
	if !ok {
		return
	}
	if p.Legacy {
		switch {
		case len(ms) == 0:
			c.W.Null()
		case ms[0].Node.Kind != jsonval.Object:
			c.W.Error(command.JSONExpected("object", ms[0].Node.TypeName()))
		default:
			c.W.Int(int64(len(ms[0].Node.Keys)))
		}
		return
	}
	res := make([]*int64, len(ms))
	for i, m := range ms {
		if m.Node.Kind == jsonval.Object {
			res[i] = i64p(len(m.Node.Keys))
		}
	}
	optInts(c, res)
}

func jsonClear(c *command.Context) {
	p := jsonPathArg(c, 2) // RedisJSON only looks at the first path
	doc, ok := jsonWriteDoc(c)
	if !ok {
		return
	}
	ms, ok := jsonFind(c, doc.Root, p)
	if !ok {
		return
	}
	// RedisJSON picks the non-empty containers and non-zero numbers first,
	// then clears them location by location in match order: a match below
	// one already cleared is gone and not counted, and a location matched
	// twice is cleared (and counted) twice.
	var paths [][]jsonval.Seg
	for _, m := range ms {
		n := m.Node
		if (n.Kind == jsonval.Array || n.Kind == jsonval.Object) && n.Len() > 0 ||
			n.IsNumber() && n.Float64() != 0 {
			paths = append(paths, m.Path)
		}
	}
	cleared := 0
	for _, path := range paths {
		n, _ := jsonval.Resolve(doc.Root, path)
		var clear func()
		switch {
		case n == nil:
			continue
		case n.Kind == jsonval.Array:
			clear = func() { n.Arr = nil }
		case n.Kind == jsonval.Object:
			clear = func() { *n = *jsonval.NewObject() }
		case n.IsNumber():
			clear = func() { *n = *jsonval.NewInt(0) }
		default:
			continue
		}
		jsonInPlace(doc, ms, n, clear)
		cleared++
	}
	if cleared > 0 {
		jsonChanged(c, c.Args[1], "json.clear")
	}
	c.W.Int(int64(cleared))
}

func jsonDebug(c *command.Context) {
	switch strings.ToUpper(string(c.Args[1])) {
	case "MEMORY":
		if len(c.Args) < 3 {
			jsonWrongArity(c)
			return
		}
		p := jsonPathArg(c, 3)
		doc, found, ok := jsonLookup(c, c.Args[2], false)
		if !ok {
			return
		}
		if !found {
			if p.Legacy {
				c.W.Int(0)
			} else {
				c.W.Array(0)
			}
			return
		}
		ms, ok := jsonFind(c, doc.Root, p)
		if !ok {
			return
		}
		if p.Legacy {
			if len(ms) == 0 {
				c.W.Error(command.JSONPathMissing(p.Text))
				return
			}
			c.W.Int(jsonval.Memory(ms[0].Node))
			return
		}
		c.W.Array(len(ms))
		for _, m := range ms {
			c.W.Int(jsonval.Memory(m.Node))
		}
	case "HELP":
		c.W.Array(2)
		c.W.BulkString("MEMORY <key> [path] - reports memory usage")
		c.W.BulkString("HELP                - this message")
	default:
		c.W.Error(command.ErrJSONDebugSub)
	}
}

// writeRESP is JSON.RESP's encoding: null, "true"/"false" simple
// strings, integers, doubles, bulk strings, and arrays led by "[" or "{"
// (objects as key, value pairs).
func writeRESP(c *command.Context, n *jsonval.Node) {
	switch n.Kind {
	case jsonval.Null:
		c.W.Null()
	case jsonval.Bool:
		if n.B {
			c.W.SimpleString("true")
		} else {
			c.W.SimpleString("false")
		}
	case jsonval.Int:
		c.W.Int(n.I)
	case jsonval.Uint, jsonval.Float:
		c.W.Double(n.Float64())
	case jsonval.String:
		c.W.BulkString(n.S)
	case jsonval.Array:
		c.W.Array(len(n.Arr) + 1)
		c.W.SimpleString("[")
		for _, v := range n.Arr {
			writeRESP(c, v)
		}
	default:
		c.W.Array(2*len(n.Keys) + 1)
		c.W.SimpleString("{")
		for i, k := range n.Keys {
			c.W.BulkString(k)
			writeRESP(c, n.Vals[i])
		}
	}
}

func jsonResp(c *command.Context) {
	p := jsonPathArg(c, 2)
	doc, found, ok := jsonLookup(c, c.Args[1], false)
	if !ok {
		return
	}
	if !found {
		c.W.Null()
		return
	}
	ms, ok := jsonFind(c, doc.Root, p)
	if !ok {
		return
	}
	if p.Legacy {
		if len(ms) == 0 {
			c.W.Error(command.JSONPathMissing(p.Text))
			return
		}
		writeRESP(c, ms[0].Node)
		return
	}
	c.W.Array(len(ms))
	for _, m := range ms {
		writeRESP(c, m.Node)
	}
}

var _ datastructs.Value = (*jsonval.Doc)(nil)
