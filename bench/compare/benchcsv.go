package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// result is one redis-benchmark row. Latencies are in milliseconds; a
// negative latency means the column was absent (redis-benchmark < 7).
type result struct {
	Test     string // lower-case test id: "set", "lrange_100", "mset"
	RPS      float64
	P50, P99 float64
}

// testID turns a redis-benchmark row name into the -t id it came from:
// "LRANGE_100 (first 100 elements)" -> "lrange_100", "MSET (10 keys)" ->
// "mset". The helper row "LPUSH (needed to benchmark LRANGE)" maps to
// "lpush" and is told apart from a real LPUSH run by the caller asking for
// the test it ran.
func testID(name string) string {
	name = strings.TrimSpace(name)
	if i := strings.IndexByte(name, ' '); i >= 0 {
		name = name[:i]
	}
	return strings.ToLower(name)
}

// parseCSV reads `redis-benchmark --csv` output. Columns are located by
// their header names, so added or reordered columns do not break it; rows
// with an unparsable rps are an error.
func parseCSV(r io.Reader) ([]result, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("redis-benchmark csv: no output")
	}
	if err != nil {
		return nil, fmt.Errorf("redis-benchmark csv: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	iTest, okT := col["test"]
	iRPS, okR := col["rps"]
	if !okT || !okR {
		return nil, fmt.Errorf("redis-benchmark csv: header %q lacks test/rps", header)
	}
	field := func(rec []string, name string) float64 {
		i, ok := col[name]
		if !ok || i >= len(rec) {
			return -1
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(rec[i]), 64)
		if err != nil {
			return -1
		}
		return v
	}
	var out []result
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("redis-benchmark csv: %w", err)
		}
		if len(rec) <= iTest || len(rec) <= iRPS {
			continue // a stray short line
		}
		rps, err := strconv.ParseFloat(strings.TrimSpace(rec[iRPS]), 64)
		if err != nil {
			return nil, fmt.Errorf("redis-benchmark csv: test %q: bad rps %q", rec[iTest], rec[iRPS])
		}
		out = append(out, result{
			Test: testID(rec[iTest]),
			RPS:  rps,
			P50:  field(rec, "p50_latency_ms"),
			P99:  field(rec, "p99_latency_ms"),
		})
	}
}

// pick returns the row for test id from rows. For the LRANGE tests
// redis-benchmark first prints a helper LPUSH row; the last row with the
// id is the measured one.
func pick(rows []result, id string) (result, bool) {
	for i := len(rows) - 1; i >= 0; i-- {
		if rows[i].Test == id {
			return rows[i], true
		}
	}
	return result{}, false
}
