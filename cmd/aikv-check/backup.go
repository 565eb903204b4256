package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aikv/aikv/snapshot"
)

const backupUsage = `backup --addr HOST:PORT [--user U] [--password P] --out FILE [--timeout SECONDS]
        take a consistent point-in-time snapshot of a running server (through SYNC, as
        redis-cli --rdb does) and write it to FILE as an AiKv snapshot, then verify it;
        against a real Redis the RDB it sends is converted. Writes go on meanwhile`

// runBackup takes an online backup.
func runBackup(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	vals, err := flagsOnly(args, map[string]bool{"addr": true, "user": true, "password": true, "out": true, "timeout": true})
	if err == nil && (vals["addr"] == "" || vals["out"] == "") {
		err = errors.New("--addr and --out are required")
	}
	timeout := 60 * time.Second
	if err == nil && vals["timeout"] != "" {
		var n int
		if n, err = strconv.Atoi(vals["timeout"]); err == nil && n <= 0 {
			err = errors.New("--timeout must be positive")
		}
		timeout = time.Duration(n) * time.Second
	}
	if err != nil {
		fmt.Fprintf(stderr, "aikv-check backup: %v\nusage: aikv-check %s\n", err, backupUsage)
		return 2
	}
	start := time.Now()
	out := vals["out"]
	tmp := out + ".partial"
	format, err := fetchSnapshot(vals["addr"], vals["user"], vals["password"], tmp, timeout)
	if err != nil {
		os.Remove(tmp)
		fmt.Fprintf(stderr, "aikv-check backup: %v\n", err)
		return 2
	}
	if format == "rdb" {
		// A real Redis: convert its RDB into a snapshot.
		rdbTmp := tmp + ".rdb"
		if err := os.Rename(tmp, rdbTmp); err != nil {
			fmt.Fprintf(stderr, "aikv-check backup: %v\n", err)
			return 2
		}
		defer os.Remove(rdbTmp)
		if code := runImport([]string{rdbTmp, "--out", tmp}, nil, io.Discard, stderr); code != 0 {
			os.Remove(tmp)
			fmt.Fprintf(stderr, "aikv-check backup: converting the server's RDB failed\n")
			return code
		}
	}
	info, err := snapshot.Verify(tmp, codecs...)
	if err != nil {
		os.Remove(tmp)
		fmt.Fprintf(stderr, "aikv-check backup: the received snapshot is damaged: %v\n", err)
		return 1
	}
	if err := syncFile(tmp); err != nil {
		fmt.Fprintf(stderr, "aikv-check backup: %v\n", err)
		return 2
	}
	if err := os.Rename(tmp, out); err != nil {
		fmt.Fprintf(stderr, "aikv-check backup: %v\n", err)
		return 2
	}
	if d, err := os.Open(filepath.Dir(out)); err == nil {
		d.Sync()
		d.Close()
	}
	fmt.Fprintf(stdout, "backup of %s written to %s: %d keys, %d bytes, sequence %d, %.3fs (verified)\n",
		vals["addr"], out, info.TotalKeys(), info.Size, info.Seq, time.Since(start).Seconds())
	return 0
}

// flagsOnly parses --name value flags (no positional argument).
func flagsOnly(args []string, flags map[string]bool) (map[string]string, error) {
	_, vals, err := oneFile(append([]string{"-"}, args...), flags)
	return vals, err
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// fetchSnapshot connects, authenticates, asks for the payload and writes
// it to path. It returns "aikv" or "rdb" (the server did not know
// REPLCONF aikv-snapshot: a real Redis).
func fetchSnapshot(addr, user, password, path string, timeout time.Duration) (string, error) {
	nc, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return "", err
	}
	defer nc.Close()
	rd := bufio.NewReaderSize(nc, 256<<10)
	call := func(args ...string) (string, error) {
		var b strings.Builder
		fmt.Fprintf(&b, "*%d\r\n", len(args))
		for _, a := range args {
			fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
		}
		nc.SetDeadline(time.Now().Add(timeout))
		if _, err := io.WriteString(nc, b.String()); err != nil {
			return "", err
		}
		line, err := rd.ReadString('\n')
		if err != nil {
			return "", err
		}
		line = strings.TrimRight(line, "\r\n")
		if strings.HasPrefix(line, "-") {
			return "", errors.New(line[1:])
		}
		return line, nil
	}
	if password != "" {
		args := []string{"AUTH", password}
		if user != "" {
			args = []string{"AUTH", user, password}
		}
		if _, err := call(args...); err != nil {
			return "", fmt.Errorf("AUTH: %v", err)
		}
	}
	for _, opt := range [][2]string{{"capa", "eof"}, {"rdb-only", "1"}} {
		if _, err := call("REPLCONF", opt[0], opt[1]); err != nil {
			return "", fmt.Errorf("REPLCONF %s: %v", opt[0], err)
		}
	}
	format := "aikv"
	if _, err := call("REPLCONF", "aikv-snapshot", "1"); err != nil {
		if !strings.Contains(err.Error(), "Unrecognized REPLCONF option") {
			return "", fmt.Errorf("REPLCONF aikv-snapshot: %v", err)
		}
		format = "rdb"
	}
	nc.SetDeadline(time.Now().Add(timeout))
	if _, err := io.WriteString(nc, "SYNC\r\n"); err != nil {
		return "", err
	}
	// Newlines may come first while the server prepares (Redis sends
	// them as keepalives); then "$<len>" or "$EOF:<mark>", or an error.
	var line string
	for {
		nc.SetReadDeadline(time.Now().Add(timeout))
		l, err := rd.ReadString('\n')
		if err != nil {
			return "", fmt.Errorf("SYNC: %v", err)
		}
		if l = strings.TrimRight(l, "\r\n"); l != "" {
			line = l
			break
		}
	}
	if strings.HasPrefix(line, "-") {
		return "", fmt.Errorf("SYNC: %s", line[1:])
	}
	if !strings.HasPrefix(line, "$") {
		return "", fmt.Errorf("SYNC: unexpected reply %q", line)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return "", err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 256<<10)
	body := &deadlineReader{nc: nc, r: rd, timeout: timeout}
	if mark, ok := strings.CutPrefix(line, "$EOF:"); ok {
		if len(mark) != 40 {
			return "", fmt.Errorf("SYNC: bad EOF mark %q", mark)
		}
		err = copyUntilMark(bw, body, []byte(mark))
	} else {
		var n int64
		if n, err = strconv.ParseInt(line[1:], 10, 64); err != nil || n < 0 {
			return "", fmt.Errorf("SYNC: bad payload length %q", line)
		}
		var got int64
		got, err = io.CopyN(bw, body, n)
		if err != nil {
			err = fmt.Errorf("the connection ended after %d of %d bytes: %v", got, n, err)
		}
	}
	if err != nil {
		return "", err
	}
	if err := bw.Flush(); err != nil {
		return "", err
	}
	return format, f.Close()
}

// deadlineReader renews the read deadline before each read, so only a
// stalled transfer times out.
type deadlineReader struct {
	nc      net.Conn
	r       io.Reader
	timeout time.Duration
}

func (d *deadlineReader) Read(p []byte) (int, error) {
	d.nc.SetReadDeadline(time.Now().Add(d.timeout))
	return d.r.Read(p)
}

// copyUntilMark copies r to w up to the mark that ends the payload; the
// connection closing before the mark is an incomplete transfer.
func copyUntilMark(w io.Writer, r io.Reader, mark []byte) error {
	buf := make([]byte, 256<<10)
	held := 0 // bytes at the start of buf not yet written (may be the mark)
	for {
		n, err := r.Read(buf[held:])
		held += n
		if held >= len(mark) && bytes.Equal(buf[held-len(mark):held], mark) {
			_, werr := w.Write(buf[:held-len(mark)])
			return werr
		}
		if keep := len(mark); held > keep {
			if _, werr := w.Write(buf[:held-keep]); werr != nil {
				return werr
			}
			copy(buf, buf[held-keep:held])
			held = keep
		}
		if err != nil {
			if err == io.EOF {
				return errors.New("the connection ended before the end of the snapshot (incomplete transfer)")
			}
			return err
		}
	}
}
