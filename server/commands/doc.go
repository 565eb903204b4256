// Package commands holds the command handlers, one file per family
// (strings.go, keys.go, conn.go, admin.go, lists.go, ...). Each file has a
// registerX(t *command.Table) function; NewTable calls them all. There is
// no init() and no package-level table: the server builds the table once
// and passes it around.
//
// Handlers follow command.Handler's contract: they run with the keyspace
// locked, reach data only through datastructs.DB's methods, reply through
// c.W, and use the error texts of package command.
package commands

//go:generate go run ../../cmd/gen-command-docs -o ../../docs/commands.md
