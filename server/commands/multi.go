package commands

import "github.com/aikv/aikv/server/command"

// Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
//
// MULTI only sets Client.InMulti; from then on the dispatcher queues the
// client's commands (replying +QUEUED) instead of running them, except
// EXEC, DISCARD, MULTI, WATCH, QUIT and RESET, which run at once as in
// Redis. The queue, the watched keys and the "aborted" and "watched key
// changed" marks live in the server, which EXEC asks to run the queue.

func registerMulti(t *command.Table) {
	tx := []string{"transaction"}
	quick := command.NoScript | command.Loading | command.Stale | command.Fast | command.AllowBusy
	t.Add(
		&command.Spec{Name: "multi", Arity: 1, Flags: quick, ACL: tx, Group: "transactions",
			Summary: "Mark the start of a transaction block", Since: "1.2.0", Complexity: "O(1)",
			Handler: multi},
		&command.Spec{Name: "exec", Arity: 1, Flags: command.NoScript | command.Loading | command.Stale | command.SkipSlowlog,
			ACL: tx, Group: "transactions", Summary: "Execute all commands issued after MULTI", Since: "1.2.0",
			Complexity: "Depends on commands in the transaction", Handler: exec},
		&command.Spec{Name: "discard", Arity: 1, Flags: quick, ACL: tx, Group: "transactions",
			Summary: "Discard all commands issued after MULTI", Since: "2.0.0",
			Complexity: "O(N), when N is the number of queued commands", Handler: discard},
		&command.Spec{Name: "watch", Arity: -2, Flags: quick, FirstKey: 1, LastKey: -1, Step: 1, ACL: tx,
			Group: "transactions", Summary: "Watch the given keys to determine execution of the MULTI/EXEC block",
			Since: "2.2.0", Complexity: "O(1) for every key.", Handler: watch},
		&command.Spec{Name: "unwatch", Arity: 1, Flags: quick, ACL: tx, Group: "transactions",
			Summary: "Forget about all watched keys", Since: "2.2.0", Complexity: "O(1)", Handler: unwatch},
	)
}

func multi(c *command.Context) {
	if c.Client.InMulti {
		// Not a queuing error: the transaction goes on (as in Redis).
		c.W.Error(command.ErrMultiNested)
		return
	}
	c.Client.InMulti = true
	c.W.OK()
}

func exec(c *command.Context) {
	if !c.Client.InMulti {
		c.W.Error(command.ErrExecWithoutMulti)
		return
	}
	c.Server.Exec(c)
}

func discard(c *command.Context) {
	if !c.Client.InMulti {
		c.W.Error(command.ErrDiscardNoMulti)
		return
	}
	c.Server.DiscardTransaction(c.Client)
	c.W.OK()
}

func watch(c *command.Context) {
	if c.Client.InMulti {
		// Not a queuing error either.
		c.W.Error(command.ErrWatchInMulti)
		return
	}
	c.Server.Watch(c, c.Args[1:])
	c.W.OK()
}

func unwatch(c *command.Context) {
	c.Server.Unwatch(c.Client)
	c.W.OK()
}
