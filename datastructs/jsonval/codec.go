package jsonval

import (
	"errors"
	"fmt"

	"github.com/aikv/aikv/datastructs"
)

// SnapshotTag is the document type's tag in snapshot files
// (snapshot.TagJSON; a snapshot test checks they agree).
const SnapshotTag = 6

// snapshotChunk is the most document bytes per snapshot record
// (snapshot.ChunkBytes).
const snapshotChunk = 256 << 10

// SnapshotCodec stores documents in snapshot files: pass it in
// snapshot.Options.Codecs. It implements snapshot.Codec without
// importing the snapshot package. A document is stored as its serialized
// text (Serialize) cut into chunks, and rebuilt with Parse, which keeps
// object key order, exact integers and floats. Parse's nesting limit
// (128) applies on load as it does to JSON.SET.
type SnapshotCodec struct{}

// Tag returns SnapshotTag.
func (SnapshotCodec) Tag() uint8 { return SnapshotTag }

// Type returns datastructs.TypeJSON.
func (SnapshotCodec) Type() datastructs.Type { return datastructs.TypeJSON }

// Encode emits d's serialized text in chunks of at most 256 KiB.
func (SnapshotCodec) Encode(v datastructs.Value, emit func(chunk []byte) error) error {
	d, ok := v.(*Doc)
	if !ok || d.Root == nil {
		return fmt.Errorf("jsonval: cannot encode %T", v)
	}
	b := Serialize(d.Root)
	for len(b) > snapshotChunk {
		if err := emit(b[:snapshotChunk]); err != nil {
			return err
		}
		b = b[snapshotChunk:]
	}
	return emit(b)
}

// Decode parses the concatenated chunks back into a document.
func (SnapshotCodec) Decode(next func() (chunk []byte, ok bool, err error)) (datastructs.Value, error) {
	var b []byte
	for {
		c, ok, err := next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		b = append(b, c...)
	}
	if len(b) == 0 {
		return nil, errors.New("jsonval: empty document")
	}
	root, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("jsonval: document: %w", err)
	}
	return &Doc{Root: root}, nil
}
