package commands

import (
	"strings"
	"testing"
	"time"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/server/command"
	"github.com/aikv/aikv/server/resp"
)

// listEnv runs list commands directly against a keyspace, without a
// server, and returns the raw RESP reply.
type listEnv struct {
	t      *testing.T
	table  *command.Table
	ks     *datastructs.Keyspace
	client *command.Client
}

func newListEnv(t *testing.T) *listEnv {
	return &listEnv{t: t, table: NewTable(), ks: datastructs.New(datastructs.Options{}),
		client: &command.Client{Proto: 2, Authed: true}}
}

func (e *listEnv) do(args ...string) string {
	e.t.Helper()
	w := &resp.Writer{Protocol: e.client.Proto}
	bargs := make([][]byte, len(args))
	for i, a := range args {
		bargs[i] = []byte(a)
	}
	spec := e.table.Lookup(bargs[0])
	if spec == nil {
		e.t.Fatalf("unknown command %s", args[0])
	}
	if !spec.CheckArity(len(bargs)) {
		return "-" + command.ArgCountError(spec.Name) + "\r\n"
	}
	c := &command.Context{Args: bargs, Spec: spec, W: w, Client: e.client, KS: e.ks, DB: e.ks.DB(e.client.DB)}
	spec.Handler(c)
	return string(w.B)
}

func (e *listEnv) expect(want string, args ...string) {
	e.t.Helper()
	if got := e.do(args...); got != want {
		e.t.Errorf("%s:\n got %q\nwant %q", strings.Join(args, " "), got, want)
	}
}

func TestBlockingCommandsInMultiReplyNullAtOnce(t *testing.T) {
	e := newListEnv(t)
	e.client.InMulti = true
	for _, proto := range []int{2, 3} {
		e.client.Proto = proto
		nullArray, null := "*-1\r\n", "$-1\r\n"
		if proto == 3 {
			nullArray, null = "_\r\n", "_\r\n"
		}
		e.expect(nullArray, "blpop", "a", "b", "0")
		e.expect(nullArray, "brpop", "a", "1")
		e.expect(nullArray, "blmpop", "0", "2", "a", "b", "LEFT")
		e.expect(null, "blmove", "a", "b", "LEFT", "RIGHT", "0")
		e.expect(null, "brpoplpush", "a", "b", "0")
		if e.client.Block != nil {
			t.Fatal("a client in MULTI was asked to block")
		}
	}
	// Errors and non-empty keys behave as outside MULTI.
	e.client.Proto = 2
	e.expect(":2\r\n", "rpush", "a", "x", "y")
	e.expect("*2\r\n$1\r\na\r\n$1\r\nx\r\n", "blpop", "nokey", "a", "0")
	e.expect("$1\r\ny\r\n", "brpoplpush", "a", "b", "0")
	e.expect("-ERR timeout is negative\r\n", "blpop", "a", "-1")
}

func TestBlockingCommandsBlockOnMissingKeys(t *testing.T) {
	tests := []struct {
		args      []string
		keys      []string
		nullArray bool
	}{
		{[]string{"blpop", "a", "b", "0"}, []string{"a", "b"}, true},
		{[]string{"brpop", "a", "1.5"}, []string{"a"}, true},
		{[]string{"blmpop", "2", "2", "a", "b", "RIGHT", "COUNT", "3"}, []string{"a", "b"}, true},
		// Redis replies *-1 when BLMOVE and BRPOPLPUSH time out, though
		// they reply $-1 in MULTI.
		{[]string{"blmove", "a", "b", "LEFT", "RIGHT", "0"}, []string{"a"}, true},
		{[]string{"brpoplpush", "a", "b", "0.01"}, []string{"a"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.args[0], func(t *testing.T) {
			e := newListEnv(t)
			before := time.Now()
			if got := e.do(tt.args...); got != "" {
				t.Fatalf("a blocking command replied %q instead of blocking", got)
			}
			req := e.client.Block
			if req == nil {
				t.Fatal("Block was not called")
			}
			var keys []string
			for _, k := range req.Keys {
				keys = append(keys, string(k))
			}
			if strings.Join(keys, " ") != strings.Join(tt.keys, " ") {
				t.Errorf("blocked on %v, want %v", keys, tt.keys)
			}
			if req.NullArrayOnTimeout != tt.nullArray {
				t.Errorf("NullArrayOnTimeout = %v", req.NullArrayOnTimeout)
			}
			timeout := tt.args[len(tt.args)-1]
			if tt.args[0] == "blmpop" {
				timeout = tt.args[1]
			}
			if (timeout == "0") != req.Deadline.IsZero() || (!req.Deadline.IsZero() && req.Deadline.Before(before)) {
				t.Errorf("timeout %s gave deadline %v", timeout, req.Deadline)
			}
		})
	}
}

// TestBlockedCommandRerun follows the dispatcher's contract: after a push
// to a key the client waits on, the same command with the same arguments
// runs again and now replies.
func TestBlockedCommandRerun(t *testing.T) {
	e := newListEnv(t)
	e.do("blpop", "a", "b", "0")
	if e.client.Block == nil {
		t.Fatal("did not block")
	}
	e.client.Block = nil
	e.expect(":1\r\n", "rpush", "b", "v")
	e.expect("*2\r\n$1\r\nb\r\n$1\r\nv\r\n", "blpop", "a", "b", "0")
	if e.ks.DB(0).Exists([]byte("b")) {
		t.Fatal("the emptied list b still exists")
	}
}

func TestListWrongTypeAndEmptiedKeys(t *testing.T) {
	e := newListEnv(t)
	e.ks.DB(0).SetString([]byte("s"), []byte("str"), 0, false)
	wt := "-" + datastructs.ErrWrongType.Error() + "\r\n"
	for _, args := range [][]string{
		{"lpush", "s", "a"}, {"rpushx", "s", "a"}, {"lpop", "s"}, {"llen", "s"}, {"lrange", "s", "0", "1"},
		{"lindex", "s", "0"}, {"lset", "s", "0", "a"}, {"lrem", "s", "0", "a"}, {"ltrim", "s", "0", "1"},
		{"linsert", "s", "before", "a", "b"}, {"lpos", "s", "a"}, {"lmove", "s", "d", "left", "left"},
		{"lmpop", "1", "s", "left"}, {"blpop", "s", "0"}, {"blmove", "s", "d", "left", "left", "0"},
	} {
		e.expect(wt, args...)
	}
	e.expect(":1\r\n", "rpush", "l", "a")
	e.expect(wt, "lmove", "l", "s", "left", "left")
	e.expect("*1\r\n$1\r\na\r\n", "lrange", "l", "0", "-1") // nothing was popped
	e.expect("$1\r\na\r\n", "rpop", "l")
	if e.ks.DB(0).Exists([]byte("l")) {
		t.Fatal("an emptied list was left in the keyspace")
	}
}

func TestListEncodingAndCopy(t *testing.T) {
	e := newListEnv(t)
	e.do("rpush", "l", "a", "b")
	ent := e.ks.DB(0).Peek("l")
	if ent == nil || ent.Type() != datastructs.TypeList {
		t.Fatal("rpush did not store a list")
	}
	if enc := ent.Obj().(datastructs.Encoder).Encoding(); enc != "quicklist" {
		t.Fatalf("encoding %q, want quicklist (as Redis 7.0)", enc)
	}
}

func TestMpopKeys(t *testing.T) {
	args := func(s string) [][]byte {
		var out [][]byte
		for _, f := range strings.Fields(s) {
			out = append(out, []byte(f))
		}
		return out
	}
	tests := []struct {
		idx  int
		in   string
		want []int
	}{
		{1, "lmpop 2 a b left", []int{2, 3}},
		{1, "lmpop 1 a left count 2", []int{2}},
		{2, "blmpop 0 3 a b c right", []int{3, 4, 5}},
		{1, "lmpop 0 a left", nil},
		{1, "lmpop 5 a left", nil},
		{1, "lmpop x a left", nil},
	}
	for _, tt := range tests {
		got := mpopKeys(tt.idx)(args(tt.in))
		if len(got) != len(tt.want) {
			t.Errorf("%s: keys %v, want %v", tt.in, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s: keys %v, want %v", tt.in, got, tt.want)
			}
		}
	}
}

// TestBlockingMoveWrongTypeDestination: a parked BLMOVE/BRPOPLPUSH that is
// re-run while its destination holds another type replies WRONGTYPE
// (unblocking the client, as Redis's serveClientBlockedOnList) instead of
// overwriting the destination, and logs nothing.
func TestBlockingMoveWrongTypeDestination(t *testing.T) {
	for _, cmd := range [][]string{
		{"blmove", "src", "dst", "LEFT", "RIGHT", "0"},
		{"brpoplpush", "src", "dst", "0"},
	} {
		e := newListEnv(t)
		e.do("set", "dst", "str")
		e.do("rpush", "src", "x")
		bargs := make([][]byte, len(cmd))
		for i, a := range cmd {
			bargs[i] = []byte(a)
		}
		w := &resp.Writer{Protocol: 2}
		spec := e.table.Lookup(bargs[0])
		c := &command.Context{Args: bargs, Spec: spec, W: w, Client: e.client, KS: e.ks, DB: e.ks.DB(0), Retry: true}
		c.Effects.Logging = true
		spec.Handler(c)
		if got := string(w.B); got != "-"+datastructs.ErrWrongType.Error()+"\r\n" {
			t.Errorf("%s re-run: %q", cmd[0], got)
		}
		if e.client.Block != nil {
			t.Errorf("%s stayed blocked", cmd[0])
		}
		if len(c.Effects.List) != 0 {
			t.Errorf("%s logged %v", cmd[0], c.Effects.List)
		}
		e.expect("$3\r\nstr\r\n", "get", "dst")
		e.expect("*1\r\n$1\r\nx\r\n", "lrange", "src", "0", "-1")
	}
}
