package aof

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tidwall/wal"
)

// DefaultSegmentSize is the segment size used when Options.SegmentSize is 0.
const DefaultSegmentSize = 64 << 20

// Options configure Open. The zero value of every field but Dir is usable.
type Options struct {
	// Dir is the log directory, e.g. <dir>/appendonly.aof.d. It is created
	// if missing.
	Dir string
	// Fsync is the initial fsync policy (zero value: FsyncEverySec).
	Fsync FsyncPolicy
	// SegmentSize is the target size of a segment file in bytes; a segment
	// is closed once it reaches it. 0 means DefaultSegmentSize (64 MB).
	SegmentSize int
	// Logger receives warnings (torn tail cut, write and fsync failures).
	// nil discards them.
	Logger *slog.Logger
	// FS is used for the package's own file operations (fsyncs, repair,
	// scans); nil means OSFS. See FS for what tidwall/wal does outside it.
	FS FS
	// InlineSync makes every group-commit fsync (FsyncAlways) keep the
	// caller's P, even when it is the only one: for a caller that wants
	// nothing else to run meanwhile, like an event loop that, as Redis's,
	// sends a round's replies after one fsync. By default the fsync keeps
	// its P only when there is another one (see datasync).
	InlineSync bool

	tick       time.Duration // tests: background loop period (default 1s)
	delayAfter time.Duration // tests: fsync age that delays writes (default 2s)
}

// Stats are the numbers behind INFO persistence.
type Stats struct {
	CurrentSize  int64  // bytes in all segment files (aof_current_size)
	BaseSize     int64  // CurrentSize when the log was opened (aof_base_size)
	PendingFsync bool   // an fsync is running (aof_pending_bio_fsync)
	DelayedFsync int64  // writes delayed by a slow everysec fsync (aof_delayed_fsync)
	LastWriteErr error  // error of the last write attempt, nil once one succeeds
	LastFsyncErr error  // error of the last fsync attempt, nil once one succeeds
	Fsyncs       int64  // fsync calls made on segment files and the directory
	Writes       int64  // successful wal.WriteBatch calls (group commits)
	LastSeq      uint64 // last appended record
	WrittenSeq   uint64 // last record written to the OS
	SyncedSeq    uint64 // last record known to be fsynced
}

// Log is the append-only log. Its methods are safe for concurrent use.
//
// Concurrency: mu guards the in-memory state below it and is never held
// during I/O. At most one goroutine at a time is the leader (leading is
// true): it owns wl's writes, the tail mirror and the wal batch, and does
// the write (and for FsyncAlways the fsync) with mu released. syncMu
// serializes fsync rounds with each other and with the leader's
// reopen/rollback of the wal, so a background fsync never holds mu or the
// wal's own mutex: writes go on while it runs.
type Log struct {
	dir     string
	segSize int
	fs      FS
	log     *slog.Logger
	inline  bool // Options.InlineSync
	walOpts wal.Options

	// Owned by the leader (or by Close/TruncateFront while they hold the
	// leadership).
	tail     tailState // mirror of wal's tail segment: name and size
	rollback bool      // the last write or fsync failed: reopen at good
	good     tailState // where the log ended before the failed batch
	wb       wal.Batch // reused for every WriteBatch

	walMu sync.RWMutex // guards the wl pointer (replaced on recovery)
	wl    *wal.Log     // nil after a recovery that failed to reopen

	syncMu sync.Mutex // held for a whole fsync round and for reopening wl
	// segF is an open descriptor of segFPath, the segment fsynced last,
	// kept so an fsync round is one fdatasync, not open+fsync+close.
	// Guarded by syncMu; dropped whenever files may be replaced (recover,
	// TruncateFront, Close) and after a failed fsync.
	segF     File
	segFPath string

	mu        sync.Mutex
	cond      *sync.Cond // broadcast when leading, syncing or an attempt changes
	policy    FsyncPolicy
	closed    bool       // Close was called: no new leader
	shut      bool       // Close holds the leadership for good
	first     uint64     // first seq kept in the log
	lastSeq   uint64     // last appended seq
	written   uint64     // last seq written to the OS
	synced    uint64     // last seq fsynced
	pend      pendingBuf // appended, not yet handed to a leader
	spare     pendingBuf // recycled buffer
	leading   bool
	attempts  uint64            // completed leader attempts
	lastFail  failure           // the latest failed attempt
	dirty     map[string]uint64 // segments written since their last fsync -> write generation
	dirtyDir  bool              // a segment was created since the last directory fsync
	writeGen  uint64
	syncing   bool // an fsync round is running
	syncStart time.Time
	size      int64
	baseSize  int64
	delayed   int64
	writeErr  error
	fsyncErr  error
	writes    int64

	fsyncs     atomic.Int64
	delayAfter time.Duration // a running fsync older than this delays writes (2s)
	tick       time.Duration // background loop period (1s)
	quit       chan struct{}
	wg         sync.WaitGroup
}

// tailState mirrors tidwall/wal's tail segment: the seq it starts with
// (its file name) and its size. wal does not expose it, so the leader
// recomputes it with wal's own rotation rule after every batch.
type tailState struct {
	first uint64
	size  int64
}

type failure struct {
	attempt uint64
	upTo    uint64 // highest seq the failed attempt covered
	err     error
}

// pendingBuf holds encoded record payloads with consecutive seqs.
type pendingBuf struct {
	first uint64 // seq of the first record (when len(ends) > 0)
	data  []byte
	ends  []int // end offset of each record in data
}

func (p *pendingBuf) n() int       { return len(p.ends) }
func (p *pendingBuf) last() uint64 { return p.first + uint64(len(p.ends)) - 1 }

func (p *pendingBuf) add(seq uint64, rec Record) {
	if len(p.ends) == 0 {
		p.first = seq
	}
	p.data = AppendRecord(p.data, seq, rec)
	p.ends = append(p.ends, len(p.data))
}

func (p *pendingBuf) record(i int) []byte {
	start := 0
	if i > 0 {
		start = p.ends[i-1]
	}
	return p.data[start:p.ends[i]]
}

// appendFrom appends q's records (which must follow p's) to p.
func (p *pendingBuf) appendFrom(q *pendingBuf) {
	if len(p.ends) == 0 {
		p.first = q.first
	}
	off := len(p.data)
	p.data = append(p.data, q.data...)
	for _, e := range q.ends {
		p.ends = append(p.ends, off+e)
	}
}

func (p *pendingBuf) reset() {
	if cap(p.data) > 4<<20 {
		p.data, p.ends = nil, nil // don't keep a burst's buffer forever
	}
	p.data, p.ends = p.data[:0], p.ends[:0]
}

// Open opens (or creates) the log in opts.Dir. It first cuts a torn tail
// off the last segment (see repairTail), then opens it with tidwall/wal and
// reads every segment once to check frames, CRCs and seq continuity: any
// damage other than a torn tail fails with an error wrapping ErrCorrupt
// that names the file and offset.
func Open(opts Options) (*Log, error) {
	if opts.Dir == "" {
		return nil, errors.New("aof: Options.Dir is empty")
	}
	if opts.SegmentSize <= 0 {
		opts.SegmentSize = DefaultSegmentSize
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.FS == nil {
		opts.FS = OSFS
	}
	if opts.tick <= 0 {
		opts.tick = time.Second
	}
	if opts.delayAfter <= 0 {
		opts.delayAfter = 2 * time.Second
	}
	if opts.Fsync < FsyncEverySec || opts.Fsync > FsyncNo {
		return nil, fmt.Errorf("aof: invalid fsync policy %d", opts.Fsync)
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("aof: %w", err)
	}
	if err := repairTail(opts.FS, dir, opts.Logger); err != nil {
		return nil, err
	}
	l := &Log{
		dir:     dir,
		segSize: opts.SegmentSize,
		fs:      opts.FS,
		log:     opts.Logger,
		inline:  opts.InlineSync,
		walOpts: wal.Options{
			NoSync:      true, // we fsync ourselves, never under wal's mutex
			SegmentSize: opts.SegmentSize,
			LogFormat:   wal.Binary,
			AllowEmpty:  true, // TruncateFront after a snapshot may empty it
		},
		policy:     opts.Fsync,
		dirty:      map[string]uint64{},
		delayAfter: opts.delayAfter,
		tick:       opts.tick,
		quit:       make(chan struct{}),
	}
	l.cond = sync.NewCond(&l.mu)
	wl, size, err := l.openWAL(true)
	if err != nil {
		return nil, err
	}
	first, _ := wl.FirstIndex()
	last, _ := wl.LastIndex()
	l.wl, l.first, l.lastSeq, l.written, l.synced = wl, first, last, last, last
	l.size, l.baseSize = size, size
	// A new log's first segment was just created: make its name durable.
	if err := l.syncFile(dir); err != nil {
		wl.Close()
		return nil, fmt.Errorf("aof: fsync %s: %w", dir, err)
	}
	l.wg.Add(1)
	go l.background()
	return l, nil
}

// openWAL opens tidwall/wal on l.dir and resets the tail mirror from the
// files; it returns the total size of the segments. With check it reads
// every segment and fails with ErrCorrupt on any damage (Open); without,
// it only stats them (reopening after a failure, where reading a large log
// every second while the disk keeps failing would be wasteful). Caller is
// the leader (or Open).
func (l *Log) openWAL(check bool) (*wal.Log, int64, error) {
	opts := l.walOpts
	wl, err := wal.Open(l.dir, &opts)
	if err != nil {
		if errors.Is(err, wal.ErrCorrupt) {
			err = fmt.Errorf("%w: %s: %w", ErrCorrupt, l.dir, err)
		}
		return nil, 0, fmt.Errorf("aof: open %s: %w", l.dir, err)
	}
	var c checkedLog
	if check {
		c, err = checkAll(l.fs, l.dir)
	} else {
		c, err = statAll(l.fs, l.dir)
	}
	if err != nil {
		wl.Close()
		return nil, 0, err
	}
	l.tail = tailState{first: c.tailFirst, size: c.tailSize}
	return wl, c.size, nil
}

func (l *Log) segPath(first uint64) string { return filepath.Join(l.dir, segmentName(first)) }

// LastSeq returns the seq of the last appended record (0 if none ever was).
// Appended records count even before they are written.
func (l *Log) LastSeq() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lastSeq
}

// FirstSeq returns the seq of the oldest record kept. When the log holds
// no records, FirstSeq is LastSeq+1 (1 for a new log).
func (l *Log) FirstSeq() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.first
}

// Append encodes rec (copying its bytes) into the in-memory pending buffer
// and returns its seq, LastSeq()+1. It does no I/O. The server calls it
// with its own lock held, so seqs follow execution order; call Wait(seq)
// after releasing that lock and before acknowledging the write.
func (l *Log) Append(rec Record) uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lastSeq++
	l.pend.add(l.lastSeq, rec)
	return l.lastSeq
}

// Wait blocks until the record with seq is written to the OS (FsyncEverySec,
// FsyncNo) or written and fsynced (FsyncAlways).
//
// Group commit: when no write is in progress, the caller becomes the
// leader and writes every pending record with one wal.WriteBatch (for
// FsyncAlways followed by one fsync); callers arriving meanwhile wait and
// are released together by the leader's result, or lead the next batch.
//
// If the write or fsync covering seq fails, Wait returns that error. The
// records stay pending (the file is rolled back to the last good record)
// and are retried by the next Wait or by the background loop within a
// second; Stats reports the error until a write succeeds.
func (l *Log) Wait(seq uint64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if seq > l.lastSeq {
		return fmt.Errorf("%w: wait for seq %d, last appended is %d", ErrOutOfRange, seq, l.lastSeq)
	}
	return l.waitLocked(seq, func() bool { return l.policy == FsyncAlways })
}

// waitLocked is Wait with mu held; needSync is evaluated on every round so
// a live SetFsync takes effect.
func (l *Log) waitLocked(seq uint64, needSync func() bool) error {
	att := l.attempts
	for {
		sync := needSync()
		if l.written >= seq && (!sync || l.synced >= seq) {
			return nil
		}
		// An attempt that ended after we started waiting covered seq and
		// failed: report it rather than retrying in a loop.
		if f := l.lastFail; f.attempt > att && f.upTo >= seq {
			return f.err
		}
		if l.shut {
			return ErrClosed
		}
		if l.leading {
			// Re-check after every attempt: a waiter that only waited for
			// "no leader" would sleep through rounds that covered it.
			l.cond.Wait()
			continue
		}
		if l.closed {
			return ErrClosed
		}
		if err := l.lead(sync); err != nil {
			return err
		}
	}
}

// lead makes the caller the leader for one attempt: take every pending
// record, write it with one WriteBatch and, if needSync, fsync. Caller holds
// mu (released during I/O) and leading is false.
func (l *Log) lead(needSync bool) error {
	l.leading = true
	if l.policy == FsyncEverySec && l.syncing && time.Since(l.syncStart) >= l.delayAfter {
		// Like Redis's aof_delayed_fsync: an fsync has been running for 2
		// seconds, so writing more would stretch the unsynced window.
		l.delayed++
		for l.syncing {
			l.cond.Wait()
		}
	}
	batch := l.pend
	l.pend, l.spare = l.spare, pendingBuf{}
	upTo := l.written
	if batch.n() > 0 {
		upTo = batch.last()
	}
	l.mu.Unlock()
	werr, serr := l.flush(&batch, needSync)
	l.mu.Lock()
	l.leading = false
	l.attempts++
	err := werr
	if werr == nil && batch.n() > 0 && l.writeErr != nil {
		l.log.Info("aof: writes succeed again")
		l.writeErr = nil
	}
	if werr == nil && serr != nil {
		err = serr
		if batch.n() > 0 {
			// Rolled back to before the batch: it is written again later.
			l.written = batch.first - 1
			l.synced = min(l.synced, l.written)
		}
	}
	if err != nil {
		l.lastFail = failure{attempt: l.attempts, upTo: upTo, err: err}
		batch.appendFrom(&l.pend)
		l.pend = batch
		if werr != nil {
			if l.writeErr == nil {
				l.log.Warn("aof: write failed, records stay pending", "dir", l.dir, "err", werr)
			}
			l.writeErr = werr
		}
	} else {
		batch.reset()
		l.spare = batch
	}
	l.cond.Broadcast()
	return err
}

// flush writes batch and optionally fsyncs. Leader only, mu not held.
// werr is a write (or recovery) error, serr an fsync error. Either one
// leaves the log marked for rollback to where it was before the batch.
func (l *Log) flush(batch *pendingBuf, needSync bool) (werr, serr error) {
	if l.rollback {
		if err := l.recover(); err != nil {
			return err, nil
		}
	}
	before := l.tail
	if batch.n() > 0 {
		if err := l.write(batch); err != nil {
			l.rollback, l.good = true, before
			return err, nil
		}
	}
	if needSync {
		if err := l.syncDirty(true); err != nil {
			if batch.n() > 0 {
				// fsync failed: the kernel may have dropped the dirty pages
				// (and a retried fsync could then succeed without them), so
				// roll the batch back and write it again.
				l.rollback, l.good = true, before
			}
			return nil, err
		}
	}
	return nil, nil
}

// write hands the batch to tidwall/wal and advances the tail mirror.
func (l *Log) write(batch *pendingBuf) error {
	tailPath := l.segPath(l.tail.first)
	if wi, ok := l.fs.(WriteInjector); ok {
		if err := wi.BeforeWrite(tailPath); err != nil {
			return fmt.Errorf("aof: write %s: %w", tailPath, err)
		}
	}
	l.wb.Clear()
	sizes := make([]int, batch.n())
	var bytes int64
	for i := range sizes {
		p := batch.record(i)
		l.wb.Write(batch.first+uint64(i), p)
		sizes[i] = uvarintLen(uint64(len(p))) + len(p)
		bytes += int64(sizes[i])
	}
	l.walMu.RLock()
	wl := l.wl
	var err error
	if wl == nil {
		err = errors.New("log not open")
	} else {
		err = wl.WriteBatch(&l.wb)
	}
	l.walMu.RUnlock()
	if err != nil {
		return fmt.Errorf("aof: write %s: %w", tailPath, err)
	}
	touched, created := l.advance(batch.first, sizes)
	l.mu.Lock()
	l.written = batch.last()
	l.writes++
	l.writeGen++
	for _, p := range touched {
		l.dirty[p] = l.writeGen
	}
	l.dirtyDir = l.dirtyDir || created
	l.size += bytes
	l.mu.Unlock()
	return nil
}

// advance applies tidwall/wal's rotation rule (wal.go writeBatch: rotate
// before the batch when the tail is over SegmentSize, and after any entry
// that brings it to SegmentSize) to the tail mirror. It returns the paths
// of the segments written (or created) and whether any was created.
func (l *Log) advance(first uint64, sizes []int) (touched []string, created bool) {
	touched = append(touched, l.segPath(l.tail.first))
	if l.tail.size > int64(l.segSize) {
		l.tail = tailState{first: first}
		touched, created = append(touched, l.segPath(first)), true
	}
	for i, sz := range sizes {
		l.tail.size += int64(sz)
		if l.tail.size >= int64(l.segSize) {
			l.tail = tailState{first: first + uint64(i) + 1}
			touched, created = append(touched, l.segPath(l.tail.first)), true
		}
	}
	return touched, created
}

func uvarintLen(x uint64) int {
	var b [binary.MaxVarintLen64]byte
	return binary.PutUvarint(b[:], x)
}

// recover undoes a failed write: close the wal, delete segments created
// after the good tail, truncate the tail to its good size and reopen.
// Leader only.
func (l *Log) recover() error {
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	l.dropSegFile()
	l.walMu.Lock()
	defer l.walMu.Unlock()
	if l.wl != nil {
		if err := l.wl.Close(); err != nil && !errors.Is(err, wal.ErrClosed) {
			// Its file descriptor may leak; the data is rewritten anyway.
			l.log.Warn("aof: closing the log after a failed write", "err", err)
		}
		l.wl = nil
	}
	if l.good.first != 0 {
		segs, err := listSegments(l.fs, l.dir)
		if err != nil {
			return fmt.Errorf("aof: recover: %w", err)
		}
		for _, s := range segs {
			if s.first > l.good.first {
				if err := l.fs.Remove(s.path); err != nil {
					return fmt.Errorf("aof: recover: %w", err)
				}
			}
		}
		if err := truncateFile(l.fs, l.segPath(l.good.first), l.good.size); err != nil {
			return fmt.Errorf("aof: recover: %w", err)
		}
	}
	wl, size, err := l.openWAL(false)
	if err != nil {
		return err
	}
	l.wl = wl
	l.rollback = false
	l.mu.Lock()
	l.size = size
	l.mu.Unlock()
	return nil
}

func truncateFile(fsys FS, path string, size int64) error {
	f, err := fsys.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	err = f.Truncate(size)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncFile fsyncs one file or directory by path and counts it.
func (l *Log) syncFile(path string) error {
	l.fsyncs.Add(1)
	return syncPath(l.fs, path)
}

// syncSegment fdatasyncs a segment through the cached descriptor (opening
// it if the cache holds another segment) and counts it. Caller holds
// syncMu.
func (l *Log) syncSegment(path string, inline bool) error {
	if l.segF == nil || l.segFPath != path {
		l.dropSegFile()
		f, err := l.fs.OpenFile(path, os.O_RDONLY, 0)
		if err != nil {
			return err
		}
		l.segF, l.segFPath = f, path
	}
	l.fsyncs.Add(1)
	err := datasync(l.segF, inline)
	if err != nil {
		// Linux reports a writeback error once per descriptor: use a
		// fresh one next time (the failed batch is rewritten anyway).
		l.dropSegFile()
	}
	return err
}

// dropSegFile closes the cached segment descriptor. Caller holds syncMu.
func (l *Log) dropSegFile() {
	if l.segF != nil {
		l.segF.Close()
		l.segF, l.segFPath = nil, ""
	}
}

// syncDirty fsyncs every segment written since its last fsync, then the
// directory if a segment was created. It holds syncMu, not mu and not the
// wal's mutex: writes continue meanwhile. groupCommit is set for the
// leader's fsync under FsyncAlways (segments are then synced inline, see
// datasync).
func (l *Log) syncDirty(groupCommit bool) error {
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	l.mu.Lock()
	gen, upTo, dir := l.writeGen, l.written, l.dirtyDir
	paths := make([]string, 0, len(l.dirty))
	for p := range l.dirty {
		paths = append(paths, p)
	}
	// Oldest segment first (names are zero-padded indexes), so the cached
	// descriptor ends on the newest, the one the next round syncs: in map
	// order a round spanning a roll could leave it on the old segment and
	// reopen the active one next time.
	slices.Sort(paths)
	if len(paths) == 0 && !dir {
		l.synced = l.written // nothing written is unsynced
		l.mu.Unlock()
		return nil
	}
	l.syncing, l.syncStart = true, time.Now()
	l.dirtyDir = false
	l.mu.Unlock()

	var err error
	for _, p := range paths {
		// Group-commit fsyncs (appendfsync always) keep their P (see
		// datasync) when there is another P to run the clients meanwhile,
		// or when the caller asked for it (InlineSync). GOMAXPROCS is read
		// per round: the server changes it at runtime.
		e := l.syncSegment(p, groupCommit && (l.inline || runtime.GOMAXPROCS(0) >= 2))
		if errors.Is(e, fs.ErrNotExist) {
			e = nil // removed by TruncateFront or a rollback: nothing to keep
		}
		if e != nil && err == nil {
			err = fmt.Errorf("aof: fsync %s: %w", p, e)
		}
	}
	if dir {
		if e := l.syncFile(l.dir); e != nil && err == nil {
			err = fmt.Errorf("aof: fsync %s: %w", l.dir, e)
		}
	}

	l.mu.Lock()
	defer l.mu.Unlock()
	l.syncing = false
	l.cond.Broadcast()
	if err != nil {
		l.dirtyDir = l.dirtyDir || dir
		if l.fsyncErr == nil {
			l.log.Warn("aof: fsync failed", "dir", l.dir, "err", err)
		}
		l.fsyncErr = err
		return err
	}
	for _, p := range paths {
		if l.dirty[p] <= gen {
			delete(l.dirty, p)
		}
	}
	if upTo > l.synced {
		l.synced = upTo
	}
	if l.fsyncErr != nil {
		l.log.Info("aof: fsync succeeds again")
		l.fsyncErr = nil
	}
	return nil
}

// background retries pending records (after a failed write, or records
// nobody waits for) and, under FsyncEverySec or after a failed fsync,
// fsyncs once per tick.
func (l *Log) background() {
	defer l.wg.Done()
	t := time.NewTicker(l.tick)
	defer t.Stop()
	for {
		select {
		case <-l.quit:
			return
		case <-t.C:
		}
		l.mu.Lock()
		if !l.leading && !l.closed && l.pend.n() > 0 {
			_ = l.lead(false) // recorded in Stats and logged
		}
		// After a failed fsync also under the other policies: with
		// FsyncAlways the server refuses writes while the error is
		// reported, so no Wait would ever retry it.
		retry := l.fsyncErr != nil
		everysec := (l.policy == FsyncEverySec || retry) && !l.closed
		l.mu.Unlock()
		if everysec {
			_ = l.syncDirty(false) // recorded in Stats and logged
		}
	}
}

// SetFsync changes the fsync policy at once (CONFIG SET appendfsync).
// Waits already blocked re-read it.
func (l *Log) SetFsync(p FsyncPolicy) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.policy = p
	l.cond.Broadcast()
}

// Fsync returns the current policy.
func (l *Log) Fsync() FsyncPolicy {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.policy
}

// Sync writes every pending record and fsyncs everything written, whatever
// the policy.
func (l *Log) Sync() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return ErrClosed
	}
	err := l.waitLocked(l.lastSeq, func() bool { return false })
	l.mu.Unlock()
	if err != nil {
		return err
	}
	return l.syncDirty(false)
}

// acquireLocked waits until no one leads and makes the caller the leader.
// Caller holds mu.
func (l *Log) acquireLocked() {
	for l.leading {
		l.cond.Wait()
	}
	l.leading = true
}

func (l *Log) releaseLocked() {
	l.leading = false
	l.cond.Broadcast()
}

// Close writes pending records, fsyncs (whatever the policy), stops the
// background goroutine and closes the files. Waits after Close return
// ErrClosed unless their record was already done. The first error is
// returned; the log is closed either way.
func (l *Log) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return ErrClosed
	}
	l.closed = true
	var err error
	for err == nil {
		if l.leading {
			l.cond.Wait()
			continue
		}
		if l.pend.n() == 0 {
			break
		}
		err = l.lead(false)
	}
	l.acquireLocked() // held for good: nobody writes after Close
	l.shut = true
	l.cond.Broadcast()
	l.mu.Unlock()

	close(l.quit)
	l.wg.Wait()
	if !l.rollback {
		if serr := l.syncDirty(false); err == nil {
			err = serr
		}
	}
	l.syncMu.Lock()
	l.dropSegFile()
	l.syncMu.Unlock()
	l.walMu.Lock()
	defer l.walMu.Unlock()
	if l.wl != nil {
		if cerr := l.wl.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("aof: close: %w", cerr)
		}
		l.wl = nil
	}
	return err
}

// Replay calls fn for every record with seq >= from, in order, after
// writing pending records. from == 0 means FirstSeq. Records before
// FirstSeq are gone: asking for them fails with ErrMissing, because a
// caller restoring state (snapshot at S, then Replay(S+1)) would otherwise
// skip effects silently. rec's byte slices belong to fn (they are not
// reused). A record that fails its CRC fails with ErrCorrupt; an error from
// fn stops the replay and is returned as is.
//
// Recovery invariant: state = the newest valid snapshot at seq S + the
// records (S, LastSeq] replayed in order.
func (l *Log) Replay(from uint64, fn func(seq uint64, rec Record) error) error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return ErrClosed
	}
	err := l.waitLocked(l.lastSeq, func() bool { return false })
	first, last := l.first, l.written
	l.mu.Unlock()
	if err != nil {
		return err
	}
	if from == 0 {
		from = first
	}
	if from < first {
		return fmt.Errorf("%w: replay from seq %d, the log starts at %d", ErrMissing, from, first)
	}
	for seq := from; seq <= last; seq++ {
		l.walMu.RLock()
		wl := l.wl
		var data []byte
		if wl == nil {
			err = ErrClosed
		} else {
			data, err = wl.Read(seq)
		}
		l.walMu.RUnlock()
		if err != nil {
			return fmt.Errorf("aof: read seq %d: %w", seq, err)
		}
		got, rec, err := DecodeRecord(data)
		if err != nil {
			return fmt.Errorf("%w: %s seq %d: %w", ErrCorrupt, l.dir, seq, err)
		}
		if got != seq {
			return fmt.Errorf("%w: %s: record at seq %d says seq %d", ErrCorrupt, l.dir, seq, got)
		}
		if err := fn(seq, rec); err != nil {
			return err
		}
	}
	return nil
}

// TruncateFront drops the records before seq (after a snapshot that covers
// them), writing pending records first. seq may be LastSeq+1 to empty the
// log. tidwall/wal makes it crash safe (a .START file renamed into place,
// completed on the next Open). seq <= FirstSeq is a no-op.
func (l *Log) TruncateFront(seq uint64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return ErrClosed
	}
	if seq > l.lastSeq+1 {
		return fmt.Errorf("%w: truncate front to %d, last is %d", ErrOutOfRange, seq, l.lastSeq)
	}
	if seq <= l.first {
		return nil
	}
	if err := l.waitLocked(seq-1, func() bool { return false }); err != nil {
		return err
	}
	l.acquireLocked()
	l.mu.Unlock()
	err := l.truncateFront(seq)
	l.mu.Lock()
	if err == nil {
		l.first = seq
	}
	l.releaseLocked()
	return err
}

// truncateFront runs as leader without mu.
func (l *Log) truncateFront(seq uint64) error {
	if l.rollback {
		if err := l.recover(); err != nil {
			return err
		}
	}
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	l.dropSegFile() // the tail may be rewritten under another name
	l.walMu.Lock()
	defer l.walMu.Unlock()
	err := l.wl.TruncateFront(seq)
	if err != nil {
		// wal may be half done (its Open completes a TruncateFront from
		// the .START file): reopen it, keeping every file as it is.
		l.log.Warn("aof: truncate front failed, reopening", "seq", seq, "err", err)
		l.wl.Close()
		l.wl = nil
		wl, size, oerr := l.openWAL(false)
		if oerr != nil {
			l.rollback, l.good = true, tailState{} // reopen again on the next write
			return fmt.Errorf("aof: truncate front to %d: %w (reopen: %w)", seq, err, oerr)
		}
		l.wl = wl
		first, _ := wl.FirstIndex()
		l.mu.Lock()
		l.first, l.size = first, size
		l.mu.Unlock()
		return fmt.Errorf("aof: truncate front to %d: %w", seq, err)
	}
	// The tail may have been rewritten under a new name: re-read the
	// directory for the mirror and make the renames durable.
	c, err := statAll(l.fs, l.dir)
	if err != nil {
		return err
	}
	l.tail = tailState{first: c.tailFirst, size: c.tailSize}
	l.mu.Lock()
	l.size = c.size
	l.mu.Unlock()
	if err := l.syncFile(l.dir); err != nil {
		return fmt.Errorf("aof: fsync %s: %w", l.dir, err)
	}
	return nil
}

// Stats returns the current numbers.
func (l *Log) Stats() Stats {
	l.mu.Lock()
	defer l.mu.Unlock()
	return Stats{
		CurrentSize:  l.size,
		BaseSize:     l.baseSize,
		PendingFsync: l.syncing,
		DelayedFsync: l.delayed,
		LastWriteErr: l.writeErr,
		LastFsyncErr: l.fsyncErr,
		Fsyncs:       l.fsyncs.Load(),
		Writes:       l.writes,
		LastSeq:      l.lastSeq,
		WrittenSeq:   l.written,
		SyncedSeq:    l.synced,
	}
}
