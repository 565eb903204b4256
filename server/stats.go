package server

import (
	"strings"

	"github.com/aikv/aikv/server/command"
)

// stats are server-wide INFO counters, guarded by Server.mu.
type stats struct {
	commands        int64
	totalConns      int64
	unknownCommands int64
	errorReplies    int64
	// errors counts error replies by their first word (INFO errorstats).
	errors map[string]int64
	table  *command.Table
}

func (st *stats) init(t *command.Table) {
	st.errors = make(map[string]int64)
	st.table = t
}

func (st *stats) countError(msg string) {
	st.errorReplies++
	prefix := msg
	if i := strings.IndexByte(msg, ' '); i >= 0 {
		prefix = msg[:i]
	}
	if len(st.errors) < 128 || st.errors[prefix] > 0 {
		st.errors[prefix]++
	}
}

// reset implements CONFIG RESETSTAT.
func (st *stats) reset() {
	t := st.table
	*st = stats{}
	st.init(t)
	for _, spec := range t.All() {
		spec.Stats = command.CallStats{}
		for _, sub := range spec.Subcommands {
			sub.Stats = command.CallStats{}
		}
	}
}
