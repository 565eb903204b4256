package server

import (
	"strconv"

	"github.com/aikv/aikv/server/command"
)

// Keyspace notifications (notify-keyspace-events), after Redis's
// notify.c: handlers call Context.Notify with Redis's event names; the
// keyspace reports new keys (KeyAdded) and expirations (KeyExpired).

// notifyFlags are the enabled classes plus the K and E channel kinds.
type notifyFlags struct {
	classes          command.NotifyClass
	keyspace, keyevt bool
}

var notifyClassChars = map[byte]command.NotifyClass{
	'g': command.NotifyGeneric, '$': command.NotifyString, 'l': command.NotifyList,
	's': command.NotifySet, 'h': command.NotifyHash, 'z': command.NotifyZSet,
	'x': command.NotifyExpired, 'e': command.NotifyEvicted, 't': command.NotifyStream,
	'm': command.NotifyKeyMiss, 'd': command.NotifyModule, 'n': command.NotifyNew,
}

// parseNotifyFlags reads the rendered parameter (e.g. "AKE", "gxE").
func parseNotifyFlags(v string) notifyFlags {
	var f notifyFlags
	for i := 0; i < len(v); i++ {
		switch ch := v[i]; ch {
		case 'A':
			// Every class but new and key-miss, as Redis's NOTIFY_ALL.
			f.classes |= command.NotifyGeneric | command.NotifyString | command.NotifyList |
				command.NotifySet | command.NotifyHash | command.NotifyZSet | command.NotifyExpired |
				command.NotifyEvicted | command.NotifyStream | command.NotifyModule
		case 'K':
			f.keyspace = true
		case 'E':
			f.keyevt = true
		default:
			f.classes |= notifyClassChars[ch]
		}
	}
	return f
}

// notifyFlagsLocked returns the current flags, re-parsing the parameter
// only when it changed. Caller holds s.mu.
func (s *Server) notifyFlagsLocked() notifyFlags {
	if v := s.cfg.NotifyKeyspaceEvents; v != s.notify.raw {
		s.notify.raw = v
		s.notify.flags = parseNotifyFlags(v)
	}
	return s.notify.flags
}

// NotifyKeyspaceEvent implements command.Server (Redis's
// notifyKeyspaceEvent): the event goes to __keyspace@<db>__:<key> with
// the event name as message, and to __keyevent@<db>__:<event> with the
// key as message.
func (s *Server) NotifyKeyspaceEvent(class command.NotifyClass, event string, key []byte, db int) {
	if s.cfg.NotifyKeyspaceEvents == "" {
		return
	}
	f := s.notifyFlagsLocked()
	if f.classes&class == 0 || s.ks.Loading {
		return
	}
	var ch []byte
	if f.keyspace {
		ch = append(ch, "__keyspace@"...)
		ch = strconv.AppendInt(ch, int64(db), 10)
		ch = append(ch, "__:"...)
		ch = append(ch, key...)
		s.Publish(command.SubChannel, ch, []byte(event))
	}
	if f.keyevt {
		ch = append(ch[:0], "__keyevent@"...)
		ch = strconv.AppendInt(ch, int64(db), 10)
		ch = append(ch, "__:"...)
		ch = append(ch, event...)
		s.Publish(command.SubChannel, ch, key)
	}
}

// KeyAdded implements datastructs.AddObserver: Redis's dbAdd sends "new".
func (s *Server) KeyAdded(db int, key string) {
	if s.cfg.NotifyKeyspaceEvents != "" {
		s.NotifyKeyspaceEvent(command.NotifyNew, "new", []byte(key), db)
	}
}

// KeyMissed implements datastructs.MissObserver: Redis's lookupKeyRead
// sends "keymiss" (class m) for a read lookup that finds nothing.
func (s *Server) KeyMissed(db int, key []byte) {
	if s.cfg.NotifyKeyspaceEvents != "" {
		s.NotifyKeyspaceEvent(command.NotifyKeyMiss, "keymiss", key, db)
	}
}
