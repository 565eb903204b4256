package server

import (
	"github.com/aikv/aikv/datastructs/hash"
	"github.com/aikv/aikv/datastructs/set"
	"github.com/aikv/aikv/datastructs/zset"
)

// applyEncodingConfig copies the encoding limits (hash-max-listpack-*,
// set-max-intset-entries, zset-max-listpack-*) into the data structure
// packages, which read them on every insert. As in Redis a change affects
// later inserts only: existing values keep their encoding until then.
// Caller holds the server lock (or runs before serving). The limits are
// process-wide; a variable is only written when its value changes, so
// several servers in one process (tests) with the defaults never write.
func (s *Server) applyEncodingConfig() {
	setLimit(&hash.MaxListpackEntries, s.cfg.HashMaxListpackEntries)
	setLimit(&hash.MaxListpackValue, s.cfg.HashMaxListpackValue)
	setLimit(&set.MaxIntsetEntries, s.cfg.SetMaxIntsetEntries)
	setLimit(&zset.MaxListpackEntries, s.cfg.ZSetMaxListpackEntries)
	setLimit(&zset.MaxListpackValue, s.cfg.ZSetMaxListpackValue)
}

func setLimit(dst *int, v int64) {
	if int64(*dst) != v {
		*dst = int(v)
	}
}
