package commands

import (
	"crypto/rand"
	"encoding/hex"

	"github.com/aikv/aikv/server/acl"
	"github.com/aikv/aikv/server/command"
)

// The ACL command (Redis 7.0). The users live in the server's
// acl.Registry; enforcement is in the dispatcher (server/aclsrv.go).

func registerACL(t *command.Table) {
	nls := command.NoScript | command.Loading | command.Stale
	admin := command.Admin | nls
	sub := func(name string, arity int, flags command.Flags, since, summary, complexity string, h command.Handler) *command.Spec {
		return &command.Spec{Name: "acl|" + name, Arity: arity, Flags: flags, ACL: []string{}, Since: since,
			Summary: summary, Complexity: complexity, Handler: h}
	}
	t.Add(&command.Spec{
		Name: "acl", Arity: -2, Group: "server", Since: "6.0.0",
		Summary: "A container for Access List Control commands", Complexity: "Depends on subcommand.",
		Subcommands: map[string]*command.Spec{
			"cat": sub("cat", -2, nls, "6.0.0", "List the ACL categories or the commands inside a category", "O(1) since the categories and commands are a fixed set.", aclCat),
			"deluser": sub("deluser", -3, admin, "6.0.0", "Remove the specified ACL users and the associated rules",
				"O(1) amortized time considering the typical user.", aclDelUser),
			"dryrun":  sub("dryrun", -4, admin, "7.0.0", "Returns whether the user can execute the given command without executing the command.", "O(1).", aclDryRun),
			"genpass": sub("genpass", -2, nls, "6.0.0", "Generate a pseudorandom secure password to use for ACL users", "O(1)", aclGenPass),
			"getuser": sub("getuser", 3, admin, "6.0.0", "Get the rules for a specific ACL user", "O(N). Where N is the number of password, command and pattern rules that the user has.", aclGetUser),
			"help":    sub("help", 2, command.Loading|command.Stale, "6.0.0", "Show helpful text about the different subcommands", "O(1)", aclHelp),
			"list":    sub("list", 2, admin, "6.0.0", "List the current ACL rules in ACL config file format", "O(N). Where N is the number of configured users.", aclList),
			"load":    sub("load", 2, admin, "6.0.0", "Reload the ACLs from the configured ACL file", "O(N). Where N is the number of configured users.", aclNoFile),
			"log":     sub("log", -2, admin, "6.0.0", "List latest events denied because of ACLs in place", "O(N) with N being the number of entries shown.", aclLog),
			"save":    sub("save", 2, admin, "6.0.0", "Save the current ACL rules in the configured ACL file", "O(N). Where N is the number of configured users.", aclNoFile),
			"setuser": sub("setuser", -3, admin, "6.0.0", "Modify or create the rules for a specific ACL user", "O(N). Where N is the number of rules provided.", aclSetUser),
			"users":   sub("users", 2, admin, "6.0.0", "List the username of all the configured ACL rules", "O(N). Where N is the number of configured users.", aclUsers),
			"whoami":  sub("whoami", 2, nls, "6.0.0", "Return the name of the user associated to the current connection", "O(1)", aclWhoAmI),
		},
	})
}

func aclSyntaxError(c *command.Context) {
	c.W.Error("ERR unknown subcommand or wrong number of arguments for '" + string(c.Args[1]) + "'. Try ACL HELP.")
}

func aclSetUser(c *command.Context) {
	name := string(c.Args[2])
	if !acl.ValidName(name) {
		c.W.Error("ERR Usernames can't contain spaces or null characters")
		return
	}
	ops := make([]string, 0, len(c.Args)-3)
	for _, a := range c.Args[3:] {
		ops = append(ops, string(a))
	}
	if err := c.Server.ACLSetUser(name, ops); err != nil {
		c.W.Error(err.Error())
		return
	}
	c.W.OK()
}

func aclDelUser(c *command.Context) {
	names := make([]string, 0, len(c.Args)-2)
	for _, a := range c.Args[2:] {
		if string(a) == "default" {
			c.W.Error("ERR The 'default' user cannot be removed")
			return
		}
		names = append(names, string(a))
	}
	c.W.Int(int64(c.Server.ACLDelUsers(names)))
}

func aclGetUser(c *command.Context) {
	u := c.Server.ACL().User(string(c.Args[2]))
	if u == nil {
		c.W.Null()
		return
	}
	c.W.Map(6)
	c.W.BulkString("flags")
	flags := u.Flags()
	c.W.Set(len(flags))
	for _, f := range flags {
		c.W.BulkString(f)
	}
	c.W.BulkString("passwords")
	c.W.Array(len(u.Passwords()))
	for _, p := range u.Passwords() {
		c.W.BulkString(p)
	}
	c.W.BulkString("commands")
	c.W.BulkString(u.Commands())
	c.W.BulkString("keys")
	c.W.BulkString(u.Keys())
	c.W.BulkString("channels")
	c.W.BulkString(u.ChannelsRule())
	c.W.BulkString("selectors")
	c.W.Array(0)
}

func aclList(c *command.Context) {
	users := c.Server.ACL().Users()
	c.W.Array(len(users))
	for _, u := range users {
		c.W.BulkString("user " + u.Name + " " + u.Describe())
	}
}

func aclUsers(c *command.Context) {
	users := c.Server.ACL().Users()
	c.W.Array(len(users))
	for _, u := range users {
		c.W.BulkString(u.Name)
	}
}

func aclWhoAmI(c *command.Context) {
	if c.Client.User == nil {
		c.W.BulkString("default")
		return
	}
	c.W.BulkString(c.Client.User.Name)
}

// aclNoFile answers ACL LOAD and SAVE: AiKv has no aclfile setting, and
// this is Redis's reply when none is configured.
func aclNoFile(c *command.Context) {
	c.W.Error("ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.")
}

func aclCat(c *command.Context) {
	switch len(c.Args) {
	case 2:
		names := acl.CategoryNames()
		c.W.Array(len(names))
		for _, n := range names {
			c.W.BulkString(n)
		}
	case 3:
		cat, ok := acl.CategoryByName(string(c.Args[2]))
		if !ok {
			c.W.Error("ERR Unknown category '" + truncateBytes(c.Args[2], 128) + "'")
			return
		}
		names := c.Server.ACL().Catalog().InCategory(cat)
		c.W.Array(len(names))
		for _, n := range names {
			c.W.BulkString(n)
		}
	default:
		aclSyntaxError(c)
	}
}

func truncateBytes(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	return string(b)
}

func aclGenPass(c *command.Context) {
	if len(c.Args) > 3 {
		aclSyntaxError(c)
		return
	}
	bits := int64(256)
	if len(c.Args) == 3 {
		n, ok := parseInt(c.Args[2])
		if !ok {
			c.W.Error(command.ErrNotInteger)
			return
		}
		bits = n
	}
	if bits <= 0 || bits > 4096 {
		c.W.Error("ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096")
		return
	}
	chars := (bits + 3) / 4
	buf := make([]byte, (chars+1)/2)
	rand.Read(buf)
	c.W.BulkString(hex.EncodeToString(buf)[:chars])
}

func aclLog(c *command.Context) {
	log := &c.Server.ACL().Log
	count := int64(10)
	switch len(c.Args) {
	case 2:
	case 3:
		if eq(c.Args[2], "reset") {
			log.Reset()
			c.W.OK()
			return
		}
		n, ok := parseInt(c.Args[2])
		if !ok {
			c.W.Error(command.ErrNotInteger)
			return
		}
		count = max(n, 0)
	default:
		aclSyntaxError(c)
		return
	}
	count = min(count, int64(len(log.Entries)))
	now := c.KS.Now()
	c.W.Array(int(count))
	for _, e := range log.Entries[:count] {
		c.W.Map(7)
		c.W.BulkString("count")
		c.W.Int(e.Count)
		c.W.BulkString("reason")
		c.W.BulkString(e.ReasonName())
		c.W.BulkString("context")
		c.W.BulkString(e.Context)
		c.W.BulkString("object")
		c.W.BulkString(e.Object)
		c.W.BulkString("username")
		c.W.BulkString(e.Username)
		c.W.BulkString("age-seconds")
		c.W.Double(float64(now-e.Time) / 1000)
		c.W.BulkString("client-info")
		c.W.BulkString(e.ClientInfo)
	}
}

func aclDryRun(c *command.Context) {
	u := c.Server.ACL().User(string(c.Args[2]))
	if u == nil {
		c.W.Error("ERR User '" + string(c.Args[2]) + "' not found")
		return
	}
	args := c.Args[3:]
	res, idx, errText := c.Server.ACLCheck(u, args)
	if errText != "" {
		c.W.Error(errText)
		return
	}
	switch res {
	case acl.OK:
		c.W.OK()
	case acl.DeniedCommand:
		name := string(args[0])
		if spec := c.Server.Table().LookupRegistered(args[0]); spec != nil {
			run, _ := c.Server.Table().Resolve(spec, args)
			name = run.Name
		}
		c.W.BulkString("This user has no permissions to run the '" + name + "' command")
	case acl.DeniedKey:
		c.W.BulkString("This user has no permissions to access the '" + string(args[idx]) + "' key")
	case acl.DeniedChannel:
		c.W.BulkString("This user has no permissions to access the '" + string(args[idx]) + "' channel")
	}
}

func aclHelp(c *command.Context) {
	writeHelp(c, "ACL", []string{
		"CAT [<category>]",
		"    List all commands that belong to <category>, or all command categories",
		"    when no category is specified.",
		"DELUSER <username> [<username> ...]",
		"    Delete a list of users.",
		"DRYRUN <username> <command> [<arg> ...]",
		"    Returns whether the user can execute the given command without executing the command.",
		"GETUSER <username>",
		"    Get the user's details.",
		"GENPASS [<bits>]",
		"    Generate a secure 256-bit user password. The optional `bits` argument can",
		"    be used to specify a different size.",
		"LIST",
		"    Show users details in config file format.",
		"LOAD",
		"    Reload users from the ACL file.",
		"LOG [<count> | RESET]",
		"    Show the ACL log entries.",
		"SAVE",
		"    Save the current config to the ACL file.",
		"SETUSER <username> <attribute> [<attribute> ...]",
		"    Create or modify a user with the specified attributes.",
		"USERS",
		"    List all the registered usernames.",
		"WHOAMI",
		"    Return the current connection username.",
	})
}
