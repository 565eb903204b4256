package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/aikv/aikv/aof"
)

const aofUsage = "aof DIR [--fix] [--yes]   verify an append-only log; --fix cuts it at the first bad record"

// runAOF verifies the log in DIR and, with --fix, cuts it at its first bad
// record after asking (or at once with --yes). Run it while the server is
// stopped: the server's own Open repairs only a torn tail and refuses any
// other damage, which --fix resolves by cutting everything from the first
// bad record on (the cut bytes are kept in .broken files).
func runAOF(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var dir string
	var fix, yes bool
	for _, a := range args {
		switch a {
		case "--fix", "-fix":
			fix = true
		case "--yes", "-yes", "-y":
			yes = true
		default:
			if strings.HasPrefix(a, "-") || dir != "" {
				fmt.Fprintf(stderr, "aikv-check aof: unexpected argument %q\nusage: aikv-check %s\n", a, aofUsage)
				return 2
			}
			dir = a
		}
	}
	if dir == "" {
		fmt.Fprintf(stderr, "usage: aikv-check %s\n", aofUsage)
		return 2
	}
	r, err := aof.Verify(dir)
	if err != nil {
		fmt.Fprintf(stderr, "aikv-check aof: %v\n", err)
		return 2
	}
	printReport(stdout, &r)
	if r.OK() {
		return 0
	}
	if !fix {
		fmt.Fprintln(stdout, "run with --fix to cut the log at the first bad record")
		return 1
	}
	fmt.Fprintf(stdout, "fix: truncate %s at offset %d, cutting %d record(s) (kept in .broken files)\n",
		r.FixSegment, r.FixOffset, r.FixCut)
	if !yes {
		fmt.Fprint(stdout, "continue? [y/N] ")
		line, _ := bufio.NewReader(stdin).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
			fmt.Fprintln(stdout, "not fixed")
			return 1
		}
	}
	cut, err := aof.Fix(dir)
	if err != nil {
		fmt.Fprintf(stderr, "aikv-check aof: fix: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "fixed: cut %d record(s)\n", cut)
	return 0
}

func printReport(w io.Writer, r *aof.Report) {
	fmt.Fprintf(w, "log %s: %d segment(s), %d valid record(s)", r.Dir, len(r.Segments), r.Records)
	if len(r.Segments) > 0 {
		fmt.Fprintf(w, ", seq %d..%d", r.FirstSeq, r.LastSeq)
	}
	fmt.Fprintln(w)
	for _, s := range r.Segments {
		fmt.Fprintf(w, "  %s  seq %d..%d  %d bytes  %d record(s)", s.Name, s.FirstSeq, s.LastSeq, s.Size, s.Records)
		if s.CRCFailures > 0 {
			fmt.Fprintf(w, "  %d CRC failure(s)", s.CRCFailures)
		}
		if s.SeqErrors > 0 {
			fmt.Fprintf(w, "  %d seq error(s)", s.SeqErrors)
		}
		if s.Torn {
			fmt.Fprint(w, "  torn tail")
		}
		fmt.Fprintln(w)
		if s.FirstBad >= 0 {
			fmt.Fprintf(w, "    first bad record at offset %d: %s\n", s.FirstBad, s.Problem)
		}
	}
	for _, g := range r.Gaps {
		fmt.Fprintf(w, "  seq gap: %s starts at seq %d, want %d\n", g.Segment, g.Got, g.Want)
	}
	if r.OK() {
		fmt.Fprintln(w, "OK")
	} else {
		fmt.Fprintf(w, "PROBLEMS: %d CRC failure(s), %d seq error(s), %d gap(s)\n", r.CRCFailures, r.SeqErrors, len(r.Gaps))
	}
}
