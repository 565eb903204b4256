package commands

import (
	"github.com/aikv/aikv/server/command"
)

func registerPersistence(t *command.Table) {
	adm := command.Admin | command.NoScript | command.NoAsyncLoading
	acl := []string{"admin", "slow", "dangerous"}
	t.Add(
		&command.Spec{Name: "save", Arity: 1, Flags: adm | command.NoMulti, ACL: acl, Group: "server", Since: "1.0.0",
			Complexity: "O(N) where N is the total number of keys in all databases",
			Summary:    "Synchronously saves the database(s) to disk.", Handler: saveCmd},
		&command.Spec{Name: "bgsave", Arity: -1, Flags: adm, ACL: acl, Group: "server", Since: "1.0.0",
			Complexity: "O(1)", Summary: "Asynchronously saves the database(s) to disk.", Handler: bgsaveCmd},
		&command.Spec{Name: "bgrewriteaof", Arity: 1, Flags: adm, ACL: acl, Group: "server", Since: "1.0.0",
			Complexity: "O(1)", Summary: "Asynchronously rewrites the append-only file to disk.", Handler: bgrewriteaofCmd},
		&command.Spec{Name: "lastsave", Arity: 1, Flags: command.Loading | command.Stale | command.Fast, ACL: []string{"admin", "fast", "dangerous"},
			Group: "server", Since: "1.0.0", Complexity: "O(1)",
			Summary: "Returns the Unix timestamp of the last successful save to disk.", Handler: lastsaveCmd,
			Tips: []string{"nondeterministic_output"}},
	)
	t.Add(&command.Spec{Name: "waitaof", Arity: 4, Flags: command.NoScript, ACL: []string{"slow", "connection"},
		Group: "generic", Since: "7.2.0", Complexity: "O(1)",
		Summary: "Blocks until all of the preceding write commands sent by the connection are written to the append-only file of the master and/or replicas.",
		Handler: waitaof})
}

// waitaof implements WAITAOF numlocal numreplicas timeout (Redis 7.2).
// Replies are sent only after the log is fsynced (the connection does the
// fsync before flushing, outside the server lock), so answering "1 local"
// here is true by the time the client reads it. AiKv has no replicas, so
// the replica count is always 0, and waiting for replicas could only end
// in the timeout: it answers at once instead.
func waitaof(c *command.Context) {
	numlocal, ok := intArg(c, c.Args[1])
	if !ok {
		return
	}
	if _, ok := intArg(c, c.Args[2]); !ok {
		return
	}
	timeout, ok := parseInt(c.Args[3])
	if !ok {
		c.W.Error("ERR timeout is not an integer or out of range")
		return
	}
	if timeout < 0 {
		c.W.Error(command.ErrTimeoutNegative)
		return
	}
	if numlocal != 0 && !c.Server.AOFEnabled() {
		c.W.Error("ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.")
		return
	}
	local := int64(0)
	if c.Server.AOFEnabled() {
		c.Client.NeedFsync = true
		local = 1
	}
	c.W.Array(2)
	c.W.Int(local)
	c.W.Int(0)
}

func saveCmd(c *command.Context) {
	if err := c.Server.Save(); err != nil {
		c.W.Error(err.Error())
		return
	}
	c.W.OK()
}

func bgsaveCmd(c *command.Context) {
	schedule := false
	if len(c.Args) > 1 {
		if len(c.Args) > 2 || !eq(c.Args[1], "schedule") {
			c.W.Error(command.ErrSyntax)
			return
		}
		schedule = true
	}
	msg, err := c.Server.BGSave(schedule)
	if err != nil {
		c.W.Error(err.Error())
		return
	}
	c.W.SimpleString(msg)
}

func bgrewriteaofCmd(c *command.Context) {
	msg, err := c.Server.BGRewriteAOF()
	if err != nil {
		c.W.Error(err.Error())
		return
	}
	c.W.SimpleString(msg)
}

func lastsaveCmd(c *command.Context) { c.W.Int(c.Server.LastSave()) }
