package datastructs

import (
	"fmt"
	"testing"
)

type bulkVal struct{ n int }

func (bulkVal) Type() Type { return TypeList }

// TestBulkLoader checks that keys added in bulk read back like keys added
// with SetString/SetValue, with the same TTL index and memory accounting,
// and that a repeated key is reported by index.
func TestBulkLoader(t *testing.T) {
	now := int64(1_700_000_000_000)
	clock := func() int64 { return now }
	bulk := New(Options{Now: clock})
	ref := New(Options{Now: clock})
	for db := 0; db < 3; db++ {
		// As a load does; it also keeps both tables out of an
		// incremental rehash, which counts both bucket arrays.
		bulk.DB(db).Reserve(400)
		ref.DB(db).Reserve(400)
	}
	var items []BulkItem
	for i := 0; i < 1000; i++ {
		it := BulkItem{DB: i % 3, Key: fmt.Sprintf("key:%d", i)}
		if i%5 == 0 {
			it.ExpireAt = now + 1000 + int64(i)
		}
		if i%4 == 0 {
			it.Value = bulkVal{i}
			ref.DB(it.DB).SetValue([]byte(it.Key), it.Value, it.ExpireAt, false)
		} else {
			it.Str = fmt.Sprintf("value %d", i)
			ref.DB(it.DB).SetString([]byte(it.Key), []byte(it.Str), it.ExpireAt, false)
		}
		items = append(items, it)
	}
	bulk.Loading = true
	l := bulk.NewBulkLoader()
	if n := l.Add(items[:500]); n != 500 {
		t.Fatalf("Add returned %d, want 500", n)
	}
	if n := l.Add(items[500:]); n != 500 {
		t.Fatalf("Add returned %d, want 500", n)
	}
	bulk.Loading = false
	if bulk.Dirty != 0 {
		t.Errorf("Dirty = %d, want 0 (a load is not a change)", bulk.Dirty)
	}
	for db := 0; db < 3; db++ {
		b, r := bulk.DB(db), ref.DB(db)
		if b.Len() != r.Len() || b.ExpiresLen() != r.ExpiresLen() {
			t.Fatalf("db %d: %d keys (%d with TTL), want %d (%d)", db, b.Len(), b.ExpiresLen(), r.Len(), r.ExpiresLen())
		}
		if b.UsedMemory() != r.UsedMemory() {
			t.Errorf("db %d: used memory %d, want %d", db, b.UsedMemory(), r.UsedMemory())
		}
	}
	for _, it := range items {
		e := bulk.DB(it.DB).Peek(it.Key)
		if e == nil {
			t.Fatalf("key %q missing", it.Key)
		}
		if e.ExpireAt != it.ExpireAt {
			t.Errorf("key %q: expiry %d, want %d", it.Key, e.ExpireAt, it.ExpireAt)
		}
		if s, ok := e.Str(); it.Value == nil && (!ok || s != it.Str) {
			t.Errorf("key %q: got %q, want %q", it.Key, s, it.Str)
		}
		if it.Value != nil && e.Obj() != it.Value {
			t.Errorf("key %q: got %v, want %v", it.Key, e.Obj(), it.Value)
		}
	}
	dup := []BulkItem{{Key: "new", Str: "x"}, {Key: "key:0", Str: "again"}, {Key: "after", Str: "y"}}
	if n := l.Add(dup); n != 1 {
		t.Fatalf("Add with a repeated key returned %d, want 1", n)
	}
	if bulk.DB(0).Peek("after") != nil {
		t.Error("the item after the repeated key was added")
	}
}
