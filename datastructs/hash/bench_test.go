package hash

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// benchSizes cover a small listpack, a large listpack (at the default
// hash-max-listpack-entries) and a hashtable.
var benchSizes = []int{5, 500, 100000}

func filledHash(n int) *Hash {
	h := New()
	for i := 0; i < n; i++ {
		h.Set([]byte("field:"+strconv.Itoa(i)), []byte("value-"+strconv.Itoa(i)))
	}
	return h
}

// BenchmarkGet looks up an existing field (the last one inserted, the
// worst case of a listpack's linear scan).
func BenchmarkGet(b *testing.B) {
	for _, n := range benchSizes {
		h := filledHash(n)
		f := []byte("field:" + strconv.Itoa(n-1))
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				h.Get(f)
			}
		})
	}
}

// BenchmarkUpdate overwrites an existing field's value.
func BenchmarkUpdate(b *testing.B) {
	for _, n := range benchSizes {
		h := filledHash(n)
		f := []byte("field:" + strconv.Itoa(n/2))
		v := []byte("new-value")
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				h.Set(f, v)
			}
		})
	}
}

// BenchmarkSetDelete adds a new field and deletes it again.
func BenchmarkSetDelete(b *testing.B) {
	for _, n := range benchSizes {
		h := filledHash(n)
		f := []byte("extra-field")
		v := []byte("extra-value")
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				h.Set(f, v)
				h.Delete(f)
			}
		})
	}
}

// BenchmarkFill builds a 5-field hash from empty (HSET of a new key).
func BenchmarkFill(b *testing.B) {
	fields := make([][]byte, 5)
	for i := range fields {
		fields[i] = []byte("field" + strconv.Itoa(i))
	}
	v := []byte("v:00000001")
	for b.Loop() {
		h := New()
		for _, f := range fields {
			h.Set(f, v)
		}
	}
}

// BenchmarkRange visits every pair.
func BenchmarkRange(b *testing.B) {
	for _, n := range benchSizes {
		h := filledHash(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				h.Range(func(f, v string) bool { return true })
			}
		})
	}
}

// BenchmarkRandom picks a random pair (HRANDFIELD).
func BenchmarkRandom(b *testing.B) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, n := range benchSizes {
		h := filledHash(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				h.Random(rnd)
			}
		})
	}
}
