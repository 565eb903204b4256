package datastructs_test

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"strconv"
	"testing"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/datastructs/hash"
	"github.com/aikv/aikv/datastructs/list"
	"github.com/aikv/aikv/datastructs/set"
	"github.com/aikv/aikv/datastructs/zset"
)

func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestCollectionEstimates checks the keyspace estimate for collections,
// built through the keyspace as commands build them (create, store,
// mutate, Modified), against the live heap the Go runtime measures.
// Documented factor: within 1.25 either way (README "Memory").
func TestCollectionEstimates(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates ~100 MB")
	}
	shapes := []struct {
		name string
		fill func(db *datastructs.DB)
	}{
		{"100k 5-field hashes", func(db *datastructs.DB) {
			for i := 0; i < 100000; i++ {
				k := []byte("hash:" + strconv.Itoa(i))
				h := hash.New()
				db.SetValue(k, h, 0, false)
				for f := 0; f < 5; f++ {
					h.Set([]byte("field"+strconv.Itoa(f)), []byte("value-"+strconv.Itoa(i)))
					db.Modified(k)
				}
			}
		}},
		{"one 300k-member zset", func(db *datastructs.DB) {
			k := []byte("zset")
			z := zset.New()
			db.SetValue(k, z, 0, false)
			for i := 0; i < 300000; i++ {
				z.Set("member:"+strconv.Itoa(i), float64(i))
				db.Modified(k)
			}
		}},
		{"5k lists of 100", func(db *datastructs.DB) {
			for i := 0; i < 5000; i++ {
				k := []byte("list:" + strconv.Itoa(i))
				l := list.New()
				db.SetValue(k, l, 0, false)
				for j := 0; j < 100; j++ {
					l.PushBack(fmt.Sprintf("element-%d", j))
					db.Modified(k)
				}
			}
		}},
		{"20k sets of 20", func(db *datastructs.DB) {
			for i := 0; i < 20000; i++ {
				k := []byte("set:" + strconv.Itoa(i))
				s := set.New()
				db.SetValue(k, s, 0, false)
				for j := 0; j < 20; j++ {
					s.Add([]byte("m" + strconv.Itoa(j)))
					db.Modified(k)
				}
			}
		}},
	}
	for _, sh := range shapes {
		t.Run(sh.name, func(t *testing.T) {
			before := liveHeap()
			ks := datastructs.New(datastructs.Options{})
			sh.fill(ks.DB(0))
			real := int64(liveHeap()) - int64(before)
			est := ks.UsedMemory()
			ratio := float64(est) / float64(real)
			t.Logf("estimate %d, live heap grew %d: ratio %.3f", est, real, ratio)
			if ratio < 0.8 || ratio > 1.25 {
				t.Fatalf("estimate %d vs live heap %d: ratio %.3f outside [0.8, 1.25]", est, real, ratio)
			}
			runtime.KeepAlive(ks)
		})
	}
}
