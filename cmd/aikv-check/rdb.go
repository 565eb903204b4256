package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"time"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/snapshot"
	"github.com/aikv/aikv/snapshot/rdb"
)

const importUsage = `import RDBFILE --out FILE [--databases N]
        convert a Redis RDB file (Redis 6.0-7.2) into an AiKv snapshot; keys already
        expired are dropped, function libraries go into the snapshot; keys of types
        AiKv lacks (streams, module types) are listed on stderr and skipped, with
        exit status 1`

// codeCollector gathers function libraries from an RDB file.
type codeCollector struct{ codes []string }

func (c *codeCollector) LibraryCodes() []string { return c.codes }
func (c *codeCollector) LoadLibrary(code string) error {
	c.codes = append(c.codes, code)
	return nil
}

// runImport converts an RDB file into a snapshot. The RDB file is read
// into memory whole; the keyspace it describes is built in memory too.
func runImport(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	file, vals, err := oneFile(args, map[string]bool{"out": true, "databases": true})
	if err == nil && vals["out"] == "" {
		err = fmt.Errorf("--out is required")
	}
	dbs := 16
	if err == nil && vals["databases"] != "" {
		if dbs, err = strconv.Atoi(vals["databases"]); err == nil && (dbs < 1 || dbs > 1<<20) {
			err = fmt.Errorf("--databases out of range")
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "aikv-check import: %v\nusage: aikv-check %s\n", err, importUsage)
		return 2
	}
	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "aikv-check import: %v\n", err)
		return 2
	}
	start := time.Now()
	ks := datastructs.New(datastructs.Options{Databases: dbs})
	fns := &codeCollector{}
	skipped := 0
	info, err := rdb.LoadKeyspace(data, ks, rdb.LoadOptions{
		Functions: fns,
		Unsupported: func(db int, key, kind string) {
			skipped++
			fmt.Fprintf(stderr, "aikv-check import: skipping key %q in db %d: AiKv has no %s type\n", key, db, kind)
		},
	})
	if err != nil {
		fmt.Fprintf(stderr, "aikv-check import: %s: %v\n", file, err)
		return 1
	}
	opts := snapshot.Options{Databases: dbs, Codecs: codecs}
	if len(fns.codes) > 0 {
		opts.Aux = map[string][]byte{"functions": rdb.FunctionPayload(fns.codes)}
	}
	sinfo, err := snapshot.Save(vals["out"], snapshot.KeyspaceSource(ks), opts)
	if err != nil {
		fmt.Fprintf(stderr, "aikv-check import: %v\n", err)
		return 2
	}
	var kinds []string
	for k, n := range info.Unsupported {
		kinds = append(kinds, fmt.Sprintf("%s: %d", k, n))
	}
	sort.Strings(kinds)
	fmt.Fprintf(stdout, "RDB version %d: %d keys read, %d written to %s, %d function libraries, %d empty skipped, unsupported %v, %.3fs\n",
		info.Version, info.Keys, sinfo.TotalKeys(), vals["out"], info.Functions, info.Empty, kinds, time.Since(start).Seconds())
	if skipped > 0 {
		return 1
	}
	return 0
}

// exportRDB writes a snapshot as a Redis 7.0 RDB file. The dataset is
// loaded into memory first (RDB files name each key's element count up
// front, and Redis expects RESIZEDB sizes).
func exportRDB(file, out string, stdout, stderr io.Writer) int {
	r, err := snapshot.Open(file, snapshot.Options{Codecs: codecs})
	if err != nil {
		fmt.Fprintf(stderr, "aikv-check export: %v\n", err)
		return damageStatus(err)
	}
	defer r.Close()
	ks := datastructs.New(datastructs.Options{Databases: max(r.Header().Databases, 1)})
	if _, err := r.Load(ks); err != nil {
		fmt.Fprintf(stderr, "aikv-check export: DAMAGED: %s: %v\n", file, err)
		return damageStatus(err)
	}
	var fns rdb.Functions
	if p := r.Aux()["functions"]; p != nil {
		codes, err := rdb.FunctionCodes(p)
		if err != nil {
			fmt.Fprintf(stderr, "aikv-check export: DAMAGED: %s: functions: %v\n", file, err)
			return 1
		}
		fns = &codeCollector{codes: codes}
	}
	w := stdout
	var f *os.File
	if out != "" {
		if f, err = os.Create(out); err != nil {
			fmt.Fprintf(stderr, "aikv-check export: %v\n", err)
			return 2
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	aux := [][2]string{{"redis-ver", "7.0.15"}, {"redis-bits", "64"},
		{"ctime", strconv.FormatInt(time.Now().Unix(), 10)}, {"used-mem", "0"}, {"aof-base", "0"}}
	if err := rdb.Save(bw, ks, fns, aux); err != nil {
		fmt.Fprintf(stderr, "aikv-check export: %v\n", err)
		return 2
	}
	if err := bw.Flush(); err != nil {
		fmt.Fprintf(stderr, "aikv-check export: %v\n", err)
		return 2
	}
	if f != nil {
		if err := f.Sync(); err != nil {
			fmt.Fprintf(stderr, "aikv-check export: %v\n", err)
			return 2
		}
	}
	return 0
}
