package expire

import (
	"testing"
	"time"
)

// fakeTarget has, per db, a number of dead keys among live ones; each
// sample of n keys finds dead keys in proportion and removes them.
type fakeTarget struct {
	live, dead []int
	rounds     int
}

func (f *fakeTarget) NumDBs() int { return len(f.live) }

func (f *fakeTarget) ExpireSample(db, n int) (int, int) {
	f.rounds++
	total := f.live[db] + f.dead[db]
	if total == 0 {
		return 0, 0
	}
	if n > total {
		n = total
	}
	d := n * f.dead[db] / total
	if d == 0 && f.dead[db] > 0 && n == total {
		d = f.dead[db]
	}
	f.dead[db] -= d
	return n, d
}

func TestCycleRepeatsWhileManyExpired(t *testing.T) {
	f := &fakeTarget{live: []int{100, 0}, dead: []int{900, 0}}
	c := Cycle{Target: f}
	got := c.Run(time.Second)
	if f.dead[0]*5 > f.live[0]+f.dead[0] { // stops near the 10% stale mark
		t.Fatalf("cycle stopped with %d dead of %d", f.dead[0], f.live[0]+f.dead[0])
	}
	if got < 800 {
		t.Fatalf("expired %d, want most of 900", got)
	}
}

func TestCycleStopsAtBudget(t *testing.T) {
	f := &fakeTarget{live: []int{0}, dead: []int{1 << 30}}
	clock := time.Unix(0, 0)
	c := Cycle{Target: f, Now: func() time.Time { clock = clock.Add(time.Millisecond); return clock }}
	c.Run(10 * time.Millisecond)
	if f.rounds > 12 {
		t.Fatalf("ran %d rounds with a 10-tick budget", f.rounds)
	}
}

func TestCycleOneRoundWhenFewExpired(t *testing.T) {
	f := &fakeTarget{live: []int{1000, 1000, 1000}, dead: []int{1, 0, 0}}
	c := Cycle{Target: f}
	c.Run(time.Second)
	if f.rounds != 3 {
		t.Fatalf("rounds = %d, want one per db", f.rounds)
	}
}
