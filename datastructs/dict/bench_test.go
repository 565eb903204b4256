package dict

import (
	"strconv"
	"testing"
)

var benchSizes = []struct {
	name string
	n    int
}{{"1k", 1000}, {"1M", 1000000}}

func benchKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = "key:" + strconv.Itoa(i)
	}
	return keys
}

// BenchmarkDictSet measures inserting n fresh keys into an initially empty
// table (growth included); the table is recreated every n operations.
func BenchmarkDictSet(b *testing.B) {
	for _, sz := range benchSizes {
		keys := benchKeys(sz.n)
		b.Run("dict/"+sz.name, func(b *testing.B) {
			b.ReportAllocs()
			var d *Dict[int]
			for i := 0; i < b.N; i++ {
				j := i % sz.n
				if j == 0 {
					d = New[int](0)
				}
				d.Set(keys[j], i)
			}
		})
		b.Run("map/"+sz.name, func(b *testing.B) {
			b.ReportAllocs()
			var m map[string]int
			for i := 0; i < b.N; i++ {
				j := i % sz.n
				if j == 0 {
					m = map[string]int{}
				}
				m[keys[j]] = i
			}
		})
	}
}

// BenchmarkDictGet measures lookups of present keys in a table of n entries.
func BenchmarkDictGet(b *testing.B) {
	for _, sz := range benchSizes {
		keys := benchKeys(sz.n)
		b.Run("dict/"+sz.name, func(b *testing.B) {
			d := New[int](0)
			for i, k := range keys {
				d.Set(k, i)
			}
			for d.RehashStep(1000) {
			}
			b.ReportAllocs()
			b.ResetTimer()
			sum := 0
			for i := 0; i < b.N; i++ {
				v, _ := d.Get(keys[i%sz.n])
				sum += v
			}
			_ = sum
		})
		b.Run("map/"+sz.name, func(b *testing.B) {
			m := make(map[string]int)
			for i, k := range keys {
				m[k] = i
			}
			b.ReportAllocs()
			b.ResetTimer()
			sum := 0
			for i := 0; i < b.N; i++ {
				sum += m[keys[i%sz.n]]
			}
			_ = sum
		})
	}
}
