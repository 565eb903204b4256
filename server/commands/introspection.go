package commands

import (
	"strings"

	"github.com/tidwall/match"

	"github.com/aikv/aikv/server/command"
)

// COMMAND and its subcommands, driven purely by the command table.

func commandSpec() *command.Spec {
	conn := []string{"connection"}
	ls := command.Loading | command.Stale
	sub := func(name string, arity int, since, summary, complexity string, h command.Handler, tips ...string) *command.Spec {
		return &command.Spec{Name: "command|" + name, Arity: arity, Flags: ls, ACL: conn, Since: since,
			Summary: summary, Complexity: complexity, Handler: h, Tips: tips}
	}
	return &command.Spec{
		Name: "command", Arity: -1, Flags: ls, ACL: conn, Group: "server", Since: "2.8.13",
		Summary: "Get array of Redis command details", Complexity: "O(N) where N is the total number of Redis commands",
		Tips:    []string{"nondeterministic_output_order"},
		Handler: commandAll,
		Subcommands: map[string]*command.Spec{
			"count": sub("count", 2, "2.8.13", "Get total number of Redis commands", "O(1)", commandCount),
			"info": sub("info", -2, "2.8.13", "Get array of specific Redis command details, or all when no argument is given.",
				"O(N) where N is the number of commands to look up", commandInfo, "nondeterministic_output_order"),
			"docs": sub("docs", -2, "7.0.0", "Get array of specific Redis command documentation",
				"O(N) where N is the number of commands to look up", commandDocs, "nondeterministic_output_order"),
			"list": sub("list", -2, "7.0.0", "Get an array of Redis command names",
				"O(N) where N is the total number of Redis commands", commandList, "nondeterministic_output_order"),
			"getkeys": sub("getkeys", -4, "2.8.13", "Extract keys given a full Redis command",
				"O(N) where N is the number of arguments to the command", commandGetKeys),
			"getkeysandflags": sub("getkeysandflags", -4, "7.0.0", "Extract keys and access flags given a full Redis command",
				"O(N) where N is the number of arguments to the command", commandGetKeysAndFlags),
			"help": sub("help", 2, "5.0.0", "Show helpful text about the different subcommands", "O(1)", commandHelp),
		},
	}
}

// aclCategories returns a spec's ACL categories as Redis computes them
// (command.Spec.ACLCategories).
func aclCategories(s *command.Spec) []string { return s.ACLCategories() }

// flagNames lists a command's flags as COMMAND INFO shows them: Redis
// 7.0 hides may_replicate there.
func flagNames(f command.Flags) []string {
	return (f &^ command.MayReplicate).Names()
}

// keySpecOverrides are Redis's key spec flags where the derivation below
// differs.
var keySpecOverrides = map[string][]string{
	"memory|usage": {"RO"},
	"watch":        {"RO"},
}

// keySpecFlags derives a key spec's flags from the command flags. The
// table has no per-key specs, so this is the honest approximation.
func keySpecFlags(s *command.Spec) []string {
	if f, ok := keySpecOverrides[s.Name]; ok {
		return f
	}
	switch {
	case s.Flags.Has(command.Write):
		return []string{"RW", "update"}
	case s.Flags.Has(command.ReadOnly):
		return []string{"RO", "access"}
	}
	return []string{"RW", "access", "update"}
}

// writeKeySpecs writes COMMAND INFO's key specifications derived from the
// spec's FirstKey/LastKey/Step (or an "unknown" spec for movable keys).
// Redis replies with a set (RESP3 '~').
func writeKeySpecs(w command.Writer, s *command.Spec) {
	switch {
	case s.FirstKey > 0:
		w.Set(1)
		w.Map(3)
		w.BulkString("flags")
		writeSet(w, keySpecFlags(s))
		w.BulkString("begin_search")
		w.Map(2)
		w.BulkString("type")
		w.BulkString("index")
		w.BulkString("spec")
		w.Map(1)
		w.BulkString("index")
		w.Int(int64(s.FirstKey))
		w.BulkString("find_keys")
		w.Map(2)
		w.BulkString("type")
		w.BulkString("range")
		w.BulkString("spec")
		w.Map(3)
		last := s.LastKey
		if last >= 0 {
			last -= s.FirstKey
		}
		step := max(s.Step, 1)
		w.BulkString("lastkey")
		w.Int(int64(last))
		w.BulkString("keystep")
		w.Int(int64(step))
		w.BulkString("limit")
		w.Int(0)
	case s.Keys != nil:
		w.Set(1)
		w.Map(3)
		w.BulkString("flags")
		writeSet(w, keySpecFlags(s))
		for _, part := range []string{"begin_search", "find_keys"} {
			w.BulkString(part)
			w.Map(2)
			w.BulkString("type")
			w.BulkString("unknown")
			w.BulkString("spec")
			w.Map(0)
		}
	default:
		w.Set(0)
	}
}

func writeSet(w command.Writer, items []string) {
	w.Set(len(items))
	for _, it := range items {
		w.SimpleString(it)
	}
}

// writeCommandInfo writes one command's COMMAND INFO entry: name, arity,
// flags, first key, last key, step, ACL categories, tips, key specs,
// subcommands.
func writeCommandInfo(w command.Writer, s *command.Spec) {
	w.Array(10)
	w.BulkString(s.Name)
	w.Int(int64(s.Arity))
	writeSet(w, flagNames(s.Flags))
	w.Int(int64(s.FirstKey))
	w.Int(int64(s.LastKey))
	w.Int(int64(s.Step))
	cats := aclCategories(s)
	w.Set(len(cats))
	for _, cat := range cats {
		w.SimpleString("@" + cat)
	}
	w.Set(len(s.Tips))
	for _, t := range s.Tips {
		w.BulkString(t)
	}
	writeKeySpecs(w, s)
	subs := s.SortedSubcommands()
	if len(subs) == 0 {
		w.Set(0) // Redis's wart: an empty set in RESP3, an array otherwise
	} else {
		w.Array(len(subs))
	}
	for _, sub := range subs {
		writeCommandInfo(w, sub)
	}
}

// lookupFull finds "name" or "container|sub" in the table.
func lookupFull(t *command.Table, name string) *command.Spec {
	container, sub, isSub := strings.Cut(strings.ToLower(name), "|")
	s := t.Lookup([]byte(container))
	if s == nil || !isSub {
		return s
	}
	return s.Subcommands[sub]
}

func commandAll(c *command.Context) {
	all := c.Server.Table().All()
	c.W.Array(len(all))
	for _, s := range all {
		writeCommandInfo(c.W, s)
	}
}

func commandCount(c *command.Context) { c.W.Int(int64(c.Server.Table().Len())) }

func commandInfo(c *command.Context) {
	if len(c.Args) == 2 {
		commandAll(c)
		return
	}
	t := c.Server.Table()
	c.W.Array(len(c.Args) - 2)
	for _, a := range c.Args[2:] {
		if s := lookupFull(t, string(a)); s != nil {
			writeCommandInfo(c.W, s)
		} else {
			c.W.Null() // "$-1" in RESP2, as Redis sends it
		}
	}
}

func writeDocs(w command.Writer, s *command.Spec) {
	n := 3
	if s.Complexity != "" {
		n++
	}
	subs := s.SortedSubcommands()
	if len(subs) > 0 {
		n++
	}
	w.Map(n)
	w.BulkString("summary")
	w.BulkString(s.Summary)
	w.BulkString("since")
	w.BulkString(s.Since)
	w.BulkString("group")
	w.BulkString(s.Group)
	if s.Complexity != "" {
		w.BulkString("complexity")
		w.BulkString(s.Complexity)
	}
	if len(subs) > 0 {
		w.BulkString("subcommands")
		w.Map(len(subs))
		for _, sub := range subs {
			w.BulkString(sub.Name)
			writeDocs(w, sub)
		}
	}
}

// commandDocs replies with a map of name to docs (a flat array in RESP2);
// unknown names are left out, as in Redis.
func commandDocs(c *command.Context) {
	t := c.Server.Table()
	var specs []*command.Spec
	if len(c.Args) == 2 {
		specs = t.All()
	} else {
		for _, a := range c.Args[2:] {
			if s := lookupFull(t, string(a)); s != nil {
				specs = append(specs, s)
			}
		}
	}
	c.W.Map(len(specs))
	for _, s := range specs {
		c.W.BulkString(s.Name)
		writeDocs(c.W, s)
	}
}

// commandList replies with every command name, subcommands included, that
// passes the optional FILTERBY.
func commandList(c *command.Context) {
	var keep func(s *command.Spec) bool
	switch {
	case len(c.Args) == 2:
		keep = func(*command.Spec) bool { return true }
	case len(c.Args) == 5 && eq(c.Args[2], "filterby"):
		arg := strings.ToLower(string(c.Args[4]))
		switch {
		case eq(c.Args[3], "module"):
			keep = func(*command.Spec) bool { return false } // no modules
		case eq(c.Args[3], "aclcat"):
			keep = func(s *command.Spec) bool {
				for _, cat := range aclCategories(s) {
					if cat == arg {
						return true
					}
				}
				return false
			}
		case eq(c.Args[3], "pattern"):
			keep = func(s *command.Spec) bool { return match.Match(s.Name, arg) }
		default:
			c.W.Error(command.ErrSyntax)
			return
		}
	default:
		c.W.Error(command.ErrSyntax)
		return
	}
	var names []string
	for _, s := range c.Server.Table().All() {
		if keep(s) {
			names = append(names, s.Name)
		}
		for _, sub := range s.SortedSubcommands() {
			if keep(sub) {
				names = append(names, sub.Name)
			}
		}
	}
	c.W.Array(len(names))
	for _, n := range names {
		c.W.BulkString(n)
	}
}

// getKeys resolves the command in c.Args[2:] and returns its spec and key
// indexes (relative to that command), replying with Redis's error and
// returning ok=false when it cannot.
func getKeys(c *command.Context) (args [][]byte, keys []int, spec *command.Spec, ok bool) {
	args = c.Args[2:]
	t := c.Server.Table()
	s := t.Lookup(args[0])
	if s != nil {
		var found bool
		if s, found = t.Resolve(s, args); !found {
			s = nil
		}
	}
	if s == nil {
		c.W.Error("ERR Invalid command specified")
		return nil, nil, nil, false
	}
	// Shard channels have key specs (for cluster routing) flagged
	// NOT_KEY in Redis: COMMAND GETKEYS finds no keys in them.
	if s.FirstKey <= 0 && s.Keys == nil || s.Group == "pubsub" {
		c.W.Error("ERR The command has no key arguments")
		return nil, nil, nil, false
	}
	if !s.CheckArity(len(args)) {
		c.W.Error("ERR Invalid number of arguments specified for command")
		return nil, nil, nil, false
	}
	keys = s.KeyIndexes(args)
	if len(keys) == 0 {
		// A movable-keys command whose arguments name no key.
		if s.Flags.Has(command.NoMandatoryKeys) {
			c.W.Array(0)
		} else {
			c.W.Error("ERR Invalid arguments specified for command")
		}
		return nil, nil, nil, false
	}
	return args, keys, s, true
}

func commandGetKeys(c *command.Context) {
	args, keys, _, ok := getKeys(c)
	if !ok {
		return
	}
	c.W.Array(len(keys))
	for _, i := range keys {
		c.W.Bulk(args[i])
	}
}

func commandGetKeysAndFlags(c *command.Context) {
	args, keys, s, ok := getKeys(c)
	if !ok {
		return
	}
	flags := keySpecFlags(s)
	c.W.Array(len(keys))
	for _, i := range keys {
		c.W.Array(2)
		c.W.Bulk(args[i])
		writeSet(c.W, flags)
	}
}

func commandHelp(c *command.Context) {
	writeHelp(c, "COMMAND", []string{
		"(no subcommand)",
		"    Return details about all Redis commands.",
		"COUNT",
		"    Return the total number of commands in this Redis server.",
		"LIST",
		"    Return a list of all commands in this Redis server.",
		"INFO [<command-name> ...]",
		"    Return details about multiple Redis commands.",
		"    If no command names are given, documentation details for all",
		"    commands are returned.",
		"DOCS [<command-name> ...]",
		"    Return documentation details about multiple Redis commands.",
		"    If no command names are given, documentation details for all",
		"    commands are returned.",
		"GETKEYS <full-command>",
		"    Return the keys from a full Redis command.",
		"GETKEYSANDFLAGS <full-command>",
		"    Return the keys and the access flags from a full Redis command.",
	})
}
