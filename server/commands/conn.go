package commands

import (
	"strconv"

	"github.com/aikv/aikv/server/command"
)

func registerConn(t *command.Table) {
	conn := []string{"fast", "connection"}
	t.Add(
		&command.Spec{Name: "ping", Arity: -1, Flags: command.Fast, ACL: conn, Group: "connection",
			Summary: "Returns the server's liveliness response.", Since: "1.0.0", Handler: ping},
		&command.Spec{Name: "echo", Arity: 2, Flags: command.Loading | command.Stale | command.Fast, ACL: conn, Group: "connection",
			Summary: "Returns the given string.", Since: "1.0.0", Handler: echo},
		&command.Spec{Name: "quit", Arity: -1, Flags: command.NoScript | command.Loading | command.Stale | command.Fast | command.NoAuth | command.AllowBusy,
			ACL: conn, Group: "connection", Summary: "Closes the connection.", Since: "1.0.0", Handler: quit},
		&command.Spec{Name: "select", Arity: 2, Flags: command.Loading | command.Stale | command.Fast, ACL: conn, Group: "connection",
			Summary: "Changes the selected database.", Since: "1.0.0", Handler: selectDB},
		&command.Spec{Name: "auth", Arity: -2, Flags: command.NoScript | command.Loading | command.Stale | command.Fast | command.NoAuth | command.AllowBusy,
			ACL: conn, Group: "connection", Summary: "Authenticates the connection.", Since: "1.0.0", Handler: auth},
		&command.Spec{Name: "hello", Arity: -1, Flags: command.NoScript | command.Loading | command.Stale | command.Fast | command.NoAuth | command.AllowBusy,
			ACL: conn, Group: "connection", Summary: "Handshakes with the Redis server.", Since: "6.0.0", Handler: hello},
		&command.Spec{Name: "reset", Arity: 1, Flags: command.NoScript | command.Loading | command.Stale | command.Fast | command.NoAuth | command.AllowBusy,
			ACL: conn, Group: "connection", Summary: "Resets the connection.", Since: "6.2.0", Handler: reset},
	)
}

func ping(c *command.Context) {
	if c.Client.PubSub && c.Client.Proto == 2 && len(c.Args) <= 2 {
		// A subscribed RESP2 client gets PING's reply as a message-like
		// array, as in Redis.
		c.W.Array(2)
		c.W.BulkString("pong")
		if len(c.Args) == 2 {
			c.W.Bulk(c.Args[1])
		} else {
			c.W.BulkString("")
		}
		return
	}
	switch len(c.Args) {
	case 1:
		c.W.SimpleString("PONG")
	case 2:
		c.W.Bulk(c.Args[1])
	default:
		c.W.Error(command.ArgCountError("ping"))
	}
}

func echo(c *command.Context) { c.W.Bulk(c.Args[1]) }

func quit(c *command.Context) {
	c.W.OK()
	c.Client.CloseAfterReply = true
}

func selectDB(c *command.Context) {
	n, ok := parseInt(c.Args[1])
	if !ok {
		c.W.Error(command.ErrNotInteger)
		return
	}
	if n < 0 || n >= int64(c.KS.NumDBs()) {
		c.W.Error(command.ErrDBIndex)
		return
	}
	c.Select(int(n))
	c.W.OK()
}

func auth(c *command.Context) {
	if len(c.Args) > 3 {
		c.W.Error(command.ErrSyntax)
		return
	}
	var user, pass []byte
	if len(c.Args) == 2 {
		// Redis keeps the pre-ACL error for AUTH <password> when the
		// default user needs no password.
		if c.Server.ACL().Default.NoPass() {
			c.W.Error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
			return
		}
		pass = c.Args[1]
	} else {
		user, pass = c.Args[1], c.Args[2]
	}
	if !c.Server.Authenticate(c, user, pass) {
		c.W.Error(command.ErrWrongPass)
		return
	}
	c.W.OK()
}

func hello(c *command.Context) {
	proto := c.Client.Proto
	args := c.Args[1:]
	if len(args) > 0 {
		v, ok := parseInt(args[0])
		if !ok {
			c.W.Error("ERR Protocol version is not an integer or out of range")
			return
		}
		if v != 2 && v != 3 {
			c.W.Error("NOPROTO unsupported protocol version")
			return
		}
		proto = int(v)
		args = args[1:]
	}
	var name []byte
	setName := false
	for i := 0; i < len(args); i++ {
		more := len(args) - i - 1
		switch {
		case eq(args[i], "auth") && more >= 2:
			if !c.Server.Authenticate(c, args[i+1], args[i+2]) {
				c.W.Error(command.ErrWrongPass)
				return
			}
			i += 2
		case eq(args[i], "setname") && more >= 1:
			name = args[i+1]
			setName = true
			i++
		default:
			c.W.Error("ERR Syntax error in HELLO option '" + string(args[i]) + "'")
			return
		}
	}
	if !c.Client.Authed && !c.Server.ACL().DefaultOpen() {
		c.W.Error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
		return
	}
	if setName {
		if !validClientName(name) {
			c.W.Error("ERR Client names cannot contain spaces, newlines or special characters.")
			return
		}
		c.Client.Name = string(name)
	}
	c.Client.Proto = proto
	setProto(c, proto)
	c.W.Map(7)
	c.W.BulkString("server")
	c.W.BulkString("redis")
	c.W.BulkString("version")
	c.W.BulkString(serverVersion)
	c.W.BulkString("proto")
	c.W.Int(int64(proto))
	c.W.BulkString("id")
	c.W.Int(c.Client.ID)
	c.W.BulkString("mode")
	c.W.BulkString("standalone")
	c.W.BulkString("role")
	c.W.BulkString("master")
	c.W.BulkString("modules")
	c.W.Array(0)
}

// serverVersion is the Redis version AiKv follows.
const serverVersion = "7.0.15"

// protoSetter is implemented by writers whose protocol can change (the
// network writer); HELLO switches it.
type protoSetter interface{ SetProto(int) }

func setProto(c *command.Context, proto int) {
	if ps, ok := c.W.(protoSetter); ok {
		ps.SetProto(proto)
	}
}

// validClientName reports whether name has only printable characters
// other than space (Redis's rule for CLIENT SETNAME and HELLO SETNAME).
func validClientName(name []byte) bool {
	for _, ch := range name {
		if ch < '!' || ch > '~' {
			return false
		}
	}
	return true
}

func reset(c *command.Context) {
	c.Server.DiscardTransaction(c.Client)
	c.Select(0)
	c.Client.Proto = 2
	setProto(c, 2)
	c.Client.Name = ""
	c.Client.ReplyMode = command.ReplyOn
	c.Client.NoEvict = false
	c.Client.NoTouch = false
	c.Client.Monitor = false // the server drops it from its monitors
	for _, kind := range []command.PubSubKind{command.SubChannel, command.SubPattern, command.SubShard} {
		for _, n := range c.Server.Subscriptions(c.Client, kind) {
			c.Server.Unsubscribe(c.Client, kind, []byte(n))
		}
	}
	c.Server.SetTracking(c.Client, command.Tracking{})
	c.Server.ResetUser(c.Client)
	c.W.SimpleString("RESET")
}

var _ = strconv.Itoa
