// Command gen-command-docs writes docs/commands.md from the command table.
// It runs through `go generate ./server/commands`.
//
//	gen-command-docs -o docs/commands.md
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/aikv/aikv/server/commands"
)

func main() {
	out := flag.String("o", "docs/commands.md", "output file")
	flag.Parse()
	if err := os.WriteFile(*out, commands.NewTable().Markdown(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen-command-docs:", err)
		os.Exit(1)
	}
}
