package server

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/aikv/aikv/aof"
	"github.com/aikv/aikv/scripting"
	"github.com/aikv/aikv/snapshot"
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
	return aof.Open(aof.Options{Dir: s.aofDir(), Fsync: policy, Logger: s.log, SegmentSize: aofSegmentSize(s.cfg.MaxMemory), FS: s.aofFS(),
		// The event loop sends a round's replies after one fsync and wants
		// nothing to run meanwhile, as Redis; see procs.go.
		InlineSync: s.useEventLoop})
}

// OpenPersistence decides what to load at startup and opens the log;
// Serve then loads it before the dataset is served (clients get LOADING
// meanwhile). Call it before Serve. The rules:
//
//   - With the log on and a snapshot that is the log's base (FlagLogBase,
//     covering records up to S): load the snapshot, then replay the log
//     records after S. A log that does not continue the snapshot (records
//     missing after S, or ending before S) refuses to start.
//   - With the log on, a snapshot written while it was off, and a log
//     that was never written: load the snapshot and make it the log's base.
//   - With the log on and a log that has records but no base snapshot:
//     the log alone (it must start at record 1). Like Redis, the log wins
//     over a snapshot written while it was off.
//   - With the log off: the snapshot, if any.
func (s *Server) OpenPersistence() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.MkdirAll(s.cfg.Dir, 0o755); err != nil {
		return fmt.Errorf("server: data dir: %w", err)
	}
	s.removeStaleTemps()
	path := s.snapshotPath()
	var hdr *snapshot.Header
	if _, err := os.Stat(path); err == nil {
		r, err := snapshot.Open(path, s.snapshotOptions(0))
		if err != nil {
			return fmt.Errorf("server: snapshot %s: %w (check it with aikv-check snapshot)", path, err)
		}
		h := r.Header()
		r.Close()
		hdr = &h
	}
	load := &s.persist.startup
	if !s.cfg.AppendOnly {
		if hdr != nil {
			load.snapshot = path
			s.ks.Loading = true
		}
		return nil
	}
	log, err := s.openAOF()
	if err != nil {
		return err
	}
	first, last := log.FirstSeq(), log.LastSeq()
	switch {
	case hdr != nil && hdr.Flags&snapshot.FlagLogBase != 0:
		if first > hdr.Seq+1 || last < hdr.Seq {
			log.Close()
			return fmt.Errorf("server: the append-only log (records %d to %d) does not continue snapshot %s (which covers up to %d): refusing to start", first, last, path, hdr.Seq)
		}
		load.snapshot, load.replayFrom = path, hdr.Seq+1
	case hdr != nil && last == 0:
		load.snapshot, load.makeBase = path, true
	default:
		if hdr != nil {
			s.log.Warn("ignoring a snapshot written while the append-only log was off: the log has records", "snapshot", path)
		}
		if last > 0 && first != 1 {
			log.Close()
			return fmt.Errorf("server: the append-only log starts at record %d and there is no base snapshot: refusing to start", first)
		}
		load.replayFrom = first
	}
	s.persist.log = log
	s.persist.aof = log
	s.persist.needReplay = true
	s.persist.loadTotal = log.Stats().CurrentSize
	s.save.aofBaseSize = log.Stats().CurrentSize
	s.ks.Loading = true
	return nil
}

// loadGCPercent is the GC percentage while the dataset loads.
const loadGCPercent = 400

// fewerGCsWhileLoading raises the GC percentage to loadGCPercent and
// returns what restores it. Nearly everything a load allocates stays
// live, so each GC cycle during it only re-marks the growing dataset;
// fewer cycles save that CPU without holding much garbage. The memory
// limit (set from maxmemory) still applies. GOGC=off or a GOGC above
// loadGCPercent is left alone.
func fewerGCsWhileLoading() (restore func()) {
	prev := debug.SetGCPercent(loadGCPercent)
	if prev < 0 || prev >= loadGCPercent {
		debug.SetGCPercent(prev)
		return func() {}
	}
	return func() { debug.SetGCPercent(prev) }
}

// startupLoad is what OpenPersistence decided to load.
type startupLoad struct {
	snapshot   string // path of the snapshot to load ("" none)
	replayFrom uint64 // first log record to replay
	makeBase   bool   // write a base snapshot once loaded
}

// loadPersisted loads the snapshot and replays the log as OpenPersistence
// decided.
func (s *Server) loadPersisted() error {
	s.mu.Lock()
	load := s.persist.startup
	s.persist.startup = startupLoad{}
	log, replay := s.persist.log, s.persist.needReplay
	s.persist.needReplay = false
	s.persist.loadingStart = time.Now()
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.ks.Loading = false
		s.mu.Unlock()
	}()
	start := time.Now()
	defer fewerGCsWhileLoading()()
	if load.snapshot != "" {
		r, err := snapshot.Open(load.snapshot, s.snapshotOptions(0))
		if err != nil {
			return fmt.Errorf("server: snapshot %s: %w", load.snapshot, err)
		}
		info, err := r.LoadLocked(s.ks, &s.mu, 4096)
		aux := r.Aux()
		r.Close()
		if err != nil {
			return fmt.Errorf("server: loading snapshot %s: %w", load.snapshot, err)
		}
		s.mu.Lock()
		if p := aux[auxFunctions]; p != nil && s.scripts != nil {
			if msg := s.scripts.FunctionRestore(p, scripting.RestoreReplace); msg != "" {
				s.mu.Unlock()
				return fmt.Errorf("server: snapshot %s: functions: %s", load.snapshot, msg)
			}
		}
		s.ks.Loading = true
		s.persist.snapshotKeys = int64(info.TotalKeys())
		s.save.lastSave = info.Created
		s.mu.Unlock()
		s.log.Info("DB loaded from snapshot", "file", load.snapshot, "keys", info.TotalKeys(), "seq", info.Seq, "seconds", time.Since(start).Seconds())
	}
	if replay && log != nil {
		if err := s.replayLog(log, load.replayFrom); err != nil {
			return fmt.Errorf("server: loading the append-only log: %w", err)
		}
		s.mu.Lock()
		n := s.persist.loadedRecords
		s.mu.Unlock()
		s.log.Info("DB loaded from append only file", "records", n, "seconds", time.Since(start).Seconds())
	}
	if load.makeBase {
		s.mu.Lock()
		s.ks.Loading = false
		err := s.saveSyncLocked()
		s.mu.Unlock()
		if err != nil {
			return fmt.Errorf("server: writing the log's base snapshot: %w", err)
		}
	}
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
	s.tuneProcsLocked()
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
// are removed, as Redis replaces them with a rewrite; a fresh log is
// opened and the current dataset is saved as its base snapshot (covering
// record 0) before CONFIG SET replies. Caller holds s.mu.
func (s *Server) startAOFLocked() error {
	if s.save.job != nil {
		s.waitSaveLocked()
	}
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
	s.persist.log, s.persist.aof = log, log
	if err := s.saveSyncLocked(); err != nil {
		s.persist.log, s.persist.aof = nil, nil
		log.Close()
		return err
	}
	s.persist.writeErr = nil
	s.save.aofBaseSize = log.Stats().CurrentSize
	s.log.Info("append only file enabled", "dir", dir)
	return nil
}

// infoAOF renders the aof_* fields of INFO persistence.
func (s *Server) infoAOF(b *strings.Builder) {
	field(b, "aof_enabled", boolInt(s.persist.log != nil))
	rewriting := s.save.job != nil && s.save.job.kind == saveRewrite
	field(b, "aof_rewrite_in_progress", boolInt(rewriting))
	field(b, "aof_rewrite_scheduled", boolInt(s.save.scheduledRW))
	lastRW := int64(-1)
	if s.save.rewrites > 0 || s.save.lastRWStatus != nil {
		lastRW = int64(s.save.lastRWTime / time.Second)
	}
	field(b, "aof_last_rewrite_time_sec", lastRW)
	curRW := int64(-1)
	if rewriting {
		curRW = int64(time.Since(s.save.job.started) / time.Second)
	}
	field(b, "aof_current_rewrite_time_sec", curRW)
	rwStatus := "ok"
	if s.save.lastRWStatus != nil {
		rwStatus = "err"
	}
	field(b, "aof_last_bgrewrite_status", rwStatus)
	field(b, "aof_rewrites", s.save.rewrites)
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
