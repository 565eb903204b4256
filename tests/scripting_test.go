package tests

import (
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"
)

// Real-world scripts, run on AiKv and Redis with the same calls: the
// replies must be identical.

// A token bucket rate limiter (the common "redis-cell-less" pattern):
// KEYS[1] bucket hash, ARGV: capacity, refill per ms, now (ms), cost.
const tokenBucket = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1]) or capacity
local ts = tonumber(b[2]) or now
tokens = math.min(capacity, tokens + (now - ts) * rate)
local allowed = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate))
return {allowed, math.floor(tokens)}
`

// Redlock's unlock: delete the lock only if we still own it.
const redlockUnlock = `
if redis.call("get", KEYS[1]) == ARGV[1] then
  return redis.call("del", KEYS[1])
else
  return 0
end`

// A reliable-queue move with a processing list and a JSON envelope.
const queueMove = `
local job = redis.call('RPOPLPUSH', KEYS[1], KEYS[2])
if not job then return false end
local env = cjson.decode(job)
env.attempts = (env.attempts or 0) + 1
redis.call('LSET', KEYS[2], 0, cjson.encode(env))
redis.call('HINCRBY', KEYS[3], env.queue, 1)
return {env.id, env.attempts}`

type scriptCall struct {
	script string
	keys   []string
	args   []any
}

func runBoth(t *testing.T, calls []scriptCall) {
	t.Helper()
	redisH := StartRedis(t)
	aikv := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	ctx := Ctx(t)
	for i, c := range []*redis.Client{aikv.Client(t), redisH.Client(t)} {
		_ = i
		c.FlushAll(ctx)
	}
	a, r := aikv.Client(t), redisH.Client(t)
	for i, call := range calls {
		s := redis.NewScript(call.script)
		ga, ea := s.Run(ctx, a, call.keys, call.args...).Result()
		gr, er := s.Run(ctx, r, call.keys, call.args...).Result()
		if !reflect.DeepEqual(ga, gr) || fmt.Sprint(ea) != fmt.Sprint(er) {
			t.Errorf("call %d: aikv %v (%v), redis %v (%v)", i, ga, ea, gr, er)
		}
	}
}

func TestScriptRateLimiter(t *testing.T) {
	var calls []scriptCall
	now := 1_700_000_000_000
	for i := 0; i < 30; i++ {
		now += 37 * (i % 4)
		calls = append(calls, scriptCall{tokenBucket, []string{"rl:user1"}, []any{10, 0.01, now, 1 + i%3}})
	}
	runBoth(t, calls)
}

func TestScriptRedlockUnlock(t *testing.T) {
	set := `return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', 30000)`
	runBoth(t, []scriptCall{
		{set, []string{"lock:a"}, []any{"owner-1"}},
		{set, []string{"lock:a"}, []any{"owner-2"}},
		{redlockUnlock, []string{"lock:a"}, []any{"owner-2"}},
		{redlockUnlock, []string{"lock:a"}, []any{"owner-1"}},
		{redlockUnlock, []string{"lock:a"}, []any{"owner-1"}},
		{set, []string{"lock:a"}, []any{"owner-2"}},
	})
}

func TestScriptQueueMove(t *testing.T) {
	push := `for i, v in ipairs(ARGV) do redis.call('LPUSH', KEYS[1], v) end return redis.call('LLEN', KEYS[1])`
	runBoth(t, []scriptCall{
		{push, []string{"q:pending"}, []any{`{"id":"j1","queue":"mail"}`, `{"id":"j2","queue":"sms","attempts":2}`}},
		{queueMove, []string{"q:pending", "q:processing", "q:stats"}, nil},
		{queueMove, []string{"q:pending", "q:processing", "q:stats"}, nil},
		{queueMove, []string{"q:pending", "q:processing", "q:stats"}, nil},
		// cjson's object key order is Lua's hash order: compare decoded.
		{`local out = {} for i, j in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do local e = cjson.decode(j) out[i] = e.id .. ':' .. e.attempts end return out`, []string{"q:processing"}, nil},
		{`return redis.call('HGETALL', KEYS[1])`, []string{"q:stats"}, nil},
	})
}

// Scripts are atomic: a read-modify-write done in Lua by many clients at
// once loses no update.
func TestScriptAtomicity(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	ctx := Ctx(t)
	incr := redis.NewScript(`local v = tonumber(redis.call('GET', KEYS[1]) or '0'); redis.call('SET', KEYS[1], v + 1); return v + 1`)
	const clients, each = 8, 100
	var wg sync.WaitGroup
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := h.Client(t)
			for j := 0; j < each; j++ {
				if err := incr.Run(ctx, c, []string{"counter"}).Err(); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	got, err := h.Client(t).Get(ctx, "counter").Int()
	if err != nil || got != clients*each {
		t.Fatalf("counter = %d, %v; want %d", got, err, clients*each)
	}
}

// Functions and the effects of scripts survive a restart through the
// append-only log; the log holds the commands scripts ran, so replay
// does not depend on math.random.
func TestScriptingRestart(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "yes", "--appendfsync", "always"}})
	ctx := Ctx(t)
	c := h.Client(t)
	lib := "#!lua name=persist\nredis.register_function('bump', function(keys, args) return redis.call('INCRBY', keys[1], args[1]) end)"
	if err := c.FunctionLoad(ctx, lib).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.FCall(ctx, "bump", []string{"fk"}, 5).Err(); err != nil {
		t.Fatal(err)
	}
	rnd, err := c.Eval(ctx, `local r = math.random(1000000); redis.call('SET', KEYS[1], r); return r`, []string{"rk"}).Int64()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.FunctionLoad(ctx, "#!lua name=gone\nredis.register_function('gone', function() return 1 end)").Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.FunctionDelete(ctx, "gone").Err(); err != nil {
		t.Fatal(err)
	}
	h.Restart(t)
	c = h.Client(t)
	if n, err := c.FCall(ctx, "bump", []string{"fk"}, 1).Int64(); err != nil || n != 6 {
		t.Fatalf("FCALL after restart = %d, %v; want 6", n, err)
	}
	if v, err := c.Get(ctx, "rk").Int64(); err != nil || v != rnd {
		t.Fatalf("rk after restart = %d, %v; want %d", v, err, rnd)
	}
	if err := c.FCall(ctx, "gone", nil).Err(); err == nil || err.Error() != "ERR Function not found" {
		t.Fatalf("deleted function after restart: %v", err)
	}
}

// FUNCTION DUMP payloads move between AiKv and Redis both ways.
func TestFunctionDumpRestoreCompat(t *testing.T) {
	redisH := StartRedis(t)
	aikv := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	ctx := Ctx(t)
	a, r := aikv.Client(t), redisH.Client(t)
	r.FunctionFlush(ctx)
	long := "#!lua name=longlib\n-- " + fmt.Sprintf("%0200d", 0) + "\nredis.register_function('long_f', function() return 'long' end)"
	if err := r.FunctionLoad(ctx, long).Err(); err != nil {
		t.Fatal(err)
	}
	dump, err := r.FunctionDump(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	if err := a.FunctionRestore(ctx, dump).Err(); err != nil {
		t.Fatalf("AiKv restoring Redis's (LZF) dump: %v", err)
	}
	if s, err := a.FCall(ctx, "long_f", nil).Text(); err != nil || s != "long" {
		t.Fatalf("FCALL after restore = %q, %v", s, err)
	}
	if err := a.FunctionRestore(ctx, dump).Err(); err == nil || err.Error() != "ERR Library 'longlib' already exists" {
		t.Fatalf("second RESTORE (APPEND): %v", err)
	}
	if err := a.FunctionLoad(ctx, "#!lua name=mine\nredis.register_function('mine_f', function() return 'mine' end)").Err(); err != nil {
		t.Fatal(err)
	}
	ours, err := a.FunctionDump(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Do(ctx, "FUNCTION", "RESTORE", ours, "FLUSH").Err(); err != nil {
		t.Fatalf("Redis restoring AiKv's dump: %v", err)
	}
	if s, err := r.FCall(ctx, "mine_f", nil).Text(); err != nil || s != "mine" {
		t.Fatalf("Redis FCALL after restore = %q, %v", s, err)
	}
	bad := []byte(ours)
	bad[len(bad)-1] ^= 1
	if err := a.FunctionRestore(ctx, string(bad)).Err(); err == nil || err.Error() != "ERR DUMP payload version or checksum are wrong" {
		t.Fatalf("corrupt payload: %v", err)
	}
	r.FunctionFlush(ctx)
}

// RESP3 clients get RESP3 types from scripts that return them.
func TestScriptRESP3(t *testing.T) {
	redisH := StartRedis(t)
	aikv := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	ctx := Ctx(t)
	resp3 := func(o *redis.Options) { o.Protocol = 3 }
	for _, script := range []string{
		`return {double=1.5}`,
		`redis.setresp(3); return true`,
		`redis.setresp(3); return false`,
		`return {map={k='v'}}`,
		`return {set={m=true}}`,
		`redis.setresp(3); redis.call('HSET', 'h3', 'f', 'v'); return redis.call('HGETALL', 'h3')`,
		`redis.setresp(3); return redis.call('GET', 'nokey3')`,
	} {
		ga, ea := aikv.Client(t, resp3).Eval(ctx, script, nil).Result()
		gr, er := redisH.Client(t, resp3).Eval(ctx, script, nil).Result()
		if !reflect.DeepEqual(ga, gr) || fmt.Sprint(ea) != fmt.Sprint(er) {
			t.Errorf("%s: aikv %#v (%v), redis %#v (%v)", script, ga, ea, gr, er)
		}
	}
}
