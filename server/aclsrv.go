package server

import (
	"time"

	"github.com/aikv/aikv/server/acl"
	"github.com/aikv/aikv/server/command"
)

// ACL enforcement and the command.Server methods behind AUTH, HELLO,
// RESET and the ACL command. Every client runs as an *acl.User
// (Client.User); the dispatcher checks a restricted user's permissions
// after the NOAUTH and no-multi checks, as Redis's processCommand does,
// and an unrestricted user (Unrestricted: the default user as shipped)
// costs one field load.

// initACLLocked builds the users from the command table and requirepass.
func (s *Server) initACLLocked() {
	cat := s.table.ACLCatalog()
	s.acl = acl.NewRegistry(cat)
	s.aclCmds = nil
	for _, t := range cat.Commands() {
		s.noteACLCmd(t)
		for _, sub := range t.Subs {
			s.noteACLCmd(sub)
		}
	}
	s.acl.SetDefaultPassword(s.cfg.RequirePass)
}

func (s *Server) noteACLCmd(c *acl.Command) {
	for len(s.aclCmds) <= c.ID {
		s.aclCmds = append(s.aclCmds, nil)
	}
	s.aclCmds[c.ID] = c
}

// ACL implements command.Server.
func (s *Server) ACL() *acl.Registry { return s.acl }

// authRequired is Redis's authRequired: the client has not authenticated
// and the default user needs a password (or is off).
func (s *Server) authRequired(cl *command.Client) bool {
	return !cl.Authed && !s.acl.DefaultOpen()
}

// aclCheckLocked checks a restricted user's permissions for run.
func (s *Server) aclCheckLocked(u *acl.User, run *command.Spec, args [][]byte) (acl.Result, int) {
	if run.ID >= len(s.aclCmds) || s.aclCmds[run.ID] == nil {
		return acl.OK, 0
	}
	var keys []int
	if !u.AllKeys() {
		keys = run.KeyIndexes(args)
	}
	return u.Check(s.aclCmds[run.ID], args, keys, run.ACLKeyPerm())
}

// aclLogLocked adds an ACL LOG entry for a denial of cl's command.
func (s *Server) aclLogLocked(cl *command.Client, res acl.Result, context string, run *command.Spec, args [][]byte, idx int, username string) {
	e := &acl.LogEntry{Reason: res, Context: context, Time: s.ks.Now()}
	switch res {
	case acl.DeniedCommand:
		e.Object = run.Name
	case acl.DeniedKey, acl.DeniedChannel:
		e.Object = string(args[idx])
	case acl.DeniedAuth:
		e.Object = string(args[0])
	}
	e.Username = username
	if e.Username == "" && cl.User != nil {
		e.Username = cl.User.Name
	}
	if c, ok := s.clients[cl.ID]; ok {
		e.ClientInfo = c.clientInfo(time.Now())
	}
	s.acl.Log.Add(e)
}

// noPermError is the top-level NOPERM reply (Redis 7.0's texts).
func noPermError(res acl.Result, name string) string {
	switch res {
	case acl.DeniedCommand:
		return "NOPERM this user has no permissions to run the '" + name + "' command"
	case acl.DeniedKey:
		return "NOPERM this user has no permissions to access one of the keys used as arguments"
	case acl.DeniedChannel:
		return "NOPERM this user has no permissions to access one of the channels used as arguments"
	}
	return "NOPERM no permission"
}

// execNoPermError is EXEC's reply for a queued command the user may no
// longer run.
func execNoPermError(res acl.Result) string {
	reason := "no permission"
	switch res {
	case acl.DeniedCommand:
		reason = "no permission to execute the command or subcommand"
	case acl.DeniedKey:
		reason = "no permission to touch the specified keys"
	case acl.DeniedChannel:
		reason = "no permission to access one of the channels used as arguments"
	}
	return "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: " + reason
}

// scriptNoPermError is the error redis.call/pcall raise (scriptVerifyACL).
func scriptNoPermError(res acl.Result) string {
	switch res {
	case acl.DeniedCommand:
		return "The user executing the script can't run this command or subcommand"
	case acl.DeniedKey:
		return "The user executing the script can't access at least one of the keys mentioned in the command arguments"
	case acl.DeniedChannel:
		return "The user executing the script can't publish to the channel mentioned in the command"
	}
	return "The user executing the script is lacking the permissions for the command"
}

// ScriptACLCheck checks a command a script calls against the calling
// client's user, logging a denial with context "lua"; it returns the
// error text for redis.call ("" when allowed).
func (s *Server) ScriptACLCheck(c *command.Context, run *command.Spec, args [][]byte) string {
	u := c.Client.User
	if u == nil || u.Unrestricted {
		return ""
	}
	res, idx := s.aclCheckLocked(u, run, args)
	if res == acl.OK {
		return ""
	}
	s.aclLogLocked(c.Client, res, "lua", run, args, idx, "")
	return scriptNoPermError(res)
}

// execACLCheck returns EXEC's per-command check for a restricted user
// (nil for an unrestricted one).
func (s *Server) execACLCheck(c *conn, args [][]byte) func(*command.Spec) string {
	u := c.client.User
	if u == nil || u.Unrestricted {
		return nil
	}
	return func(run *command.Spec) string {
		res, idx := s.aclCheckLocked(u, run, args)
		if res == acl.OK {
			return ""
		}
		s.aclLogLocked(&c.client, res, "multi", run, args, idx, "")
		return execNoPermError(res)
	}
}

// Authenticate implements command.Server (ACLAuthenticateUser).
func (s *Server) Authenticate(c *command.Context, user, pass []byte) bool {
	name := []byte("default")
	if user != nil {
		name = user
	}
	u := s.acl.Authenticate(name, pass)
	if u == nil {
		context := "toplevel"
		if c.Client.InMulti {
			context = "multi"
		}
		s.aclLogLocked(c.Client, acl.DeniedAuth, context, nil, c.Args, 0, string(name))
		return false
	}
	c.Client.User = u
	c.Client.Authed = true
	return true
}

// ResetUser implements command.Server (clientSetDefaultAuth).
func (s *Server) ResetUser(cl *command.Client) {
	cl.User = s.acl.Default
	cl.Authed = s.acl.DefaultOpen()
}

// ACLSetUser implements command.Server.
func (s *Server) ACLSetUser(name string, ops []string) error {
	ch, err := s.acl.SetUser(name, ops)
	if err != nil {
		return err
	}
	if ch.KillPubSub {
		for _, c := range s.clients {
			if c.client.User == ch.User && c.client.PubSub && s.lostChannelLocked(c, ch.Upcoming) {
				s.dropClientLocked(c)
			}
		}
	}
	if ch.User == s.acl.Default {
		s.refreshConnConfigLocked()
	}
	return nil
}

// lostChannelLocked reports whether one of c's subscriptions is not
// allowed by the channel patterns upcoming.
func (s *Server) lostChannelLocked(c *conn, upcoming []string) bool {
	for _, kind := range []command.PubSubKind{command.SubPattern, command.SubChannel, command.SubShard} {
		for _, name := range s.Subscriptions(&c.client, kind) {
			if !acl.ChannelAllowedBy(upcoming, []byte(name), kind == command.SubPattern) {
				return true
			}
		}
	}
	return false
}

// dropClientLocked disconnects c: after its reply when it is the client
// running the current command, otherwise at once.
func (s *Server) dropClientLocked(c *conn) {
	if c == s.current {
		c.client.CloseAfterReply = true
		return
	}
	s.KillClient(&c.client)
}

// ACLDelUsers implements command.Server (ACLFreeUserAndKillClients).
func (s *Server) ACLDelUsers(names []string) int {
	n := 0
	for _, name := range names {
		u := s.acl.Delete(name)
		if u == nil {
			continue
		}
		n++
		for _, c := range s.clients {
			if c.client.User == u {
				c.client.User = s.acl.Default
				c.client.Authed = false
				s.dropClientLocked(c)
			}
		}
	}
	return n
}

// ACLCheck implements command.Server (ACL DRYRUN).
func (s *Server) ACLCheck(u *acl.User, args [][]byte) (acl.Result, int, string) {
	spec := s.table.LookupRegistered(args[0])
	if spec == nil {
		return 0, 0, "ERR Command '" + string(args[0]) + "' not found"
	}
	run, ok := s.table.Resolve(spec, args)
	if !ok {
		return 0, 0, "ERR Command '" + string(args[0]) + "' not found"
	}
	if !run.CheckArity(len(args)) {
		return 0, 0, command.ArgCountError(run.Name)
	}
	res, idx := s.aclCheckLocked(u, run, args)
	return res, idx, ""
}
