package acl

import (
	"sort"
	"strings"
)

// Categories is a set of ACL categories (bit i is CategoryNames()[i]).
type Categories uint32

// categoryNames are Redis 7.0's ACL categories in its order (ACL CAT,
// COMMAND INFO, the rule description).
var categoryNames = [...]string{"keyspace", "read", "write", "set", "sortedset", "list", "hash", "string",
	"bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking",
	"dangerous", "connection", "transaction", "scripting"}

// CategoryNames returns the category names in Redis's order.
func CategoryNames() []string { return categoryNames[:] }

// CategoryByName finds a category, case-insensitively.
func CategoryByName(name string) (Categories, bool) {
	for i, n := range categoryNames {
		if strings.EqualFold(n, name) {
			return 1 << i, true
		}
	}
	return 0, false
}

// CategoriesOf turns category names (with or without '@') into a set;
// unknown names are ignored.
func CategoriesOf(names []string) Categories {
	var c Categories
	for _, n := range names {
		if b, ok := CategoryByName(strings.TrimPrefix(n, "@")); ok {
			c |= b
		}
	}
	return c
}

// Channels says which arguments of a command are Pub/Sub channels.
type Channels uint8

const (
	NoChannels        Channels = iota
	PublishChannel             // args[1] (PUBLISH, SPUBLISH)
	SubscribeChannels          // args[1:] (SUBSCRIBE, SSUBSCRIBE)
	PatternChannels            // args[1:], compared literally (PSUBSCRIBE)
)

// ChannelsOf returns the channel arguments kind of a command by its full
// name, as Redis's ACLDoesCommandHaveChannels.
func ChannelsOf(name string) Channels {
	switch name {
	case "publish", "spublish":
		return PublishChannel
	case "subscribe", "ssubscribe":
		return SubscribeChannels
	case "psubscribe":
		return PatternChannels
	}
	return NoChannels
}

// Command is what the ACL knows of a command.
type Command struct {
	// ID indexes the allowed-commands bitmap; unique in a Catalog.
	ID int
	// Name is the full lower-case name ("get", "config|get").
	Name       string
	Categories Categories
	// NoAuth commands (AUTH, HELLO, QUIT, RESET) are always allowed.
	NoAuth   bool
	Channels Channels
	Parent   *Command
	Subs     []*Command
}

// Catalog is the set of commands rules refer to.
type Catalog struct {
	top    []*Command
	byName map[string]*Command
	nbits  int
}

// NewCatalog indexes top-level commands and their subcommands. IDs must
// be unique and non-negative.
func NewCatalog(top []*Command) *Catalog {
	c := &Catalog{byName: make(map[string]*Command)}
	c.top = append([]*Command(nil), top...)
	sort.Slice(c.top, func(i, j int) bool { return c.top[i].Name < c.top[j].Name })
	for _, t := range c.top {
		c.byName[t.Name] = t
		c.note(t.ID)
		sort.Slice(t.Subs, func(i, j int) bool { return t.Subs[i].Name < t.Subs[j].Name })
		for _, s := range t.Subs {
			s.Parent = t
			c.byName[s.Name] = s
			c.note(s.ID)
		}
	}
	return c
}

func (c *Catalog) note(id int) {
	if id+1 > c.nbits {
		c.nbits = id + 1
	}
}

// Lookup finds a command by full name ("get", "config|get"),
// case-insensitively.
func (c *Catalog) Lookup(name string) *Command { return c.byName[strings.ToLower(name)] }

// Commands returns the top-level commands sorted by name.
func (c *Catalog) Commands() []*Command { return c.top }

// InCategory lists the full names of the commands (subcommands included)
// in a category, as ACL CAT <category>.
func (c *Catalog) InCategory(cat Categories) []string {
	var out []string
	for _, t := range c.top {
		if t.Categories&cat != 0 {
			out = append(out, t.Name)
		}
		for _, s := range t.Subs {
			if s.Categories&cat != 0 {
				out = append(out, s.Name)
			}
		}
	}
	return out
}

func (c *Catalog) words() int { return (c.nbits + 63) / 64 }
