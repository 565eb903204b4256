package command

import (
	"strings"

	"github.com/aikv/aikv/server/acl"
)

// aclOrder is Redis's ACL category order, which COMMAND INFO follows.
var aclOrder = acl.CategoryNames()

// ACLCategories returns a spec's ACL categories as Redis computes them:
// the declared ones plus those its flags imply (setImplicitACLCategories).
func (s *Spec) ACLCategories() []string {
	has := map[string]bool{}
	for _, a := range s.ACL {
		has[strings.TrimPrefix(strings.ToLower(a), "@")] = true
	}
	f := s.Flags
	if f.Has(Write) {
		has["write"] = true
	}
	if f.Has(ReadOnly) && !has["scripting"] {
		has["read"] = true
	}
	if f.Has(Admin) {
		has["admin"], has["dangerous"] = true, true
	}
	if f.Has(PubSub) {
		has["pubsub"] = true
	}
	if f.Has(Fast) {
		has["fast"] = true
	}
	if f.Has(Blocking) {
		has["blocking"] = true
	}
	if !has["fast"] {
		has["slow"] = true
	}
	out := make([]string, 0, len(has))
	for _, name := range aclOrder {
		if has[name] {
			out = append(out, name)
		}
	}
	return out
}

// ACLCatalog describes the registered commands (under their registered
// names, as Redis's ACL uses the original names whatever rename-command
// did) for the ACL, with each spec's ID.
func (t *Table) ACLCatalog() *acl.Catalog {
	src := t.specs
	if t.orig != nil {
		src = t.orig
	}
	var top []*acl.Command
	for _, s := range src {
		c := aclCommand(s)
		for _, sub := range s.Subcommands {
			c.Subs = append(c.Subs, aclCommand(sub))
		}
		top = append(top, c)
	}
	return acl.NewCatalog(top)
}

func aclCommand(s *Spec) *acl.Command {
	return &acl.Command{
		ID:         s.ID,
		Name:       s.Name,
		Categories: acl.CategoriesOf(s.ACLCategories()),
		NoAuth:     s.Flags.Has(NoAuth),
		Channels:   acl.ChannelsOf(s.Name),
	}
}

// ACLKeyPerm is the permission a command needs on its keys: write for
// write commands, read for read-only ones, none otherwise. (Redis 7.0
// derives it per key from key-spec flags; AiKv's table has per-command
// flags only, so e.g. GETDEL needs only write here where Redis needs
// read and write.)
func (s *Spec) ACLKeyPerm() acl.Perm {
	switch {
	case s.Flags.Has(Write):
		return acl.PermWrite
	case s.Flags.Has(ReadOnly):
		return acl.PermRead
	}
	return 0
}
