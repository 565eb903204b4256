package acl

import (
	"sort"
)

// Registry holds the users. Use it under the server lock.
type Registry struct {
	cat     *Catalog
	users   map[string]*User
	Default *User
	// Log is the ACL LOG.
	Log Log
	// allChannelsDefault is acl-pubsub-default: Redis 7.0's default
	// (resetchannels) gives new users no channel.
	allChannelsDefault bool
}

// NewRegistry returns a registry with only the default user: on, nopass,
// every command, key and channel (Redis's ACLCreateDefaultUser).
func NewRegistry(cat *Catalog) *Registry {
	r := &Registry{cat: cat, users: make(map[string]*User)}
	d := newUser("default", cat, false)
	for _, op := range []string{"+@all", "~*", "&*", "on", "nopass"} {
		d.apply(op, false)
	}
	d.refresh()
	r.users["default"] = d
	r.Default = d
	r.Log.MaxLen = 128
	return r
}

// Catalog returns the command catalog.
func (r *Registry) Catalog() *Catalog { return r.cat }

// User finds a user by exact name (nil if none).
func (r *Registry) User(name string) *User { return r.users[name] }

// Users returns every user sorted by name.
func (r *Registry) Users() []*User {
	out := make([]*User, 0, len(r.users))
	for _, u := range r.users {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Authenticate returns the user that name and pass identify, or nil.
func (r *Registry) Authenticate(name, pass []byte) *User {
	u := r.users[string(name)]
	if u == nil || !u.CheckPassword(pass) {
		return nil
	}
	return u
}

// DefaultOpen reports whether connections need no AUTH: the default
// user is on and has nopass (Redis's authRequired).
func (r *Registry) DefaultOpen() bool { return r.Default.enabled && r.Default.nopass }

// SetDefaultPassword applies requirepass to the default user
// (ACLUpdateDefaultUserPassword): "" means nopass.
func (r *Registry) SetDefaultPassword(pass string) {
	d := r.Default
	d.apply("resetpass", false)
	if pass != "" {
		d.apply(">"+pass, false)
	} else {
		d.apply("nopass", false)
	}
	d.refresh()
}

// ValidName reports whether a user name is acceptable (no spaces or NUL).
func ValidName(name string) bool { return !hasSpaces(name) }

// Change is a successful SETUSER: the user (now updated in place) and, if
// it existed, the channel patterns it had before (for killing Pub/Sub
// clients that lost access).
type Change struct {
	User    *User
	Created bool
	// KillPubSub is set when subscribed clients of the user must be
	// checked against Upcoming (ACLKillPubsubClientsIfNeeded).
	KillPubSub bool
	Upcoming   []string
}

// SetUser applies modifiers to a copy of the named user (a new,
// disabled user with no permissions if it does not exist) and, if all
// succeed, commits them. On error nothing changes.
func (r *Registry) SetUser(name string, ops []string) (Change, error) {
	old := r.users[name]
	var tmp *User
	if old != nil {
		tmp = old.clone()
	} else {
		tmp = newUser(name, r.cat, r.allChannelsDefault)
	}
	for _, op := range ops {
		if reason := tmp.apply(op, r.allChannelsDefault); reason != "" {
			return Change{}, &SetUserError{Op: op, Reason: reason}
		}
	}
	tmp.refresh()
	ch := Change{Created: old == nil}
	if old != nil {
		if !tmp.allChannels {
			for _, p := range old.channels {
				if !contains(tmp.channels, p) {
					ch.KillPubSub = true
					ch.Upcoming = append([]string(nil), tmp.channels...)
					break
				}
			}
		}
		old.copyFrom(tmp)
		ch.User = old
	} else {
		r.users[name] = tmp
		ch.User = tmp
	}
	return ch, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ChannelAllowedBy reports whether a subscription (pattern: compared
// literally) is allowed by the patterns of upcoming.
func ChannelAllowedBy(upcoming []string, ch []byte, literal bool) bool {
	return channelInList(upcoming, ch, literal)
}

// Delete removes a user and reports whether it existed. The default user
// is never removed (the caller refuses it first).
func (r *Registry) Delete(name string) *User {
	u := r.users[name]
	if u == nil || u == r.Default {
		return nil
	}
	delete(r.users, name)
	return u
}
