package server

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aikv/aikv/aof"
)

// The append-only log's life cycle: opened at startup when appendonly is
// on and replayed before clients are served (they get LOADING meanwhile);
// switched on and off at runtime by CONFIG SET appendonly; its fsync
// policy follows CONFIG SET appendfsync; closed (flushed and fsynced) by
// Shutdown.

// aofDir is where the log's segments live: <dir>/<appenddirname>.
func (s *Server) aofDir() string {
	name := s.cfg.AppendDirname
	if name == "" {
		name = "appendonlydir"
	}
	return filepath.Join(s.cfg.Dir, name)
}

func (s *Server) openAOF() (*aof.Log, error) {
	policy, err := aof.ParseFsyncPolicy(s.cfg.AppendFsync)
	if err != nil {
		return nil, err
	}
	return aof.Open(aof.Options{Dir: s.aofDir(), Fsync: policy, Logger: s.log})
}

// OpenPersistence opens the append-only log when appendonly is on. Serve
// then replays it before the dataset is served. Call it before Serve.
func (s *Server) OpenPersistence() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.cfg.AppendOnly {
		return nil
	}
	if err := os.MkdirAll(s.cfg.Dir, 0o755); err != nil {
		return fmt.Errorf("server: data dir: %w", err)
	}
	log, err := s.openAOF()
	if err != nil {
		return err
	}
	s.persist.log = log
	s.persist.aof = log
	s.persist.needReplay = true
	s.persist.loadTotal = log.Stats().CurrentSize
	s.ks.Loading = true
	return nil
}

// loadPersisted replays the log if OpenPersistence asked for it.
func (s *Server) loadPersisted() error {
	s.mu.Lock()
	log, need := s.persist.log, s.persist.needReplay
	s.persist.needReplay = false
	s.mu.Unlock()
	if !need {
		return nil
	}
	start := time.Now()
	if err := s.replayLog(log); err != nil {
		return fmt.Errorf("server: loading the append-only log: %w", err)
	}
	s.mu.Lock()
	n := s.persist.loadedRecords
	keys := 0
	for i := 0; i < s.ks.NumDBs(); i++ {
		keys += s.ks.DB(i).Len()
	}
	s.mu.Unlock()
	s.log.Info("DB loaded from append only file", "records", n, "keys", keys, "seconds", time.Since(start).Seconds())
	return nil
}

// closePersistence flushes and closes the log (Shutdown).
func (s *Server) closePersistence() {
	s.mu.Lock()
	log := s.persist.log
	s.persist.log, s.persist.aof = nil, nil
	s.mu.Unlock()
	if log != nil {
		if err := log.Close(); err != nil {
			s.log.Error("closing the append-only log", "err", err)
		}
	}
}

// applyPersistenceConfig reacts to CONFIG SET of appendonly and
// appendfsync. Caller holds s.mu.
func (s *Server) applyPersistenceConfig(wasOn bool, oldFsync string) error {
	if s.persist.aof != nil && oldFsync != s.cfg.AppendFsync {
		p, err := aof.ParseFsyncPolicy(s.cfg.AppendFsync)
		if err != nil {
			return err
		}
		s.persist.aof.SetFsync(p)
	}
	switch {
	case s.cfg.AppendOnly && !wasOn:
		return s.startAOFLocked()
	case !s.cfg.AppendOnly && wasOn && s.persist.log != nil:
		log := s.persist.log
		s.persist.log, s.persist.aof = nil, nil
		if err := log.Close(); err != nil {
			s.log.Error("closing the append-only log", "err", err)
		}
		s.log.Info("append only file disabled")
	}
	return nil
}

// startAOFLocked switches logging on at runtime: whatever log files are in
// the directory are stale (the dataset did not come from them), so they
// are removed, as Redis replaces them with a rewrite; then the current
// dataset is written as the log's base and synced before CONFIG SET
// replies. Caller holds s.mu.
func (s *Server) startAOFLocked() error {
	dir := s.aofDir()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !e.IsDir() && !strings.HasSuffix(e.Name(), ".broken") {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
	if err := os.MkdirAll(s.cfg.Dir, 0o755); err != nil {
		return err
	}
	log, err := s.openAOF()
	if err != nil {
		return err
	}
	if seq := s.appendBase(log); seq != 0 {
		if err := log.Wait(seq); err != nil {
			log.Close()
			return err
		}
	}
	if err := log.Sync(); err != nil {
		log.Close()
		return err
	}
	s.persist.log = log
	s.persist.aof = log
	s.persist.writeErr = nil
	s.log.Info("append only file enabled", "dir", dir)
	return nil
}

// infoAOF renders the aof_* fields of INFO persistence.
func (s *Server) infoAOF(b *strings.Builder) {
	field(b, "aof_enabled", boolInt(s.persist.log != nil))
	field(b, "aof_rewrite_in_progress", 0)
	field(b, "aof_rewrite_scheduled", 0)
	field(b, "aof_last_rewrite_time_sec", -1)
	field(b, "aof_current_rewrite_time_sec", -1)
	field(b, "aof_last_bgrewrite_status", "ok")
	field(b, "aof_rewrites", 0)
	field(b, "aof_rewrites_consecutive_failures", 0)
	status := "ok"
	if s.persist.writeErr != nil {
		status = "err"
	}
	var st aof.Stats
	if s.persist.aof != nil {
		st = s.persist.aof.Stats()
		if st.LastWriteErr != nil || st.LastFsyncErr != nil {
			status = "err"
		}
	}
	field(b, "aof_last_write_status", status)
	field(b, "aof_last_cow_size", 0)
	field(b, "module_fork_in_progress", 0)
	field(b, "module_fork_last_cow_size", 0)
	if s.persist.aof != nil {
		field(b, "aof_current_size", st.CurrentSize)
		field(b, "aof_base_size", st.BaseSize)
		field(b, "aof_pending_rewrite", 0)
		field(b, "aof_buffer_length", 0)
		field(b, "aof_pending_bio_fsync", boolInt(st.PendingFsync))
		field(b, "aof_delayed_fsync", st.DelayedFsync)
	}
	if s.ks.Loading {
		elapsed := time.Since(s.persist.loadingStart)
		field(b, "loading_start_time", s.persist.loadingStart.Unix())
		field(b, "loading_total_bytes", s.persist.loadTotal)
		field(b, "loading_rdb_used_mem", 0)
		field(b, "loading_loaded_bytes", s.persist.loadedBytes)
		perc := 0.0
		if s.persist.loadTotal > 0 {
			perc = 100 * float64(s.persist.loadedBytes) / float64(s.persist.loadTotal)
		}
		field(b, "loading_loaded_perc", fmt.Sprintf("%.2f", perc))
		field(b, "loading_eta_seconds", etaSeconds(elapsed, perc))
	}
}

func etaSeconds(elapsed time.Duration, perc float64) int64 {
	if perc <= 0 {
		return 1
	}
	return int64(elapsed.Seconds() * (100 - perc) / perc)
}
