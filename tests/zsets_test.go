package tests

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestZSetGoRedis drives the sorted-set commands through go-redis, the way
// applications call them.
func TestZSetGoRedis(t *testing.T) {
	h := StartServer(t, Options{})
	c := h.Client(t)
	ctx := Ctx(t)

	n, err := c.ZAdd(ctx, "board", redis.Z{Score: 10, Member: "alice"}, redis.Z{Score: 20, Member: "bob"},
		redis.Z{Score: 15, Member: "carol"}).Result()
	if err != nil || n != 3 {
		t.Fatalf("ZADD = %d, %v", n, err)
	}
	if s, err := c.ZIncrBy(ctx, "board", 7.5, "alice").Result(); err != nil || s != 17.5 {
		t.Fatalf("ZINCRBY = %v, %v", s, err)
	}
	got, err := c.ZRevRangeWithScores(ctx, "board", 0, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	want := []redis.Z{{Score: 20, Member: "bob"}, {Score: 17.5, Member: "alice"}, {Score: 15, Member: "carol"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("ZREVRANGE WITHSCORES = %v, want %v", got, want)
	}
	if r, err := c.ZRank(ctx, "board", "carol").Result(); err != nil || r != 0 {
		t.Fatalf("ZRANK = %d, %v", r, err)
	}
	if _, err := c.ZRank(ctx, "board", "nobody").Result(); err != redis.Nil {
		t.Fatalf("ZRANK of a missing member: %v, want redis.Nil", err)
	}
	byScore, err := c.ZRangeArgs(ctx, redis.ZRangeArgs{Key: "board", Start: "(15", Stop: "+inf", ByScore: true}).Result()
	if err != nil || fmt.Sprint(byScore) != "[alice bob]" {
		t.Fatalf("ZRANGE BYSCORE = %v, %v", byScore, err)
	}
	if n, err := c.ZCount(ctx, "board", "15", "(20").Result(); err != nil || n != 2 {
		t.Fatalf("ZCOUNT = %d, %v", n, err)
	}
	popped, err := c.ZPopMin(ctx, "board", 2).Result()
	if err != nil || len(popped) != 2 || popped[0].Member != "carol" || popped[1].Score != 17.5 {
		t.Fatalf("ZPOPMIN 2 = %v, %v", popped, err)
	}
	if n, err := c.ZCard(ctx, "board").Result(); err != nil || n != 1 {
		t.Fatalf("ZCARD = %d, %v", n, err)
	}
	if n, err := c.ZRem(ctx, "board", "bob").Result(); err != nil || n != 1 {
		t.Fatalf("ZREM = %d, %v", n, err)
	}
	// The emptied set is deleted.
	if n, err := c.ZCard(ctx, "board").Result(); err != nil || n != 0 {
		t.Fatalf("ZCARD after emptying = %d, %v", n, err)
	}

	c.ZAdd(ctx, "a", redis.Z{Score: 1, Member: "x"}, redis.Z{Score: 2, Member: "y"})
	c.ZAdd(ctx, "b", redis.Z{Score: 10, Member: "y"}, redis.Z{Score: 20, Member: "z"})
	if n, err := c.ZUnionStore(ctx, "u", &redis.ZStore{Keys: []string{"a", "b"}, Weights: []float64{2, 1}, Aggregate: "MAX"}).Result(); err != nil || n != 3 {
		t.Fatalf("ZUNIONSTORE = %d, %v", n, err)
	}
	u, _ := c.ZRangeWithScores(ctx, "u", 0, -1).Result()
	if fmt.Sprint(u) != "[{2 x} {10 y} {20 z}]" {
		t.Fatalf("union = %v", u)
	}
	inter, err := c.ZInterWithScores(ctx, &redis.ZStore{Keys: []string{"a", "b"}}).Result()
	if err != nil || fmt.Sprint(inter) != "[{12 y}]" {
		t.Fatalf("ZINTER = %v, %v", inter, err)
	}
	if n, err := c.ZInterCard(ctx, 0, "a", "b").Result(); err != nil || n != 1 {
		t.Fatalf("ZINTERCARD = %d, %v", n, err)
	}
	key, zs, err := c.ZMPop(ctx, "max", 5, "nokey", "u").Result()
	if err != nil || key != "u" || len(zs) != 3 || zs[0].Member != "z" {
		t.Fatalf("ZMPOP = %q %v %v", key, zs, err)
	}
}

// TestZSetRESP3 checks the RESP3 reply shapes through go-redis.
func TestZSetRESP3(t *testing.T) {
	h := StartServer(t, Options{})
	c := h.Client(t, func(o *redis.Options) { o.Protocol = 3 })
	ctx := Ctx(t)
	c.ZAdd(ctx, "z", redis.Z{Score: 1.5, Member: "a"}, redis.Z{Score: 2, Member: "b"})
	got, err := c.ZRangeWithScores(ctx, "z", 0, -1).Result()
	if err != nil || fmt.Sprint(got) != "[{1.5 a} {2 b}]" {
		t.Fatalf("ZRANGE WITHSCORES over RESP3 = %v, %v", got, err)
	}
	if s, err := c.ZScore(ctx, "z", "a").Result(); err != nil || s != 1.5 {
		t.Fatalf("ZSCORE = %v, %v", s, err)
	}
	if _, err := c.ZScore(ctx, "z", "nope").Result(); err != redis.Nil {
		t.Fatalf("ZSCORE of a missing member: %v", err)
	}
}

// TestZSetBlockingPops checks that BZPOPMIN and BZMPOP wait for a writer
// and time out with a null reply.
func TestZSetBlockingPops(t *testing.T) {
	h := StartServer(t, Options{})
	ctx := Ctx(t)
	waiter, writer := h.Client(t), h.Client(t)

	done := make(chan *redis.ZWithKey, 1)
	go func() {
		r, err := waiter.BZPopMin(ctx, 0, "q1", "q2").Result()
		if err != nil {
			t.Errorf("BZPOPMIN: %v", err)
		}
		done <- r
	}()
	zWaitBlocked(t, writer, 1)
	writer.ZAdd(ctx, "q2", redis.Z{Score: 3, Member: "m"}, redis.Z{Score: 1, Member: "n"})
	select {
	case r := <-done:
		if r == nil || r.Key != "q2" || r.Member != "n" || r.Score != 1 {
			t.Fatalf("BZPOPMIN served %+v", r)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("BZPOPMIN was not woken by ZADD")
	}
	if n, _ := writer.ZCard(ctx, "q2").Result(); n != 1 {
		t.Fatalf("ZCARD after the pop = %d, want 1", n)
	}

	mp := make(chan string, 1)
	go func() {
		key, zs, err := waiter.BZMPop(ctx, 0, "max", 10, "q3").Result()
		if err != nil {
			t.Errorf("BZMPOP: %v", err)
		}
		mp <- fmt.Sprintf("%s %v", key, zs)
	}()
	zWaitBlocked(t, writer, 1)
	writer.ZAdd(ctx, "q3", redis.Z{Score: 1, Member: "a"}, redis.Z{Score: 2, Member: "b"})
	select {
	case r := <-mp:
		if r != "q3 [{2 b} {1 a}]" {
			t.Fatalf("BZMPOP served %s", r)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("BZMPOP was not woken by ZADD")
	}

	start := time.Now()
	if _, err := waiter.BZPopMax(ctx, 100*time.Millisecond, "empty").Result(); err != redis.Nil {
		t.Fatalf("BZPOPMAX timeout: %v, want redis.Nil", err)
	}
	if time.Since(start) < 100*time.Millisecond {
		t.Fatal("BZPOPMAX returned before its timeout")
	}
}

// zWaitBlocked polls INFO clients until n clients are blocked.
func zWaitBlocked(t *testing.T, c *redis.Client, n int) {
	t.Helper()
	ctx := Ctx(t)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		info, err := c.Info(ctx, "clients").Result()
		if err != nil {
			// INFO is not available in this build: give the waiter
			// time to park instead.
			time.Sleep(300 * time.Millisecond)
			return
		}
		if zHasLine(info, "blocked_clients:"+strconv.Itoa(n)) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("never saw %d blocked clients", n)
}

func zHasLine(s, line string) bool {
	for len(s) > 0 {
		i := 0
		for i < len(s) && s[i] != '\n' {
			i++
		}
		l := s[:i]
		if len(l) > 0 && l[len(l)-1] == '\r' {
			l = l[:len(l)-1]
		}
		if l == line {
			return true
		}
		if i == len(s) {
			break
		}
		s = s[i+1:]
	}
	return false
}

// TestZSetRandomOpsAgainstRedis runs one random command stream on AiKv
// and real Redis and compares every reply (deterministic commands only).
func TestZSetRandomOpsAgainstRedis(t *testing.T) {
	redisH := StartRedis(t)
	aikv := StartServer(t, Options{})
	a, r := aikv.Raw(t), redisH.Raw(t)
	rnd := rand.New(rand.NewPCG(7, 11))
	member := func() string { return "m" + strconv.Itoa(rnd.IntN(200)) }
	score := func() string {
		switch rnd.IntN(8) {
		case 0:
			return "-inf"
		case 1:
			return "+inf"
		case 2:
			return strconv.FormatFloat(rnd.NormFloat64()*100, 'g', -1, 64)
		}
		return strconv.Itoa(rnd.IntN(40) - 20)
	}
	bound := func() string {
		if rnd.IntN(3) == 0 {
			return "(" + strconv.Itoa(rnd.IntN(40)-20)
		}
		return score()
	}
	keys := []string{"k1", "k2", "k3"}
	key := func() string { return keys[rnd.IntN(len(keys))] }
	for i := 0; i < 3000; i++ {
		var cmd []string
		switch rnd.IntN(16) {
		case 0, 1, 2, 3:
			cmd = []string{"ZADD", key()}
			for _, o := range []string{"NX", "XX", "GT", "LT", "CH"} {
				if rnd.IntN(6) == 0 {
					cmd = append(cmd, o)
				}
			}
			for j := rnd.IntN(4); j >= 0; j-- {
				cmd = append(cmd, score(), member())
			}
		case 4:
			cmd = []string{"ZINCRBY", key(), strconv.Itoa(rnd.IntN(10) - 5), member()}
		case 5:
			cmd = []string{"ZREM", key(), member(), member()}
		case 6:
			cmd = []string{"ZRANGE", key(), strconv.Itoa(rnd.IntN(30) - 15), strconv.Itoa(rnd.IntN(30) - 15), "WITHSCORES"}
			if rnd.IntN(2) == 0 {
				cmd = append(cmd, "REV")
			}
		case 7:
			cmd = []string{"ZRANGEBYSCORE", key(), bound(), bound(), "WITHSCORES"}
			if rnd.IntN(2) == 0 {
				cmd = append(cmd, "LIMIT", strconv.Itoa(rnd.IntN(5)), strconv.Itoa(rnd.IntN(6)-1))
			}
		case 8:
			cmd = []string{"ZREVRANGEBYSCORE", key(), bound(), bound(), "LIMIT", strconv.Itoa(rnd.IntN(5)), strconv.Itoa(rnd.IntN(6) - 1)}
		case 9:
			cmd = []string{"ZRANK", key(), member()}
			if rnd.IntN(2) == 0 {
				cmd[0] = "ZREVRANK"
			}
		case 10:
			cmd = []string{"ZCOUNT", key(), bound(), bound()}
		case 11:
			cmd = []string{"ZREMRANGEBYRANK", key(), strconv.Itoa(rnd.IntN(10) - 5), strconv.Itoa(rnd.IntN(10) - 5)}
		case 12:
			cmd = []string{"ZREMRANGEBYSCORE", key(), bound(), bound()}
		case 13:
			ops := []string{"ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"}
			cmd = []string{ops[rnd.IntN(3)], key(), "2", key(), key()}
		case 14:
			cmd = []string{"ZPOPMIN", key(), strconv.Itoa(rnd.IntN(3))}
			if rnd.IntN(2) == 0 {
				cmd[0] = "ZPOPMAX"
			}
		case 15:
			cmd = []string{"ZMSCORE", key(), member(), member()}
		}
		ra, rr := a.Do(cmd...), r.Do(cmd...)
		if ra.String() != rr.String() {
			t.Fatalf("step %d: %v\n  aikv:  %s\n  redis: %s", i, cmd, ra, rr)
		}
	}
	for _, k := range keys {
		cmd := []string{"ZRANGE", k, "0", "-1", "WITHSCORES"}
		ra, rr := a.Do(cmd...), r.Do(cmd...)
		if ra.String() != rr.String() {
			t.Fatalf("final %s:\n  aikv:  %s\n  redis: %s", k, ra, rr)
		}
	}
}
