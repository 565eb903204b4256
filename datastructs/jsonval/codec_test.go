package jsonval

import (
	"strings"
	"testing"
)

// codecRoundTrip encodes d and decodes the chunks it emitted.
func codecRoundTrip(t *testing.T, d *Doc) (*Doc, int) {
	t.Helper()
	var chunks [][]byte
	err := SnapshotCodec{}.Encode(d, func(c []byte) error {
		chunks = append(chunks, append([]byte(nil), c...))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	v, err := SnapshotCodec{}.Decode(func() ([]byte, bool, error) {
		if i == len(chunks) {
			return nil, false, nil
		}
		i++
		return chunks[i-1], true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return v.(*Doc), len(chunks)
}

func TestSnapshotCodecRoundTrip(t *testing.T) {
	for _, src := range []string{
		`{"z":1,"a":[1,2.5,-0.0,1e300,18446744073709551615,-9223372036854775808],"m":{"x":null,"y":true,"s":"\u0000é\"\\"}}`,
		`"just a string"`, `7`, `[]`, `{}`,
	} {
		root, err := Parse([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := codecRoundTrip(t, &Doc{Root: root})
		if !Equal(root, got.Root) || string(Serialize(root)) != string(Serialize(got.Root)) {
			t.Fatalf("%s: got %s", src, Serialize(got.Root))
		}
	}
	// A document larger than one chunk comes back whole.
	big := `{"k":"` + strings.Repeat("x", 3*snapshotChunk) + `"}`
	root, _ := Parse([]byte(big))
	got, n := codecRoundTrip(t, &Doc{Root: root})
	if n != 4 || string(Serialize(got.Root)) != big {
		t.Fatalf("%d chunks", n)
	}
}

func TestSnapshotCodecRejects(t *testing.T) {
	for _, chunks := range [][]string{{}, {`{"a":`}, {`{"a":1}`, `x`}} {
		i := 0
		_, err := SnapshotCodec{}.Decode(func() ([]byte, bool, error) {
			if i == len(chunks) {
				return nil, false, nil
			}
			i++
			return []byte(chunks[i-1]), true, nil
		})
		if err == nil {
			t.Errorf("%q accepted", chunks)
		}
	}
}
