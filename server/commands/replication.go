package commands

import (
	"strings"

	"github.com/aikv/aikv/server/command"
)

// Replication commands, as far as AiKv has them: REPLCONF and SYNC serve
// one point-in-time snapshot (redis-cli --rdb, aikv-check backup); AiKv
// does not stream replication, so PSYNC is refused with an error that
// says so. See server/sync.go for the transfer.

func registerReplication(t *command.Table) {
	acl := []string{"admin", "slow", "dangerous"}
	syncFlags := command.Admin | command.NoScript | command.NoAsyncLoading | command.NoMulti
	t.Add(
		&command.Spec{Name: "replconf", Arity: -1, Flags: command.Admin | command.NoScript | command.Loading | command.Stale | command.AllowBusy,
			ACL: acl, Group: "server", Since: "3.0.0", Complexity: "O(1)",
			Summary: "An internal command for configuring the replication stream", Handler: replconf},
		&command.Spec{Name: "sync", Arity: 1, Flags: syncFlags, ACL: acl, Group: "server", Since: "1.0.0",
			Summary: "An internal command used in replication", Handler: syncCmd},
		&command.Spec{Name: "psync", Arity: -3, Flags: syncFlags, ACL: acl, Group: "server", Since: "2.8.0",
			Summary: "An internal command used in replication", Handler: psync},
	)
}

// replconf records what the client wants from SYNC. Options Redis knows
// and AiKv has no use for (ack, getack) are accepted silently, as Redis
// does for a client that is not a replica: no reply at all.
func replconf(c *command.Context) {
	if len(c.Args)%2 == 0 {
		c.W.Error(command.ErrSyntax)
		return
	}
	o := c.Client.Sync
	for j := 1; j < len(c.Args); j += 2 {
		opt, val := strings.ToLower(string(c.Args[j])), c.Args[j+1]
		switch opt {
		case "listening-port":
			if _, ok := parseInt(val); !ok {
				c.W.Error(command.ErrNotInteger)
				return
			}
			o.Replica = true
		case "ip-address":
			o.Replica = true
		case "capa":
			if eq(val, "eof") {
				o.EOF = true
			}
		case "ack", "getack":
			return
		case "rdb-only", "aikv-snapshot":
			n, ok := parseInt(val)
			if !ok {
				c.W.Error(command.ErrNotInteger)
				return
			}
			if n < 0 || n > 1 {
				// Redis's wording, typo included.
				c.W.Error("ERR value is out of range, value must between 0 and 1")
				return
			}
			if opt == "rdb-only" {
				o.RDBOnly = n == 1
			} else {
				o.AiKvFormat = n == 1
			}
		case "rdb-filter-only":
			o.NoData, o.NoFunctions = true, true
			for _, f := range strings.Fields(string(val)) {
				if !strings.EqualFold(f, "functions") {
					c.W.Error("ERR Unsupported rdb-filter-only option: " + f)
					return
				}
				o.NoFunctions = false
			}
		default:
			c.W.Error("ERR Unrecognized REPLCONF option: " + string(c.Args[j]))
			return
		}
	}
	c.Client.Sync = o
	c.W.OK()
}

// syncCmd sends a snapshot and closes the connection (server/sync.go).
func syncCmd(c *command.Context) {
	if err := c.Server.StartSync(c.Client); err != nil {
		c.W.Error(err.Error())
	}
}

// psync is refused: AiKv has no replication stream to continue. (A Redis
// replica then falls back to SYNC, which refuses replicas too.)
func psync(c *command.Context) {
	c.W.Error(command.ErrNoReplication)
}
