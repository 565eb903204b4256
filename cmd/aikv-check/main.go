// Command aikv-check inspects and repairs AiKv's data files.
//
//	aikv-check aof DIR [--fix] [--yes]   verify (and repair) an append-only log
//	aikv-check snapshot FILE             verify a snapshot file
//	aikv-check inspect FILE [--top N]    header, keys per db and type, largest keys
//	aikv-check export FILE --format resp|json|rdb [--out PATH]
//	                                     stream a snapshot as RESP commands or JSON lines,
//	                                     or write it as a Redis 7.0 RDB file
//	aikv-check import RDBFILE --out FILE convert a Redis RDB file into a snapshot
//	aikv-check backup --addr HOST:PORT [--password P] --out FILE
//	                                     online backup of a running server (via SYNC)
//
// Each subcommand lives in its own file and registers itself in commands.
// Exit status: 0 when everything is fine (or was fixed), 1 when problems
// were found and left alone, 2 for usage or I/O errors.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one subcommand. run gets the arguments after the subcommand
// name and returns the exit status.
type command struct {
	usage string
	run   func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

var commands = map[string]command{
	"aof":      {usage: aofUsage, run: runAOF},
	"snapshot": {usage: snapshotUsage, run: runSnapshot},
	"inspect":  {usage: inspectUsage, run: runInspect},
	"export":   {usage: exportUsage, run: runExport},
	"import":   {usage: importUsage, run: runImport},
	"backup":   {usage: backupUsage, run: runBackup},
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "aikv-check: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
	return cmd.run(args[1:], stdin, stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: aikv-check COMMAND [ARGS]")
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  aikv-check %s\n", commands[name].usage)
	}
}
