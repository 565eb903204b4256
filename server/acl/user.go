package acl

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/aikv/aikv/datastructs/glob"
)

// Perm is a key permission.
type Perm uint8

const (
	PermRead  Perm = 1 << iota // %R~
	PermWrite                  // %W~
	PermAll   = PermRead | PermWrite
)

// KeyPattern is one key glob with the permissions it grants.
type KeyPattern struct {
	Pattern string
	Perm    Perm
}

// User is an ACL user. Read its fields only under the server lock.
type User struct {
	Name string
	// Unrestricted: every command, key and channel is allowed (the
	// dispatcher's fast path). Kept up to date by every change.
	Unrestricted bool

	enabled   bool
	nopass    bool
	sanitize  int8 // 1 sanitize-payload, -1 skip-sanitize-payload, 0 neither
	passwords []string

	allKeys, allChannels bool
	// allCommands is Redis's SELECTOR_FLAG_ALLCOMMANDS: set by +@all,
	// cleared by any denial. future is its reserved "future commands"
	// bit, cleared only by -@all: it picks +@all or -@all as the start
	// of the rule description.
	allCommands, future bool
	allowed             []uint64
	firstArgs           map[int][]string
	keys                []KeyPattern
	channels            []string

	cat *Catalog
}

// AllKeys reports whether the user may access every key.
func (u *User) AllKeys() bool { return u.allKeys }

// Enabled reports whether the user is "on".
func (u *User) Enabled() bool { return u.enabled }

// NoPass reports whether any password authenticates the user.
func (u *User) NoPass() bool { return u.nopass }

func newUser(name string, cat *Catalog, allChannels bool) *User {
	return &User{Name: name, cat: cat, allowed: make([]uint64, cat.words()), allChannels: allChannels}
}

func (u *User) clone() *User {
	v := *u
	v.passwords = append([]string(nil), u.passwords...)
	v.allowed = append([]uint64(nil), u.allowed...)
	v.keys = append([]KeyPattern(nil), u.keys...)
	v.channels = append([]string(nil), u.channels...)
	v.firstArgs = nil
	for id, args := range u.firstArgs {
		v.addFirstArg(id, args...)
	}
	return &v
}

// copyFrom makes u equal to v, keeping u's identity and name.
func (u *User) copyFrom(v *User) {
	name := u.Name
	*u = *v
	u.Name = name
}

func (u *User) refresh() {
	u.Unrestricted = u.allCommands && u.allKeys && u.allChannels
}

func hashPassword(p []byte) string {
	sum := sha256.Sum256(p)
	return hex.EncodeToString(sum[:])
}

// CheckPassword reports whether pass authenticates u (an enabled user
// with nopass, or a password whose digest matches; constant-time
// comparison of the digests).
func (u *User) CheckPassword(pass []byte) bool {
	if !u.enabled {
		return false
	}
	if u.nopass {
		return true
	}
	h := []byte(hashPassword(pass))
	ok := 0
	for _, p := range u.passwords {
		ok |= subtle.ConstantTimeCompare(h, []byte(p))
	}
	return ok == 1
}

func (u *User) bit(id int) bool {
	w := id / 64
	return w < len(u.allowed) && u.allowed[w]&(1<<(id%64)) != 0
}

func (u *User) setBit(id int, on bool) {
	w := id / 64
	if w >= len(u.allowed) {
		return
	}
	if on {
		u.allowed[w] |= 1 << (id % 64)
	} else {
		u.allowed[w] &^= 1 << (id % 64)
		u.allCommands = false
	}
}

// changePerm is ACLChangeSelectorPerm: the command and all its
// subcommands.
func (u *User) changePerm(c *Command, on bool) {
	u.setBit(c.ID, on)
	delete(u.firstArgs, c.ID)
	for _, s := range c.Subs {
		u.setBit(s.ID, on)
	}
}

func (u *User) setCategory(cat Categories, on bool) {
	for _, t := range u.cat.top {
		if t.Categories&cat != 0 {
			u.changePerm(t, on)
		}
		for _, s := range t.Subs {
			if s.Categories&cat != 0 {
				u.changePerm(s, on)
			}
		}
	}
}

func (u *User) addFirstArg(id int, args ...string) {
	if u.firstArgs == nil {
		u.firstArgs = make(map[int][]string)
	}
next:
	for _, a := range args {
		for _, have := range u.firstArgs[id] {
			if strings.EqualFold(have, a) {
				continue next
			}
		}
		u.firstArgs[id] = append(u.firstArgs[id], a)
	}
}

// SetUserError is a refused ACL SETUSER modifier.
type SetUserError struct {
	Op, Reason string
}

func (e *SetUserError) Error() string {
	return "ERR Error in ACL SETUSER modifier '" + e.Op + "': " + e.Reason
}

// Reasons, as Redis's ACLSetUserStringError.
const (
	reasonUnknown   = "Unknown command or category name in ACL"
	reasonSyntax    = "Syntax error"
	reasonAllKeys   = "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns"
	reasonAllChans  = "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels"
	reasonNoPass    = "The password you are trying to remove from the user does not exist"
	reasonBadHash   = "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters"
	reasonSubFirst  = "Allowing first-arg of a subcommand is not supported"
	reasonSelectors = "Selectors are not supported"
)

func validHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if (c < 'a' || c > 'f') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// hasSpaces is ACLStringHasSpaces: isspace or NUL.
func hasSpaces(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\v', '\f', '\r', 0:
			return true
		}
	}
	return false
}

// apply is Redis's ACLSetUser for one modifier; it returns the failure
// reason ("" on success).
func (u *User) apply(op string, allChannelsDefault bool) string {
	if op == "" {
		return ""
	}
	switch strings.ToLower(op) {
	case "on":
		u.enabled = true
		return ""
	case "off":
		u.enabled = false
		return ""
	case "skip-sanitize-payload":
		u.sanitize = -1
		return ""
	case "sanitize-payload":
		u.sanitize = 1
		return ""
	case "nopass":
		u.nopass = true
		u.passwords = nil
		return ""
	case "resetpass":
		u.nopass = false
		u.passwords = nil
		return ""
	case "clearselectors":
		return ""
	case "reset":
		u.apply("resetpass", allChannelsDefault)
		u.apply("resetkeys", allChannelsDefault)
		u.apply("resetchannels", allChannelsDefault)
		if allChannelsDefault {
			u.apply("allchannels", allChannelsDefault)
		}
		u.apply("off", allChannelsDefault)
		u.apply("sanitize-payload", allChannelsDefault)
		u.apply("-@all", allChannelsDefault)
		return ""
	case "allkeys", "~*":
		u.allKeys = true
		u.keys = nil
		return ""
	case "resetkeys":
		u.allKeys = false
		u.keys = nil
		return ""
	case "allchannels", "&*":
		u.allChannels = true
		u.channels = nil
		return ""
	case "resetchannels":
		u.allChannels = false
		u.channels = nil
		return ""
	case "allcommands", "+@all":
		for i := range u.allowed {
			u.allowed[i] = ^uint64(0)
		}
		u.allCommands, u.future = true, true
		u.firstArgs = nil
		return ""
	case "nocommands", "-@all":
		for i := range u.allowed {
			u.allowed[i] = 0
		}
		u.allCommands, u.future = false, false
		u.firstArgs = nil
		return ""
	}
	switch op[0] {
	case '>', '#':
		h, ok := passwordHash(op)
		if !ok {
			return reasonBadHash
		}
		if !slices.Contains(u.passwords, h) {
			u.passwords = append(u.passwords, h)
		}
		u.nopass = false
		return ""
	case '<', '!':
		h, ok := passwordHash(op)
		if !ok {
			return reasonBadHash
		}
		for i, p := range u.passwords {
			if p == h {
				u.passwords = append(u.passwords[:i:i], u.passwords[i+1:]...)
				return ""
			}
		}
		return reasonNoPass
	case '(':
		if op[len(op)-1] == ')' {
			return reasonSelectors
		}
	case '~', '%':
		return u.addKeyPattern(op)
	case '&':
		if u.allChannels {
			return reasonAllChans
		}
		if hasSpaces(op[1:]) {
			return reasonSyntax
		}
		if p := op[1:]; !slices.Contains(u.channels, p) {
			u.channels = append(u.channels, p)
		}
		u.allChannels = false
		return ""
	case '+', '-':
		allow := op[0] == '+'
		if len(op) > 1 && op[1] == '@' {
			cat, ok := CategoryByName(op[2:])
			if !ok {
				return reasonUnknown
			}
			u.setCategory(cat, allow)
			return ""
		}
		if !allow || !strings.Contains(op, "|") {
			c := u.cat.Lookup(op[1:])
			if c == nil {
				return reasonUnknown
			}
			u.changePerm(c, allow)
			return ""
		}
		i := strings.LastIndexByte(op, '|')
		name, sub := op[1:i], op[i+1:]
		c := u.cat.Lookup(name)
		if c == nil {
			return reasonUnknown
		}
		if c.Parent != nil {
			return reasonSubFirst
		}
		if sub == "" {
			return reasonSyntax
		}
		if len(c.Subs) > 0 {
			s := u.cat.Lookup(op[1:])
			if s == nil {
				return reasonUnknown
			}
			u.changePerm(s, true)
			return ""
		}
		// Redis's deprecated "first argument" permission (+select|0).
		u.addFirstArg(c.ID, sub)
		return ""
	}
	return reasonSyntax
}

func (u *User) addKeyPattern(op string) string {
	if u.allKeys {
		return reasonAllKeys
	}
	var perm Perm
	off := 1
	if op[0] == '%' {
		for ; off < len(op); off++ {
			c := op[off]
			if (c == 'R' || c == 'r') && perm&PermRead == 0 {
				perm |= PermRead
			} else if (c == 'W' || c == 'w') && perm&PermWrite == 0 {
				perm |= PermWrite
			} else if c == '~' {
				off++
				break
			} else {
				return reasonSyntax
			}
		}
		// Redis 7.0 accepts "%R" without '~' (the loop runs off the
		// end) as the empty pattern; kept.
		if perm == 0 {
			return reasonSyntax
		}
	} else {
		perm = PermAll
	}
	p := op[min(off, len(op)):]
	if hasSpaces(p) {
		return reasonSyntax
	}
	for i := range u.keys {
		if u.keys[i].Pattern == p {
			u.keys[i].Perm |= perm
			return ""
		}
	}
	u.keys = append(u.keys, KeyPattern{Pattern: p, Perm: perm})
	u.allKeys = false
	return ""
}

// Result is the outcome of a permission check.
type Result uint8

const (
	OK Result = iota
	DeniedCommand
	DeniedKey
	DeniedChannel
	DeniedAuth
)

// CommandAllowed reports whether u may run c with args (args[0] is the
// command name; for a subcommand args[1] is its name).
func (u *User) CommandAllowed(c *Command, args [][]byte) bool {
	if u.allCommands || c.NoAuth || u.bit(c.ID) {
		return true
	}
	allowed := u.firstArgs[c.ID]
	idx := 1
	if c.Parent != nil {
		idx = 2
	}
	if len(allowed) == 0 || len(args) <= idx {
		return false
	}
	for _, a := range allowed {
		if strings.EqualFold(a, string(args[idx])) {
			return true
		}
	}
	return false
}

// KeyAllowed reports whether u may access key with the given
// permissions (ACLSelectorCheckKey).
func (u *User) KeyAllowed(key []byte, need Perm) bool {
	if u.allKeys {
		return true
	}
	for _, p := range u.keys {
		if p.Perm&need != need {
			continue
		}
		if glob.MatchString(p.Pattern, string(key), false) {
			return true
		}
	}
	return false
}

// ChannelAllowed reports whether u may use a channel; literal compares
// patterns as strings (PSUBSCRIBE's patterns).
func (u *User) ChannelAllowed(ch []byte, literal bool) bool {
	if u.allChannels {
		return true
	}
	return channelInList(u.channels, ch, literal)
}

func channelInList(list []string, ch []byte, literal bool) bool {
	for _, p := range list {
		if literal && p == string(ch) || !literal && glob.MatchString(p, string(ch), false) {
			return true
		}
	}
	return false
}

// Check is ACLSelectorCheckCmd: the command, then the keys at the given
// indexes (each needing keyPerm), then the channels. It returns the
// denial and the index of the offending argument.
func (u *User) Check(c *Command, args [][]byte, keys []int, keyPerm Perm) (Result, int) {
	if !u.CommandAllowed(c, args) {
		return DeniedCommand, 0
	}
	if !u.allKeys {
		for _, i := range keys {
			if !u.KeyAllowed(args[i], keyPerm) {
				return DeniedKey, i
			}
		}
	}
	if !u.allChannels {
		switch c.Channels {
		case PublishChannel:
			if len(args) > 1 && !u.ChannelAllowed(args[1], false) {
				return DeniedChannel, 1
			}
		case SubscribeChannels, PatternChannels:
			for i := 1; i < len(args); i++ {
				if !u.ChannelAllowed(args[i], c.Channels == PatternChannels) {
					return DeniedChannel, i
				}
			}
		}
	}
	return OK, 0
}

// passwordHash returns the stored form of the password in a '>pass', '<pass', '#hash' or
// '!hash' rule: the SHA-256 hex of a cleartext password, or the given hash after checking it
// is 64 lowercase hex digits (ok is false when it is not).
func passwordHash(op string) (h string, ok bool) {
	if op[0] == '>' || op[0] == '<' {
		return hashPassword([]byte(op[1:])), true
	}
	if !validHash(op[1:]) {
		return "", false
	}
	return op[1:], true
}
