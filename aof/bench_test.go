package aof

import (
	"strconv"
	"sync"
	"testing"
)

// BenchmarkAppendWait measures Append+Wait per record for each policy with
// 1 and 50 concurrent clients (goroutines); fsyncs/op shows group commit.
func BenchmarkAppendWait(b *testing.B) {
	r := Record{Time: 1, Cmds: []Cmd{{DB: 0, Args: args("SET", "key:000000000001", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")}}}
	for _, p := range policies {
		for _, clients := range []int{1, 50} {
			b.Run(p.String()+"/"+strconv.Itoa(clients), func(b *testing.B) {
				l := openLog(b, Options{Dir: b.TempDir(), Fsync: p})
				base := l.Stats().Fsyncs
				var serverMu sync.Mutex // the dispatcher's lock around Append
				var wg sync.WaitGroup
				b.ResetTimer()
				for c := range clients {
					n := b.N / clients
					if c < b.N%clients {
						n++
					}
					wg.Add(1)
					go func() {
						defer wg.Done()
						for range n {
							serverMu.Lock()
							seq := l.Append(r)
							serverMu.Unlock()
							if err := l.Wait(seq); err != nil {
								b.Error(err)
								return
							}
						}
					}()
				}
				wg.Wait()
				b.StopTimer()
				b.ReportMetric(float64(l.Stats().Fsyncs-base)/float64(b.N), "fsyncs/op")
			})
		}
	}
}
