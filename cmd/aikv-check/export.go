package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"unicode/utf8"

	"github.com/aikv/aikv/datastructs/jsonval"
	"github.com/aikv/aikv/snapshot"
)

const exportUsage = `export FILE --format resp|json|rdb [--out PATH]
        stream the snapshot to stdout (or PATH):
        resp: commands for redis-cli --pipe into an empty server (SELECT, SET/APPEND,
              RPUSH, SADD, HSET, ZADD per chunk, JSON.SET key $ doc, PEXPIREAT); types
              without a RESP form are skipped with a warning and exit status 1
        json: one line per key {"db","key","type","expire_ms","value"}; strings that are
              not UTF-8 become {"base64":"..."}; hash values are [field,value] pairs, zset
              values [member,score] pairs (scores "inf"/"-inf" when infinite), JSON
              documents the document itself
        rdb:  a Redis 7.0 RDB file (redis-server loads it; JSON documents become
              RedisJSON values), function libraries included`

// runExport streams a snapshot as RESP commands or JSON lines. It reads
// the file once, record by record: memory stays bounded whatever the
// size of the file or of one key.
func runExport(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	file, vals, err := oneFile(args, map[string]bool{"format": true, "out": true})
	if err == nil && vals["format"] != "resp" && vals["format"] != "json" && vals["format"] != "rdb" {
		err = fmt.Errorf("--format must be resp, json or rdb, not %q", vals["format"])
	}
	if err != nil {
		fmt.Fprintf(stderr, "aikv-check export: %v\nusage: aikv-check %s\n", err, exportUsage)
		return 2
	}
	if vals["format"] == "rdb" {
		return exportRDB(file, vals["out"], stdout, stderr)
	}
	r, err := snapshot.Open(file, snapshot.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "aikv-check export: %v\n", err)
		return damageStatus(err)
	}
	defer r.Close()
	out := stdout
	var f *os.File
	if p := vals["out"]; p != "" {
		if f, err = os.Create(p); err != nil {
			fmt.Fprintf(stderr, "aikv-check export: %v\n", err)
			return 2
		}
		defer f.Close()
		out = f
	}
	w := bufio.NewWriterSize(out, 256<<10)
	var ex exporter
	if vals["format"] == "resp" {
		ex = &respExporter{w: w, db: -1}
	} else {
		ex = &jsonExporter{w: w}
	}
	skipped := 0
	var skipping bool
	for {
		rec, err := r.NextRecord()
		if err == io.EOF {
			break
		}
		if err != nil {
			w.Flush()
			fmt.Fprintf(stderr, "aikv-check export: DAMAGED: %s: %v\n", file, err)
			return damageStatus(err)
		}
		if rec.First {
			skipping = !ex.supports(rec.Tag)
			if skipping {
				skipped++
				fmt.Fprintf(stderr, "aikv-check export: skipping key %q in db %d: no %s form for %v\n", rec.Key, rec.DB, vals["format"], rec.Tag)
			}
		}
		if !skipping {
			if err := ex.record(rec); err != nil {
				w.Flush()
				fmt.Fprintf(stderr, "aikv-check export: DAMAGED: %s: %v\n", file, err)
				return 1
			}
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(stderr, "aikv-check export: %v\n", err)
		return 2
	}
	if f != nil {
		if err := f.Close(); err != nil {
			fmt.Fprintf(stderr, "aikv-check export: %v\n", err)
			return 2
		}
	}
	if skipped > 0 {
		return 1
	}
	return 0
}

type exporter interface {
	supports(snapshot.Tag) bool
	// record writes one record; an error means its content is damaged.
	record(*snapshot.Record) error
}

// jsonDoc collects the chunks of a JSON document (one document at a
// time is held in memory) and checks it parses.
type jsonDoc struct{ buf []byte }

func (d *jsonDoc) add(rec *snapshot.Record) (doc []byte, done bool, err error) {
	if rec.First {
		d.buf = d.buf[:0]
	}
	d.buf = append(d.buf, rec.Blob...)
	if rec.More {
		return nil, false, nil
	}
	if _, err := jsonval.Parse(d.buf); err != nil {
		return nil, true, fmt.Errorf("key %q: JSON document: %v", rec.Key, err)
	}
	return d.buf, true, nil
}

// respExporter writes RESP commands. Write errors surface at Flush.
type respExporter struct {
	w    *bufio.Writer
	db   int
	args []string
	doc  jsonDoc
}

func (e *respExporter) supports(t snapshot.Tag) bool {
	return t >= snapshot.TagString && t <= snapshot.TagHash || t == snapshot.TagJSON
}

func (e *respExporter) cmd(args ...string) {
	fmt.Fprintf(e.w, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(e.w, "$%d\r\n", len(a))
		e.w.WriteString(a)
		e.w.WriteString("\r\n")
	}
}

func (e *respExporter) record(rec *snapshot.Record) error {
	if rec.First && rec.DB != e.db {
		e.cmd("SELECT", strconv.Itoa(rec.DB))
		e.db = rec.DB
	}
	a := e.args[:0]
	switch rec.Tag {
	case snapshot.TagString:
		if rec.First {
			a = append(a, "SET", rec.Key, rec.Str)
		} else {
			a = append(a, "APPEND", rec.Key, rec.Str)
		}
	case snapshot.TagList:
		a = append(append(a, "RPUSH", rec.Key), rec.Elems...)
	case snapshot.TagSet:
		a = append(append(a, "SADD", rec.Key), rec.Elems...)
	case snapshot.TagHash:
		a = append(append(a, "HSET", rec.Key), rec.Elems...)
	case snapshot.TagZSet:
		a = append(a, "ZADD", rec.Key)
		for i, m := range rec.Elems {
			a = append(a, formatScore(rec.Scores[i]), m)
		}
	case snapshot.TagJSON:
		doc, done, err := e.doc.add(rec)
		if err != nil {
			return err
		}
		if done {
			a = append(a, "JSON.SET", rec.Key, "$", string(doc))
		}
	}
	if len(a) > 0 {
		e.cmd(a...)
	}
	e.args = a
	if !rec.More && rec.ExpireAt != 0 {
		e.cmd("PEXPIREAT", rec.Key, strconv.FormatInt(rec.ExpireAt, 10))
	}
	return nil
}

// formatScore writes a score so Redis parses back the same double.
func formatScore(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// jsonExporter writes one JSON object per key, streaming its value as
// chunks arrive.
type jsonExporter struct {
	w     *bufio.Writer
	first bool // no element written yet in the current value
	doc   jsonDoc
}

func (e *jsonExporter) supports(snapshot.Tag) bool { return true }

// str writes s as a JSON string, or as {"base64":...} when s is not UTF-8.
func (e *jsonExporter) str(s string) {
	if utf8.ValidString(s) {
		b, _ := json.Marshal(s)
		e.w.Write(b)
		return
	}
	e.w.WriteString(`{"base64":"`)
	e.w.WriteString(base64.StdEncoding.EncodeToString([]byte(s)))
	e.w.WriteString(`"}`)
}

func (e *jsonExporter) sep() {
	if !e.first {
		e.w.WriteByte(',')
	}
	e.first = false
}

func (e *jsonExporter) record(rec *snapshot.Record) error {
	w := e.w
	if rec.First {
		fmt.Fprintf(w, `{"db":%d,"key":`, rec.DB)
		e.str(rec.Key)
		w.WriteString(`,"type":`)
		e.str(rec.Tag.String())
		fmt.Fprintf(w, `,"expire_ms":%d,"value":`, rec.ExpireAt)
		e.first = true
		switch rec.Tag {
		case snapshot.TagString:
			if !rec.More {
				e.str(rec.Str)
				w.WriteString("}\n")
				return nil
			}
			// A string in several chunks: written as one JSON string
			// would need the whole value; give the chunks instead.
			w.WriteString(`{"chunks":[`)
		case snapshot.TagList, snapshot.TagSet, snapshot.TagHash, snapshot.TagZSet:
			w.WriteByte('[')
		case snapshot.TagJSON:
		default:
			w.WriteString(`{"chunks_base64":[`)
		}
	}
	switch rec.Tag {
	case snapshot.TagString:
		e.sep()
		e.str(rec.Str)
	case snapshot.TagList, snapshot.TagSet:
		for _, s := range rec.Elems {
			e.sep()
			e.str(s)
		}
	case snapshot.TagHash:
		for i := 0; i < len(rec.Elems); i += 2 {
			e.sep()
			w.WriteByte('[')
			e.str(rec.Elems[i])
			w.WriteByte(',')
			e.str(rec.Elems[i+1])
			w.WriteByte(']')
		}
	case snapshot.TagZSet:
		for i, m := range rec.Elems {
			e.sep()
			w.WriteByte('[')
			e.str(m)
			w.WriteByte(',')
			if sc := rec.Scores[i]; math.IsInf(sc, 0) {
				e.str(formatScore(sc))
			} else {
				w.WriteString(strconv.FormatFloat(sc, 'g', -1, 64))
			}
			w.WriteByte(']')
		}
	case snapshot.TagJSON:
		doc, done, err := e.doc.add(rec)
		if err != nil {
			return err
		}
		if done {
			w.Write(doc)
		}
	default:
		e.sep()
		fmt.Fprintf(w, `"%s"`, base64.StdEncoding.EncodeToString(rec.Blob))
	}
	if rec.More {
		return nil
	}
	switch rec.Tag {
	case snapshot.TagList, snapshot.TagSet, snapshot.TagHash, snapshot.TagZSet:
		w.WriteString("]}\n")
	case snapshot.TagJSON:
		w.WriteString("}\n")
	default:
		w.WriteString("]}}\n")
	}
	return nil
}
