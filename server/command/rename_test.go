package command

import "testing"

func TestTableRename(t *testing.T) {
	h := func(c *Context) {}
	tb := NewTable()
	tb.Add(&Spec{Name: "set", Arity: -3, Handler: h}, &Spec{Name: "get", Arity: 2, Handler: h},
		&Spec{Name: "flushall", Arity: -1, Handler: h})
	if err := tb.Rename("SET", "put"); err != nil {
		t.Fatal(err)
	}
	if err := tb.Rename("flushall", ""); err != nil {
		t.Fatal(err)
	}
	if tb.Lookup([]byte("set")) != nil || tb.Lookup([]byte("flushall")) != nil {
		t.Fatal("old names still reachable")
	}
	s := tb.Lookup([]byte("PUT"))
	if s == nil || s.Name != "set" {
		t.Fatalf("PUT -> %v", s)
	}
	if !tb.Renamed() || tb.LookupRegistered([]byte("SET")) != s || tb.LookupRegistered([]byte("put")) != nil {
		t.Fatal("registered names not kept for the log")
	}
	if tb.LookupRegistered([]byte("flushall")) == nil {
		t.Fatal("a disabled command must still replay from the log")
	}
	if tb.Len() != 2 || len(tb.All()) != 2 {
		t.Fatalf("table has %d commands", tb.Len())
	}
	if err := tb.Rename("get", "put"); err == nil {
		t.Fatal("renaming onto an existing name must fail")
	}
	if err := tb.Rename("nope", "x"); err == nil {
		t.Fatal("renaming an unknown command must fail")
	}
}
