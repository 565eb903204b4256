package tests

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/aikv/aikv/server/commands"
)

var listCommands = []string{
	"lpush", "rpush", "lpushx", "rpushx", "lpop", "rpop", "llen", "lrange", "lindex", "lset",
	"lrem", "ltrim", "linsert", "lpos", "lmove", "rpoplpush", "lmpop",
	"blpop", "brpop", "blmove", "brpoplpush", "blmpop",
}

// TestListSpecsMatchRedis compares the list commands' table entries with
// real Redis's COMMAND INFO: arity, flags, key positions, ACL categories.
func TestListSpecsMatchRedis(t *testing.T) {
	r := StartRedis(t).Raw(t)
	table := commands.NewTable()
	for _, name := range listCommands {
		spec := table.Lookup([]byte(name))
		if spec == nil {
			t.Errorf("%s is not registered", name)
			continue
		}
		info := r.Do("COMMAND", "INFO", name)
		if len(info.Elems) != 1 || len(info.Elems[0].Elems) < 7 {
			t.Fatalf("COMMAND INFO %s: %s", name, info)
		}
		e := info.Elems[0].Elems
		strs := func(r Reply) []string {
			var out []string
			for _, x := range r.Elems {
				out = append(out, x.Str)
			}
			slices.Sort(out)
			return out
		}
		if got, want := spec.Arity, atoi(t, e[1].Str); got != want {
			t.Errorf("%s arity %d, redis %d", name, got, want)
		}
		flags := spec.Flags.Names()
		slices.Sort(flags)
		if !slices.Equal(flags, strs(e[2])) {
			t.Errorf("%s flags %v, redis %v", name, flags, strs(e[2]))
		}
		keys := []int{spec.FirstKey, spec.LastKey, spec.Step}
		if spec.Keys != nil {
			keys = []int{0, 0, 0}
		}
		if want := []int{atoi(t, e[3].Str), atoi(t, e[4].Str), atoi(t, e[5].Str)}; !slices.Equal(keys, want) {
			t.Errorf("%s key positions %v, redis %v", name, keys, want)
		}
		var acl []string
		for _, a := range spec.ACL {
			acl = append(acl, "@"+a)
		}
		slices.Sort(acl)
		if !slices.Equal(acl, strs(e[6])) {
			t.Errorf("%s ACL categories %v, redis %v", name, acl, strs(e[6]))
		}
		if spec.Group != "list" || spec.Summary == "" || spec.Since == "" {
			t.Errorf("%s: missing documentation fields", name)
		}
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("not an integer: %q", s)
	}
	return n
}

// TestListsGoRedis runs common list flows through go-redis in RESP2 and
// RESP3.
func TestListsGoRedis(t *testing.T) {
	h := StartServer(t, Options{})
	for _, proto := range []int{2, 3} {
		t.Run("resp"+strconv.Itoa(proto), func(t *testing.T) {
			c := h.Client(t, func(o *redis.Options) { o.Protocol = proto })
			ctx := Ctx(t)
			q := "queue" + strconv.Itoa(proto)
			if n, err := c.RPush(ctx, q, "a", "b", "c").Result(); err != nil || n != 3 {
				t.Fatalf("RPUSH = %d, %v", n, err)
			}
			if n, err := c.LPush(ctx, q, "z").Result(); err != nil || n != 4 {
				t.Fatalf("LPUSH = %d, %v", n, err)
			}
			if got, err := c.LRange(ctx, q, 0, -1).Result(); err != nil || !slices.Equal(got, []string{"z", "a", "b", "c"}) {
				t.Fatalf("LRANGE = %v, %v", got, err)
			}
			if got, err := c.LIndex(ctx, q, -1).Result(); err != nil || got != "c" {
				t.Fatalf("LINDEX = %q, %v", got, err)
			}
			if _, err := c.LIndex(ctx, q, 10).Result(); err != redis.Nil {
				t.Fatalf("LINDEX out of range: %v, want redis.Nil", err)
			}
			if got, err := c.LPos(ctx, q, "b", redis.LPosArgs{}).Result(); err != nil || got != 2 {
				t.Fatalf("LPOS = %d, %v", got, err)
			}
			if got, err := c.LMove(ctx, q, q+"-done", "LEFT", "RIGHT").Result(); err != nil || got != "z" {
				t.Fatalf("LMOVE = %q, %v", got, err)
			}
			if got, err := c.LPopCount(ctx, q, 2).Result(); err != nil || !slices.Equal(got, []string{"a", "b"}) {
				t.Fatalf("LPOP count = %v, %v", got, err)
			}
			if got, err := c.BLPop(ctx, time.Second, "missing", q).Result(); err != nil || !slices.Equal(got, []string{q, "c"}) {
				t.Fatalf("BLPOP = %v, %v", got, err)
			}
			if n, err := c.Exists(ctx, q).Result(); err != nil || n != 0 {
				t.Fatalf("emptied list: EXISTS = %d, %v", n, err)
			}
			if _, err := c.LPop(ctx, q).Result(); err != redis.Nil {
				t.Fatalf("LPOP on missing key: %v, want redis.Nil", err)
			}
			if _, err := c.LPopCount(ctx, q, 2).Result(); err != redis.Nil {
				t.Fatalf("LPOP count on missing key: %v, want redis.Nil", err)
			}
			c.RPush(ctx, q, "1", "2", "3")
			key, vals, err := c.LMPop(ctx, "right", 2, "missing", q).Result()
			if err != nil || key != q || !slices.Equal(vals, []string{"3", "2"}) {
				t.Fatalf("LMPOP = %q %v, %v", key, vals, err)
			}
			if _, _, err := c.LMPop(ctx, "left", 1, "missing").Result(); err != redis.Nil {
				t.Fatalf("LMPOP on missing keys: %v, want redis.Nil", err)
			}
			if err := c.LSet(ctx, q, 5, "x").Err(); err == nil || err.Error() != "ERR index out of range" {
				t.Fatalf("LSET out of range: %v", err)
			}
			c.Set(ctx, q+"-str", "v", 0)
			if err := c.LPush(ctx, q+"-str", "x").Err(); err == nil || err.Error() != "WRONGTYPE Operation against a key holding the wrong kind of value" {
				t.Fatalf("LPUSH on a string: %v", err)
			}
		})
	}
}

// blockingSupported reports whether the server times out blocked clients
// (the dispatcher's part of the blocking contract). Until it does, the
// wake-up tests below cannot run.
func blockingSupported(t *testing.T, h *Handle) bool {
	t.Helper()
	c := h.Raw(t)
	c.Send("BLPOP", "blocking-probe", "0.05")
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	_, err := ReadReply(c.R)
	return err == nil
}

// TestListBlockingWakeUp checks that blocked list commands are served by a
// push from another client, and time out with the right null reply. The
// same checks run against real Redis to validate the expectations.
func TestListBlockingWakeUp(t *testing.T) {
	t.Run("redis", func(t *testing.T) { checkListBlocking(t, StartRedis(t)) })
	t.Run("aikv", func(t *testing.T) {
		h := StartServer(t, Options{})
		if !blockingSupported(t, h) {
			t.Skip("the server does not yet time out or wake blocked clients (dispatcher support pending)")
		}
		checkListBlocking(t, h)
	})
}

func checkListBlocking(t *testing.T, h *Handle) {
	pusher := h.Raw(t)
	tests := []struct {
		block []string
		push  []string
		want  string
	}{
		{[]string{"BLPOP", "k1", "k2", "0"}, []string{"RPUSH", "k2", "a", "b"}, `*2[$"k2", $"a"]`},
		{[]string{"BRPOP", "k3", "0"}, []string{"RPUSH", "k3", "a", "b"}, `*2[$"k3", $"b"]`},
		{[]string{"BLMOVE", "k4", "d4", "LEFT", "RIGHT", "0"}, []string{"LPUSH", "k4", "x"}, `$"x"`},
		{[]string{"BRPOPLPUSH", "k5", "d5", "0"}, []string{"LPUSH", "k5", "y"}, `$"y"`},
		{[]string{"BLMPOP", "0", "2", "k6", "k7", "LEFT", "COUNT", "5"}, []string{"RPUSH", "k7", "1", "2"}, `*2[$"k7", *2[$"1", $"2"]]`},
	}
	for _, tt := range tests {
		c := h.Raw(t)
		c.Send(tt.block...)
		time.Sleep(50 * time.Millisecond) // let it block first
		pusher.Do(tt.push...)
		if got := c.Read().String(); got != tt.want {
			t.Errorf("%v woken by %v: %s, want %s", tt.block, tt.push, got, tt.want)
		}
	}
	if got := pusher.Do("LRANGE", "d4", "0", "-1").String(); got != `*1[$"x"]` {
		t.Errorf("BLMOVE destination holds %s", got)
	}
	c := h.Raw(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"BLPOP", "none", "0.05"}, "(nil*)"},
		{[]string{"BLMPOP", "0.05", "1", "none", "LEFT"}, "(nil*)"},
		// Redis wart: these two reply with a null array on timeout,
		// but with a null bulk inside MULTI.
		{[]string{"BLMOVE", "none", "d", "LEFT", "LEFT", "0.05"}, "(nil*)"},
		{[]string{"BRPOPLPUSH", "none", "d", "0.05"}, "(nil*)"},
	} {
		if got := c.Do(tc.args...).String(); got != tc.want {
			t.Errorf("%v timed out with %s, want %s", tc.args, got, tc.want)
		}
	}
}

// TestListsRandomAgainstRedis sends the same random stream of list
// commands to AiKv and Redis and compares every reply. Lists grow to a few
// hundred elements so several internal nodes are involved.
func TestListsRandomAgainstRedis(t *testing.T) {
	redisConn := StartRedis(t).Raw(t)
	aikvConn := StartServer(t, Options{}).Raw(t)
	rng := rand.New(rand.NewPCG(42, 1))
	keys := []string{"ka", "kb", "kc"}
	key := func() string { return keys[rng.IntN(len(keys))] }
	val := func() string { return strconv.Itoa(rng.IntN(20)) }
	idx := func() string { return strconv.Itoa(rng.IntN(600) - 300) }
	side := func() string { return []string{"LEFT", "RIGHT", "left"}[rng.IntN(3)] }
	mismatches := 0
	for i := 0; i < 5000; i++ {
		var args []string
		switch op := rng.IntN(22); op {
		case 0, 1, 2:
			args = []string{"RPUSH", key()}
			for n := rng.IntN(20) + 1; n > 0; n-- {
				args = append(args, val())
			}
		case 3, 4:
			args = []string{"LPUSH", key()}
			for n := rng.IntN(20) + 1; n > 0; n-- {
				args = append(args, val())
			}
		case 5:
			args = []string{[]string{"LPUSHX", "RPUSHX"}[rng.IntN(2)], key(), val()}
		case 6:
			args = []string{"LPOP", key()}
			if rng.IntN(2) == 0 {
				args = append(args, strconv.Itoa(rng.IntN(5)))
			}
		case 7:
			args = []string{"RPOP", key()}
			if rng.IntN(2) == 0 {
				args = append(args, strconv.Itoa(rng.IntN(5)))
			}
		case 8:
			args = []string{"LRANGE", key(), idx(), idx()}
		case 9:
			args = []string{"LINDEX", key(), idx()}
		case 10:
			args = []string{"LSET", key(), idx(), val()}
		case 11:
			args = []string{"LREM", key(), strconv.Itoa(rng.IntN(7) - 3), val()}
		case 12:
			if rng.IntN(4) == 0 { // trims shrink fast: make them rarer
				args = []string{"LTRIM", key(), strconv.Itoa(rng.IntN(20) - 5), strconv.Itoa(-rng.IntN(20) - 1)}
			} else {
				args = []string{"LLEN", key()}
			}
		case 13:
			args = []string{"LINSERT", key(), []string{"BEFORE", "AFTER"}[rng.IntN(2)], val(), val()}
		case 14:
			args = []string{"LPOS", key(), val()}
			if rng.IntN(2) == 0 {
				args = append(args, "RANK", strconv.Itoa(rng.IntN(7)-3))
			}
			if rng.IntN(2) == 0 {
				args = append(args, "COUNT", strconv.Itoa(rng.IntN(4)))
			}
			if rng.IntN(3) == 0 {
				args = append(args, "MAXLEN", strconv.Itoa(rng.IntN(100)))
			}
		case 15:
			args = []string{"LMOVE", key(), key(), side(), side()}
		case 16:
			args = []string{"RPOPLPUSH", key(), key()}
		case 17:
			args = []string{"LMPOP", "2", key(), key(), side(), "COUNT", strconv.Itoa(rng.IntN(5) + 1)}
		case 18:
			args = []string{"BLPOP", key(), key(), "0"}
		case 19:
			args = []string{"BRPOP", key(), "0"}
		case 20:
			args = []string{"BLMOVE", key(), key(), side(), side(), "0"}
		default:
			args = []string{"BLMPOP", "0", "3", "ka", "kb", "kc", side()}
		}
		if args[0][0] == 'B' {
			// Only run a blocking command when it cannot block: Redis
			// would wait forever otherwise.
			if args[0] == "BLMPOP" {
				if redisConn.Do("EXISTS", "ka", "kb", "kc").Str == "0" {
					continue
				}
			} else if redisConn.Do("EXISTS", args[1]).Str == "0" {
				continue
			}
		}
		got, want := aikvConn.Do(args...).String(), redisConn.Do(args...).String()
		if got != want {
			mismatches++
			t.Errorf("step %d: %v\n  aikv:  %s\n  redis: %s", i, args, got, want)
			if mismatches > 10 {
				t.Fatal("too many mismatches")
			}
		}
	}
	for _, k := range keys {
		t.Logf("%s ends with %s elements", k, redisConn.Do("LLEN", k).Str)
		got, want := aikvConn.Do("LRANGE", k, "0", "-1").String(), redisConn.Do("LRANGE", k, "0", "-1").String()
		if got != want {
			t.Errorf("final %s differs:\n  aikv:  %s\n  redis: %s", k, got, want)
		}
	}
}
