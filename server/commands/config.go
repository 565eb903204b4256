package commands

import (
	"net"
	"strings"

	"github.com/aikv/aikv/server/command"
)

func registerConfig(t *command.Table) {
	admin := command.Admin | command.NoScript | command.Loading | command.Stale
	acl := []string{"admin", "slow", "dangerous"}
	t.Add(&command.Spec{
		Name: "config", Arity: -2, ACL: []string{"slow"}, Group: "server",
		Summary: "A container for server configuration commands", Since: "2.0.0",
		Complexity: "Depends on subcommand.",
		Subcommands: map[string]*command.Spec{
			"get": {Arity: -3, Flags: admin, ACL: acl, Handler: configGet, Since: "2.0.0",
				Summary:    "Returns the effective values of configuration parameters",
				Complexity: "O(N) when N is the number of configuration parameters provided"},
			"set": {Arity: -4, Flags: admin, ACL: acl, Handler: configSet, Since: "2.0.0",
				Summary:    "Sets configuration parameters in-flight",
				Complexity: "O(N) when N is the number of configuration parameters provided"},
			"resetstat": {Arity: 2, Flags: admin, ACL: acl, Handler: configResetStat, Since: "2.0.0",
				Summary: "Resets the server's statistics", Complexity: "O(1)"},
			"rewrite": {Arity: 2, Flags: admin, ACL: acl, Handler: configRewrite, Since: "2.8.0",
				Summary: "Persists the effective configuration to file", Complexity: "O(1)"},
			"help": {Arity: 2, Flags: command.Loading | command.Stale, ACL: []string{"slow"}, Handler: configHelp,
				Since: "5.0.0", Summary: "Returns helpful text about the different subcommands", Complexity: "O(1)"},
		},
	})
}

// configGet replies with every parameter matching any of the patterns, as
// a map (RESP3) or a flat array of name, value pairs (RESP2). A parameter
// matched by several patterns is reported once.
func configGet(c *command.Context) {
	seen := map[string]bool{}
	var pairs [][2]string
	for _, pat := range c.Args[2:] {
		for _, kv := range c.Server.ConfigGet(string(pat)) {
			if k := strings.ToLower(kv[0]); !seen[k] {
				seen[k] = true
				pairs = append(pairs, kv)
			}
		}
	}
	c.W.Map(len(pairs))
	for _, kv := range pairs {
		c.W.BulkString(kv[0])
		c.W.BulkString(kv[1])
	}
}

// configSet sets every pair or none.
func configSet(c *command.Context) {
	args := c.Args[2:]
	if len(args)%2 != 0 {
		c.W.Error(command.ErrSyntax)
		return
	}
	pairs := make([][2]string, 0, len(args)/2)
	for i := 0; i < len(args); i += 2 {
		pairs = append(pairs, [2]string{string(args[i]), string(args[i+1])})
	}
	if err := c.Server.ConfigSet(pairs, isLocalClient(c.Client)); err != nil {
		c.W.Error(err.Error())
		return
	}
	c.W.OK()
}

// isLocalClient reports whether the client connects from the loopback
// interface (or not over TCP), as Redis's islocalClient.
func isLocalClient(cl *command.Client) bool {
	host, _, err := net.SplitHostPort(cl.Addr)
	if err != nil {
		return true
	}
	ip := net.ParseIP(host)
	return ip == nil || ip.IsLoopback()
}

func configResetStat(c *command.Context) {
	c.Server.ResetStats()
	c.W.OK()
}

func configRewrite(c *command.Context) {
	if err := c.Server.ConfigRewrite(); err != nil {
		c.W.Error(err.Error())
		return
	}
	c.W.OK()
}

var configHelpLines = []string{
	"CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"GET <pattern>",
	"    Return parameters matching the glob-like <pattern> and their values.",
	"SET <directive> <value>",
	"    Set the configuration <directive> to <value>.",
	"RESETSTAT",
	"    Reset statistics reported by the INFO command.",
	"REWRITE",
	"    Rewrite the configuration file.",
	"HELP",
	"    Prints this help.",
}

func configHelp(c *command.Context) {
	c.W.Array(len(configHelpLines))
	for _, l := range configHelpLines {
		c.W.SimpleString(l)
	}
}
