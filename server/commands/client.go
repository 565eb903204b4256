package commands

import (
	"github.com/aikv/aikv/server/acl"
	"sort"
	"strings"
	"time"

	"github.com/aikv/aikv/server/command"
)

// CLIENT and its subcommands. Redis 7.0 has no CLIENT NO-TOUCH (7.2 added
// it), so neither do we: the oracle answers "unknown subcommand".

func clientSpec() *command.Spec {
	conn := []string{"connection"}
	adminConn := []string{"admin", "connection"}
	nls := command.NoScript | command.Loading | command.Stale
	admin := command.Admin | nls
	sub := func(name string, arity int, flags command.Flags, acl []string, since, summary, complexity string, h command.Handler, tips ...string) *command.Spec {
		return &command.Spec{Name: "client|" + name, Arity: arity, Flags: flags, ACL: acl, Since: since,
			Summary: summary, Complexity: complexity, Handler: h, Tips: tips}
	}
	return &command.Spec{
		Name: "client", Arity: -2, Group: "connection", Since: "2.4.0",
		Summary: "A container for client connection commands", Complexity: "Depends on subcommand.",
		Subcommands: map[string]*command.Spec{
			"id": sub("id", 2, nls, conn, "5.0.0", "Returns the client ID for the current connection", "O(1)", clientID),
			"info": sub("info", 2, nls, conn, "6.2.0", "Returns information about the current client connection.", "O(1)", clientInfo,
				"nondeterministic_output"),
			"list": sub("list", -2, admin, adminConn, "2.4.0", "Get the list of client connections", "O(N) where N is the number of client connections", clientList,
				"nondeterministic_output"),
			"setname": sub("setname", 3, nls, conn, "2.6.9", "Set the current connection name", "O(1)", clientSetName),
			"getname": sub("getname", 2, nls, conn, "2.6.9", "Get the current connection name", "O(1)", clientGetName),
			"kill":    sub("kill", -3, admin, adminConn, "2.4.0", "Kill the connection of a client", "O(N) where N is the number of client connections", clientKill),
			"pause":   sub("pause", -3, admin, adminConn, "2.9.50", "Stop processing commands from clients for some time", "O(1)", clientPause),
			"unpause": sub("unpause", 2, admin, adminConn, "6.2.0", "Resume processing of clients that were paused",
				"O(N) Where N is the number of paused clients", clientUnpause),
			"reply": sub("reply", 3, nls, conn, "3.2.0", "Instruct the server whether to reply to commands", "O(1)", clientReply),
			"unblock": sub("unblock", -3, admin|command.NoScript|command.Loading|command.Stale, adminConn, "5.0.0",
				"Unblock a client blocked in a blocking command from a different connection", "O(log N) where N is the number of client connections", clientUnblock),
			"no-evict": sub("no-evict", 3, admin, adminConn, "7.0.0", "Set client eviction mode for the current connection", "O(1)", clientNoEvict),
			"tracking": sub("tracking", -3, nls, conn, "6.0.0", "Enable or disable server assisted client side caching support",
				"O(1). Some options may introduce additional complexity.", clientTracking),
			"caching":  sub("caching", 3, nls, conn, "6.0.0", "Instruct the server about tracking or not keys in the next request", "O(1)", clientCaching),
			"getredir": sub("getredir", 2, nls, conn, "6.0.0", "Get tracking notifications redirection client ID if any", "O(1)", clientGetRedir),
			"trackinginfo": sub("trackinginfo", 2, nls, conn, "6.2.0",
				"Return information about server assisted client side caching for the current connection", "O(1)", clientTrackingInfo),
			"help": sub("help", 2, command.Loading|command.Stale, conn, "5.0.0", "Show helpful text about the different subcommands", "O(1)", clientHelp),
		},
	}
}

func clientID(c *command.Context) { c.W.Int(c.Client.ID) }

func clientInfo(c *command.Context) {
	c.W.Verbatim("txt", c.Server.ClientInfo(c.Client)+"\n")
}

// clientType is Redis's getClientTypeByName; ok is false for unknown
// names.
func clientType(name []byte) (string, bool) {
	switch {
	case eq(name, "normal"):
		return "normal", true
	case eq(name, "slave"), eq(name, "replica"):
		return "replica", true
	case eq(name, "pubsub"):
		return "pubsub", true
	case eq(name, "master"):
		return "master", true
	}
	return "", false
}

// typeOf classifies a client like Redis's getClientType. AiKv has no
// replication, and a MONITOR client counts as normal there too.
func typeOf(cl *command.Client) string {
	if cl.PubSub {
		return "pubsub"
	}
	return "normal"
}

func sortedClients(c *command.Context) []*command.Client {
	cls := c.Server.Clients()
	sort.Slice(cls, func(i, j int) bool { return cls[i].ID < cls[j].ID })
	return cls
}

func clientList(c *command.Context) {
	args := c.Args
	var typ string
	var ids map[int64]bool
	switch {
	case len(args) == 2:
	case len(args) == 4 && eq(args[2], "type"):
		t, ok := clientType(args[3])
		if !ok {
			c.W.Error("ERR Unknown client type '" + string(args[3]) + "'")
			return
		}
		typ = t
	case len(args) >= 4 && eq(args[2], "id"):
		ids = make(map[int64]bool)
		for _, a := range args[3:] {
			id, ok := parseInt(a)
			if !ok {
				c.W.Error("ERR Invalid client ID")
				return
			}
			ids[id] = true
		}
	default:
		c.W.Error(command.ErrSyntax)
		return
	}
	var b strings.Builder
	for _, cl := range sortedClients(c) {
		if typ != "" && typeOf(cl) != typ {
			continue
		}
		if ids != nil && !ids[cl.ID] {
			continue
		}
		b.WriteString(c.Server.ClientInfo(cl))
		b.WriteByte('\n')
	}
	c.W.Verbatim("txt", b.String())
}

func clientSetName(c *command.Context) {
	name := c.Args[2]
	if !validClientName(name) {
		c.W.Error("ERR Client names cannot contain spaces, newlines or special characters.")
		return
	}
	c.Client.Name = string(name)
	c.W.OK()
}

func clientGetName(c *command.Context) {
	if c.Client.Name == "" {
		c.W.Null()
		return
	}
	c.W.BulkString(c.Client.Name)
}

// kill closes cl: the current client closes once its reply is out, as in
// Redis; any other client is closed at once.
func kill(c *command.Context, cl *command.Client) {
	if cl == c.Client {
		c.Client.CloseAfterReply = true
		return
	}
	c.Server.KillClient(cl)
}

func clientKill(c *command.Context) {
	args := c.Args
	if len(args) == 3 {
		// Old form: CLIENT KILL addr:port.
		for _, cl := range sortedClients(c) {
			if cl.Addr == string(args[2]) {
				kill(c, cl)
				c.W.OK()
				return
			}
		}
		c.W.Error("ERR No such client")
		return
	}
	var (
		id              int64
		typ             string
		addr, laddr     string
		hasAddr, hasLad bool
		skipMe          = true
		user            *acl.User
	)
	for i := 2; i < len(args); i += 2 {
		more := i+1 < len(args)
		opt := args[i]
		switch {
		case eq(opt, "id") && more:
			n, ok := parseInt(args[i+1])
			if !ok || n < 1 {
				c.W.Error("ERR client-id should be greater than 0")
				return
			}
			id = n
		case eq(opt, "type") && more:
			t, ok := clientType(args[i+1])
			if !ok {
				c.W.Error("ERR Unknown client type '" + string(args[i+1]) + "'")
				return
			}
			typ = t
		case eq(opt, "addr") && more:
			addr, hasAddr = string(args[i+1]), true
		case eq(opt, "laddr") && more:
			laddr, hasLad = string(args[i+1]), true
		case eq(opt, "user") && more:
			user = c.Server.ACL().User(string(args[i+1]))
			if user == nil {
				c.W.Error("ERR No such user '" + string(args[i+1]) + "'")
				return
			}
		case eq(opt, "skipme") && more:
			switch {
			case eq(args[i+1], "yes"):
				skipMe = true
			case eq(args[i+1], "no"):
				skipMe = false
			default:
				c.W.Error(command.ErrSyntax)
				return
			}
		default:
			c.W.Error(command.ErrSyntax)
			return
		}
	}
	killed := 0
	for _, cl := range sortedClients(c) {
		switch {
		case hasAddr && cl.Addr != addr,
			hasLad && cl.LocalAddr != laddr,
			id != 0 && cl.ID != id,
			typ != "" && typeOf(cl) != typ,
			user != nil && cl.User != user,
			cl == c.Client && skipMe:
			continue
		}
		kill(c, cl)
		killed++
	}
	c.W.Int(int64(killed))
}

func clientPause(c *command.Context) {
	ms, ok := parseInt(c.Args[2])
	if !ok {
		c.W.Error("ERR timeout is not an integer or out of range")
		return
	}
	if ms < 0 {
		c.W.Error(command.ErrTimeoutNegative)
		return
	}
	mode := command.PauseAll
	if len(c.Args) == 4 {
		switch {
		case eq(c.Args[3], "write"):
			mode = command.PauseWrite
		case eq(c.Args[3], "all"):
		default:
			c.W.Error("ERR CLIENT PAUSE mode must be WRITE or ALL")
			return
		}
	} else if len(c.Args) > 4 {
		c.W.Error(command.ErrSyntax)
		return
	}
	c.Server.Pause(mode, time.Now().Add(time.Duration(ms)*time.Millisecond))
	c.W.OK()
}

func clientUnpause(c *command.Context) {
	c.Server.Unpause()
	c.W.OK()
}

// clientReply sets CLIENT REPLY. OFF and SKIP are silent; the dispatcher
// drops replies according to the mode (see server.call).
func clientReply(c *command.Context) {
	switch {
	case eq(c.Args[2], "on"):
		c.Client.ReplyMode = command.ReplyOn
		c.W.OK()
	case eq(c.Args[2], "off"):
		c.Client.ReplyMode = command.ReplyOff
	case eq(c.Args[2], "skip"):
		if c.Client.ReplyMode != command.ReplyOff {
			c.Client.ReplyMode = command.ReplySkip
		}
	default:
		c.W.Error(command.ErrSyntax)
	}
}

func clientNoEvict(c *command.Context) {
	switch {
	case eq(c.Args[2], "on"):
		c.Client.NoEvict = true
	case eq(c.Args[2], "off"):
		c.Client.NoEvict = false
	default:
		c.W.Error(command.ErrSyntax)
		return
	}
	c.W.OK()
}

func clientHelp(c *command.Context) {
	writeHelp(c, "CLIENT", []string{
		"CACHING (YES|NO)",
		"    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
		"GETREDIR",
		"    Return the client ID we are redirecting to when tracking is enabled.",
		"GETNAME",
		"    Return the name of the current connection.",
		"ID",
		"    Return the ID of the current connection.",
		"INFO",
		"    Return information about the current client connection.",
		"KILL <ip:port>",
		"    Kill connection made from <ip:port>.",
		"KILL <option> <value> [<option> <value> [...]]",
		"    Kill connections. Options are:",
		"    * ADDR (<ip:port>|<unixsocket>:0)",
		"      Kill connections made from the specified address",
		"    * LADDR (<ip:port>|<unixsocket>:0)",
		"      Kill connections made to specified local address",
		"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
		"      Kill connections by type.",
		"    * USER <username>",
		"      Kill connections authenticated by <username>.",
		"    * SKIPME (YES|NO)",
		"      Skip killing current connection (default: yes).",
		"LIST [options ...]",
		"    Return information about client connections. Options:",
		"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
		"      Return clients of specified type.",
		"UNPAUSE",
		"    Stop the current client pause, resuming traffic.",
		"PAUSE <timeout> [WRITE|ALL]",
		"    Suspend all, or just write, clients for <timeout> milliseconds.",
		"REPLY (ON|OFF|SKIP)",
		"    Control the replies sent to the current connection.",
		"SETNAME <name>",
		"    Assign the name <name> to the current connection.",
		"UNBLOCK <clientid> [TIMEOUT|ERROR]",
		"    Unblock the specified blocked client.",
		"TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
		"         [OPTIN] [OPTOUT] [NOLOOP]",
		"    Control server assisted client side caching.",
		"TRACKINGINFO",
		"    Report tracking status for the current connection.",
		"NO-EVICT (ON|OFF)",
		"    Protect current client connection from eviction.",
	})
}

// writeHelp replies like Redis's addReplyHelp: a header line, the given
// lines, and the HELP entry, as status strings.
func writeHelp(c *command.Context, container string, lines []string) {
	c.W.Array(len(lines) + 3)
	c.W.SimpleString(container + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
	for _, l := range lines {
		c.W.SimpleString(l)
	}
	c.W.SimpleString("HELP")
	c.W.SimpleString("    Prints this help.")
}

// clientUnblock implements CLIENT UNBLOCK id [TIMEOUT|ERROR].
func clientUnblock(c *command.Context) {
	id, ok := parseInt(c.Args[2])
	if !ok {
		c.W.Error(command.ErrNotInteger)
		return
	}
	withError := false
	if len(c.Args) == 4 {
		switch {
		case eq(c.Args[3], "timeout"):
		case eq(c.Args[3], "error"):
			withError = true
		default:
			c.W.Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
			return
		}
	} else if len(c.Args) > 4 {
		c.W.Error("ERR unknown subcommand or wrong number of arguments for '" + string(c.Args[1]) + "'. Try CLIENT HELP.")
		return
	}
	if c.Server.UnblockClient(id, withError) {
		c.W.Int(1)
	} else {
		c.W.Int(0)
	}
}

// clientTracking implements CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST]
// [PREFIX p ...] [OPTIN] [OPTOUT] [NOLOOP], with Redis's checks in
// Redis's order.
func clientTracking(c *command.Context) {
	var t command.Tracking
	args := c.Args
	for j := 3; j < len(args); j++ {
		more := len(args) - 1 - j
		switch {
		case eq(args[j], "redirect") && more > 0:
			j++
			if t.Redirect != 0 {
				c.W.Error("ERR A client can only redirect to a single other client")
				return
			}
			id, ok := parseInt(args[j])
			if !ok {
				c.W.Error(command.ErrNotInteger)
				return
			}
			if c.Server.ClientByID(id) == nil {
				c.W.Error("ERR The client ID you want redirect to does not exist")
				return
			}
			t.Redirect = id
		case eq(args[j], "bcast"):
			t.BCast = true
		case eq(args[j], "optin"):
			t.OptIn = true
		case eq(args[j], "optout"):
			t.OptOut = true
		case eq(args[j], "noloop"):
			t.NoLoop = true
		case eq(args[j], "prefix") && more > 0:
			j++
			t.Prefixes = append(t.Prefixes, string(args[j]))
		default:
			c.W.Error(command.ErrSyntax)
			return
		}
	}
	cur := &c.Client.Tracking
	switch {
	case eq(args[2], "on"):
		switch {
		case !t.BCast && len(t.Prefixes) > 0:
			c.W.Error("ERR PREFIX option requires BCAST mode to be enabled")
			return
		case cur.On && cur.BCast != t.BCast:
			c.W.Error("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.")
			return
		case t.BCast && (t.OptIn || t.OptOut):
			c.W.Error("ERR OPTIN and OPTOUT are not compatible with BCAST")
			return
		case t.OptIn && t.OptOut:
			c.W.Error("ERR You can't specify both OPTIN mode and OPTOUT mode")
			return
		case (t.OptIn && cur.OptOut) || (t.OptOut && cur.OptIn):
			c.W.Error("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.")
			return
		}
		if t.BCast {
			if msg := prefixCollision(cur.Prefixes, t.Prefixes); msg != "" {
				c.W.Error(msg)
				return
			}
		}
		t.On = true
	case eq(args[2], "off"):
		t = command.Tracking{}
	default:
		c.W.Error(command.ErrSyntax)
		return
	}
	if err := c.Server.SetTracking(c.Client, t); err != nil {
		c.W.Error(err.Error())
		return
	}
	c.W.OK()
}

// prefixCollision is Redis's checkPrefixCollisionsOrReply: no new prefix
// may be a prefix of (or equal to) an existing or another new one.
func prefixCollision(existing, add []string) string {
	overlap := func(a, b string) bool { return strings.HasPrefix(a, b) || strings.HasPrefix(b, a) }
	for i, p := range add {
		for _, e := range sortedStrings(existing) {
			if overlap(e, p) {
				return "ERR Prefix '" + p + "' overlaps with an existing prefix '" + e + "'. Prefixes for a single client must not overlap."
			}
		}
		for _, q := range add[i+1:] {
			if overlap(p, q) {
				return "ERR Prefix '" + p + "' overlaps with another provided prefix '" + q + "'. Prefixes for a single client must not overlap."
			}
		}
	}
	return ""
}

func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

func clientCaching(c *command.Context) {
	t := &c.Client.Tracking
	if !t.On {
		c.W.Error("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled")
		return
	}
	switch {
	case eq(c.Args[2], "yes"):
		if !t.OptIn {
			c.W.Error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.")
			return
		}
		t.Caching = 1
	case eq(c.Args[2], "no"):
		if !t.OptOut {
			c.W.Error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.")
			return
		}
		t.Caching = -1
	default:
		c.W.Error(command.ErrSyntax)
		return
	}
	c.W.OK()
}

func clientGetRedir(c *command.Context) {
	if c.Client.Tracking.On {
		c.W.Int(c.Client.Tracking.Redirect)
		return
	}
	c.W.Int(-1)
}

func clientTrackingInfo(c *command.Context) {
	t := &c.Client.Tracking
	flags := []string{"off"}
	if t.On {
		flags[0] = "on"
	}
	if t.BCast {
		flags = append(flags, "bcast")
	}
	if t.OptIn {
		flags = append(flags, "optin")
		if t.Caching != 0 {
			flags = append(flags, "caching-yes")
		}
	}
	if t.OptOut {
		flags = append(flags, "optout")
		if t.Caching != 0 {
			flags = append(flags, "caching-no")
		}
	}
	if t.NoLoop {
		flags = append(flags, "noloop")
	}
	if t.BrokenRedirect {
		flags = append(flags, "broken_redirect")
	}
	c.W.Map(3)
	c.W.BulkString("flags")
	c.W.Set(len(flags))
	for _, f := range flags {
		c.W.BulkString(f)
	}
	c.W.BulkString("redirect")
	if t.On {
		c.W.Int(t.Redirect)
	} else {
		c.W.Int(-1)
	}
	c.W.BulkString("prefixes")
	prefixes := sortedStrings(t.Prefixes)
	c.W.Array(len(prefixes))
	for _, p := range prefixes {
		c.W.BulkString(p)
	}
}
