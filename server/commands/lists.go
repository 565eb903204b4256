package commands

import (
	"time"

	"github.com/aikv/aikv/datastructs/list"
	"github.com/aikv/aikv/server/command"
)

func registerLists(t *command.Table) {
	const (
		w, ro, oom, fast = command.Write, command.ReadOnly, command.DenyOOM, command.Fast
		noscript, block  = command.NoScript, command.Blocking
	)
	writeFast := []string{"write", "list", "fast"}
	writeSlow := []string{"write", "list", "slow"}
	readFast := []string{"read", "list", "fast"}
	readSlow := []string{"read", "list", "slow"}
	writeBlock := []string{"write", "list", "slow", "blocking"}
	spec := func(name string, arity int, flags command.Flags, first, last int, acl []string,
		summary, since, complexity string, h command.Handler) *command.Spec {
		return &command.Spec{Name: name, Arity: arity, Flags: flags, FirstKey: first, LastKey: last, Step: 1,
			ACL: acl, Group: "list", Summary: summary, Since: since, Complexity: complexity, Handler: h}
	}
	const pushCost = "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments."
	t.Add(
		spec("lpush", -3, w|oom|fast, 1, 1, writeFast, "Prepend one or multiple elements to a list", "1.0.0", pushCost,
			func(c *command.Context) { push(c, true, false) }),
		spec("rpush", -3, w|oom|fast, 1, 1, writeFast, "Append one or multiple elements to a list", "1.0.0", pushCost,
			func(c *command.Context) { push(c, false, false) }),
		spec("lpushx", -3, w|oom|fast, 1, 1, writeFast, "Prepend an element to a list, only if the list exists", "2.2.0", pushCost,
			func(c *command.Context) { push(c, true, true) }),
		spec("rpushx", -3, w|oom|fast, 1, 1, writeFast, "Append an element to a list, only if the list exists", "2.2.0", pushCost,
			func(c *command.Context) { push(c, false, true) }),
		spec("lpop", -2, w|fast, 1, 1, writeFast, "Remove and get the first elements in a list", "1.0.0",
			"O(N) where N is the number of elements returned", func(c *command.Context) { pop(c, true) }),
		spec("rpop", -2, w|fast, 1, 1, writeFast, "Remove and get the last elements in a list", "1.0.0",
			"O(N) where N is the number of elements returned", func(c *command.Context) { pop(c, false) }),
		spec("llen", 2, ro|fast, 1, 1, readFast, "Get the length of a list", "1.0.0", "O(1)", llen),
		spec("lrange", 4, ro, 1, 1, readSlow, "Get a range of elements from a list", "1.0.0",
			"O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.",
			lrange),
		spec("lindex", 3, ro, 1, 1, readSlow, "Get an element from a list by its index", "1.0.0",
			"O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).",
			lindex),
		spec("lset", 4, w|oom, 1, 1, writeSlow, "Set the value of an element in a list by its index", "1.0.0",
			"O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).", lset),
		spec("lrem", 4, w, 1, 1, writeSlow, "Remove elements from a list", "1.0.0",
			"O(N+M) where N is the length of the list and M is the number of elements removed.", lrem),
		spec("ltrim", 4, w, 1, 1, writeSlow, "Trim a list to the specified range", "1.0.0",
			"O(N) where N is the number of elements to be removed by the operation.", ltrim),
		spec("linsert", 5, w|oom, 1, 1, writeSlow, "Insert an element before or after another element in a list", "2.2.0",
			"O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).",
			linsert),
		spec("lpos", -3, ro, 1, 1, readSlow, "Return the index of matching elements on a list", "6.0.6",
			"O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.",
			lpos),
		spec("lmove", 5, w|oom, 1, 2, writeSlow, "Pop an element from a list, push it to another list and return it", "6.2.0", "O(1)", lmove),
		spec("rpoplpush", 3, w|oom, 1, 2, writeSlow, "Remove the last element in a list, prepend it to another list and return it", "1.2.0", "O(1)", rpoplpush),
		&command.Spec{Name: "lmpop", Arity: -4, Flags: w, Keys: mpopKeys(1), ACL: writeSlow, Group: "list",
			Summary: "Pop elements from a list", Since: "7.0.0",
			Complexity: "O(N+M) where N is the number of provided keys and M is the number of elements returned.", Handler: lmpop},
		spec("blpop", -3, w|noscript|block, 1, -2, writeBlock, "Remove and get the first element in a list, or block until one is available", "2.0.0",
			"O(N) where N is the number of provided keys.", func(c *command.Context) { bpop(c, true) }),
		spec("brpop", -3, w|noscript|block, 1, -2, writeBlock, "Remove and get the last element in a list, or block until one is available", "2.0.0",
			"O(N) where N is the number of provided keys.", func(c *command.Context) { bpop(c, false) }),
		spec("blmove", 6, w|oom|noscript|block, 1, 2, writeBlock, "Pop an element from a list, push it to another list and return it; or block until one is available", "6.2.0", "O(1)", blmove),
		spec("brpoplpush", 4, w|oom|noscript|block, 1, 2, writeBlock, "Pop an element from a list, push it to another list and return it; or block until one is available", "2.2.0", "O(1)", brpoplpush),
		&command.Spec{Name: "blmpop", Arity: -5, Flags: w | block, Keys: mpopKeys(2), ACL: writeBlock, Group: "list",
			Summary: "Pop elements from a list, or block until one is available", Since: "7.0.0",
			Complexity: "O(N+M) where N is the number of provided keys and M is the number of elements returned.", Handler: blmpop},
	)
}

// List error texts (Redis 7.0).
const (
	errIndexOutOfRange = "ERR index out of range"
	errMustBePositive  = "ERR value is out of range, must be positive"
	errRankZero        = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"
	errCountNegative   = "ERR COUNT can't be negative"
	errMaxlenNegative  = "ERR MAXLEN can't be negative"
	errNumkeys         = "ERR numkeys should be greater than 0"
	errCountPositive   = "ERR count should be greater than 0"
)

// lookupList returns the list at key (found=false when missing); on a key
// of another type it replies WRONGTYPE and returns ok=false.
// When a parked blocking command is re-run, a key that now holds another
// type counts as empty and the client keeps waiting, as in Redis.
func lookupList(c *command.Context, key []byte, write bool) (l *list.List, found, ok bool) {
	if c.Retry {
		if e := c.DB.LookupWrite(key); e != nil {
			if l, isList := e.Obj().(*list.List); isList {
				return l, true, true
			}
		}
		return nil, false, true
	}
	return lookupTyped[*list.List](c, key, write)
}

func popEnd(l *list.List, left bool) string {
	var s string
	if left {
		s, _ = l.PopFront()
	} else {
		s, _ = l.PopBack()
	}
	return s
}

func pushEnd(l *list.List, left bool, s string) {
	if left {
		l.PushFront(s)
	} else {
		l.PushBack(s)
	}
}

// afterRemove records a change to the list at key, sends the keyspace
// event, and deletes the key when the list became empty (collections are
// never stored empty), with the "del" event.
func afterRemove(c *command.Context, key []byte, l *list.List, event string) {
	removedFrom(c, key, command.NotifyList, event, l.Len() == 0)
}

// popEvent and pushEvent are Redis's event names for the list ends.
func popEvent(left bool) string {
	if left {
		return "lpop"
	}
	return "rpop"
}

func pushEvent(left bool) string {
	if left {
		return "lpush"
	}
	return "rpush"
}

// whereArg parses LEFT or RIGHT; anything else is a syntax error.
func whereArg(c *command.Context, b []byte) (left, ok bool) {
	switch {
	case eq(b, "left"):
		return true, true
	case eq(b, "right"):
		return false, true
	}
	c.W.Error(command.ErrSyntax)
	return false, false
}

// normRange turns LRANGE/LTRIM start and stop (negative counts from the
// tail) into indexes within a list of n elements; empty is true when the
// range selects nothing.
func normRange(start, stop int64, n int) (s, e int, empty bool) {
	ln := int64(n)
	if start < 0 {
		start += ln
	}
	if stop < 0 {
		stop += ln
	}
	if start < 0 {
		start = 0
	}
	if start > stop || start >= ln {
		return 0, 0, true
	}
	if stop >= ln {
		stop = ln - 1
	}
	return int(start), int(stop), false
}

// push implements LPUSH, RPUSH and (with xx) LPUSHX, RPUSHX.
func push(c *command.Context, left, xx bool) {
	key := c.Args[1]
	l, found, ok := lookupList(c, key, true)
	if !ok {
		return
	}
	if !found {
		if xx {
			c.W.Int(0)
			return
		}
		l = list.New()
	}
	l.PushAll(left, c.Args[2:])
	if found {
		c.DB.Modified(key)
	} else {
		c.DB.SetValue(key, l, 0, false)
	}
	c.Notify(command.NotifyList, pushEvent(left), key)
	c.W.Int(int64(l.Len()))
}

// pop implements LPOP and RPOP with their optional count.
func pop(c *command.Context, left bool) {
	if len(c.Args) > 3 {
		c.W.Error(command.ArgCountError(c.Name()))
		return
	}
	hasCount := len(c.Args) == 3
	var count int64
	if hasCount {
		n, ok := parseInt(c.Args[2])
		if !ok || n < 0 {
			c.W.Error(errMustBePositive)
			return
		}
		count = n
	}
	key := c.Args[1]
	l, found, ok := lookupList(c, key, true)
	if !ok {
		return
	}
	if !found {
		if hasCount {
			c.W.NullArray()
		} else {
			c.W.Null()
		}
		return
	}
	if !hasCount {
		c.W.BulkString(popEnd(l, left))
		afterRemove(c, key, l, popEvent(left))
		return
	}
	if count == 0 {
		c.W.Array(0)
		return
	}
	n := int(min(count, int64(l.Len())))
	c.W.Array(n)
	for i := 0; i < n; i++ {
		c.W.BulkString(popEnd(l, left))
	}
	afterRemove(c, key, l, popEvent(left))
}

func llen(c *command.Context) {
	l, found, ok := lookupList(c, c.Args[1], false)
	if !ok {
		return
	}
	if !found {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(l.Len()))
}

func lrange(c *command.Context) {
	start, ok := intArg(c, c.Args[2])
	if !ok {
		return
	}
	stop, ok := intArg(c, c.Args[3])
	if !ok {
		return
	}
	l, found, ok := lookupList(c, c.Args[1], false)
	if !ok {
		return
	}
	if !found {
		c.W.Array(0)
		return
	}
	s, e, empty := normRange(start, stop, l.Len())
	if empty {
		c.W.Array(0)
		return
	}
	c.W.Array(e - s + 1)
	l.Range(s, e, func(_ int, v string) bool {
		c.W.BulkString(v)
		return true
	})
}

// listIndex converts a possibly negative LINDEX/LSET index; ok is false
// when it is out of range.
func listIndex(i int64, n int) (int, bool) {
	if i < 0 {
		i += int64(n)
	}
	if i < 0 || i >= int64(n) {
		return 0, false
	}
	return int(i), true
}

func lindex(c *command.Context) {
	l, found, ok := lookupList(c, c.Args[1], false)
	if !ok {
		return
	}
	if !found {
		c.W.Null()
		return
	}
	i, ok := intArg(c, c.Args[2])
	if !ok {
		return
	}
	idx, in := listIndex(i, l.Len())
	if !in {
		c.W.Null()
		return
	}
	v, _ := l.Index(idx)
	c.W.BulkString(v)
}

func lset(c *command.Context) {
	key := c.Args[1]
	l, found, ok := lookupList(c, key, true)
	if !ok {
		return
	}
	if !found {
		c.W.Error(command.ErrNoSuchKey)
		return
	}
	i, ok := intArg(c, c.Args[2])
	if !ok {
		return
	}
	idx, in := listIndex(i, l.Len())
	if !in {
		c.W.Error(errIndexOutOfRange)
		return
	}
	l.Set(idx, string(c.Args[3]))
	c.DB.Modified(key)
	c.Notify(command.NotifyList, "lset", key)
	c.W.OK()
}

func lrem(c *command.Context) {
	count, ok := intArg(c, c.Args[2])
	if !ok {
		return
	}
	key := c.Args[1]
	l, found, ok := lookupList(c, key, true)
	if !ok {
		return
	}
	if !found {
		c.W.Int(0)
		return
	}
	n := l.Remove(string(c.Args[3]), count)
	if n > 0 {
		afterRemove(c, key, l, "lrem")
	}
	c.W.Int(int64(n))
}

func ltrim(c *command.Context) {
	start, ok := intArg(c, c.Args[2])
	if !ok {
		return
	}
	stop, ok := intArg(c, c.Args[3])
	if !ok {
		return
	}
	key := c.Args[1]
	l, found, ok := lookupList(c, key, true)
	if !ok {
		return
	}
	if !found {
		c.W.OK()
		return
	}
	n := l.Len()
	s, e, empty := normRange(start, stop, n)
	if empty {
		l.Trim(n, 0)
	} else {
		l.Trim(s, n-1-e)
	}
	afterRemove(c, key, l, "ltrim")
	c.W.OK()
}

func linsert(c *command.Context) {
	var after bool
	switch {
	case eq(c.Args[2], "after"):
		after = true
	case eq(c.Args[2], "before"):
	default:
		c.W.Error(command.ErrSyntax)
		return
	}
	key := c.Args[1]
	l, found, ok := lookupList(c, key, true)
	if !ok {
		return
	}
	if !found {
		c.W.Int(0)
		return
	}
	pivot := string(c.Args[3])
	at := -1
	l.Ascend(0, func(i int, v string) bool {
		if v == pivot {
			at = i
			return false
		}
		return true
	})
	if at < 0 {
		c.W.Int(-1)
		return
	}
	if after {
		at++
	}
	l.Insert(at, string(c.Args[4]))
	c.DB.Modified(key)
	c.Notify(command.NotifyList, "linsert", key)
	c.W.Int(int64(l.Len()))
}

func lpos(c *command.Context) {
	elem := string(c.Args[2])
	rank, count, maxlen := int64(1), int64(-1), int64(0) // count -1: no COUNT option
	for j := 3; j < len(c.Args); j++ {
		more := j+1 < len(c.Args)
		switch {
		case eq(c.Args[j], "rank") && more:
			j++
			n, ok := intArg(c, c.Args[j])
			if !ok {
				return
			}
			if n == 0 {
				c.W.Error(errRankZero)
				return
			}
			rank = n
		case eq(c.Args[j], "count") && more:
			j++
			n, ok := parseInt(c.Args[j])
			if !ok || n < 0 {
				c.W.Error(errCountNegative)
				return
			}
			count = n
		case eq(c.Args[j], "maxlen") && more:
			j++
			n, ok := parseInt(c.Args[j])
			if !ok || n < 0 {
				c.W.Error(errMaxlenNegative)
				return
			}
			maxlen = n
		default:
			c.W.Error(command.ErrSyntax)
			return
		}
	}
	l, found, ok := lookupList(c, c.Args[1], false)
	if !ok {
		return
	}
	if !found {
		if count != -1 {
			c.W.Array(0)
		} else {
			c.W.Null()
		}
		return
	}
	fromTail := rank < 0
	if fromTail {
		// Redis wart kept: RANK -9223372036854775808 negates to itself,
		// so every match "reaches" the rank and the first one counts.
		rank = -rank
	}
	var matches []int
	seen, checked := int64(0), int64(0)
	visit := func(i int, v string) bool {
		if maxlen != 0 && checked >= maxlen {
			return false
		}
		checked++
		if v != elem {
			return true
		}
		seen++
		if seen < rank {
			return true
		}
		matches = append(matches, i)
		// Without COUNT only the first qualifying match is wanted;
		// COUNT 0 means all of them.
		return count > 0 && int64(len(matches)) < count || count == 0
	}
	if fromTail {
		l.Descend(l.Len()-1, visit)
	} else {
		l.Ascend(0, visit)
	}
	if count == -1 {
		if len(matches) == 0 {
			c.W.Null()
		} else {
			c.W.Int(int64(matches[0]))
		}
		return
	}
	c.W.Array(len(matches))
	for _, m := range matches {
		c.W.Int(int64(m))
	}
}

// move pops from src and pushes onto dst (LMOVE and friends), replying
// with the element. It returns false without replying when src is
// missing, so the caller chooses between a null reply and blocking. A
// WRONGTYPE src or dst is replied to (and counts as done, with moved
// false: nothing to log).
func move(c *command.Context, src, dst []byte, fromLeft, toLeft bool) (done, moved bool) {
	sl, found, ok := lookupList(c, src, true)
	if !ok {
		return true, false
	}
	if !found {
		return false, false
	}
	// The destination's type is checked even when a parked BLMOVE is
	// re-run (Redis's serveClientBlockedOnList replies WRONGTYPE and
	// unblocks): treating it as empty would overwrite it.
	dl, dfound, ok := lookupTyped[*list.List](c, dst, true)
	if !ok {
		return true, false
	}
	v := popEnd(sl, fromLeft)
	if dfound {
		// When src and dst are the same key dl is sl: the element goes
		// back on the same list, which therefore is never empty here.
		pushEnd(dl, toLeft, v)
		c.DB.Modified(dst)
	} else {
		nl := list.New()
		pushEnd(nl, toLeft, v)
		c.DB.SetValue(dst, nl, 0, false)
	}
	c.Notify(command.NotifyList, pushEvent(toLeft), dst)
	c.Notify(command.NotifyList, popEvent(fromLeft), src)
	if sl.Len() == 0 {
		c.DB.Delete(src)
		c.Notify(command.NotifyGeneric, "del", src)
	} else if string(src) != string(dst) {
		c.DB.Modified(src)
	}
	c.W.BulkString(v)
	return true, true
}

func lmove(c *command.Context) {
	from, ok := whereArg(c, c.Args[3])
	if !ok {
		return
	}
	to, ok := whereArg(c, c.Args[4])
	if !ok {
		return
	}
	if done, _ := move(c, c.Args[1], c.Args[2], from, to); !done {
		c.W.Null()
	}
}

func rpoplpush(c *command.Context) {
	if done, _ := move(c, c.Args[1], c.Args[2], false, true); !done {
		c.W.Null()
	}
}

func blmove(c *command.Context) {
	from, ok := whereArg(c, c.Args[3])
	if !ok {
		return
	}
	to, ok := whereArg(c, c.Args[4])
	if !ok {
		return
	}
	timeout, ok := timeoutArg(c, c.Args[5])
	if !ok {
		return
	}
	done, moved := move(c, c.Args[1], c.Args[2], from, to)
	if !done {
		blockMove(c, timeout)
		return
	}
	if moved {
		c.Propagate(wordLMOVE, c.Args[1], c.Args[2], c.Args[3], c.Args[4])
	} else {
		c.Propagate() // an error: nothing to log
	}
}

func brpoplpush(c *command.Context) {
	timeout, ok := timeoutArg(c, c.Args[3])
	if !ok {
		return
	}
	done, moved := move(c, c.Args[1], c.Args[2], false, true)
	if !done {
		blockMove(c, timeout)
		return
	}
	if moved {
		c.Propagate(wordRPOPLPUSH, c.Args[1], c.Args[2])
	} else {
		c.Propagate() // an error: nothing to log
	}
}

// blockMove blocks BLMOVE or BRPOPLPUSH on its source key. Redis wart
// kept: where the client cannot block (MULTI, scripts) the reply is a null
// bulk, but a real timeout replies with a null array ("*-1" in RESP2), as
// for every list blocking command (checked against redis-server 7.0.15).
func blockMove(c *command.Context, timeout time.Duration) {
	if c.Client.InMulti || c.Client.NoBlock {
		c.W.Null()
		return
	}
	c.Block(c.Args[1:2], timeout, true)
}

// bpop implements BLPOP and BRPOP: pop from the first non-empty list and
// reply [key, element], or block on all the keys.
func bpop(c *command.Context, left bool) {
	last := len(c.Args) - 1
	timeout, ok := timeoutArg(c, c.Args[last])
	if !ok {
		return
	}
	keys := c.Args[1:last]
	for _, key := range keys {
		l, found, ok := lookupList(c, key, true)
		if !ok {
			return
		}
		if !found {
			continue
		}
		v := popEnd(l, left)
		c.W.Array(2)
		c.W.Bulk(key)
		c.W.BulkString(v)
		afterRemove(c, key, l, popEvent(left))
		// Logged as the plain pop it turned into.
		if left {
			c.Propagate(wordLPOP, key)
		} else {
			c.Propagate(wordRPOP, key)
		}
		return
	}
	c.Block(keys, timeout, true)
}

// mpopKeys returns the key positions of LMPOP (numkeys at index 1) and
// BLMPOP (numkeys at index 2).
func mpopKeys(numkeysIdx int) command.KeysFunc {
	return func(args [][]byte) []int {
		if len(args) <= numkeysIdx {
			return nil
		}
		n, ok := parseInt(args[numkeysIdx])
		if !ok || n < 1 || n > int64(len(args)-numkeysIdx-1) {
			return nil
		}
		out := make([]int, n)
		for i := range out {
			out[i] = numkeysIdx + 1 + i
		}
		return out
	}
}

// mpopArgs parses "numkeys key [key ...] LEFT|RIGHT [COUNT count]" starting
// at args[numkeysIdx], replying with Redis's errors. ok is false when an
// error was sent.
func mpopArgs(c *command.Context, numkeysIdx int) (keys [][]byte, left bool, count int64, ok bool) {
	numkeys, isInt := parseInt(c.Args[numkeysIdx])
	if !isInt || numkeys < 1 {
		c.W.Error(errNumkeys)
		return nil, false, 0, false
	}
	if numkeys >= int64(len(c.Args)-numkeysIdx-1) {
		c.W.Error(command.ErrSyntax)
		return nil, false, 0, false
	}
	whereIdx := numkeysIdx + int(numkeys) + 1
	left, ok = whereArg(c, c.Args[whereIdx])
	if !ok {
		return nil, false, 0, false
	}
	count = -1
	for j := whereIdx + 1; j < len(c.Args); j++ {
		if count == -1 && eq(c.Args[j], "count") && j+1 < len(c.Args) {
			j++
			n, isInt := parseInt(c.Args[j])
			if !isInt || n < 1 {
				c.W.Error(errCountPositive)
				return nil, false, 0, false
			}
			count = n
			continue
		}
		c.W.Error(command.ErrSyntax)
		return nil, false, 0, false
	}
	if count == -1 {
		count = 1
	}
	return c.Args[numkeysIdx+1 : whereIdx], left, count, true
}

// mpop pops up to count elements from the first non-empty list among keys
// and replies [key, [elements...]]. It returns false without replying
// when every key is missing; a WRONGTYPE key is replied to.
func mpop(c *command.Context, keys [][]byte, left bool, count int64) bool {
	for _, key := range keys {
		l, found, ok := lookupList(c, key, true)
		if !ok {
			return true
		}
		if !found {
			continue
		}
		n := int(min(count, int64(l.Len())))
		c.W.Array(2)
		c.W.Bulk(key)
		c.W.Array(n)
		for i := 0; i < n; i++ {
			c.W.BulkString(popEnd(l, left))
		}
		afterRemove(c, key, l, popEvent(left))
		return true
	}
	return false
}

func lmpop(c *command.Context) {
	keys, left, count, ok := mpopArgs(c, 1)
	if !ok {
		return
	}
	if !mpop(c, keys, left, count) {
		c.W.NullArray()
	}
}

func blmpop(c *command.Context) {
	keys, left, count, ok := mpopArgs(c, 2)
	if !ok {
		return
	}
	timeout, ok := timeoutArg(c, c.Args[1])
	if !ok {
		return
	}
	if !mpop(c, keys, left, count) {
		c.Block(keys, timeout, true)
		return
	}
	// Logged as LMPOP: the arguments after the timeout are LMPOP's.
	c.Propagate(append([][]byte{wordLMPOP}, c.Args[2:]...)...)
}
