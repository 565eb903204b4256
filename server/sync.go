package server

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/aikv/aikv/server/command"
	"github.com/aikv/aikv/snapshot"
	"github.com/aikv/aikv/snapshot/rdb"
)

// SYNC: one point-in-time snapshot sent to a client.
//
// redis-cli --rdb FILE sends REPLCONF capa eof, REPLCONF rdb-only 1 and
// SYNC, then reads "$<len>\r\n" and that many bytes, or "$EOF:<mark>\r\n",
// the payload and the 40-byte mark again, skipping newlines sent before
// either while the master prepares. AiKv answers the same way:
//
//   - The snapshot is a save job like BGSAVE's (same fork-less capture,
//     so it is the dataset as of one instant while writes go on): a
//     BGSAVE meanwhile answers "Background save already in progress", a
//     BGREWRITEAOF is scheduled after it, as with Redis's replication
//     child. A SYNC arriving while a save runs waits for it to end.
//   - With capa eof the payload streams straight to the socket (Redis's
//     diskless form); without it, it is written to an unlinked temporary
//     file first, since the length must come first.
//   - The payload is an RDB file (version 10, as Redis 7.0's), or with
//     REPLCONF aikv-snapshot 1 (an AiKv extension, used by aikv-check
//     backup) an AiKv snapshot file, which keeps every type exactly.
//   - After the payload the connection is closed: AiKv has no replication
//     stream. rdb-only clients expect exactly that. A client that said it
//     is a replica (REPLCONF listening-port / ip-address) without
//     rdb-only is refused, and so is PSYNC, so a real Redis replica gets
//     an error instead of a full sync followed by a dropped link.
//   - Shutdown and CLIENT KILL abort a transfer; the client sees the
//     connection close before the payload ends (the EOF mark or the
//     announced length is missing, so it knows the file is incomplete).

// syncWriteTimeout bounds one write to a client that stopped reading
// (Redis's repl-timeout default).
const syncWriteTimeout = 60 * time.Second

// StartSync implements command.Server.
func (s *Server) StartSync(cl *command.Client) error {
	c, ok := s.clients[cl.ID]
	if !ok {
		return errors.New("ERR SYNC is not available on this connection")
	}
	if cl.Sync.Replica && !cl.Sync.RDBOnly {
		return errors.New(command.ErrNoReplication)
	}
	if len(c.w.B) > 0 {
		return errors.New("ERR SYNC and PSYNC are invalid with pending output")
	}
	o := cl.Sync
	c.sync = &o
	cl.CloseAfterReply = true
	return nil
}

// syncConn writes to a client being sent a snapshot: every write has a
// deadline, and it fails once the server shuts down or the client is
// killed (the deadline is set before the check, so Shutdown's own
// deadline is never overwritten unseen).
type syncConn struct {
	c *conn
	n int64
}

var errSyncAborted = errors.New("transfer aborted (shutdown or CLIENT KILL)")

func (w *syncConn) Write(p []byte) (int, error) {
	w.c.nc.SetWriteDeadline(time.Now().Add(syncWriteTimeout))
	if w.c.s.closing.Load() || w.c.killed.Load() {
		return 0, errSyncAborted
	}
	n, err := w.c.nc.Write(p)
	w.n += int64(n)
	return n, err
}

// payloadSink receives the snapshot's content.
type payloadSink interface {
	add(batch []captured) error
	close() error
}

// serveSync sends the snapshot c.sync asked for. It runs on the
// connection's goroutine without s.mu, after the batch's replies were
// flushed; the connection closes when it returns.
func (c *conn) serveSync() {
	s := c.s
	o := *c.sync
	c.syncing.Store(true)
	defer c.syncing.Store(false)
	out := &syncConn{c: c}

	s.mu.Lock()
	for s.save.job != nil && !s.closing.Load() && !c.killed.Load() {
		s.save.done.Wait()
	}
	if s.closing.Load() || c.killed.Load() {
		s.mu.Unlock()
		return
	}
	var job *saveJob
	if !o.NoData {
		job = s.beginJobLocked(saveSync)
	}
	dbs := s.ks.NumDBs()
	sizes := make([][2]int, dbs)
	for i := range sizes {
		sizes[i] = [2]int{s.ks.DB(i).Len(), s.ks.DB(i).ExpiresLen()}
	}
	var codes []string
	if !o.NoFunctions && s.scripts != nil {
		codes = scriptFunctions{s.scripts}.LibraryCodes()
	}
	seq := uint64(0)
	if job != nil {
		seq = job.seq
	}
	sopts := s.snapshotOptions(seq)
	sopts.LogBase = false
	if o.NoFunctions {
		sopts.Aux = nil
	}
	now := s.ks.Now()
	s.mu.Unlock()

	start := time.Now()
	var err error
	var size int64
	if o.EOF {
		size, err = c.syncStream(out, job, &o, sopts, sizes, codes, now)
	} else {
		size, err = c.syncViaFile(out, job, &o, sopts, sizes, codes, now)
	}
	if job != nil {
		s.finishBGSave(job, snapshot.Info{}, err)
	}
	if err != nil {
		s.log.Warn("snapshot transfer to client failed", "client", c.client.Addr, "err", err)
		return
	}
	s.log.Info("snapshot sent to client", "client", c.client.Addr, "bytes", size,
		"format", map[bool]string{true: "aikv", false: "rdb"}[o.AiKvFormat], "seconds", time.Since(start).Seconds())
}

// syncStream sends "$EOF:<mark>\r\n", the payload and the mark.
func (c *conn) syncStream(out *syncConn, job *saveJob, o *command.SyncOptions, sopts snapshot.Options, sizes [][2]int, codes []string, now int64) (int64, error) {
	var raw [20]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return 0, err
	}
	mark := hex.EncodeToString(raw[:])
	bw := bufio.NewWriterSize(out, 256<<10)
	bw.WriteString("$EOF:" + mark + "\r\n")
	n, err := c.s.writePayload(bw, job, o, sopts, sizes, codes, now)
	if err == nil {
		bw.WriteString(mark)
		err = bw.Flush()
	}
	return n, err
}

// syncViaFile writes the payload to an unlinked temporary file, then
// sends "$<len>\r\n" and the file.
func (c *conn) syncViaFile(out *syncConn, job *saveJob, o *command.SyncOptions, sopts snapshot.Options, sizes [][2]int, codes []string, now int64) (int64, error) {
	f, err := os.CreateTemp(c.s.cfg.Dir, "temp-sync-*.tmp")
	if err != nil {
		f, err = os.CreateTemp("", "aikv-sync-*.tmp")
	}
	if err != nil {
		if job != nil {
			c.s.abortSnapshot()
		}
		return 0, err
	}
	os.Remove(f.Name()) // nothing is left behind, whatever happens
	defer f.Close()
	bw := bufio.NewWriterSize(f, 256<<10)
	if _, err := c.s.writePayload(bw, job, o, sopts, sizes, codes, now); err != nil {
		return 0, err
	}
	if err := bw.Flush(); err != nil {
		return 0, err
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	if _, err := out.Write([]byte("$" + strconv.FormatInt(size, 10) + "\r\n")); err != nil {
		return 0, err
	}
	_, err = io.Copy(out, f)
	return size, err
}

// writePayload writes the snapshot (RDB or AiKv format) to w and returns
// its size. With job nil (functions only) no keys are written.
func (s *Server) writePayload(w io.Writer, job *saveJob, o *command.SyncOptions, sopts snapshot.Options, sizes [][2]int, codes []string, now int64) (int64, error) {
	cw := &countWriter{w: w}
	var sink payloadSink
	if o.AiKvFormat {
		sw, err := snapshot.NewWriter(cw, sopts)
		if err != nil {
			if job != nil {
				s.abortSnapshot()
			}
			return 0, err
		}
		sink = &snapSink{w: sw}
	} else {
		aux := [][2]string{{"redis-ver", Version}, {"redis-bits", strconv.Itoa(strconv.IntSize)},
			{"ctime", strconv.FormatInt(time.Now().Unix(), 10)}, {"used-mem", "0"}, {"aof-base", "0"}}
		rw := rdb.NewWriter(cw, aux)
		for _, code := range codes {
			rw.Function(code)
		}
		sink = &rdbSink{w: rw, db: -1, seen: make([]bool, len(sizes)), sizes: sizes, now: now}
	}
	if job != nil {
		if err := s.walkSnapshot(job, sopts.Databases, sink.add); err != nil {
			return 0, err
		}
	}
	if err := sink.close(); err != nil {
		return 0, err
	}
	return cw.n, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// snapSink writes captured keys to an AiKv snapshot.
type snapSink struct{ w *snapshot.Writer }

func (k *snapSink) add(batch []captured) error {
	for i := range batch {
		if err := k.w.Add(batch[i].db, batch[i].key, &batch[i].e); err != nil {
			return err
		}
	}
	return nil
}

func (k *snapSink) close() error { return k.w.Close() }

// rdbSink writes captured keys to an RDB file. Keys arrive in walk order
// with writes' captures interleaved, so the database is selected again
// whenever it changes; the first SELECTDB of a database carries its size
// when the snapshot began (RESIZEDB). Keys already expired when the
// snapshot began are left out, as Redis's loader would drop them.
type rdbSink struct {
	w     *rdb.Writer
	db    int
	seen  []bool
	sizes [][2]int
	now   int64
}

func (k *rdbSink) add(batch []captured) error {
	for i := range batch {
		e := &batch[i]
		if e.e.ExpireAt != 0 && e.e.ExpireAt <= k.now {
			continue
		}
		if e.db != k.db {
			k.db = e.db
			if !k.seen[e.db] {
				k.seen[e.db] = true
				k.w.SelectDB(e.db, k.sizes[e.db][0], k.sizes[e.db][1])
			} else {
				k.w.Select(e.db)
			}
		}
		if err := k.w.Key(e.key, &e.e); err != nil {
			return fmt.Errorf("key %q in db %d: %w", e.key, e.db, err)
		}
	}
	return nil
}

func (k *rdbSink) close() error { return k.w.Close() }
