package tests

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestHashSetRandomDifferential runs the same random stream of
// deterministic hash and set commands against AiKv and real Redis, over a
// small key space so keys collide, change type (via the STORE commands)
// and cross the encoding thresholds, and compares every reply (set-valued
// replies sorted) and the final contents.
func TestHashSetRandomDifferential(t *testing.T) {
	redis := StartRedis(t)
	aikv := StartServer(t, Options{})
	a, r := aikv.Raw(t), redis.Raw(t)
	rnd := rand.New(rand.NewPCG(42, 7))
	keys := []string{"rk:s1", "rk:s2", "rk:s3", "rk:h1", "rk:h2"}
	member := func() string {
		switch rnd.IntN(4) {
		case 0:
			return "m" + strconv.Itoa(rnd.IntN(40))
		case 1:
			return strconv.Itoa(rnd.IntN(700) - 50) // integers: intset encodings
		default:
			return strconv.Itoa(rnd.IntN(40))
		}
	}
	value := func() string {
		switch rnd.IntN(6) {
		case 0:
			return "1.5"
		case 1:
			return string(make([]byte, 70)) // long: forces hashtable
		default:
			return strconv.Itoa(rnd.IntN(100))
		}
	}
	key := func() string { return keys[rnd.IntN(len(keys))] }
	mismatches := 0
	for i := 0; i < 4000; i++ {
		var cmd []string
		sorted := false
		switch rnd.IntN(16) {
		case 0, 1:
			cmd = []string{"SADD", key()}
			for n := 1 + rnd.IntN(60); n > 0; n-- {
				cmd = append(cmd, member())
			}
		case 2:
			cmd = []string{"SREM", key(), member(), member(), member()}
		case 3:
			cmd = []string{"SMOVE", key(), key(), member()}
		case 4:
			cmd = []string{[]string{"SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"}[rnd.IntN(3)], key(), key(), key()}
		case 5:
			cmd = []string{[]string{"SINTER", "SUNION", "SDIFF"}[rnd.IntN(3)], key(), key()}
			sorted = true
		case 6:
			cmd = []string{"SINTERCARD", "2", key(), key(), "LIMIT", strconv.Itoa(rnd.IntN(5))}
		case 7:
			cmd = []string{"SMISMEMBER", key(), member(), member()}
		case 8:
			cmd = []string{"SCARD", key()}
		case 9, 10:
			cmd = []string{"HSET", key()}
			for n := 1 + rnd.IntN(40); n > 0; n-- {
				cmd = append(cmd, member(), value())
			}
		case 11:
			cmd = []string{"HDEL", key(), member(), member(), member()}
		case 12:
			cmd = []string{"HINCRBY", key(), member(), strconv.Itoa(rnd.IntN(200) - 100)}
		case 13:
			cmd = []string{"HINCRBYFLOAT", key(), member(), []string{"0.1", "-2.5", "1e3", "3"}[rnd.IntN(4)]}
		case 14:
			cmd = []string{"HMGET", key(), member(), member()}
		case 15:
			cmd = []string{"HLEN", key()}
		}
		ra, rr := a.Do(cmd...), r.Do(cmd...)
		if sorted {
			ra, rr = ra.Sorted(), rr.Sorted()
		}
		if ra.String() != rr.String() {
			mismatches++
			t.Errorf("step %d: %q\n  aikv:  %s\n  redis: %s", i, cmd, ra, rr)
			if mismatches > 10 {
				t.FailNow()
			}
		}
	}
	for _, k := range keys {
		for _, cmd := range [][]string{{"SMEMBERS", k}, {"HGETALL", k}} {
			ra, rr := a.Do(cmd...).Sorted(), r.Do(cmd...).Sorted()
			if ra.String() != rr.String() {
				t.Errorf("final %q:\n  aikv:  %s\n  redis: %s", cmd, ra, rr)
			}
		}
	}
}
