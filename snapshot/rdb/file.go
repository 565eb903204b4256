package rdb

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/aikv/aikv/datastructs"
)

// File opcodes (rdb.h).
const (
	opFunctionPreGA = 0xf6
	opFunction2     = 0xf5
	opModuleAux     = 0xf7
	opIdle          = 0xf8
	opFreq          = 0xf9
	opAux           = 0xfa
	opResizeDB      = 0xfb
	opExpireMS      = 0xfc
	opExpireSec     = 0xfd
	opSelectDB      = 0xfe
	opEOF           = 0xff
)

// Key is one key read from a file.
type Key struct {
	DB   int
	Name string
	Obj  Object
	// ExpireAt is the absolute expiry in Unix milliseconds, 0 for none.
	ExpireAt int64
	// Idle is the LRU idle time in seconds, Freq the LFU counter; -1
	// when the file has none.
	Idle int64
	Freq int
}

// Handler receives what Load finds, in file order. Nil fields ignore
// that kind of record.
type Handler struct {
	// Aux receives auxiliary fields (redis-ver, ctime, ...).
	Aux func(key, value string)
	// Function receives a function library's source code (FUNCTION2).
	Function func(code string) error
	// Key receives each supported key.
	Key func(k *Key) error
	// Unsupported receives each key whose type AiKv lacks (streams,
	// module types); kind is UnsupportedError.Kind.
	Unsupported func(db int, key, kind string)
}

// Info sums up a loaded file.
type Info struct {
	Version     int
	Keys        int            // keys passed to Handler.Key
	Empty       int            // empty collections skipped, as Redis does
	Unsupported map[string]int // skipped keys by kind
	ModuleAux   int            // module auxiliary records skipped
	Functions   int
}

// Load decodes an RDB file (versions 1 to MaxVersion) held in data,
// verifying its checksum when the file has one.
func Load(data []byte, h Handler) (*Info, error) {
	info := &Info{Unsupported: map[string]int{}}
	if len(data) < 9 || string(data[:5]) != "REDIS" {
		return info, errors.New("rdb: not an RDB file (wrong signature)")
	}
	ver, err := strconv.Atoi(string(data[5:9]))
	if err != nil || ver < 1 || ver > MaxVersion {
		return info, fmt.Errorf("rdb: can't handle RDB format version %s", data[5:9])
	}
	info.Version = ver
	d := &decoder{b: data, off: 9}
	db := 0
	var expireAt int64
	idle, freq := int64(-1), -1
	for {
		op := d.byte()
		if d.err != nil {
			return info, d.err
		}
		switch op {
		case opEOF:
			if ver >= 5 {
				end := d.off
				sum := d.uint64LE()
				if d.err != nil {
					return info, d.err
				}
				if sum != 0 && sum != CRC64(0, data[:end]) {
					return info, errors.New("rdb: wrong RDB checksum")
				}
			}
			return info, nil
		case opSelectDB:
			n, _ := d.length()
			if n > 1<<20 {
				d.fail("database index")
			}
			db = int(n)
			continue
		case opResizeDB:
			d.length()
			d.length()
			continue
		case opAux:
			k, v := d.str(), d.str()
			if d.err == nil && h.Aux != nil {
				h.Aux(k, v)
			}
			continue
		case opExpireMS:
			expireAt = int64(d.uint64LE())
			continue
		case opExpireSec:
			expireAt = int64(d.uint32LE()) * 1000
			continue
		case opIdle:
			n, _ := d.length()
			idle = int64(n)
			continue
		case opFreq:
			freq = int(d.byte())
			continue
		case opModuleAux:
			d.length() // module id
			d.length() // when opcode
			d.length() // when
			d.skipModuleFields()
			info.ModuleAux++
			continue
		case opFunction2:
			code := d.str()
			if d.err != nil {
				return info, d.err
			}
			info.Functions++
			if h.Function != nil {
				if err := h.Function(code); err != nil {
					return info, fmt.Errorf("rdb: loading a function library: %w", err)
				}
			}
			continue
		case opFunctionPreGA:
			return info, errors.New("rdb: functions in the pre-release 7.0 format are not supported")
		}
		if !IsValueType(op) {
			return info, corrupt(fmt.Sprintf("unknown opcode or value type %d", op))
		}
		key := d.str()
		obj, err := d.value(op)
		k := Key{DB: db, Name: key, Obj: obj, ExpireAt: expireAt, Idle: idle, Freq: freq}
		expireAt, idle, freq = 0, -1, -1
		var ue *UnsupportedError
		switch {
		case errors.As(err, &ue):
			info.Unsupported[ue.Kind]++
			if h.Unsupported != nil {
				h.Unsupported(db, key, ue.Kind)
			}
			continue
		case errors.Is(err, ErrEmptyKey) && d.err == nil:
			info.Empty++
			continue
		case err != nil:
			return info, fmt.Errorf("%w (key %q)", err, key)
		}
		info.Keys++
		if h.Key != nil {
			if err := h.Key(&k); err != nil {
				return info, err
			}
		}
	}
}

// Writer writes an RDB file (version 10, as Redis 7.0 does).
type Writer struct {
	w   *bufio.Writer
	crc uint64
	buf []byte
	err error
}

// NewWriter starts an RDB file on w with the signature and aux fields
// (name/value pairs, e.g. "redis-ver", "7.0.15").
func NewWriter(w io.Writer, aux [][2]string) *Writer {
	rw := &Writer{w: bufio.NewWriterSize(w, 1<<16)}
	rw.write([]byte(fmt.Sprintf("REDIS%04d", Version)))
	for _, a := range aux {
		b := append(rw.buf[:0], opAux)
		b = AppendString(b, a[0])
		b = AppendString(b, a[1])
		rw.buf = b
		rw.write(b)
	}
	return rw
}

func (w *Writer) write(b []byte) {
	if w.err != nil {
		return
	}
	w.crc = CRC64(w.crc, b)
	_, w.err = w.w.Write(b)
}

// Function writes a function library (its source code).
func (w *Writer) Function(code string) {
	w.buf = AppendString(append(w.buf[:0], opFunction2), code)
	w.write(w.buf)
}

// SelectDB starts database db holding size keys, expires of them with a
// TTL.
func (w *Writer) SelectDB(db, size, expires int) {
	b := AppendLength(append(w.buf[:0], opSelectDB), uint64(db))
	b = AppendLength(append(b, opResizeDB), uint64(size))
	b = AppendLength(b, uint64(expires))
	w.buf = b
	w.write(b)
}

// Select switches to database db without a size hint (for writers whose
// keys do not come grouped by database; loaders accept any number of
// SELECTDB opcodes).
func (w *Writer) Select(db int) {
	w.buf = AppendLength(append(w.buf[:0], opSelectDB), uint64(db))
	w.write(w.buf)
}

// Key writes one key with its expiry.
func (w *Writer) Key(key string, e *datastructs.Entry) error {
	b := w.buf[:0]
	if e.ExpireAt != 0 {
		b = binary.LittleEndian.AppendUint64(append(b, opExpireMS), uint64(e.ExpireAt))
	}
	t := len(b)
	b, err := AppendValue(b, e)
	if err != nil {
		return err
	}
	// The type byte goes before the key: move the value after it.
	typ := b[t]
	val := append([]byte(nil), b[t+1:]...)
	b = append(b[:t], typ)
	b = AppendString(b, key)
	b = append(b, val...)
	w.buf = b
	w.write(b)
	return w.err
}

// Close writes the EOF opcode and checksum and flushes. It does not close
// the underlying writer.
func (w *Writer) Close() error {
	w.write([]byte{opEOF})
	if w.err != nil {
		return w.err
	}
	var sum [8]byte
	binary.LittleEndian.PutUint64(sum[:], w.crc)
	if _, err := w.w.Write(sum[:]); err != nil {
		return err
	}
	return w.w.Flush()
}

// Functions gives Save and LoadKeyspace access to function libraries
// (implemented by the scripting engine's adapter).
type Functions interface {
	// LibraryCodes returns every library's source code.
	LibraryCodes() []string
	// LoadLibrary installs a library from source, replacing none.
	LoadLibrary(code string) error
}

// Save writes ks (every non-expired key of every database) and fn's
// libraries (fn may be nil) as an RDB file.
func Save(w io.Writer, ks *datastructs.Keyspace, fn Functions, aux [][2]string) error {
	rw := NewWriter(w, aux)
	if fn != nil {
		for _, code := range fn.LibraryCodes() {
			rw.Function(code)
		}
	}
	now := ks.Now()
	for i := 0; i < ks.NumDBs(); i++ {
		db := ks.DB(i)
		if db.Len() == 0 {
			continue
		}
		rw.SelectDB(i, db.Len(), db.ExpiresLen())
		var err error
		db.Range(func(key string, e *datastructs.Entry) bool {
			if e.ExpireAt != 0 && e.ExpireAt <= now {
				return true
			}
			err = rw.Key(key, e)
			return err == nil
		})
		if err != nil {
			return err
		}
	}
	return rw.Close()
}
