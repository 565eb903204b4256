package server

import (
	"github.com/aikv/aikv/server/command"
)

// Call implements command.Server: it runs args as a command nested in the
// one c is executing (EXEC's queued commands, a script's redis.call). The
// nested command runs as c's client, in c's selected database, replying
// to w. Unknown commands and arity errors are replied to w with Redis's
// texts; check, if given, may refuse a command by returning an error text.
// The nested command's effects join c's, so the whole unit is one record
// (they reference args, which must stay valid until the batch ends);
// blocking commands act as their non-blocking forms. Caller holds s.mu.
func (s *Server) Call(c *command.Context, args [][]byte, w command.Writer, check func(*command.Spec) string) *command.Spec {
	spec := s.table.Lookup(args[0])
	if spec == nil {
		w.Error(command.UnknownCommand(args))
		return nil
	}
	if !spec.CheckArity(len(args)) {
		w.Error(command.ArgCountError(spec.Name))
		return spec
	}
	run, ok := s.table.Resolve(spec, args)
	if !ok {
		w.Error(command.UnknownSubcommand(spec.Name, args[1]))
		return spec
	}
	if run != spec && !run.CheckArity(len(args)) {
		w.Error(command.ArgCountError(run.Name))
		return run
	}
	if check != nil {
		if msg := check(run); msg != "" {
			w.Error(msg)
			return run
		}
	}
	if msg := s.misconf(); msg != "" && run.Flags.Has(command.Write) {
		w.Error(msg)
		return run
	}
	child := command.Context{
		Args:   args,
		Spec:   run,
		W:      w,
		Client: c.Client,
		KS:     c.KS,
		DB:     s.ks.DB(c.Client.DB),
		Server: c.Server,
	}
	child.Effects.Logging = c.Effects.Logging
	noBlock := c.Client.NoBlock
	c.Client.NoBlock = true
	db := c.Client.DB
	dirty := s.ks.Dirty
	s.beforeHandlerLocked(run)
	run.Handler(&child)
	s.afterHandlerLocked(c.Client, run, args, false)
	c.Client.NoBlock = noBlock
	c.Client.Block = nil
	run.Stats.Calls++
	// SELECT inside the unit changes the parent's database too.
	c.DB = s.ks.DB(c.Client.DB)
	// The parent logs the nested effects instead of itself.
	c.Effects.Custom = true
	if !c.Effects.Logging {
		return run
	}
	if child.Effects.Custom {
		c.Effects.List = append(c.Effects.List, child.Effects.List...)
	} else if run.Flags.Has(command.Write) && s.ks.Dirty != dirty {
		c.Effects.List = append(c.Effects.List, command.Effect{DB: db, Args: append([][]byte(nil), args...)})
	}
	return run
}
