package commands

import (
	"math/rand/v2"
	"testing"

	"github.com/aikv/aikv/datastructs/jsonval"
)

// TestJSONCachedSize runs random JSON writes and checks after each that the
// document's cached size (what memory accounting reads) equals a full
// measure of the document: every mutator must account for its change.
func TestJSONCachedSize(t *testing.T) {
	e := newJSONEnv(t)
	rnd := rand.New(rand.NewPCG(1, 2))
	paths := []string{"$", "$.a", "$..a", "$.o", "$.o.a", "$.arr", "$..arr", "$.arr[0]", "$.arr[-1]", "$.o.arr",
		"$.s", "$..s", "$.n", "$..n", "$.*", "$..*", "$.new", "$.o.new", "$.arr[*]", ".a", ".arr", ".o"}
	vals := []string{"1", "1000000", "2.5", `"str"`, `"a much longer string value"`, "null", "true", "[]", "{}",
		`[1,"x",{"a":1}]`, `{"a":{"b":[1,2,3]},"s":"q","n":7}`, `{"a":null}`, `{"arr":[9,8],"o":null}`}
	start := `{"a":1,"s":"x","n":3,"arr":[1,[2,3],{"a":[4]}],"o":{"a":{"a":2},"arr":[5,6,7,8,9],"s":"y","n":1.5}}`
	pick := func(l []string) string { return l[rnd.IntN(len(l))] }
	e.do(2, "JSON.SET", "doc", "$", start)
	for i := range 3000 {
		var args []string
		switch rnd.IntN(14) {
		case 0:
			args = []string{"JSON.SET", "doc", pick(paths), pick(vals)}
		case 1:
			args = []string{"JSON.MERGE", "doc", pick(paths), pick(vals)}
		case 2:
			args = []string{"JSON.DEL", "doc", pick(paths[1:])}
		case 3:
			args = []string{"JSON.NUMINCRBY", "doc", pick(paths), "7"}
		case 4:
			args = []string{"JSON.NUMMULTBY", "doc", pick(paths), "1e6"}
		case 5:
			args = []string{"JSON.STRAPPEND", "doc", pick(paths), `"abc"`}
		case 6:
			args = []string{"JSON.ARRAPPEND", "doc", pick(paths), pick(vals), pick(vals)}
		case 7:
			args = []string{"JSON.ARRINSERT", "doc", pick(paths), "0", pick(vals)}
		case 8:
			args = []string{"JSON.ARRPOP", "doc", pick(paths), "0"}
		case 9:
			args = []string{"JSON.ARRTRIM", "doc", pick(paths), "1", "2"}
		case 10:
			args = []string{"JSON.CLEAR", "doc", pick(paths)}
		case 11:
			args = []string{"JSON.TOGGLE", "doc", pick(paths)}
		case 12:
			args = []string{"JSON.MSET", "doc", pick(paths), pick(vals), "doc", pick(paths), pick(vals)}
		case 13:
			args = []string{"JSON.SET", "doc", "$", start}
		}
		e.do(2, args...)
		ent := e.ks.DB(0).Peek("doc")
		if ent == nil {
			e.do(2, "JSON.SET", "doc", "$", start)
			continue
		}
		doc := ent.Obj().(*jsonval.Doc)
		if got, want := doc.Size(), jsonval.Memory(doc.Root); got != want {
			t.Fatalf("step %d %v: cached size %d, measured %d (%s)", i, args, got, want, jsonval.Serialize(doc.Root))
		}
	}
}
