package server

import (
	"math"
	"strconv"

	"github.com/aikv/aikv/aof"
	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/datastructs/hash"
	"github.com/aikv/aikv/datastructs/jsonval"
	"github.com/aikv/aikv/datastructs/list"
	"github.com/aikv/aikv/datastructs/set"
	"github.com/aikv/aikv/datastructs/zset"
)

// CommandRewriter is implemented by value types (such as JSON documents)
// that know how to recreate themselves as commands. The built-in types
// are handled directly.
type CommandRewriter interface {
	RewriteCommands(key []byte, emit func(args ...[]byte))
}

// rewriteChunk bounds the elements per emitted command, so no single
// record grows with the size of a collection.
const rewriteChunk = 128

// forEachKeyAsCommands calls emit with commands that recreate every key of
// the keyspace, TTLs included (as PEXPIREAT). It is how the log gets a
// base when it is switched on at runtime. Caller holds s.mu.
func (s *Server) forEachKeyAsCommands(emit func(db int, args [][]byte)) {
	for i := 0; i < s.ks.NumDBs(); i++ {
		db := s.ks.DB(i)
		db.Range(func(key string, e *datastructs.Entry) bool {
			k := []byte(key)
			out := func(args ...[]byte) { emit(i, args) }
			rewriteValue(k, e, out)
			if e.ExpireAt != 0 {
				out([]byte("PEXPIREAT"), k, strconv.AppendInt(nil, e.ExpireAt, 10))
			}
			return true
		})
	}
}

// formatScore renders a score so that parsing it back gives the same
// float64 (shortest round-trip form).
func formatScore(f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return []byte("inf")
	case math.IsInf(f, -1):
		return []byte("-inf")
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64)
}

func rewriteValue(k []byte, e *datastructs.Entry, out func(args ...[]byte)) {
	if s, ok := e.Str(); ok {
		out([]byte("SET"), k, []byte(s))
		return
	}
	var args [][]byte
	flush := func(cmd string) {
		if len(args) > 0 {
			out(append([][]byte{[]byte(cmd), k}, args...)...)
			args = args[:0]
		}
	}
	switch v := e.Obj().(type) {
	case *list.List:
		v.Range(0, v.Len()-1, func(_ int, el string) bool {
			args = append(args, []byte(el))
			if len(args) == rewriteChunk {
				flush("RPUSH")
			}
			return true
		})
		flush("RPUSH")
	case *hash.Hash:
		v.Range(func(f, val string) bool {
			args = append(args, []byte(f), []byte(val))
			if len(args) >= 2*rewriteChunk {
				flush("HSET")
			}
			return true
		})
		flush("HSET")
	case *set.Set:
		v.Range(func(m string) bool {
			args = append(args, []byte(m))
			if len(args) == rewriteChunk {
				flush("SADD")
			}
			return true
		})
		flush("SADD")
	case *zset.ZSet:
		v.Range(0, v.Len()-1, false, func(m string, score float64) bool {
			args = append(args, formatScore(score), []byte(m))
			if len(args) >= 2*rewriteChunk {
				flush("ZADD")
			}
			return true
		})
		flush("ZADD")
	case *jsonval.Doc:
		out([]byte("JSON.SET"), k, []byte("$"), jsonval.Serialize(v.Root))
	case CommandRewriter:
		v.RewriteCommands(k, out)
	}
}

// appendBase writes the whole keyspace into log as records: the base of a
// log switched on at runtime. Caller holds s.mu.
func (s *Server) appendBase(log commandLog) uint64 {
	var seq uint64
	var cmds []aof.Cmd
	size := 0
	commit := func() {
		if len(cmds) > 0 {
			seq = log.Append(aof.Record{Time: s.ks.Now(), Cmds: cmds})
			cmds, size = nil, 0
		}
	}
	// Functions are part of the dataset: the base restores them first.
	if s.scripts != nil && s.scripts.NumLibraries() > 0 {
		cmds = append(cmds, aof.Cmd{Args: [][]byte{[]byte("FUNCTION"), []byte("RESTORE"), s.scripts.FunctionDump(), []byte("REPLACE")}})
	}
	s.forEachKeyAsCommands(func(db int, args [][]byte) {
		cmds = append(cmds, aof.Cmd{DB: db, Args: args})
		for _, a := range args {
			size += len(a)
		}
		if len(cmds) >= 256 || size >= 1<<20 {
			commit()
		}
	})
	commit()
	return seq
}
