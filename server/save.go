package server

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/datastructs/jsonval"
	"github.com/aikv/aikv/server/command"
	"github.com/aikv/aikv/snapshot"
)

// Snapshots: SAVE, BGSAVE, BGREWRITEAOF, save points, SHUTDOWN SAVE.
//
// BGSAVE captures the dataset as of one instant without fork (see
// datastructs/snapshot.go): under the lock it only starts an epoch and
// notes the log sequence number; a background goroutine then walks the
// keyspace in short locked steps, taking the captured entries out and
// writing them (encode, compress, write) with the lock released. Writes go
// on meanwhile; a write to a key not yet captured captures its old value
// first. The file is written to a temporary name, fsynced, renamed and the
// directory fsynced, so a failed or killed save leaves the previous file
// intact. With the log on, the snapshot is the log's base (FlagLogBase):
// BGREWRITEAOF then drops the log records it covers. While clients are
// active the walk is paced (see saveShare).

// saveKind says why a background save runs.
type saveKind uint8

const (
	saveBG      saveKind = iota // BGSAVE or a save point
	saveRewrite                 // BGREWRITEAOF: also truncate the log
	saveSync                    // SYNC: the snapshot goes to a client (sync.go)
)

// saveJob is a running background save. pending is filled under s.mu by
// the capture callback and drained by the job's goroutine.
type saveJob struct {
	kind    saveKind
	seq     uint64
	started time.Time
	dirty   int64 // s.ks.Dirty when the save began
	pending []captured
	total   int64 // keys written so far (INFO)
	// ownP: the save has a P besides the command path's (procs.go),
	// so it runs unpaced; see walkSnapshot.
	ownP bool
	// unpaced turns pacing off for the rest of the job (a SHUTDOWN
	// waiting for it); see walkSnapshot.
	unpaced atomic.Bool
}

type captured struct {
	db  int
	key string
	e   datastructs.Entry
}

// saveState is the persistence status for INFO, LASTSAVE and MISCONF,
// guarded by s.mu.
type saveState struct {
	job             *saveJob
	scheduledBG     bool // BGSAVE SCHEDULE waiting for a rewrite
	scheduledRW     bool // BGREWRITEAOF waiting for a BGSAVE
	lastSave        time.Time
	lastBGStatus    error
	lastBGTime      time.Duration
	lastRWStatus    error
	lastRWTime      time.Duration
	saves, rewrites int64
	lastSize        int64
	aofBaseSize     int64
	done            *sync.Cond // broadcast when a job ends
}

// snapshotPath is <dir>/<dbfilename>.
func (s *Server) snapshotPath() string {
	return filepath.Join(s.cfg.Dir, s.cfg.DBFilename)
}

// snapshotOptions describes the snapshot to write now. Function
// libraries are part of the dataset: they travel in the aux section.
// Caller holds s.mu.
func (s *Server) snapshotOptions(seq uint64) snapshot.Options {
	opts := snapshot.Options{
		Seq:           seq,
		Databases:     s.ks.NumDBs(),
		NoCompression: !s.cfg.RDBCompression,
		Codecs:        []snapshot.Codec{jsonval.SnapshotCodec{}},
		LogBase:       s.persist.log != nil,
	}
	if s.scripts != nil && s.scripts.NumLibraries() > 0 {
		opts.Aux = map[string][]byte{auxFunctions: s.scripts.FunctionDump()}
	}
	return opts
}

// auxFunctions names the FUNCTION DUMP payload in a snapshot's aux section.
const auxFunctions = "functions"

// logSeqLocked commits the current batch's effects so far and returns the
// log sequence number the dataset now reflects (0 without a log). Caller
// holds s.mu.
func (s *Server) logSeqLocked() uint64 {
	if s.persist.log == nil {
		return 0
	}
	s.commitEffects()
	if s.persist.aof != nil {
		return s.persist.aof.LastSeq()
	}
	return 0
}

// ErrSaveInProgress and friends carry Redis's reply texts.
var (
	errBGSaveInProgress = errors.New("ERR Background save already in progress")
	errRewriteRunning   = errors.New("ERR Background append only file rewriting already in progress")
	errChildActive      = errors.New("ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.")
)

// startBGSaveLocked begins a background save. Caller holds s.mu.
func (s *Server) startBGSaveLocked(kind saveKind) {
	job := s.beginJobLocked(kind)
	opts := s.snapshotOptions(job.seq)
	path := s.snapshotPath()
	s.bgWG.Add(1)
	go func() {
		defer s.bgWG.Done()
		info, err := s.runBGSave(job, path, opts)
		s.finishBGSave(job, info, err)
	}()
}

// beginJobLocked starts a snapshot epoch for a new job and makes it the
// running one. Caller holds s.mu and checked that no job runs.
func (s *Server) beginJobLocked(kind saveKind) *saveJob {
	job := &saveJob{kind: kind, seq: s.logSeqLocked(), started: time.Now(), dirty: s.ks.Dirty}
	s.save.job = job
	s.ks.BeginSnapshot(func(db int, key string, e datastructs.Entry) {
		job.pending = append(job.pending, captured{db, key, e})
	})
	s.tuneProcsLocked() // the save's own P (procs.go)
	job.ownP = runtime.GOMAXPROCS(0) > 1
	return job
}

// runBGSave is the save goroutine: walk, drain, write. It holds s.mu only
// for the walker's steps.
func (s *Server) runBGSave(job *saveJob, path string, opts snapshot.Options) (snapshot.Info, error) {
	tmp := fmt.Sprintf("%s.tmp-%d", path, os.Getpid())
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		s.abortSnapshot()
		return snapshot.Info{}, err
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(s.rdbWriter(f, tmp), 256<<10)
	w, err := snapshot.NewWriter(bw, opts)
	if err != nil {
		s.abortSnapshot()
		return snapshot.Info{}, err
	}
	err = s.walkSnapshot(job, opts.Databases, func(batch []captured) error {
		for i := range batch {
			if err := w.Add(batch[i].db, batch[i].key, &batch[i].e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return snapshot.Info{}, err
	}
	if err := w.Close(); err != nil {
		return snapshot.Info{}, err
	}
	if err := bw.Flush(); err != nil {
		return snapshot.Info{}, err
	}
	if err := s.rdbFault("fsync", tmp); err != nil {
		return snapshot.Info{}, err
	}
	if err := f.Sync(); err != nil {
		return snapshot.Info{}, fmt.Errorf("fsync %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return snapshot.Info{}, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return snapshot.Info{}, err
	}
	ok = true
	if err := syncDir(filepath.Dir(path)); err != nil {
		return snapshot.Info{}, err
	}
	return w.Info(), nil
}

// Pacing of background saves. A save's walk and encoding is CPU work
// (about a CPU-second per million small keys) that competes with serving
// clients. While clients are active (commands ran since the walker's
// previous step) the walker sleeps after each step in proportion to the
// time the step took, so the save uses about a given share of a core;
// when the server is idle it runs at full speed. SAVE, SHUTDOWN (which
// turns pacing off for a save it waits for) and SYNC are not paced.
//
// The share depends on whether the save has a P of its own (procs.go
// gives it one while it runs). Without (GOMAXPROCS 1), every moment the
// save runs is one the command path waits: saveShare keeps that to a
// tenth. With its own P the save runs beside the command path, but on a
// machine the clients keep busy its CPU still comes out of theirs (or the
// network stack's): measured on 2 cores with the clients on the same
// host, an unpaced save took 2 s and halved throughput meanwhile, as
// Redis's fork child does. ownPShare is the compromise: a save a few
// times shorter than with one P and throughput near 90%.
//
// Copy-on-write values wait only until the walker's next step drains
// them, so a slower save does not keep more of them.
var (
	// saveShare is the share of one core a paced save aims for when it
	// has no P of its own; ownPShare when it has.
	saveShare = 0.1
	ownPShare = 0.25
	// maxSavePause bounds one pause, so a step that took long (one
	// huge key) does not stall the save for seconds.
	maxSavePause = 50 * time.Millisecond
	// savePause sleeps between paced steps (tests record the calls).
	savePause = time.Sleep
)

// walkSnapshot runs job's capture walk over dbs databases in short
// locked steps and hands what was captured to write with s.mu released.
// The snapshot is ended when it returns, also on error. A BGSAVE or
// BGREWRITEAOF walk is paced (see saveShare).
func (s *Server) walkSnapshot(job *saveJob, dbs int, write func([]captured) error) error {
	put := func(batch []captured) error {
		if err := write(batch); err != nil {
			return err
		}
		job.total += int64(len(batch))
		return nil
	}
	pace := job.kind != saveSync
	share := saveShare
	if job.ownP {
		share = ownPShare
	}
	s.mu.Lock()
	cmds := s.stats.commands
	s.mu.Unlock()
	var debt time.Duration
	// The capture callback appends to job.pending under the lock while
	// the previous batch is written without it: two slices take turns,
	// so a save does not leave a trail of garbage slices (which would
	// make the collector run, and the heap grow, sooner).
	var spare []captured
	for db := 0; db < dbs; db++ {
		var cursor uint64
		for {
			s.mu.Lock()
			start := time.Now()
			busy := s.stats.commands != cmds
			cmds = s.stats.commands
			cursor = s.ks.DB(db).SnapshotStep(cursor, 512)
			batch := job.pending
			job.pending = spare[:0]
			s.mu.Unlock()
			if err := put(batch); err != nil {
				s.abortSnapshot()
				return err
			}
			clear(batch) // drop the captured values now written
			spare = batch
			if cursor == 0 {
				break
			}
			if pace && busy && !job.unpaced.Load() {
				debt += time.Duration(float64(time.Since(start)) * (1/share - 1))
				if debt >= time.Millisecond {
					savePause(min(debt, maxSavePause))
					debt = 0
				}
				continue
			}
			debt = 0
			// Encoding and compressing is CPU work the clients wait
			// behind when every P is busy: give way after each step
			// (about 512 keys) instead of holding the P until the
			// scheduler preempts it (10 ms).
			runtime.Gosched()
		}
	}
	s.mu.Lock()
	s.ks.EndSnapshot()
	batch := job.pending
	job.pending = nil
	s.mu.Unlock()
	return put(batch)
}

func (s *Server) abortSnapshot() {
	s.mu.Lock()
	s.ks.EndSnapshot()
	if s.save.job != nil {
		s.save.job.pending = nil
	}
	s.mu.Unlock()
}

// finishBGSave records the outcome; for a rewrite it drops the log
// records the new base covers.
func (s *Server) finishBGSave(job *saveJob, info snapshot.Info, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.save.job = nil
	s.tuneProcsLocked() // give the save's P back (procs.go)
	took := time.Since(job.started)
	if err == nil && job.kind == saveRewrite && s.persist.aof != nil {
		// The base is durable: records up to job.seq are redundant.
		err = s.persist.aof.TruncateFront(job.seq + 1)
		if err == nil {
			s.save.aofBaseSize = s.persist.aof.Stats().CurrentSize
		}
	}
	if job.kind == saveRewrite {
		s.save.lastRWStatus, s.save.lastRWTime = err, took
		if err == nil {
			s.save.rewrites++
		}
	}
	switch {
	case job.kind == saveSync:
		// A snapshot sent to a client is not a save: LASTSAVE, the
		// changes counter and the bgsave status stay as they were (as
		// for Redis's diskless sync).
		if err != nil {
			s.log.Warn("snapshot transfer to client failed", "err", err)
		}
	case err != nil && job.kind == saveRewrite:
		// Like Redis, a failed BGREWRITEAOF shows in
		// aof_last_bgrewrite_status only: it does not stop writes (the
		// previous snapshot and the whole log are still there).
		s.log.Error("background append only file rewriting failed", "err", err)
	case err != nil:
		s.save.lastBGStatus, s.save.lastBGTime = err, took
		s.log.Error("background save failed", "err", err)
	default:
		s.save.lastBGStatus, s.save.lastBGTime = err, took
		s.save.saves++
		s.save.lastSave = time.Now()
		s.save.lastSize = info.Size
		s.ks.Dirty -= job.dirty
		if s.ks.Dirty < 0 {
			s.ks.Dirty = 0
		}
		s.log.Info("background saving terminated with success", "keys", info.TotalKeys(), "bytes", info.Size, "seconds", took.Seconds())
	}
	// Run what was scheduled behind this job.
	if s.closing.Load() {
		s.save.done.Broadcast()
		return
	}
	switch {
	case s.save.scheduledRW:
		s.save.scheduledRW = false
		s.startBGSaveLocked(saveRewrite)
	case s.save.scheduledBG:
		s.save.scheduledBG = false
		s.startBGSaveLocked(saveBG)
	}
	s.save.done.Broadcast()
}

// saveSyncLocked is SAVE: the whole snapshot written while holding the
// lock, as Redis's SAVE blocks the server. Caller holds s.mu.
func (s *Server) saveSyncLocked() error {
	start := time.Now()
	path := s.snapshotPath()
	err := s.rdbFault("write", path+".tmp")
	if err == nil {
		err = s.rdbFault("fsync", path+".tmp")
	}
	var info snapshot.Info
	if err == nil {
		info, err = snapshot.Save(path, snapshot.KeyspaceSource(s.ks), s.snapshotOptions(s.logSeqLocked()))
	}
	if err != nil {
		// As Redis's rdbSave: a failed synchronous save leaves
		// rdb_last_bgsave_status as it was (only a success sets it), so
		// it never stops writes by itself. The previous file is intact.
		s.log.Error("SAVE failed", "err", err)
		return err
	}
	s.save.saves++
	s.save.lastSave = time.Now()
	s.save.lastSize = info.Size
	s.ks.Dirty = 0
	s.save.lastBGStatus = nil
	s.log.Info("DB saved on disk", "keys", info.TotalKeys(), "bytes", info.Size, "seconds", time.Since(start).Seconds())
	return nil
}

// waitSaveLocked waits for a running background save to end. Caller
// holds s.mu (released while waiting).
func (s *Server) waitSaveLocked() {
	for s.save.job != nil {
		s.save.done.Wait()
	}
}

// bgsaveMisconfLocked returns the MISCONF text when writes must stop
// because the last background save failed, or "".
func (s *Server) bgsaveMisconfLocked() string {
	if s.save.lastBGStatus == nil || !s.cfg.StopWritesOnBgsaveError || len(s.cfg.Save) == 0 {
		return ""
	}
	return "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. " +
		"Commands that may modify the data set are disabled, because this instance is configured to report " +
		"errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check " +
		"the Redis logs for details about the RDB error."
}

// savePointDueLocked reports whether a configured save point is reached
// (cron). Caller holds s.mu.
func (s *Server) savePointDueLocked(now time.Time) bool {
	if s.save.job != nil || s.ks.Loading {
		return false
	}
	last := s.save.lastSave
	if last.IsZero() {
		last = s.started
	}
	// After a failed save, retry no sooner than 5 seconds, as Redis.
	if s.save.lastBGStatus != nil && now.Sub(last) < 5*time.Second {
		return false
	}
	for _, sp := range s.cfg.Save {
		if s.ks.Dirty >= sp.Changes && now.Sub(last) >= time.Duration(sp.Seconds)*time.Second {
			return true
		}
	}
	return false
}

// rewriteDueLocked reports whether the log grew enough for an automatic
// BGREWRITEAOF (auto-aof-rewrite-percentage / -min-size).
func (s *Server) rewriteDueLocked() bool {
	if s.save.job != nil || s.persist.aof == nil || s.cfg.AutoAOFRewritePercentage <= 0 || s.ks.Loading {
		return false
	}
	cur := s.persist.aof.Stats().CurrentSize
	if cur < s.cfg.AutoAOFRewriteMinSize {
		return false
	}
	base := s.save.aofBaseSize
	if base <= 0 {
		base = 1
	}
	return (cur-base)*100/base >= int64(s.cfg.AutoAOFRewritePercentage)
}

// saveCronLocked starts saves due by configuration. Caller holds s.mu.
func (s *Server) saveCronLocked() {
	now := time.Now()
	switch {
	case s.savePointDueLocked(now):
		s.log.Info("save point reached, saving", "changes", s.ks.Dirty)
		s.startBGSaveLocked(saveBG)
	case s.rewriteDueLocked():
		s.log.Info("starting automatic rewriting of the append only file")
		s.startBGSaveLocked(saveRewrite)
	}
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// infoRDB renders the rdb_* fields of INFO persistence.
func (s *Server) infoRDB(b *strings.Builder) {
	field(b, "rdb_changes_since_last_save", s.ks.Dirty)
	// A rewrite is not an RDB save (Redis forks a different child for
	// it): it shows in aof_rewrite_in_progress only.
	rdbJob := s.save.job != nil && s.save.job.kind != saveRewrite
	field(b, "rdb_bgsave_in_progress", boolInt(rdbJob))
	last := s.save.lastSave
	if last.IsZero() {
		last = s.started
	}
	field(b, "rdb_last_save_time", last.Unix())
	status := "ok"
	if s.save.lastBGStatus != nil {
		status = "err"
	}
	field(b, "rdb_last_bgsave_status", status)
	lastTime := int64(-1)
	if s.save.saves > 0 || s.save.lastBGStatus != nil {
		lastTime = int64(s.save.lastBGTime / time.Second)
	}
	field(b, "rdb_last_bgsave_time_sec", lastTime)
	cur := int64(-1)
	if rdbJob {
		cur = int64(time.Since(s.save.job.started) / time.Second)
	}
	field(b, "rdb_current_bgsave_time_sec", cur)
	field(b, "rdb_saves", s.save.saves)
	field(b, "rdb_last_cow_size", 0)
	field(b, "rdb_last_load_keys_expired", 0)
	field(b, "rdb_last_load_keys_loaded", s.persist.snapshotKeys)
	field(b, "aikv_snapshot_size", s.save.lastSize)
}

// Save implements command.Server (SAVE).
func (s *Server) Save() error {
	if s.save.job != nil {
		return errBGSaveInProgress
	}
	if err := s.saveSyncLocked(); err != nil {
		// Redis replies a bare "-ERR" (shared.err); the reason is in the
		// log.
		return errors.New("ERR")
	}
	return nil
}

// BGSave implements command.Server (BGSAVE [SCHEDULE]).
func (s *Server) BGSave(schedule bool) (string, error) {
	if job := s.save.job; job != nil {
		if job.kind != saveRewrite {
			return "", errBGSaveInProgress
		}
		if !schedule {
			return "", errChildActive
		}
		s.save.scheduledBG = true
		return "Background saving scheduled", nil
	}
	s.startBGSaveLocked(saveBG)
	return "Background saving started", nil
}

// BGRewriteAOF implements command.Server (BGREWRITEAOF).
func (s *Server) BGRewriteAOF() (string, error) {
	if job := s.save.job; job != nil {
		if job.kind == saveRewrite {
			return "", errRewriteRunning
		}
		s.save.scheduledRW = true
		return "Background append only file rewriting scheduled", nil
	}
	s.startBGSaveLocked(saveRewrite)
	return "Background append only file rewriting started", nil
}

// LastSave implements command.Server (LASTSAVE).
func (s *Server) LastSave() int64 {
	if s.save.lastSave.IsZero() {
		return s.started.Unix()
	}
	return s.save.lastSave.Unix()
}

// shutdownSave saves a snapshot on shutdown when SHUTDOWN SAVE asked for
// it, or by default when save points are configured (as Redis does on
// SHUTDOWN and SIGTERM), unless SHUTDOWN NOSAVE.
func (s *Server) shutdownSave() {
	s.mu.Lock()
	defer s.mu.Unlock()
	want := s.shutdownMode == command.ShutdownSave ||
		(s.shutdownMode == command.ShutdownDefault && len(s.cfg.Save) > 0)
	if !want || s.ks.Loading {
		return
	}
	if s.save.job != nil {
		s.save.job.unpaced.Store(true)
	}
	s.waitSaveLocked()
	if err := s.saveSyncLocked(); err != nil {
		s.log.Error("saving on shutdown failed", "err", err)
	}
}
