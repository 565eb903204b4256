package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/snapshot"
	"github.com/aikv/aikv/snapshot/rdb"
)

// ErrDataPresent is returned by Restore when the data directory already
// holds a dataset and force was not given.
var ErrDataPresent = errors.New("the data directory already holds data")

// Restore installs a backup as the dataset (aikv-server --restore): an
// AiKv snapshot (aikv-check backup, BGSAVE) or a Redis RDB file
// (redis-cli --rdb, Redis's dump.rdb). It runs before OpenPersistence:
//
//   - It refuses, with ErrDataPresent, when <dir> already holds a
//     snapshot (dbfilename) or a non-empty append-only log, unless force.
//   - The file is read whole and checked (checksums, every record) before
//     anything in <dir> changes; a damaged file changes nothing.
//   - It is written as <dir>/<dbfilename>, not as a log base and covering
//     log record 0 (temporary file, fsync, rename, directory fsync), after
//     the old log directory was moved aside; the old log is then deleted.
//     OpenPersistence then starts a fresh log with this snapshot as its
//     base (appendonly yes) or loads it alone (appendonly no).
//
// A crash in the middle leaves either the old snapshot without a log
// (the server refuses to start if that snapshot was a log base with
// records after it; run the restore again) or the restored one.
func (s *Server) Restore(file string, force bool) error {
	if err := os.MkdirAll(s.cfg.Dir, 0o755); err != nil {
		return fmt.Errorf("restore: data dir: %w", err)
	}
	if what := s.dataPresent(); what != "" && !force {
		return fmt.Errorf("restore: %w (%s): refusing to overwrite it; use --restore-force to replace it", ErrDataPresent, what)
	}
	start := time.Now()
	ks := datastructs.New(datastructs.Options{Databases: s.cfg.Databases})
	opts := s.snapshotOptions(0)
	opts.LogBase = false
	opts.Aux = nil
	kind, err := loadBackup(file, ks, &opts)
	if err != nil {
		return fmt.Errorf("restore: %s: %w", file, err)
	}
	path := s.snapshotPath()
	tmp := path + ".restore-tmp"
	// snapshot.Save writes tmp+".tmp" and renames it to tmp.
	info, err := snapshot.Save(tmp, snapshot.KeyspaceSource(ks), opts)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	aofDir := s.aofDir()
	old := aofDir + ".before-restore"
	os.RemoveAll(old)
	if _, err := os.Stat(aofDir); err == nil {
		if err := os.Rename(aofDir, old); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("restore: moving the old log aside: %w", err)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if err := syncDir(s.cfg.Dir); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	os.RemoveAll(old)
	s.log.Info("backup restored", "file", file, "format", kind, "keys", info.TotalKeys(),
		"snapshot", path, "seconds", time.Since(start).Seconds())
	return nil
}

// dataPresent describes the data already in <dir>, or "" when there is
// none.
func (s *Server) dataPresent() string {
	if _, err := os.Stat(s.snapshotPath()); err == nil {
		return "snapshot " + s.snapshotPath()
	}
	entries, _ := os.ReadDir(s.aofDir())
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() && fi.Size() > 0 {
			return "append-only log " + s.aofDir()
		}
	}
	return ""
}

// loadBackup reads an AiKv snapshot or an RDB file into ks and sets
// opts.Aux to its function libraries. It returns the format's name.
func loadBackup(file string, ks *datastructs.Keyspace, opts *snapshot.Options) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	head := make([]byte, len(snapshot.Magic))
	_, err = io.ReadFull(f, head)
	f.Close()
	if err != nil {
		return "", fmt.Errorf("not a snapshot or RDB file: %w", err)
	}
	switch {
	case bytes.Equal(head, []byte(snapshot.Magic)):
		r, err := snapshot.Open(file, snapshot.Options{Codecs: opts.Codecs})
		if err != nil {
			return "", err
		}
		defer r.Close()
		if n := r.Header().Databases; n > ks.NumDBs() {
			return "", fmt.Errorf("the snapshot has %d databases, the server is configured for %d (set databases)", n, ks.NumDBs())
		}
		if _, err := r.Load(ks); err != nil {
			return "", err
		}
		if p := r.Aux()[auxFunctions]; p != nil {
			opts.Aux = map[string][]byte{auxFunctions: p}
		}
		return "aikv", nil
	case bytes.HasPrefix(head, []byte("REDIS")):
		data, err := os.ReadFile(file)
		if err != nil {
			return "", err
		}
		var codes []string
		var unsupported []string
		_, err = rdb.LoadKeyspace(data, ks, rdb.LoadOptions{
			Functions: &codeList{&codes},
			Unsupported: func(db int, key, kind string) {
				unsupported = append(unsupported, fmt.Sprintf("%q in db %d (%s)", key, db, kind))
			},
		})
		if err != nil {
			return "", err
		}
		if len(unsupported) > 0 {
			if len(unsupported) > 10 {
				unsupported = append(unsupported[:10], "...")
			}
			return "", fmt.Errorf("keys of types AiKv lacks: %s", strings.Join(unsupported, ", "))
		}
		if len(codes) > 0 {
			opts.Aux = map[string][]byte{auxFunctions: rdb.FunctionPayload(codes)}
		}
		return "rdb", nil
	}
	return "", errors.New("not a snapshot or RDB file (unknown signature)")
}

// codeList collects function libraries from an RDB file.
type codeList struct{ codes *[]string }

func (c *codeList) LibraryCodes() []string { return *c.codes }
func (c *codeList) LoadLibrary(code string) error {
	*c.codes = append(*c.codes, code)
	return nil
}

// removeStaleTemps deletes temporary files a killed save or restore left
// in <dir> (<dbfilename>.tmp, .tmp-<pid>, .restore-tmp...): they are
// never loaded, only clutter. Called at startup.
func (s *Server) removeStaleTemps() {
	base := s.cfg.DBFilename
	entries, _ := os.ReadDir(s.cfg.Dir)
	for _, e := range entries {
		n := e.Name()
		if e.Type().IsRegular() && (strings.HasPrefix(n, base+".tmp") || strings.HasPrefix(n, base+".restore-tmp")) {
			if os.Remove(filepath.Join(s.cfg.Dir, n)) == nil {
				s.log.Warn("removed a temporary file left by an interrupted save", "file", n)
			}
		}
	}
}
