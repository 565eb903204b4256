package datastructs_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/datastructs/list"
)

// render describes an entry's value and TTL canonically.
func render(e *datastructs.Entry) string {
	if s, ok := e.Str(); ok {
		return fmt.Sprintf("s:%s@%d", s, e.ExpireAt)
	}
	l := e.Obj().(*list.List)
	var parts []string
	l.Range(0, l.Len()-1, func(_ int, s string) bool { parts = append(parts, s); return true })
	return fmt.Sprintf("l:%s@%d", strings.Join(parts, ","), e.ExpireAt)
}

func dump(ks *datastructs.Keyspace) map[string]string {
	out := map[string]string{}
	for i := 0; i < ks.NumDBs(); i++ {
		ks.DB(i).Range(func(k string, e *datastructs.Entry) bool {
			out[fmt.Sprintf("%d/%s", i, k)] = render(e)
			return true
		})
	}
	return out
}

// TestSnapshotIsPointInTime interleaves random writes of every kind with
// the walker and checks the captured keys equal the dataset at the start,
// each captured exactly once.
func TestSnapshotIsPointInTime(t *testing.T) {
	for seed := uint64(1); seed <= 30; seed++ {
		r := rand.New(rand.NewPCG(seed, 99))
		ks := datastructs.New(datastructs.Options{Databases: 3, Now: func() int64 { return 1000 }})
		key := func() []byte { return []byte(fmt.Sprint("k", r.IntN(300))) }
		write := func() {
			db := ks.DB(r.IntN(3))
			k := key()
			switch r.IntN(10) {
			case 0, 1:
				db.SetString(k, []byte(fmt.Sprint(r.IntN(1000))), 0, false)
			case 2:
				db.Delete(k)
			case 3:
				if e := db.LookupWrite(k); e != nil {
					if l, ok := e.Obj().(*list.List); ok {
						l.PushBack(fmt.Sprint("x", r.IntN(9)))
						db.Modified(k)
					}
				} else {
					l := list.New()
					l.PushBack("new")
					db.SetValue(k, l, 0, false)
				}
			case 4:
				db.SetExpire(k, 5000+int64(r.IntN(1000)))
			case 5:
				db.Persist(k)
			case 6:
				db.Rename(k, key())
			case 7:
				if r.IntN(20) == 0 {
					db.Flush()
				}
			case 8:
				if r.IntN(30) == 0 {
					ks.Swap(0, 1+r.IntN(2))
				}
			case 9:
				if e := db.Lookup(k); e != nil {
					if l, ok := e.Obj().(*list.List); ok {
						// A handler mutating what a read lookup gave it.
						l.PushFront("front")
					}
				}
			}
		}
		for i := 0; i < 2000; i++ {
			write()
		}
		want := dump(ks)
		got := map[string]string{}
		dup := 0
		ks.BeginSnapshot(func(db int, k string, e datastructs.Entry) {
			id := fmt.Sprintf("%d/%s", db, k)
			if _, seen := got[id]; seen {
				dup++
			}
			got[id] = render(&e)
		})
		cursors := make([]uint64, 3)
		done := make([]bool, 3)
		for left := 3; left > 0; {
			for i := 0; i < 5; i++ {
				write()
			}
			db := r.IntN(3)
			if done[db] {
				continue
			}
			cursors[db] = ks.DB(db).SnapshotStep(cursors[db], 1+r.IntN(10))
			if cursors[db] == 0 {
				done[db] = true
				left--
			}
		}
		ks.EndSnapshot()
		if dup != 0 {
			t.Fatalf("seed %d: %d keys captured twice", seed, dup)
		}
		if len(got) != len(want) {
			t.Fatalf("seed %d: captured %d keys, dataset had %d", seed, len(got), len(want))
		}
		for k, v := range want {
			if got[k] != v {
				t.Fatalf("seed %d: key %s captured as %q, was %q at the start", seed, k, got[k], v)
			}
		}
	}
}
