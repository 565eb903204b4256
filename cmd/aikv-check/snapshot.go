package main

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/aikv/aikv/datastructs/jsonval"
	"github.com/aikv/aikv/snapshot"
)

const snapshotUsage = "snapshot FILE              verify a snapshot: checksums, records, counts; exit 1 naming any damage"

const inspectUsage = "inspect FILE [--top N]     header, keys per database and type, the N (10) largest keys"

// codecs decode the value types the snapshot core does not know, so
// verify checks them too.
var codecs = []snapshot.Codec{jsonval.SnapshotCodec{}}

// damageStatus is the exit status for err: 1 when the file is damaged or
// not a snapshot, 2 for anything else (I/O, usage).
func damageStatus(err error) int {
	if errors.Is(err, snapshot.ErrCorrupt) || errors.Is(err, snapshot.ErrVersion) || errors.Is(err, snapshot.ErrNotSnapshot) {
		return 1
	}
	return 2
}

// oneFile parses "FILE" plus the flags in flags (name -> needs a value).
func oneFile(args []string, flags map[string]bool) (file string, vals map[string]string, err error) {
	vals = map[string]string{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if len(a) > 1 && a[0] == '-' {
			name := a
			for len(name) > 0 && name[0] == '-' {
				name = name[1:]
			}
			val, hasVal := "", false
			for j := 0; j < len(name); j++ {
				if name[j] == '=' {
					name, val, hasVal = name[:j], name[j+1:], true
					break
				}
			}
			if _, ok := flags[name]; !ok {
				return "", nil, fmt.Errorf("unknown flag %q", a)
			}
			if !hasVal {
				if i+1 >= len(args) {
					return "", nil, fmt.Errorf("flag %q needs a value", a)
				}
				i++
				val = args[i]
			}
			vals[name] = val
			continue
		}
		if file != "" {
			return "", nil, fmt.Errorf("unexpected argument %q", a)
		}
		file = a
	}
	if file == "" {
		return "", nil, errors.New("missing FILE")
	}
	return file, vals, nil
}

// runSnapshot verifies a snapshot file.
func runSnapshot(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	file, _, err := oneFile(args, nil)
	if err != nil {
		fmt.Fprintf(stderr, "aikv-check snapshot: %v\nusage: aikv-check %s\n", err, snapshotUsage)
		return 2
	}
	info, err := snapshot.Verify(file, codecs...)
	if err != nil {
		fmt.Fprintf(stderr, "aikv-check snapshot: DAMAGED: %v\n", err)
		return damageStatus(err)
	}
	fmt.Fprintf(stdout, "%s: OK: version %d, seq %d, created %s, %d keys in %d databases, %d records in %d blocks, %d bytes\n",
		file, info.Version, info.Seq, info.Created.UTC().Format(time.RFC3339Nano), info.TotalKeys(), info.Databases,
		info.Records, info.Blocks, info.Size)
	return 0
}

// keyStat is what inspect learns about one key from its records.
type keyStat struct {
	db       int
	key      string
	tag      snapshot.Tag
	expireAt int64
	elems    int   // elements (fields, members); 0 for strings
	bytes    int64 // key, elements and scores
	records  int
}

// runInspect prints the header, keys per database and type, and the
// largest keys, reading the file once with bounded memory.
func runInspect(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	file, vals, err := oneFile(args, map[string]bool{"top": true})
	top := 10
	if err == nil && vals["top"] != "" {
		top, err = strconv.Atoi(vals["top"])
		if err == nil && top < 0 {
			err = errors.New("--top must be >= 0")
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "aikv-check inspect: %v\nusage: aikv-check %s\n", err, inspectUsage)
		return 2
	}
	r, err := snapshot.Open(file, snapshot.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "aikv-check inspect: %v\n", err)
		return damageStatus(err)
	}
	defer r.Close()
	h := r.Header()
	type dbStat struct {
		byTag   map[snapshot.Tag]int
		keys    int
		withTTL int
	}
	dbs := make([]dbStat, h.Databases)
	var largest []keyStat // sorted by bytes, descending, at most top
	var cur keyStat
	done := func() {
		if top == 0 {
			return
		}
		i := sort.Search(len(largest), func(i int) bool { return largest[i].bytes < cur.bytes })
		if i >= top {
			return
		}
		largest = append(largest, keyStat{})
		copy(largest[i+1:], largest[i:])
		largest[i] = cur
		if len(largest) > top {
			largest = largest[:top]
		}
	}
	for {
		rec, err := r.NextRecord()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintf(stderr, "aikv-check inspect: DAMAGED: %s: %v\n", file, err)
			return damageStatus(err)
		}
		if rec.First {
			cur = keyStat{db: rec.DB, key: rec.Key, tag: rec.Tag, expireAt: rec.ExpireAt, bytes: int64(len(rec.Key))}
			d := &dbs[rec.DB]
			if d.byTag == nil {
				d.byTag = map[snapshot.Tag]int{}
			}
			d.byTag[rec.Tag]++
			d.keys++
			if rec.ExpireAt != 0 {
				d.withTTL++
			}
		}
		cur.records++
		cur.bytes += int64(len(rec.Str)) + int64(len(rec.Blob)) + 8*int64(len(rec.Scores))
		for _, e := range rec.Elems {
			cur.bytes += int64(len(e))
		}
		switch rec.Tag {
		case snapshot.TagHash:
			cur.elems += len(rec.Elems) / 2
		default:
			cur.elems += len(rec.Elems)
		}
		if !rec.More {
			done()
		}
	}
	info := r.Info()
	flags := "none"
	if h.Flags&snapshot.FlagZstd != 0 {
		flags = "zstd"
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "file\t%s (%d bytes, verified)\n", file, info.Size)
	fmt.Fprintf(tw, "version\t%d\n", h.Version)
	fmt.Fprintf(tw, "flags\t%s\n", flags)
	fmt.Fprintf(tw, "created\t%s (%d)\n", h.Created.UTC().Format(time.RFC3339Nano), h.Created.UnixMilli())
	fmt.Fprintf(tw, "seq\t%d\n", h.Seq)
	fmt.Fprintf(tw, "databases\t%d\n", h.Databases)
	fmt.Fprintf(tw, "keys\t%d (%d records in %d blocks)\n", info.TotalKeys(), info.Records, info.Blocks)
	tw.Flush()
	tags := []snapshot.Tag{snapshot.TagString, snapshot.TagList, snapshot.TagSet, snapshot.TagZSet, snapshot.TagHash}
	fmt.Fprintln(stdout)
	fmt.Fprintln(tw, "db\tkeys\tstring\tlist\tset\tzset\thash\tother\twith TTL")
	for i, d := range dbs {
		if d.keys == 0 {
			continue
		}
		fmt.Fprintf(tw, "%d\t%d", i, d.keys)
		other := d.keys
		for _, t := range tags {
			fmt.Fprintf(tw, "\t%d", d.byTag[t])
			other -= d.byTag[t]
		}
		fmt.Fprintf(tw, "\t%d\t%d\n", other, d.withTTL)
	}
	tw.Flush()
	if len(largest) > 0 {
		fmt.Fprintf(stdout, "\nlargest keys:\n")
		fmt.Fprintln(tw, "db\tkey\ttype\telements\tbytes\trecords\texpire at (ms)")
		for _, k := range largest {
			exp := "-"
			if k.expireAt != 0 {
				exp = strconv.FormatInt(k.expireAt, 10)
			}
			fmt.Fprintf(tw, "%d\t%.60q\t%v\t%d\t%d\t%d\t%s\n", k.db, k.key, k.tag, k.elems, k.bytes, k.records, exp)
		}
		tw.Flush()
	}
	return 0
}
