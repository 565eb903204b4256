package commands

import (
	"strconv"
	"strings"
	"time"

	"github.com/aikv/aikv/server/command"
)

// Server administration: INFO, TIME, SLOWLOG, LATENCY, MEMORY, DEBUG,
// SHUTDOWN, MONITOR, plus CLIENT (client.go) and COMMAND
// (introspection.go).

func registerAdmin(t *command.Table) {
	ls := command.Loading | command.Stale
	admin := command.Admin | command.NoScript | ls
	sub := func(name string, arity int, flags command.Flags, since, summary, complexity string, h command.Handler, tips ...string) *command.Spec {
		return &command.Spec{Name: name, Arity: arity, Flags: flags, Since: since, Summary: summary,
			Complexity: complexity, Handler: h, Tips: tips}
	}
	t.Add(
		clientSpec(),
		commandSpec(),
		&command.Spec{Name: "info", Arity: -1, Flags: ls, ACL: []string{"dangerous"}, Group: "server", Since: "1.0.0",
			Summary: "Get information and statistics about the server", Complexity: "O(1)",
			Tips: []string{"nondeterministic_output", "request_policy:all_shards", "response_policy:special"}, Handler: info},
		&command.Spec{Name: "time", Arity: 1, Flags: ls | command.Fast, Group: "server", Since: "2.6.0",
			Summary: "Return the current server time", Complexity: "O(1)", Tips: []string{"nondeterministic_output"}, Handler: timeCmd},
		&command.Spec{Name: "monitor", Arity: 1, Flags: admin, Group: "server", Since: "1.0.0",
			Summary: "Listen for all requests received by the server in real time", Handler: monitor},
		&command.Spec{Name: "debug", Arity: -2, Flags: admin, Group: "server", Since: "1.0.0",
			Summary: "A container for debugging commands", Complexity: "Depends on subcommand.", Handler: debugCmd},
		&command.Spec{Name: "shutdown", Arity: -1, Flags: admin | command.NoMulti | command.AllowBusy, Group: "server", Since: "1.0.0",
			Summary:    "Synchronously save the dataset to disk and then shut down the server",
			Complexity: "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
			Handler:    shutdown},
		&command.Spec{Name: "slowlog", Arity: -2, Group: "server", Since: "2.2.12",
			Summary: "A container for slow log commands", Complexity: "Depends on subcommand.",
			Subcommands: map[string]*command.Spec{
				"get": sub("slowlog|get", -2, command.Admin|ls, "2.2.12", "Get the slow log's entries",
					"O(N) where N is the number of entries returned", slowlogGet, "request_policy:all_nodes", "nondeterministic_output"),
				"len": sub("slowlog|len", 2, command.Admin|ls, "2.2.12", "Get the slow log's length", "O(1)", slowlogLen,
					"request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output"),
				"reset": sub("slowlog|reset", 2, command.Admin|ls, "2.2.12", "Clear all entries from the slow log",
					"O(N) where N is the number of entries in the slowlog", slowlogReset, "request_policy:all_nodes", "response_policy:all_succeeded"),
				"help": sub("slowlog|help", 2, ls, "6.2.0", "Show helpful text about the different subcommands", "O(1)", slowlogHelp),
			}},
		&command.Spec{Name: "latency", Arity: -2, Group: "server", Since: "2.8.13",
			Summary: "A container for latency diagnostics commands", Complexity: "Depends on subcommand.",
			Subcommands: map[string]*command.Spec{
				"latest": sub("latency|latest", 2, admin, "2.8.13", "Return the latest latency samples for all events.", "O(1)", latencyLatest,
					"nondeterministic_output", "request_policy:all_nodes", "response_policy:special"),
				"history": sub("latency|history", 3, admin, "2.8.13", "Return timestamp-latency samples for the event.", "O(1)", latencyHistory,
					"nondeterministic_output", "request_policy:all_nodes", "response_policy:special"),
				"reset": sub("latency|reset", -2, admin, "2.8.13", "Reset latency data for one or more events.", "O(1)", latencyReset,
					"request_policy:all_nodes", "response_policy:all_succeeded"),
				"help": sub("latency|help", 2, ls, "2.8.13", "Show helpful text about the different subcommands.", "O(1)", latencyHelp),
			}},
		&command.Spec{Name: "memory", Arity: -2, Group: "server", Since: "4.0.0",
			Summary: "A container for memory diagnostics commands", Complexity: "Depends on subcommand.",
			Subcommands: map[string]*command.Spec{
				"usage": {Name: "memory|usage", Arity: -3, Flags: command.ReadOnly, FirstKey: 2, LastKey: 2, Step: 1, Since: "4.0.0",
					Summary: "Estimate the memory usage of a key", Complexity: "O(N) where N is the number of samples.", Handler: memoryUsage},
				"stats": sub("memory|stats", 2, 0, "4.0.0", "Show memory usage details", "O(1)", memoryStats,
					"nondeterministic_output", "request_policy:all_shards", "response_policy:special"),
				"doctor": sub("memory|doctor", 2, 0, "4.0.0", "Outputs memory problems report", "O(1)", memoryDoctor,
					"nondeterministic_output", "request_policy:all_shards", "response_policy:special"),
				"malloc-stats": sub("memory|malloc-stats", 2, 0, "4.0.0", "Show allocator internal stats",
					"Depends on how much memory is allocated, could be slow", memoryMallocStats,
					"nondeterministic_output", "request_policy:all_shards", "response_policy:special"),
				"purge": sub("memory|purge", 2, 0, "4.0.0", "Ask the allocator to release memory",
					"Depends on how much memory is allocated, could be slow", memoryPurge,
					"request_policy:all_shards", "response_policy:all_succeeded"),
				"help": sub("memory|help", 2, ls, "4.0.0", "Show helpful text about the different subcommands", "O(1)", memoryHelp),
			}},
	)
}

func info(c *command.Context) {
	var sections []string
	for _, a := range c.Args[1:] {
		sections = append(sections, string(a))
	}
	c.W.Verbatim("txt", c.Server.Info(sections))
}

func timeCmd(c *command.Context) {
	now := time.Now()
	c.W.Array(2)
	c.W.BulkString(strconv.FormatInt(now.Unix(), 10))
	c.W.BulkString(strconv.FormatInt(int64(now.Nanosecond()/1000), 10))
}

// monitor turns the connection into a MONITOR stream. A second MONITOR is
// ignored without a reply, as in Redis.
func monitor(c *command.Context) {
	if c.Client.Monitor {
		return
	}
	c.Server.StartMonitor(c.Client)
	c.W.OK()
}

// debugCmd implements DEBUG SLEEP and DEBUG HELP, and the test-only
// DEBUG AOF-FAULT and RDB-FAULT (see command.Server.SetDiskFault). DEBUG SLEEP holds the
// server lock while it sleeps: Redis blocks the whole server during
// DEBUG SLEEP (that is what the command is for), so this is faithful.
// Unlike Redis, DEBUG needs no enable-debug-command.
func debugCmd(c *command.Context) {
	switch {
	case eq(c.Args[1], "help") && len(c.Args) == 2:
		writeHelp(c, "DEBUG", []string{
			"SLEEP <seconds>",
			"    Stop the server for <seconds>. Decimals allowed.",
		})
	case eq(c.Args[1], "sleep") && len(c.Args) == 3:
		// Redis uses strtod and ignores errors: junk sleeps 0 seconds.
		secs := leadingFloat(string(c.Args[2]))
		if secs > 0 {
			time.Sleep(time.Duration(secs * float64(time.Second)))
		}
		c.W.OK()
	case (eq(c.Args[1], "aof-fault") || eq(c.Args[1], "rdb-fault")) && len(c.Args) == 3:
		// AiKv only, and only when the process enabled fault injection
		// (server/faults.go); otherwise an unknown subcommand.
		target := strings.ToLower(string(c.Args[1][:3]))
		enabled, err := c.Server.SetDiskFault(target, strings.ToLower(string(c.Args[2])))
		switch {
		case !enabled:
			c.W.Error("ERR unknown subcommand or wrong number of arguments for '" + string(c.Args[1]) + "'. Try DEBUG HELP.")
		case err != nil:
			c.W.Error(err.Error())
		default:
			c.W.OK()
		}
	default:
		c.W.Error("ERR unknown subcommand or wrong number of arguments for '" + string(c.Args[1]) + "'. Try DEBUG HELP.")
	}
}

// leadingFloat parses the longest numeric prefix of s like strtod, or 0.
func leadingFloat(s string) float64 {
	s = strings.TrimLeft(s, " \t\n\r\v\f")
	for end := len(s); end > 0; end-- {
		if f, err := strconv.ParseFloat(s[:end], 64); err == nil {
			return f
		}
	}
	return 0
}

// shutdown asks the server to stop. On success nothing is replied: the
// client sees its connection close, as with Redis.
func shutdown(c *command.Context) {
	var save, nosave, abort, other bool
	for _, a := range c.Args[1:] {
		switch {
		case eq(a, "nosave"):
			nosave = true
		case eq(a, "save"):
			save = true
		case eq(a, "now"), eq(a, "force"):
			// There is no replica wait and no failing save to force past.
			other = true
		case eq(a, "abort"):
			abort = true
		default:
			c.W.Error(command.ErrSyntax)
			return
		}
	}
	if (save && nosave) || (abort && (save || nosave || other)) {
		c.W.Error(command.ErrSyntax)
		return
	}
	if abort {
		// A shutdown here never waits (no replicas), so nothing can be
		// in progress.
		c.W.Error("ERR No shutdown in progress.")
		return
	}
	mode := command.ShutdownDefault
	switch {
	case save:
		mode = command.ShutdownSave
	case nosave:
		mode = command.ShutdownNoSave
	}
	if err := c.Server.RequestShutdown(mode); err != nil {
		c.W.Error(err.Error())
		return
	}
	c.Client.CloseAfterReply = true
}

func slowlogGet(c *command.Context) {
	n := int64(10)
	if len(c.Args) > 3 {
		c.W.Error("ERR unknown subcommand or wrong number of arguments for '" + string(c.Args[1]) + "'. Try SLOWLOG HELP.")
		return
	}
	if len(c.Args) == 3 {
		v, ok := parseInt(c.Args[2])
		if !ok || v < -1 {
			c.W.Error("ERR count should be greater than or equal to -1")
			return
		}
		n = v
	}
	if n > 1<<30 {
		n = -1
	}
	entries := c.Server.Slowlog(int(n))
	c.W.Array(len(entries))
	for _, e := range entries {
		c.W.Array(6)
		c.W.Int(e.ID)
		c.W.Int(e.Time)
		c.W.Int(e.Duration)
		c.W.Array(len(e.Args))
		for _, a := range e.Args {
			c.W.BulkString(a)
		}
		c.W.BulkString(e.Addr)
		c.W.BulkString(e.Name)
	}
}

func slowlogLen(c *command.Context) { c.W.Int(int64(c.Server.SlowlogLen())) }

func slowlogReset(c *command.Context) {
	c.Server.SlowlogReset()
	c.W.OK()
}

func slowlogHelp(c *command.Context) {
	writeHelp(c, "SLOWLOG", []string{
		"GET [<count>]",
		"    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
		"    Entries are made of:",
		"    id, timestamp, time in microseconds, arguments array, client IP and port,",
		"    client name",
		"LEN",
		"    Return the length of the slowlog.",
		"RESET",
		"    Reset the slowlog.",
	})
}

func latencyLatest(c *command.Context) {
	evs := c.Server.LatencyLatest()
	c.W.Array(len(evs))
	for _, e := range evs {
		c.W.Array(4)
		c.W.BulkString(e.Name)
		c.W.Int(e.Time)
		c.W.Int(e.Latest)
		c.W.Int(e.Max)
	}
}

func latencyHistory(c *command.Context) {
	samples := c.Server.LatencyHistory(string(c.Args[2]))
	c.W.Array(len(samples))
	for _, s := range samples {
		c.W.Array(2)
		c.W.Int(s.Time)
		c.W.Int(s.Latency)
	}
}

func latencyReset(c *command.Context) {
	var events []string
	for _, a := range c.Args[2:] {
		events = append(events, string(a))
	}
	c.W.Int(int64(c.Server.LatencyReset(events)))
}

func latencyHelp(c *command.Context) {
	writeHelp(c, "LATENCY", []string{
		"DOCTOR",
		"    Return a human readable latency analysis report.",
		"GRAPH <event>",
		"    Return an ASCII latency graph for the <event> class.",
		"HISTORY <event>",
		"    Return time-latency samples for the <event> class.",
		"LATEST",
		"    Return the latest latency samples for all events.",
		"RESET [<event> ...]",
		"    Reset latency data of one or more <event> classes.",
		"    (default: reset all data for all event classes)",
		"HISTOGRAM [COMMAND ...]",
		"    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
		"    If no commands are specified then all histograms are replied.",
	})
}
