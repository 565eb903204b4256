package server

import (
	"bytes"
	"testing"

	"github.com/aikv/aikv/server/commands"
)

// TestACLFastPathNoAllocs: a client of the default (unrestricted) user
// runs GET without allocating, ACL check included.
func TestACLFastPathNoAllocs(t *testing.T) {
	s := New(defaultTestConfig(), commands.NewTable(), nil)
	c := benchConn(s)
	if c.client.User == nil || !c.client.User.Unrestricted {
		t.Fatal("bench client is not the unrestricted default user")
	}
	src := bytes.NewReader(nil)
	set, _ := benchBatch("set", 1)
	runBatch(t, c, src, set)
	req, want := benchBatch("get", 1)
	c.w.Reset()
	runBatch(t, c, src, req)
	if !bytes.Equal(c.w.B, want) {
		t.Fatalf("replies %q, want %q", c.w.B, want)
	}
	allocs := testing.AllocsPerRun(100, func() {
		runBatch(t, c, src, req)
		c.w.Reset()
	})
	if allocs != 0 {
		t.Errorf("GET as the default user: %v allocs per batch", allocs)
	}
}

// TestACLRestrictedDispatch: a restricted user's denied command is not
// run and is logged; an allowed one runs.
func TestACLRestrictedDispatch(t *testing.T) {
	s := New(defaultTestConfig(), commands.NewTable(), nil)
	if err := s.ACLSetUser("u", []string{"on", "nopass", "~a*", "-@all", "+get", "+set"}); err != nil {
		t.Fatal(err)
	}
	c := benchConn(s)
	c.client.User = s.acl.User("u")
	src := bytes.NewReader(nil)
	runBatch(t, c, src, []byte("*3\r\n$3\r\nSET\r\n$2\r\nab\r\n$1\r\nv\r\n*3\r\n$3\r\nSET\r\n$2\r\nzz\r\n$1\r\nv\r\n*2\r\n$3\r\nDEL\r\n$2\r\nab\r\n"))
	want := "+OK\r\n-NOPERM this user has no permissions to access one of the keys used as arguments\r\n-NOPERM this user has no permissions to run the 'del' command\r\n"
	if string(c.w.B) != want {
		t.Errorf("replies %q, want %q", c.w.B, want)
	}
	if s.ks.DB(0).Len() != 1 {
		t.Errorf("dbsize %d, want 1", s.ks.DB(0).Len())
	}
	if n := len(s.acl.Log.Entries); n != 2 {
		t.Errorf("%d log entries, want 2", n)
	}
}
