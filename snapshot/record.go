package snapshot

import (
	"fmt"

	"github.com/aikv/aikv/datastructs"
)

// Tag is a value type as stored in the file. Tags are part of the format:
// never renumber them.
type Tag uint8

// Built-in tags. Tag 0 marks a continuation record. Tags from TagJSON on
// belong to Codecs.
const (
	tagContinue Tag = 0
	TagString   Tag = 1
	TagList     Tag = 2
	TagSet      Tag = 3
	TagZSet     Tag = 4
	TagHash     Tag = 5
	// TagJSON is the JSON type's tag, used by jsonval.SnapshotCodec.
	TagJSON Tag = 6
	// TagFirstFree is the first tag no type has claimed; a new type's
	// Codec takes the next free one and this constant moves up.
	TagFirstFree Tag = 7
)

var tagNames = map[Tag]string{
	TagString: "string", TagList: "list", TagSet: "set", TagZSet: "zset", TagHash: "hash", TagJSON: "ReJSON-RL",
}

// String returns the type name TYPE would reply with, or "tag N".
func (t Tag) String() string {
	if s, ok := tagNames[t]; ok {
		return s
	}
	return fmt.Sprintf("tag %d", uint8(t))
}

// builtin reports whether t is encoded by the core (not by a Codec).
func (t Tag) builtin() bool { return t >= TagString && t <= TagHash }

// flagMore in a record's flags says more chunks of the same key follow.
const flagMore = 1

// Record is one record of a snapshot: a key's first chunk, or a later chunk
// of the same key. Records are what Reader.NextRecord yields for tools that
// stream a file without building values (verify, inspect, export).
//
// Strings in a Record are owned by the caller; the slices (Elems, Scores,
// Blob) are reused by the next call to NextRecord.
type Record struct {
	// First is true for the first record of a key. Later records of the
	// same key repeat DB, Key, Tag and ExpireAt from it.
	First bool
	// More is true when more records of the same key follow.
	More     bool
	DB       int
	Key      string
	Tag      Tag
	ExpireAt int64
	// Str is a string value's chunk (TagString): the value is the
	// concatenation of its chunks.
	Str string
	// Elems holds list elements in order, set members, hash field, value
	// pairs (flattened), or zset members (TagList, TagSet, TagHash,
	// TagZSet).
	Elems []string
	// Scores holds the zset scores, Scores[i] for Elems[i].
	Scores []float64
	// Blob is a Codec's chunk for any other tag.
	Blob []byte

	// packed is a built-in collection's packed chunk (version 2: an
	// intset, a hash or zset listpack, a list node), a view of the
	// current block, when the Reader keeps packed chunks (the loader).
	// Otherwise NextRecord unpacks it into Elems and Scores, so tools
	// see the same records from every version.
	packed []byte
}

// Codec adds a value type to the format without touching the core: the
// writer hands values of Type() to Encode, and the reader rebuilds them
// with Decode from the chunks Encode emitted, in order. Pass codecs in
// Options.Codecs.
//
// The method signatures use only datastructs and standard types, so a
// value package can implement Codec without importing snapshot.
//
// Encode runs while the snapshot is written (possibly on a background
// goroutine over a frozen view): it must only read v. It should emit
// chunks of at most ChunkBytes so records stay small; emit copies the
// chunk. Decode's next returns the chunks one at a time (ok false after
// the last); a chunk is valid until the following call. Decode must
// consume every chunk (call next until ok is false) and must not trust
// the content: return an error (it is reported wrapped in ErrCorrupt)
// rather than panic.
type Codec interface {
	// Tag is the type's stable tag in the file (TagJSON, or a new tag
	// from TagFirstFree on).
	Tag() uint8
	// Type is the datastructs type of the values this codec handles.
	Type() datastructs.Type
	Encode(v datastructs.Value, emit func(chunk []byte) error) error
	Decode(next func() (chunk []byte, ok bool, err error)) (datastructs.Value, error)
}
