package server

import (
	"testing"

	"github.com/aikv/aikv/server/commands"
)

// TestSpecCacheAgreesWithTable looks names up through a connection's
// cache in an order that evicts and reuses entries; names sharing their
// first 8 bytes, names of exactly 8 bytes, other cases and unknown names
// must resolve as the table does.
func TestSpecCacheAgreesWithTable(t *testing.T) {
	tab := commands.NewTable()
	c := &conn{}
	names := []string{
		"get", "GET", "zrangebyscore", "zrangebylex", "georadius", "georadius_ro",
		"getrange", "GETRANGE", "getrang", "set", "", "nosuchcommand", "zrangeby",
		"zrangebyscorex", "get\x00", "incrbyfloat", "incrby",
	}
	for round := 0; round < 3; round++ {
		for i, n := range names {
			for _, name := range []string{n, names[(i*7+round)%len(names)]} {
				got, want := c.lookup(tab, []byte(name)), tab.Lookup([]byte(name))
				if got != want {
					t.Fatalf("round %d: lookup(%q) = %v, table says %v", round, name, got, want)
				}
			}
		}
	}
}
