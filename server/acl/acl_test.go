package acl

import (
	"strings"
	"testing"
)

func testCatalog() *Catalog {
	read := CategoriesOf([]string{"read", "string", "fast"})
	write := CategoriesOf([]string{"write", "string", "slow"})
	admin := CategoriesOf([]string{"admin", "dangerous", "slow"})
	return NewCatalog([]*Command{
		{ID: 0, Name: "get", Categories: read},
		{ID: 1, Name: "set", Categories: write},
		{ID: 2, Name: "flushall", Categories: admin | CategoriesOf([]string{"write", "keyspace"})},
		{ID: 3, Name: "config", Subs: []*Command{
			{ID: 4, Name: "config|get", Categories: admin},
			{ID: 5, Name: "config|set", Categories: admin},
		}},
		{ID: 6, Name: "publish", Categories: CategoriesOf([]string{"pubsub", "fast"}), Channels: PublishChannel},
		{ID: 7, Name: "auth", NoAuth: true, Categories: CategoriesOf([]string{"connection", "fast"})},
		{ID: 8, Name: "select", Categories: CategoriesOf([]string{"connection", "fast"})},
	})
}

func args(s string) [][]byte {
	var out [][]byte
	for _, f := range strings.Fields(s) {
		out = append(out, []byte(f))
	}
	return out
}

func TestDefaultUserUnrestricted(t *testing.T) {
	r := NewRegistry(testCatalog())
	d := r.Default
	if !d.Unrestricted || !r.DefaultOpen() || d.Describe() != "on nopass ~* &* +@all" {
		t.Fatalf("default: %v %q", d.Unrestricted, d.Describe())
	}
	r.SetDefaultPassword("pw")
	if r.DefaultOpen() || r.Authenticate([]byte("default"), []byte("x")) != nil || r.Authenticate([]byte("default"), []byte("pw")) != d {
		t.Error("requirepass not applied to the default user")
	}
	if _, err := r.SetUser("default", []string{"-get"}); err != nil || d.Unrestricted {
		t.Errorf("denying a command keeps the fast path: %v", err)
	}
}

func TestSetUserAndCheck(t *testing.T) {
	r := NewRegistry(testCatalog())
	ch, err := r.SetUser("u", []string{"on", ">pw", "~k*", "%R~r*", "&news", "+@all", "-@dangerous", "+config|get", "+select|0"})
	if err != nil || !ch.Created {
		t.Fatal(err)
	}
	u := r.User("u")
	if u.Unrestricted {
		t.Fatal("restricted user marked unrestricted")
	}
	cat := r.Catalog()
	for _, tc := range []struct {
		cmd  string
		perm Perm
		keys []int
		want Result
		idx  int
	}{
		{"get k1", PermRead, []int{1}, OK, 0},
		{"get r1", PermRead, []int{1}, OK, 0},
		{"set r1 v", PermWrite, []int{1}, DeniedKey, 1},
		{"get zz", PermRead, []int{1}, DeniedKey, 1},
		{"flushall", 0, nil, DeniedCommand, 0},
		{"config get x", 0, nil, OK, 0},
		{"config set x y", 0, nil, DeniedCommand, 0},
		{"publish news m", 0, nil, OK, 0},
		{"publish other m", 0, nil, DeniedChannel, 1},
		{"auth a b", 0, nil, OK, 0},
	} {
		a := args(tc.cmd)
		c := cat.Lookup(string(a[0]))
		if len(c.Subs) > 0 {
			c = cat.Lookup(string(a[0]) + "|" + string(a[1]))
		}
		res, idx := u.Check(c, a, tc.keys, tc.perm)
		if res != tc.want || idx != tc.idx {
			t.Errorf("%s: %v %d, want %v %d", tc.cmd, res, idx, tc.want, tc.idx)
		}
	}
	if !u.CheckPassword([]byte("pw")) || u.CheckPassword([]byte("nope")) {
		t.Error("password check")
	}
	if _, err := r.SetUser("u", []string{"-@all", "+select|0"}); err != nil {
		t.Fatal(err)
	}
	sel := cat.Lookup("select")
	if !u.CommandAllowed(sel, args("select 0")) || u.CommandAllowed(sel, args("select 1")) {
		t.Error("first-arg permission")
	}
	if got := u.Commands(); got != "-@all +select|0" {
		t.Errorf("Commands() = %q", got)
	}
}

func TestSetUserErrorsChangeNothing(t *testing.T) {
	r := NewRegistry(testCatalog())
	r.SetUser("u", []string{"on", "nopass"})
	before := r.User("u").Describe()
	for op, reason := range map[string]string{
		"badrule":        reasonSyntax,
		"+nosuch":        reasonUnknown,
		"+@nosuch":       reasonUnknown,
		"+config|":       reasonSyntax,
		"+config|get|x":  reasonSubFirst,
		"#abc":           reasonBadHash,
		"<nope":          reasonNoPass,
		"%X~a":           reasonSyntax,
		"%~a":            reasonSyntax,
		"(~x +get)":      reasonSelectors,
		"~a b":           reasonSyntax,
		"+get|x":         "",
		"~allowed-after": "",
	} {
		first := "resetkeys"
		if op == "~allowed-after" {
			first = "allkeys"
		}
		_, err := r.SetUser("u", []string{first, "-set", op})
		if reason == "" {
			if op == "~allowed-after" {
				if err == nil || err.(*SetUserError).Reason != reasonAllKeys {
					t.Errorf("%s after allkeys: %v", op, err)
				}
			} else if err != nil {
				t.Errorf("%s: %v", op, err)
			}
			continue
		}
		if err == nil || err.(*SetUserError).Reason != reason {
			t.Errorf("%s: %v, want %s", op, err, reason)
		}
	}
	r.SetUser("v", []string{"on", "nopass"})
	if _, err := r.SetUser("v", []string{"-set", "badrule"}); err == nil || r.User("v").Describe() != "on nopass resetchannels -@all" {
		t.Errorf("failed SETUSER changed the user: %q", r.User("v").Describe())
	}
	_ = before
}

func TestDescribeBestFit(t *testing.T) {
	r := NewRegistry(testCatalog())
	// Expected values follow Redis's algorithm on this small catalog: a
	// tie goes to the earlier category, a category whose commands are
	// split evenly is not used.
	for ops, want := range map[string]string{
		"+@all -@dangerous":   "+@all -@admin",
		"-@all +@string":      "-@all +@string",
		"+@all -@string +get": "+@all -set",
		"-@all +config|get":   "-@all +config|get",
		"+@all -flushall":     "+@all -@keyspace",
		"-@all +get +set":     "-@all +@string",
	} {
		u, _ := r.SetUser("d", append([]string{"reset"}, strings.Fields(ops)...))
		if got := u.User.Commands(); got != want {
			t.Errorf("%s: %q, want %q", ops, got, want)
		}
	}
}

func TestPubSubKillDecision(t *testing.T) {
	r := NewRegistry(testCatalog())
	r.SetUser("p", []string{"on", "&a*", "&b"})
	if ch, _ := r.SetUser("p", []string{"&c"}); ch.KillPubSub {
		t.Error("adding a channel kills subscribers")
	}
	ch, _ := r.SetUser("p", []string{"resetchannels", "&a*"})
	if !ch.KillPubSub || len(ch.Upcoming) != 1 {
		t.Errorf("removing channels: %+v", ch)
	}
	if !ChannelAllowedBy(ch.Upcoming, []byte("abc"), false) || ChannelAllowedBy(ch.Upcoming, []byte("abc"), true) {
		t.Error("literal vs pattern matching")
	}
}

func TestLogGrouping(t *testing.T) {
	var l Log
	l.MaxLen = 3
	l.Add(&LogEntry{Reason: DeniedKey, Context: "toplevel", Object: "k", Username: "u", Time: 1000})
	l.Add(&LogEntry{Reason: DeniedCommand, Context: "toplevel", Object: "get", Username: "u", Time: 2000})
	l.Add(&LogEntry{Reason: DeniedKey, Context: "toplevel", Object: "k", Username: "u", Time: 3000})
	if len(l.Entries) != 2 || l.Entries[0].Count != 2 || l.Entries[0].Object != "k" {
		t.Fatalf("grouping: %+v", l.Entries)
	}
	l.Add(&LogEntry{Reason: DeniedKey, Context: "toplevel", Object: "k", Username: "u", Time: 3000 + groupingMs + 1})
	l.Add(&LogEntry{Reason: DeniedKey, Context: "lua", Object: "k", Username: "u", Time: 100000})
	if len(l.Entries) != 3 || l.Entries[0].Context != "lua" {
		t.Errorf("max length / new entries: %d", len(l.Entries))
	}
	l.Reset()
	if len(l.Entries) != 0 {
		t.Error("reset")
	}
}
