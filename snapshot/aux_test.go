package snapshot

import (
	"bytes"
	"errors"
	"testing"

	"github.com/aikv/aikv/datastructs"
)

func TestAuxRoundTripAndDamage(t *testing.T) {
	ks := datastructs.New(datastructs.Options{})
	ks.DB(0).SetString([]byte("k"), []byte("v"), 0, false)
	var buf bytes.Buffer
	aux := map[string][]byte{"functions": []byte("payload\x00bytes"), "other": nil}
	if _, err := Write(&buf, KeyspaceSource(ks), Options{Aux: aux, LogBase: true, Seq: 7}); err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(bytes.NewReader(buf.Bytes()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Aux()["functions"]; string(got) != "payload\x00bytes" {
		t.Fatalf("aux functions = %q", got)
	}
	if r.Header().Flags&FlagLogBase == 0 || r.Header().Seq != 7 {
		t.Fatalf("header %+v", r.Header())
	}
	ks2 := datastructs.New(datastructs.Options{})
	if _, err := r.Load(ks2); err != nil || ks2.DB(0).Len() != 1 {
		t.Fatalf("load: %v", err)
	}
	// A flipped byte inside the aux section is refused.
	b := append([]byte(nil), buf.Bytes()...)
	b[headerSize+12] ^= 0xff
	if _, err := NewReader(bytes.NewReader(b), Options{}); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("damaged aux: %v", err)
	}
}
