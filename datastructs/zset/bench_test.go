package zset

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
)

var sizes = []int{10, 1000, 1000000}

func filled(n int) *ZSet {
	z := New()
	for i := 0; i < n; i++ {
		z.Set(strconv.Itoa(i), float64(i*7%n))
	}
	return z
}

// The per-operation cost should grow with log n: compare ns/op across the
// sizes.
func BenchmarkRank(b *testing.B) {
	for _, n := range sizes {
		z := filled(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				z.Rank(strconv.Itoa(i % n))
			}
		})
	}
}

func BenchmarkAt(b *testing.B) {
	for _, n := range sizes {
		z := filled(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				z.At(i % n)
			}
		})
	}
}

func BenchmarkAddRemove(b *testing.B) {
	for _, n := range sizes {
		z := filled(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				m := strconv.Itoa(i % n)
				z.Remove(m)
				z.Set(m, float64(i))
			}
		})
	}
}

func BenchmarkScoreRange(b *testing.B) {
	for _, n := range sizes {
		z := filled(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				f := float64(i % n)
				z.ScoreRange(ScoreBound{Value: f}, ScoreBound{Value: f + 10})
			}
		})
	}
}

// BenchmarkUpdateRandom is redis-benchmark's zadd test with -r 100000:
// ZADD myzset <random score> element:<random>, mostly moving an existing
// member of a 100k-member set to a new score.
func BenchmarkUpdateRandom(b *testing.B) {
	const n = 100000
	z := NewSkiplist()
	members := make([]string, n)
	for i := range members {
		members[i] = fmt.Sprintf("element:%012d", i)
		z.Set(members[i], float64(rand.IntN(n)))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		z.Set(members[rand.IntN(n)], float64(rand.IntN(n)))
	}
}

// BenchmarkPopMin is ZPOPMIN on a 1M-member set: the lowest element is
// read and removed (At(0), DeleteRange(0, 0)); the set is refilled, off
// the clock, when it runs out.
func BenchmarkPopMin(b *testing.B) {
	const n = 1000000
	members := make([]string, n)
	for i := range members {
		members[i] = fmt.Sprintf("element:%012d", i)
	}
	fill := func() *ZSet {
		z := NewSkiplist()
		for _, m := range members {
			z.Set(m, float64(rand.IntN(n)))
		}
		return z
	}
	z := fill()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if z.Len() == 0 {
			b.StopTimer()
			z = fill()
			b.StartTimer()
		}
		z.At(0)
		z.DeleteRange(0, 0)
	}
}
