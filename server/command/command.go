package command

import (
	"fmt"
	"sort"
	"strings"
)

// Flags describe how a command behaves. The names match the flags Redis 7.0
// reports in COMMAND INFO, and every subsystem that needs to know something
// about a command (the AOF: "is it a write?", MULTI, scripts, eviction,
// the loading gate) asks these flags instead of keeping its own list.
type Flags uint64

const (
	Write           Flags = 1 << iota // may modify the keyspace
	ReadOnly                          // only reads the keyspace
	DenyOOM                           // may grow memory; refused over maxmemory
	Admin                             // administrative command
	PubSub                            // pub/sub related
	NoScript                          // not allowed inside scripts
	Blocking                          // may block the client
	Loading                           // allowed while the dataset is loading
	Stale                             // allowed on a stale replica
	SkipMonitor                       // not shown to MONITOR
	SkipSlowlog                       // not logged to the slowlog
	Fast                              // O(1) or O(log n)
	NoAuth                            // allowed before AUTH
	MayReplicate                      // may produce replication traffic
	NoMulti                           // not allowed inside MULTI
	AllowBusy                         // allowed while a script is busy
	NoMandatoryKeys                   // may take no keys (EVAL with numkeys 0)
	NoAsyncLoading                    // refused during async loading (SAVE, BGSAVE...)
	MovableKeys                       // key positions depend on the arguments (set by the table when KeysFunc is given)
)

// flagNames is the order and spelling of COMMAND INFO's flags in Redis
// 7.0 (which does not show may_replicate there).
var flagNames = []struct {
	f    Flags
	name string
}{
	{Write, "write"}, {ReadOnly, "readonly"}, {DenyOOM, "denyoom"}, {Admin, "admin"},
	{PubSub, "pubsub"}, {NoScript, "noscript"}, {Blocking, "blocking"}, {Loading, "loading"},
	{Stale, "stale"}, {SkipMonitor, "skip_monitor"}, {SkipSlowlog, "skip_slowlog"},
	{Fast, "fast"}, {NoAuth, "no_auth"}, {MayReplicate, "may_replicate"},
	{NoMandatoryKeys, "no_mandatory_keys"}, {NoAsyncLoading, "no_async_loading"}, {NoMulti, "no_multi"}, {MovableKeys, "movablekeys"},
	{AllowBusy, "allow_busy"},
}

// Names returns the flag names in Redis's order.
func (f Flags) Names() []string {
	var out []string
	for _, fn := range flagNames {
		if f&fn.f != 0 {
			out = append(out, fn.name)
		}
	}
	return out
}

// Has reports whether all of the given flags are set.
func (f Flags) Has(g Flags) bool { return f&g == g }

// Handler executes one command.
//
// Contract: the dispatcher calls a handler with the keyspace lock held and
// the arity already checked (len(c.Args) satisfies Spec.Arity; Args[0] is the
// command name as the client sent it). The handler writes exactly one reply
// (which may be an aggregate) to c.W. It must not retain c, c.Args or c.W
// after returning: the argument bytes point into the connection's read
// buffer and are reused for the next request. Values stored in the keyspace
// must therefore be copies. A handler never takes locks and never blocks.
type Handler func(c *Context)

// KeysFunc returns the indexes in args of the keys a command with movable
// keys touches (e.g. ZUNIONSTORE's numkeys form). It must not panic on
// malformed input; it returns nil when it cannot tell.
type KeysFunc func(args [][]byte) []int

// Spec is one entry of the command table: the single source for dispatch,
// arity checks, flags, key positions and documentation.
type Spec struct {
	// Name is the lower-case command name ("get"), or for a subcommand
	// "container|sub" ("config|get").
	Name string
	// Arity follows Redis: positive means exactly that many arguments
	// (counting the name), negative means at least -Arity.
	Arity int
	Flags Flags
	// FirstKey, LastKey and Step give the key positions as in Redis's
	// COMMAND INFO (LastKey -1 means the last argument, 0 values mean
	// no keys).
	FirstKey, LastKey, Step int
	// Keys, when set, computes key positions for movable-key commands.
	Keys KeysFunc
	// ACL lists the ACL categories without '@' ("string", "read", ...).
	ACL []string
	// Group is the Redis documentation group ("string", "generic", ...).
	Group string
	// Summary and Since document the command for COMMAND DOCS and
	// docs/commands.md. Complexity is optional.
	Summary, Since, Complexity string
	// Tips are COMMAND INFO's command tips ("nondeterministic_output",
	// "request_policy:all_shards", ...); optional.
	Tips []string
	// Handler runs the command. Container commands (CONFIG, CLIENT...) have
	// Subcommands instead and no handler of their own, unless the container
	// itself is callable (like COMMAND with no subcommand).
	Handler Handler
	// Subcommands maps lower-case subcommand names to their specs.
	Subcommands map[string]*Spec

	// ID is the spec's index in the ACL's command bitmap, assigned by
	// Table.Add (unique across commands and subcommands).
	ID int

	// Stats are INFO commandstats counters, guarded by the server lock
	// (the only mutable part of a Spec).
	Stats CallStats
}

// CallStats counts calls of one command for INFO commandstats.
type CallStats struct {
	Calls, Usec, RejectedCalls, FailedCalls int64
}

// CheckArity reports whether n arguments (including the name) fit the spec.
func (s *Spec) CheckArity(n int) bool {
	if s.Arity >= 0 {
		return n == s.Arity
	}
	return n >= -s.Arity
}

// KeyIndexes returns the argument indexes that hold keys.
func (s *Spec) KeyIndexes(args [][]byte) []int {
	if s.Keys != nil {
		return s.Keys(args)
	}
	if s.FirstKey <= 0 {
		return nil
	}
	last := s.LastKey
	if last < 0 {
		last = len(args) + last
	}
	step := s.Step
	if step <= 0 {
		step = 1
	}
	var out []int
	for i := s.FirstKey; i <= last && i < len(args); i += step {
		out = append(out, i)
	}
	return out
}

// Table maps command names to specs. It is built once at startup and read
// concurrently afterwards; it is never mutated after Freeze-like use begins.
type Table struct {
	specs map[string]*Spec
	// orig maps the registered names to specs once Rename was used
	// (nil before): the log is written and replayed with these names, so
	// it does not depend on the renames in force.
	orig map[string]*Spec
	// nextID numbers specs for the ACL (Spec.ID).
	nextID int
}

// NewTable returns an empty table.
func NewTable() *Table { return &Table{specs: make(map[string]*Spec)} }

// Add registers specs. It panics on a duplicate or malformed spec, which is
// a programming error caught by the table's own tests.
func (t *Table) Add(specs ...*Spec) {
	for _, s := range specs {
		if s.Name == "" || s.Name != strings.ToLower(s.Name) {
			panic("command: bad name " + s.Name)
		}
		if _, dup := t.specs[s.Name]; dup {
			panic("command: duplicate " + s.Name)
		}
		if s.Handler == nil && len(s.Subcommands) == 0 {
			panic("command: no handler for " + s.Name)
		}
		if s.Keys != nil {
			s.Flags |= MovableKeys
		}
		s.ID = t.nextID
		t.nextID++
		for _, name := range s.sortedSubNames() {
			sub := s.Subcommands[name]
			sub.ID = t.nextID
			t.nextID++
		}
		for name, sub := range s.Subcommands {
			if sub.Name == "" {
				sub.Name = s.Name + "|" + name
			}
			if sub.Keys != nil {
				sub.Flags |= MovableKeys
			}
			if sub.Group == "" {
				sub.Group = s.Group
			}
		}
		t.specs[s.Name] = s
	}
}

// Lookup finds a spec by name, case-insensitively, without allocating:
// clients send "SET" as often as "set".
func (t *Table) Lookup(name []byte) *Spec {
	var buf [32]byte
	if len(name) > len(buf) {
		return t.specs[strings.ToLower(string(name))]
	}
	for i, c := range name {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return t.specs[string(buf[:len(name)])]
}

// Resolve returns the spec that actually runs for args: the container's
// subcommand spec when the command has subcommands and args[1] names one.
// It returns the container itself when there is no such subcommand, so the
// caller can report Redis's "unknown subcommand" error.
func (t *Table) Resolve(s *Spec, args [][]byte) (*Spec, bool) {
	if len(s.Subcommands) == 0 || len(args) < 2 {
		return s, true
	}
	sub := s.Subcommands[strings.ToLower(string(args[1]))]
	if sub == nil {
		return s, false
	}
	return sub, true
}

// Rename implements Redis's rename-command: the command named from (any
// case) is reachable as to from now on and no longer by its old name; an
// empty to disables it. The spec keeps its registered name, which COMMAND
// INFO/LIST show, as Redis shows the original names. Rename is for
// startup, before the table is shared.
func (t *Table) Rename(from, to string) error {
	s := t.Lookup([]byte(from))
	if s == nil {
		return fmt.Errorf("no such command %q", from)
	}
	to = strings.ToLower(to)
	if to != "" && t.specs[to] != nil {
		return fmt.Errorf("cannot rename %q to %q: a command of that name exists", from, to)
	}
	if t.orig == nil {
		t.orig = make(map[string]*Spec, len(t.specs))
		for name, sp := range t.specs {
			t.orig[name] = sp
		}
	}
	for name, sp := range t.specs {
		if sp == s {
			delete(t.specs, name)
		}
	}
	if to != "" {
		t.specs[to] = s
	}
	return nil
}

// Renamed reports whether Rename was used.
func (t *Table) Renamed() bool { return t.orig != nil }

// LookupRegistered finds a spec by its registered name, ignoring renames
// (for replaying the log).
func (t *Table) LookupRegistered(name []byte) *Spec {
	if t.orig == nil {
		return t.Lookup(name)
	}
	return t.orig[strings.ToLower(string(name))]
}

// All returns every top-level spec sorted by name.
func (t *Table) All() []*Spec {
	out := make([]*Spec, 0, len(t.specs))
	for _, s := range t.specs {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Len returns the number of top-level commands.
func (t *Table) Len() int { return len(t.specs) }

func (s *Spec) sortedSubNames() []string {
	names := make([]string, 0, len(s.Subcommands))
	for n := range s.Subcommands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// SortedSubcommands returns a container's subcommands sorted by name.
func (s *Spec) SortedSubcommands() []*Spec {
	out := make([]*Spec, 0, len(s.Subcommands))
	for _, sub := range s.Subcommands {
		out = append(out, sub)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
