package acl

import "strings"

// describeCommands is Redis 7.0's ACLDescribeSelectorCommandRules: start
// from +@all or -@all, add the categories that fit best, then the single
// commands (and first arguments) that still differ.
func (u *User) describeCommands() string {
	var b strings.Builder
	additive := !u.future
	fake := newUser("", u.cat, false)
	if additive {
		b.WriteString("-@all ")
		fake.apply("-@all", false)
	} else {
		b.WriteString("+@all ")
		fake.apply("+@all", false)
	}
	temp := newUser("", u.cat, false)
	copy(temp.allowed, u.allowed)
	var applied [len(categoryNames)]bool
	for {
		best := -1
		mindiff, maxsame := int(^uint(0)>>1), 0
		for j := range categoryNames {
			if applied[j] {
				continue
			}
			on, off := temp.countCategory(1 << j)
			diff, same := on, off
			if additive {
				diff, same = off, on
			}
			if same > diff && (diff < mindiff || diff == mindiff && same > maxsame) {
				best, mindiff, maxsame = j, diff, same
			}
		}
		if best < 0 {
			break
		}
		cat := Categories(1) << best
		fake.setCategory(cat, additive)
		temp.setCategory(cat, !additive)
		if additive {
			b.WriteString("+@")
		} else {
			b.WriteString("-@")
		}
		b.WriteString(categoryNames[best])
		b.WriteByte(' ')
		applied[best] = true
	}
	for _, t := range u.cat.top {
		u.describeSingle(&b, fake, t)
		for _, s := range t.Subs {
			u.describeSingle(&b, fake, s)
		}
	}
	return strings.TrimSuffix(b.String(), " ")
}

func (u *User) describeSingle(b *strings.Builder, fake *User, c *Command) {
	ub := u.bit(c.ID)
	if ub != fake.bit(c.ID) {
		if ub {
			b.WriteByte('+')
		} else {
			b.WriteByte('-')
		}
		b.WriteString(c.Name)
		b.WriteByte(' ')
		fake.changePerm(c, ub)
	}
	if !ub {
		for _, a := range u.firstArgs[c.ID] {
			b.WriteString("+" + c.Name + "|" + a + " ")
		}
	}
}

// countCategory counts the commands and subcommands of a category that
// u allows (on) and denies (off).
func (u *User) countCategory(cat Categories) (on, off int) {
	for _, t := range u.cat.top {
		if t.Categories&cat != 0 {
			if u.bit(t.ID) {
				on++
			} else {
				off++
			}
		}
		for _, s := range t.Subs {
			if s.Categories&cat != 0 {
				if u.bit(s.ID) {
					on++
				} else {
					off++
				}
			}
		}
	}
	return on, off
}

// Flags returns the user's flags as GETUSER lists them.
func (u *User) Flags() []string {
	var out []string
	if u.enabled {
		out = append(out, "on")
	} else {
		out = append(out, "off")
	}
	if u.nopass {
		out = append(out, "nopass")
	}
	switch u.sanitize {
	case -1:
		out = append(out, "skip-sanitize-payload")
	case 1:
		out = append(out, "sanitize-payload")
	}
	return out
}

// Passwords returns the password digests (hex SHA-256).
func (u *User) Passwords() []string { return u.passwords }

// Commands describes the command rules (GETUSER "commands").
func (u *User) Commands() string { return u.describeCommands() }

// Keys describes the key patterns (GETUSER "keys").
func (u *User) Keys() string {
	if u.allKeys {
		return "~*"
	}
	parts := make([]string, len(u.keys))
	for i, k := range u.keys {
		parts[i] = k.String()
	}
	return strings.Join(parts, " ")
}

// String renders a pattern as in a rule ("~k*", "%R~k*").
func (k KeyPattern) String() string {
	switch k.Perm {
	case PermRead:
		return "%R~" + k.Pattern
	case PermWrite:
		return "%W~" + k.Pattern
	}
	return "~" + k.Pattern
}

// ChannelsRule describes the channel patterns (GETUSER "channels").
func (u *User) ChannelsRule() string {
	if u.allChannels {
		return "&*"
	}
	parts := make([]string, len(u.channels))
	for i, c := range u.channels {
		parts[i] = "&" + c
	}
	return strings.Join(parts, " ")
}

// Describe renders the user as ACL LIST does, without "user <name> ".
func (u *User) Describe() string {
	var b strings.Builder
	for _, f := range u.Flags() {
		b.WriteString(f + " ")
	}
	for _, p := range u.passwords {
		b.WriteString("#" + p + " ")
	}
	if u.allKeys {
		b.WriteString("~* ")
	} else {
		for _, k := range u.keys {
			b.WriteString(k.String() + " ")
		}
	}
	if u.allChannels {
		b.WriteString("&* ")
	} else {
		b.WriteString("resetchannels ")
		for _, c := range u.channels {
			b.WriteString("&" + c + " ")
		}
	}
	b.WriteString(u.describeCommands())
	return b.String()
}
