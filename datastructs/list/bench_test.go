package list

import (
	"strconv"
	"testing"
)

var benchSizes = []int{10, 1000, 1000000}

func filled(n int) *List {
	l := New()
	for i := 0; i < n; i++ {
		l.PushBack("element-" + strconv.Itoa(i))
	}
	return l
}

// BenchmarkPushPop pushes and pops at both ends of a list of size n: the
// cost per operation must not grow with n.
func BenchmarkPushPop(b *testing.B) {
	for _, n := range benchSizes {
		l := filled(n)
		b.Run("front/"+strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				l.PushFront("x")
				l.PopFront()
			}
		})
		b.Run("back/"+strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				l.PushBack("x")
				l.PopBack()
			}
		})
	}
}

// BenchmarkIndex reads the middle element, the worst case for the walk.
func BenchmarkIndex(b *testing.B) {
	for _, n := range benchSizes {
		l := filled(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				l.Index(n / 2)
			}
		})
	}
}

// BenchmarkRange reads 100 elements (or all, if fewer) from the middle.
func BenchmarkRange(b *testing.B) {
	for _, n := range benchSizes {
		l := filled(n)
		start := max(0, n/2-50)
		stop := min(n-1, start+99)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				l.Range(start, stop, func(int, string) bool { return true })
			}
		})
	}
}

// BenchmarkFill builds a list of n elements from empty with PushBack.
func BenchmarkFill(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				l := New()
				for i := 0; i < n; i++ {
					l.PushBack("x")
				}
			}
		})
	}
}

// BenchmarkPushAll builds a list of 100 ten-byte elements with ten
// ten-element pushes (RPUSH key e1 .. e10, ten times): the memory
// benchmark's list shape, where every push grows the node's buffer.
func BenchmarkPushAll(b *testing.B) {
	elems := make([][]byte, 10)
	for i := range elems {
		elems[i] = []byte("e:0000000" + strconv.Itoa(i))
	}
	for _, front := range []bool{false, true} {
		name := "back"
		if front {
			name = "front"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				l := New()
				for range 10 {
					l.PushAll(front, elems)
				}
			}
		})
	}
}
