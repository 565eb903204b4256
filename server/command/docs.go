package command

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// Markdown renders the table as docs/commands.md: every command and
// subcommand grouped by documentation group, with arity, flags, summary
// and the version it appeared in. The output depends only on the table, so
// a test can tell when the checked-in file is stale.
func (t *Table) Markdown() []byte {
	groups := map[string][]*Spec{}
	for _, s := range t.All() {
		g := s.Group
		if g == "" {
			g = "other"
		}
		groups[g] = append(groups[g], s)
		groups[g] = append(groups[g], s.SortedSubcommands()...)
	}
	names := make([]string, 0, len(groups))
	for g := range groups {
		names = append(names, g)
	}
	sort.Strings(names)
	var b bytes.Buffer
	b.WriteString("# AiKv commands\n\n")
	b.WriteString("Generated from the command table by `go generate ./server/commands`; do not edit.\n\n")
	fmt.Fprintf(&b, "%d commands.\n", t.Len())
	for _, g := range names {
		fmt.Fprintf(&b, "\n## %s\n\n", g)
		b.WriteString("| Command | Arity | Flags | Since | Summary |\n")
		b.WriteString("| --- | --- | --- | --- | --- |\n")
		for _, s := range groups[g] {
			name := strings.ToUpper(strings.ReplaceAll(s.Name, "|", " "))
			fmt.Fprintf(&b, "| `%s` | %d | %s | %s | %s |\n", name, s.Arity,
				strings.Join(s.Flags.Names(), ", "), s.Since, strings.ReplaceAll(s.Summary, "|", `\|`))
		}
	}
	return b.Bytes()
}
