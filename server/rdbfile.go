package server

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aikv/aikv/aof"
	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/scripting"
	"github.com/aikv/aikv/snapshot/rdb"
)

// scriptFunctions adapts the Lua engine to rdb.Functions.
type scriptFunctions struct{ e *scripting.Engine }

func (f scriptFunctions) LibraryCodes() []string {
	var out []string
	for _, lib := range f.e.Libraries(nil) {
		out = append(out, lib.Code)
	}
	return out
}

func (f scriptFunctions) LoadLibrary(code string) error {
	if _, msg := f.e.FunctionLoad([]byte(code), false); msg != "" {
		return errors.New(msg)
	}
	return nil
}

// ImportRDB loads a Redis RDB file into the keyspace before the server
// serves: it first replays the append-only log (if OpenPersistence opened
// one), then, only when the dataset is still empty, loads the file the way
// a Redis master does (expired keys skipped, function libraries loaded).
// With the log on, every imported key is appended to it as RESTORE ...
// ABSTTL REPLACE (functions as FUNCTION RESTORE), so the import survives
// restarts; starting again with the same flag then finds a non-empty
// dataset and imports nothing (logged as a warning). Keys of types AiKv
// lacks (streams, module types other than RedisJSON) are skipped, counted
// and named in the log. Call it before Serve.
func (s *Server) ImportRDB(path string) (*rdb.Info, error) {
	if err := s.loadPersisted(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i < s.ks.NumDBs(); i++ {
		if s.ks.DB(i).Len() > 0 {
			s.log.Warn("the dataset is not empty: --import-rdb ignored", "file", path)
			return &rdb.Info{}, nil
		}
	}
	start := time.Now()
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("import-rdb: %w", err)
	}
	var unsupported []string
	info, err := rdb.LoadKeyspace(data, s.ks, rdb.LoadOptions{
		Functions: scriptFunctions{s.scripts},
		Unsupported: func(db int, key, kind string) {
			if len(unsupported) < 1000 {
				unsupported = append(unsupported, fmt.Sprintf("%d:%s (%s)", db, key, kind))
			}
		},
	})
	if err != nil {
		s.ks.FlushAll()
		if s.scripts != nil {
			s.scripts.FunctionFlush()
		}
		return nil, fmt.Errorf("import-rdb %s: %w", path, err)
	}
	if len(unsupported) > 0 {
		s.log.Warn("keys of types AiKv lacks were skipped", "counts", fmt.Sprint(info.Unsupported),
			"keys", strings.Join(unsupported, ", "))
	}
	if s.persist.log != nil {
		s.logImported()
	}
	s.log.Info("DB loaded from RDB file", "file", path, "keys", info.Keys, "functions", info.Functions,
		"rdb_version", info.Version, "empty_skipped", info.Empty, "seconds", time.Since(start).Seconds())
	return info, nil
}

// logImported appends the whole keyspace to the log as RESTORE commands.
// Caller holds s.mu.
func (s *Server) logImported() {
	var cmds []aof.Cmd
	size := 0
	commit := func() {
		if len(cmds) > 0 {
			s.persist.log.Append(aof.Record{Time: s.ks.Now(), Cmds: cmds})
			cmds, size = nil, 0
		}
	}
	if s.scripts.NumLibraries() > 0 {
		cmds = append(cmds, aof.Cmd{Args: [][]byte{[]byte("FUNCTION"), []byte("RESTORE"), s.scripts.FunctionDump(), []byte("REPLACE")}})
	}
	for i := 0; i < s.ks.NumDBs(); i++ {
		s.ks.DB(i).Range(func(key string, e *datastructs.Entry) bool {
			p, err := rdb.Dump(e)
			if err != nil {
				return true
			}
			args := [][]byte{[]byte("RESTORE"), []byte(key), []byte(strconv.FormatInt(e.ExpireAt, 10)), p, []byte("REPLACE")}
			if e.ExpireAt != 0 {
				args = append(args, []byte("ABSTTL"))
			}
			cmds = append(cmds, aof.Cmd{DB: i, Args: args})
			size += len(p) + len(key)
			if len(cmds) >= 256 || size >= 1<<20 {
				commit()
			}
			return true
		})
	}
	commit()
}

// ExportRDB writes the dataset (every database and the function
// libraries) as a Redis 7.0 RDB file, atomically: a temporary file in the
// same directory, fsynced, then renamed over path. It holds the server
// lock while writing.
func (s *Server) ExportRDB(path string) error {
	if err := s.loadPersisted(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tmp, err := os.CreateTemp(filepath.Dir(path), ".export-*.rdb")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	aux := [][2]string{
		{"redis-ver", Version},
		{"redis-bits", strconv.Itoa(strconv.IntSize)},
		{"ctime", strconv.FormatInt(time.Now().Unix(), 10)},
		{"used-mem", "0"},
		{"aof-base", "0"},
	}
	if err := rdb.Save(tmp, s.ks, scriptFunctions{s.scripts}, aux); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
