package tests

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// waitClosed fails unless the server closes c (an EOF, not a timeout,
// within a generous deadline).
func waitClosed(t *testing.T, c *RawConn) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	_, err := ReadReply(c.R)
	var ne net.Error
	if err == nil || errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("connection not closed: %v", err)
	}
}

// TestACLRestrictedUserGoRedis: a user limited to ~app:* and without
// @dangerous, used through go-redis's Username/Password options.
func TestACLRestrictedUserGoRedis(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	admin := h.Client(t)
	ctx := Ctx(t)
	if err := admin.Do(ctx, "ACL", "SETUSER", "app", "on", ">s3cret", "~app:*", "&*", "+@all", "-@dangerous").Err(); err != nil {
		t.Fatal(err)
	}
	admin.Set(ctx, "app:1", "v", 0)
	admin.Set(ctx, "other", "v", 0)
	app := h.Client(t, func(o *redis.Options) { o.Username, o.Password = "app", "s3cret" })
	if v, err := app.Get(ctx, "app:1").Result(); err != nil || v != "v" {
		t.Errorf("GET app:1 = %q, %v", v, err)
	}
	if err := app.Get(ctx, "other").Err(); err == nil || err.Error() != "NOPERM this user has no permissions to access one of the keys used as arguments" {
		t.Errorf("GET other: %v", err)
	}
	if err := app.MSet(ctx, "app:2", "x", "other", "y").Err(); err == nil || !strings.HasPrefix(err.Error(), "NOPERM") {
		t.Errorf("MSET with a forbidden key: %v", err)
	}
	if n, _ := admin.Exists(ctx, "app:2").Result(); n != 0 {
		t.Error("a refused MSET wrote a key")
	}
	for _, cmd := range [][]any{{"FLUSHALL"}, {"KEYS", "*"}, {"CONFIG", "SET", "maxmemory", "1"}, {"DEBUG", "SLEEP", "0"}} {
		err := app.Do(ctx, cmd...).Err()
		want := "NOPERM this user has no permissions to run the '"
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%v: %v", cmd, err)
		}
	}
	if n, _ := admin.DBSize(ctx).Result(); n != 2 {
		t.Errorf("dbsize %d after refused FLUSHALL", n)
	}
	if who, _ := app.Do(ctx, "ACL", "WHOAMI").Text(); who != "app" {
		t.Errorf("WHOAMI = %q", who)
	}
	list, _ := admin.ClientList(ctx).Result()
	if !strings.Contains(list, "user=app ") || !strings.Contains(list, "user=default ") {
		t.Errorf("CLIENT LIST lacks users:\n%s", list)
	}
	// A wrong password is refused and logged.
	bad := h.Client(t, func(o *redis.Options) { o.Username, o.Password = "app", "nope" })
	if err := bad.Ping(ctx).Err(); err == nil || !strings.HasPrefix(err.Error(), "WRONGPASS") {
		t.Errorf("wrong password: %v", err)
	}
	entries, err := admin.Do(ctx, "ACL", "LOG").Slice()
	if err != nil || len(entries) == 0 {
		t.Fatalf("ACL LOG: %v %v", entries, err)
	}
	if e := fmt.Sprint(entries[0]); !strings.Contains(e, "reason auth ") || !strings.Contains(e, "username app ") {
		t.Errorf("newest ACL LOG entry: %v", e)
	}
}

// TestACLAuthSwitching: AUTH changes the user of a connection back and
// forth, AUTH <password> is AUTH default <password> once requirepass is
// set, HELLO 3 AUTH logs in, and RESET goes back to the default user.
func TestACLAuthSwitching(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no", "--requirepass", "adminpw"}})
	c := h.Raw(t)
	steps := []struct {
		args []string
		want string
	}{
		{[]string{"GET", "k"}, `-"NOAUTH Authentication required."`},
		{[]string{"AUTH", "adminpw"}, `+"OK"`},
		{[]string{"ACL", "SETUSER", "ro", "on", ">ropw", "~*", "-@all", "+@read", "+acl|whoami"}, `+"OK"`},
		{[]string{"SET", "k", "v"}, `+"OK"`},
		{[]string{"AUTH", "ro", "ropw"}, `+"OK"`},
		{[]string{"ACL", "WHOAMI"}, `$"ro"`},
		{[]string{"GET", "k"}, `$"v"`},
		{[]string{"SET", "k", "w"}, `-"NOPERM this user has no permissions to run the 'set' command"`},
		{[]string{"AUTH", "ro", "wrong"}, `-"WRONGPASS invalid username-password pair or user is disabled."`},
		{[]string{"ACL", "WHOAMI"}, `$"ro"`},
		{[]string{"AUTH", "default", "adminpw"}, `+"OK"`},
		{[]string{"SET", "k", "w"}, `+"OK"`},
		{[]string{"ACL", "SETUSER", "ro", "off"}, `+"OK"`},
		{[]string{"AUTH", "ro", "ropw"}, `-"WRONGPASS invalid username-password pair or user is disabled."`},
		{[]string{"ACL", "SETUSER", "ro", "on"}, `+"OK"`},
		{[]string{"HELLO", "3", "AUTH", "ro", "ropw"}, ""},
		{[]string{"ACL", "WHOAMI"}, `$"ro"`},
		{[]string{"RESET"}, `+"RESET"`},
		{[]string{"GET", "k"}, `-"NOAUTH Authentication required."`},
		{[]string{"ACL", "WHOAMI"}, `-"NOAUTH Authentication required."`},
	}
	for _, s := range steps {
		r := c.Do(s.args...)
		if s.want != "" && r.String() != s.want {
			t.Errorf("%v: %s, want %s", s.args, r, s.want)
		}
		if s.want == "" && r.IsError() {
			t.Errorf("%v: %s", s.args, r)
		}
	}
	// ACL SETUSER default changes requirepass's password for new AUTHs.
	a := h.Raw(t)
	a.Do("AUTH", "adminpw")
	if r := a.Do("ACL", "SETUSER", "default", "resetpass", ">other"); r.IsError() {
		t.Fatal(r)
	}
	b := h.Raw(t)
	if r := b.Do("AUTH", "adminpw"); !r.IsError() {
		t.Errorf("old password still accepted: %s", r)
	}
	if r := b.Do("AUTH", "other"); r.String() != `+"OK"` {
		t.Errorf("new password: %s", r)
	}
}

// TestACLDelUserDisconnects: deleting a user closes the connections
// authenticated as it, including the caller's own (after its reply).
func TestACLDelUserDisconnects(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	admin := h.Raw(t)
	admin.Do("ACL", "SETUSER", "tmp", "on", "nopass", "~*", "&*", "+@all")
	victim := h.Raw(t)
	if r := victim.Do("AUTH", "tmp", "x"); r.String() != `+"OK"` {
		t.Fatal(r)
	}
	self := h.Raw(t)
	self.Do("AUTH", "tmp", "x")
	bystander := h.Raw(t)
	if r := self.Do("ACL", "DELUSER", "tmp"); r.String() != `:"1"` {
		t.Fatalf("DELUSER: %s", r)
	}
	waitClosed(t, self)
	waitClosed(t, victim)
	if r := bystander.Do("PING"); r.String() != `+"PONG"` {
		t.Errorf("bystander: %s", r)
	}
	if r := admin.Do("ACL", "USERS"); r.String() != `*1[$"default"]` {
		t.Errorf("ACL USERS: %s", r)
	}
}

// TestACLPubSubAndExec: channel permissions for SUBSCRIBE, a subscriber
// disconnected when its channels are taken away, and EXEC re-checking
// queued commands against rules changed since MULTI.
func TestACLPubSubAndExec(t *testing.T) {
	h := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	admin := h.Raw(t)
	admin.Do("ACL", "SETUSER", "sub", "on", "nopass", "~*", "resetchannels", "&news.*", "+@all")
	s := h.Raw(t)
	s.Do("AUTH", "sub", "x")
	if r := s.Do("SUBSCRIBE", "secret"); r.String() != `-"NOPERM this user has no permissions to access one of the channels used as arguments"` {
		t.Errorf("SUBSCRIBE secret: %s", r)
	}
	if r := s.Do("SUBSCRIBE", "news.today"); r.IsError() {
		t.Fatalf("SUBSCRIBE news.today: %s", r)
	}
	if r := admin.Do("ACL", "SETUSER", "sub", "resetchannels", "&sport.*"); r.String() != `+"OK"` {
		t.Fatal(r)
	}
	waitClosed(t, s)

	m := h.Raw(t)
	m.Do("AUTH", "sub", "x")
	m.Do("MULTI")
	if r := m.Do("SET", "k", "v"); r.String() != `+"QUEUED"` {
		t.Fatal(r)
	}
	m.Do("GET", "k")
	admin.Do("ACL", "SETUSER", "sub", "-set")
	want := `*2[-"NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: no permission to execute the command or subcommand", (nil$)]`
	if r := m.Do("EXEC"); r.String() != want {
		t.Errorf("EXEC: %s\nwant %s", r, want)
	}
	if r := m.Do("EVAL", "return redis.pcall('set', 'k', 'v')", "0"); r.String() != `-"ERR The user executing the script can't run this command or subcommand"` {
		t.Errorf("EVAL set: %s", r)
	}
}
