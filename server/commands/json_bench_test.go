package commands

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/server/command"
	"github.com/aikv/aikv/server/resp"
)

// BenchmarkJSONField measures JSON.GET and JSON.SET of one field of a 1 KB
// and a 100 KB document as the handler runs them, without the network
// (tests.BenchmarkJSON measures the same through a client).
func BenchmarkJSONField(b *testing.B) {
	for _, size := range []int{1 << 10, 100 << 10} {
		var sb strings.Builder
		sb.WriteString(`{"target":1`)
		for i := 0; sb.Len() < size; i++ {
			fmt.Fprintf(&sb, `,"f%d":{"n":%d,"s":"some text here","l":[1,2,3]}`, i, i)
		}
		sb.WriteString("}")
		b.Run(fmt.Sprintf("%dKB", size>>10), func(b *testing.B) {
			tbl := NewTable()
			ks := datastructs.New(datastructs.Options{})
			w := &resp.Writer{Protocol: 2}
			c := &command.Context{W: w, Client: &command.Client{Proto: 2}, KS: ks, DB: ks.DB(0)}
			run := func(args ...[]byte) {
				c.Spec = tbl.Lookup(args[0])
				c.Args = args
				w.B = w.B[:0]
				c.Spec.Handler(c)
				if len(w.B) == 0 || w.B[0] == '-' {
					b.Fatalf("%s: %q", args[0], w.B)
				}
			}
			run([]byte("JSON.SET"), []byte("doc"), []byte("$"), []byte(sb.String()))
			set, get := []byte("JSON.SET"), []byte("JSON.GET")
			key, path := []byte("doc"), []byte("$.target")
			b.Run("SET", func(b *testing.B) {
				b.ReportAllocs()
				var num []byte
				for i := 0; i < b.N; i++ {
					num = strconv.AppendInt(num[:0], int64(i), 10)
					run(set, key, path, num)
				}
			})
			b.Run("GET", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					run(get, key, path)
				}
			})
		})
	}
}
