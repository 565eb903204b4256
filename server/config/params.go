package config

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

// The registry of every Redis 7.0 configuration parameter (what
// `CONFIG GET *` lists on redis-server 7.0.15, built with TLS), with
// Redis's types, ranges, defaults and flags. Redis's hidden debugging
// parameters (key-load-delay, watchdog-period...) are left out.

const (
	intMax   = math.MaxInt32
	intMin   = math.MinInt32
	uintMax  = math.MaxUint32
	longMax  = math.MaxInt64
	llongMax = math.MaxInt64
)

type opt func(*Param)

func aliases(names ...string) opt { return func(p *Param) { p.Aliases = names } }
func flags(f Flags) opt           { return func(p *Param) { p.Flags |= f } }

func mk(p *Param, opts []opt) *Param {
	for _, o := range opts {
		o(p)
	}
	return p
}

func boolP(name string, def bool, opts ...opt) *Param {
	return mk(&Param{Name: name, Kind: Bool, Default: yesno(def)}, opts)
}

func intP(name string, lo, hi, def int64, opts ...opt) *Param {
	return mk(&Param{Name: name, Kind: Int, Min: lo, Max: hi, Default: strconv.FormatInt(def, 10)}, opts)
}

func memP(name string, lo, hi, def int64, opts ...opt) *Param {
	return mk(&Param{Name: name, Kind: Memory, Min: lo, Max: hi, Default: strconv.FormatInt(def, 10)}, opts)
}

func enumP(name string, values []string, def string, opts ...opt) *Param {
	return mk(&Param{Name: name, Kind: Enum, Values: values, Default: def}, opts)
}

func strP(name, def string, opts ...opt) *Param {
	return mk(&Param{Name: name, Kind: String, Default: def}, opts)
}

func specialP(name, def string, parse func(string) (string, error), opts ...opt) *Param {
	return mk(&Param{Name: name, Kind: Special, Default: def, parse: parse}, opts)
}

var (
	protectedAction = []string{"no", "yes", "local"}
	noEffect        = flags(NoEffect)
	unsupported     = flags(Unsupported)
	immutable       = flags(Immutable)
)

func params() []*Param {
	return []*Param{
		// Network and clients.
		specialP("bind", "* -::*", parseBind, flags(MultiArg|StartupOnly), bindList(func(c *Config) *[]string { return &c.Bind })),
		intP("port", 0, 65535, 6379, flags(StartupOnly), bindInt(func(c *Config) *int { return &c.Port })),
		boolP("protected-mode", true, bindBool(func(c *Config) *bool { return &c.ProtectedMode })),
		strP("requirepass", "", flags(Sensitive), bindString(func(c *Config) *string { return &c.RequirePass })),
		intP("maxclients", 1, uintMax, 10000, bindInt(func(c *Config) *int { return &c.MaxClients })),
		intP("timeout", 0, intMax, 0, bindSeconds(func(c *Config) *time.Duration { return &c.Timeout })),
		intP("tcp-keepalive", 0, intMax, 300, bindSeconds(func(c *Config) *time.Duration { return &c.TCPKeepAlive })),
		intP("tcp-backlog", 0, intMax, 511, immutable, noEffect),
		intP("databases", 1, intMax, 16, immutable, bindInt(func(c *Config) *int { return &c.Databases })),
		memP("proto-max-bulk-len", 1<<20, longMax, 512<<20, bindInt64(func(c *Config) *int64 { return &c.ProtoMaxBulkLen })),
		memP("client-query-buffer-limit", 1<<20, longMax, 1<<30, bindInt64(func(c *Config) *int64 { return &c.ClientQueryBufferLimit })),
		// Enforced for the normal class (server/outbuf.go); stored in Other.
		specialP("client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
			parseClientOutputBufferLimit, flags(MultiArg)),
		mk(&Param{Name: "maxmemory-clients", Kind: MemoryPercent, Min: -100, Max: longMax, Default: "0"}, []opt{unsupported}),
		strP("unixsocket", "", immutable, unsupported),
		intP("unixsocketperm", 0, 0777, 0, immutable, unsupported),
		intP("socket-mark-id", 0, uintMax, 0, unsupported),

		// Persistence.
		strP("dir", "", flags(Protected), bindString(func(c *Config) *string { return &c.Dir })),
		specialP("dbfilename", "dump.rdb", parseDBFilename, flags(Protected), bindString(func(c *Config) *string { return &c.DBFilename })),
		specialP("save", "3600 1 300 100 60 10000", parseSave, flags(MultiArg), bindSaveField()),
		boolP("appendonly", false, bindBool(func(c *Config) *bool { return &c.AppendOnly })),
		enumP("appendfsync", []string{"everysec", "always", "no"}, "everysec", bindString(func(c *Config) *string { return &c.AppendFsync })),
		strP("appendfilename", "appendonly.aof", immutable, bindString(func(c *Config) *string { return &c.AppendFilename })),
		strP("appenddirname", "appendonlydir", immutable, bindString(func(c *Config) *string { return &c.AppendDirname })),
		boolP("aof-load-truncated", true, bindBool(func(c *Config) *bool { return &c.AOFLoadTruncated })),
		intP("auto-aof-rewrite-percentage", 0, intMax, 100, bindInt(func(c *Config) *int { return &c.AutoAOFRewritePercentage })),
		memP("auto-aof-rewrite-min-size", 0, llongMax, 64<<20, bindInt64(func(c *Config) *int64 { return &c.AutoAOFRewriteMinSize })),
		boolP("aof-use-rdb-preamble", true, noEffect),
		boolP("aof-timestamp-enabled", false, unsupported),
		boolP("aof-rewrite-incremental-fsync", true, noEffect),
		boolP("aof-disable-auto-gc", false, noEffect),
		boolP("no-appendfsync-on-rewrite", false, noEffect),
		boolP("rdbcompression", true, bindBool(func(c *Config) *bool { return &c.RDBCompression })),
		boolP("rdbchecksum", true, immutable, noEffect),
		boolP("rdb-del-sync-files", false, noEffect),
		boolP("rdb-save-incremental-fsync", true, noEffect),
		boolP("stop-writes-on-bgsave-error", true, bindBool(func(c *Config) *bool { return &c.StopWritesOnBgsaveError })),

		// Memory and eviction.
		mk(&Param{Name: "maxmemory", Kind: Memory, Min: 0, UnsignedMax: true, Default: "0"},
			[]opt{bindUint64(func(c *Config) *uint64 { return &c.MaxMemory })}),
		enumP("maxmemory-policy", []string{"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
			"allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"}, "noeviction",
			bindString(func(c *Config) *string { return &c.MaxMemoryPolicy })),
		intP("maxmemory-samples", 1, intMax, 5, bindInt(func(c *Config) *int { return &c.MaxMemorySamples })),
		intP("maxmemory-eviction-tenacity", 0, 100, 10, noEffect),
		intP("lfu-log-factor", 0, intMax, 10, bindInt(func(c *Config) *int { return &c.LFULogFactor })),
		intP("lfu-decay-time", 0, intMax, 1, bindInt(func(c *Config) *int { return &c.LFUDecayTime })),

		// Logging and process.
		enumP("loglevel", []string{"debug", "verbose", "notice", "warning"}, "notice",
			bindString(func(c *Config) *string { return &c.LogLevel })),
		strP("logfile", "", immutable, bindString(func(c *Config) *string { return &c.LogFile })),
		strP("pidfile", "", immutable, bindString(func(c *Config) *string { return &c.PidFile })),
		boolP("daemonize", false, immutable, unsupported),
		enumP("supervised", []string{"upstart", "systemd", "auto", "no"}, "no", immutable, unsupported),
		boolP("syslog-enabled", false, immutable, unsupported),
		strP("syslog-ident", "redis", immutable, unsupported),
		enumP("syslog-facility", []string{"user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"},
			"local0", immutable, unsupported),
		boolP("always-show-logo", false, immutable, noEffect),
		boolP("set-proc-title", true, immutable, noEffect),
		strP("proc-title-template", "{title} {listen-addr} {server-mode}", noEffect),
		boolP("crash-log-enabled", true, noEffect),
		boolP("crash-memcheck-enabled", true, noEffect),
		strP("ignore-warnings", "", noEffect),
		boolP("disable-thp", true, immutable, noEffect),
		enumP("oom-score-adj", []string{"no", "yes", "relative", "absolute"}, "no", unsupported),
		specialP("oom-score-adj-values", "0 200 800", parseOOMScoreAdjValues, flags(MultiArg), unsupported),
		intP("shutdown-timeout", 0, intMax, 10, bindInt(func(c *Config) *int { return &c.ShutdownTimeout })),
		specialP("shutdown-on-sigint", "default", parseShutdownOnSig, flags(MultiArg),
			bindString(func(c *Config) *string { return &c.ShutdownOnSigint })),
		specialP("shutdown-on-sigterm", "default", parseShutdownOnSig, flags(MultiArg),
			bindString(func(c *Config) *string { return &c.ShutdownOnSigterm })),
		strP("server_cpulist", "", immutable, noEffect),
		strP("bio_cpulist", "", immutable, noEffect),
		strP("aof_rewrite_cpulist", "", immutable, noEffect),
		strP("bgsave_cpulist", "", immutable, noEffect),

		// Slow log, latency, introspection.
		intP("slowlog-log-slower-than", -1, llongMax, 10000, bindInt64(func(c *Config) *int64 { return &c.SlowlogLogSlowerThan })),
		intP("slowlog-max-len", 0, longMax, 128, bindInt64(func(c *Config) *int64 { return &c.SlowlogMaxLen })),
		intP("latency-monitor-threshold", 0, llongMax, 0, noEffect),
		boolP("latency-tracking", true, noEffect),
		specialP("latency-tracking-info-percentiles", "50 99 99.9", parsePercentiles, flags(MultiArg), noEffect),
		specialP("notify-keyspace-events", "", parseNotifyKeyspaceEvents, bindNotify),
		intP("tracking-table-max-keys", 0, longMax, 1000000,
			bindInt64(func(c *Config) *int64 { return &c.TrackingTableMaxKeys })),
		intP("busy-reply-threshold", 0, longMax, 5000, aliases("lua-time-limit"),
			bindInt64(func(c *Config) *int64 { return &c.BusyReplyThreshold })),

		// Security and administration.
		enumP("enable-protected-configs", protectedAction, "no", immutable,
			bindString(func(c *Config) *string { return &c.EnableProtectedConfigs })),
		enumP("enable-debug-command", protectedAction, "no", immutable,
			bindString(func(c *Config) *string { return &c.EnableDebugCommand })),
		enumP("enable-module-command", protectedAction, "no", immutable, noEffect),
		strP("aclfile", "", immutable, unsupported),
		intP("acllog-max-len", 0, longMax, 128, noEffect),
		enumP("acl-pubsub-default", []string{"allchannels", "resetchannels"}, "resetchannels", noEffect),
		enumP("sanitize-dump-payload", []string{"no", "yes", "clients"}, "no", noEffect),

		// Redis internals: encodings, rehashing, threads, defragmentation.
		intP("hz", 0, intMax, 10, noEffect),
		boolP("dynamic-hz", true, noEffect),
		boolP("activerehashing", true, noEffect),
		intP("active-expire-effort", 1, 10, 1, noEffect),
		intP("io-threads", 1, 128, 1, immutable, noEffect),
		boolP("io-threads-do-reads", false, immutable, noEffect),
		boolP("jemalloc-bg-thread", true, noEffect),
		boolP("activedefrag", false, noEffect),
		memP("active-defrag-ignore-bytes", 1, llongMax, 100<<20, noEffect),
		intP("active-defrag-threshold-lower", 0, 1000, 10, noEffect),
		intP("active-defrag-threshold-upper", 0, 1000, 100, noEffect),
		intP("active-defrag-cycle-min", 1, 99, 1, noEffect),
		intP("active-defrag-cycle-max", 1, 99, 25, noEffect),
		intP("active-defrag-max-scan-fields", 1, longMax, 1000, noEffect),
		boolP("lazyfree-lazy-eviction", false, noEffect),
		boolP("lazyfree-lazy-expire", false, noEffect),
		boolP("lazyfree-lazy-server-del", false, noEffect),
		boolP("lazyfree-lazy-user-del", false, noEffect),
		boolP("lazyfree-lazy-user-flush", false, noEffect),
		intP("hash-max-listpack-entries", 0, longMax, 512, aliases("hash-max-ziplist-entries"),
			bindInt64(func(c *Config) *int64 { return &c.HashMaxListpackEntries })),
		memP("hash-max-listpack-value", 0, longMax, 64, aliases("hash-max-ziplist-value"),
			bindInt64(func(c *Config) *int64 { return &c.HashMaxListpackValue })),
		intP("list-max-listpack-size", intMin, intMax, -2, aliases("list-max-ziplist-size"), noEffect),
		intP("list-compress-depth", 0, intMax, 0, noEffect),
		intP("set-max-intset-entries", 0, longMax, 512, bindInt64(func(c *Config) *int64 { return &c.SetMaxIntsetEntries })),
		intP("zset-max-listpack-entries", 0, longMax, 128, aliases("zset-max-ziplist-entries"),
			bindInt64(func(c *Config) *int64 { return &c.ZSetMaxListpackEntries })),
		memP("zset-max-listpack-value", 0, longMax, 64, aliases("zset-max-ziplist-value"),
			bindInt64(func(c *Config) *int64 { return &c.ZSetMaxListpackValue })),
		memP("hll-sparse-max-bytes", 0, longMax, 3000, noEffect),
		memP("stream-node-max-bytes", 0, longMax, 4096, noEffect),
		intP("stream-node-max-entries", 0, llongMax, 100, noEffect),

		// Replication: not in AiKv yet.
		specialP("replicaof", "", parseReplicaOf, flags(MultiArg), aliases("slaveof"), immutable, unsupported),
		strP("masterauth", "", flags(Sensitive), unsupported),
		strP("masteruser", "", flags(Sensitive), unsupported),
		boolP("replica-serve-stale-data", true, aliases("slave-serve-stale-data"), unsupported),
		boolP("replica-read-only", true, aliases("slave-read-only"), unsupported),
		boolP("replica-lazy-flush", false, aliases("slave-lazy-flush"), unsupported),
		boolP("replica-ignore-maxmemory", true, aliases("slave-ignore-maxmemory"), unsupported),
		boolP("replica-announced", true, unsupported),
		boolP("replica-ignore-disk-write-errors", false, unsupported),
		intP("replica-priority", 0, intMax, 100, aliases("slave-priority"), unsupported),
		strP("replica-announce-ip", "", aliases("slave-announce-ip"), unsupported),
		intP("replica-announce-port", 0, 65535, 0, aliases("slave-announce-port"), unsupported),
		intP("min-replicas-to-write", 0, intMax, 0, aliases("min-slaves-to-write"), unsupported),
		intP("min-replicas-max-lag", 0, intMax, 10, aliases("min-slaves-max-lag"), unsupported),
		intP("repl-ping-replica-period", 1, intMax, 10, aliases("repl-ping-slave-period"), unsupported),
		intP("repl-timeout", 1, intMax, 60, unsupported),
		boolP("repl-disable-tcp-nodelay", false, unsupported),
		boolP("repl-diskless-sync", true, unsupported),
		intP("repl-diskless-sync-delay", 0, intMax, 5, unsupported),
		intP("repl-diskless-sync-max-replicas", 0, intMax, 0, unsupported),
		enumP("repl-diskless-load", []string{"disabled", "on-empty-db", "swapdb"}, "disabled", unsupported),
		memP("repl-backlog-size", 1, llongMax, 1<<20, unsupported),
		intP("repl-backlog-ttl", 0, longMax, 3600, unsupported),
		strP("bind-source-addr", "", unsupported),
		enumP("propagation-error-behavior", []string{"ignore", "panic", "panic-on-replicas"}, "ignore", unsupported),

		// Cluster: not in AiKv yet.
		boolP("cluster-enabled", false, immutable, unsupported),
		strP("cluster-config-file", "nodes.conf", immutable, unsupported),
		intP("cluster-port", 0, 65535, 0, immutable, unsupported),
		intP("cluster-node-timeout", 0, llongMax, 15000, unsupported),
		intP("cluster-replica-validity-factor", 0, intMax, 10, aliases("cluster-slave-validity-factor"), unsupported),
		boolP("cluster-replica-no-failover", false, aliases("cluster-slave-no-failover"), unsupported),
		intP("cluster-migration-barrier", 0, intMax, 1, unsupported),
		boolP("cluster-require-full-coverage", true, unsupported),
		boolP("cluster-allow-reads-when-down", false, unsupported),
		boolP("cluster-allow-pubsubshard-when-down", true, unsupported),
		boolP("cluster-allow-replica-migration", true, unsupported),
		strP("cluster-announce-ip", "", unsupported),
		strP("cluster-announce-hostname", "", unsupported),
		intP("cluster-announce-port", 0, 65535, 0, unsupported),
		intP("cluster-announce-bus-port", 0, 65535, 0, unsupported),
		intP("cluster-announce-tls-port", 0, 65535, 0, unsupported),
		enumP("cluster-preferred-endpoint-type", []string{"ip", "hostname", "unknown-endpoint"}, "ip", unsupported),
		mk(&Param{Name: "cluster-link-sendbuf-limit", Kind: Memory, UnsignedMax: true, Default: "0"}, []opt{unsupported}),

		// TLS: not in AiKv yet.
		intP("tls-port", 0, 65535, 0, unsupported),
		boolP("tls-cluster", false, unsupported),
		boolP("tls-replication", false, unsupported),
		enumP("tls-auth-clients", []string{"no", "yes", "optional"}, "yes", unsupported),
		boolP("tls-prefer-server-ciphers", false, unsupported),
		boolP("tls-session-caching", true, unsupported),
		intP("tls-session-cache-size", 0, intMax, 20480, unsupported),
		intP("tls-session-cache-timeout", 0, intMax, 300, unsupported),
		strP("tls-cert-file", "", unsupported),
		strP("tls-key-file", "", unsupported),
		strP("tls-key-file-pass", "", flags(Sensitive), unsupported),
		strP("tls-client-cert-file", "", unsupported),
		strP("tls-client-key-file", "", unsupported),
		strP("tls-client-key-file-pass", "", flags(Sensitive), unsupported),
		strP("tls-dh-params-file", "", unsupported),
		strP("tls-ca-cert-file", "", unsupported),
		strP("tls-ca-cert-dir", "", unsupported),
		strP("tls-protocols", "", unsupported),
		strP("tls-ciphers", "", unsupported),
		strP("tls-ciphersuites", "", unsupported),
	}
}

// splitMulti splits a MULTI_ARG value like Redis 7.0's CONFIG SET: on
// single spaces, so "a  b" has an empty element, and a lone "" means no
// elements.
func splitMulti(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, " ")
}

func parseBind(v string) (string, error) {
	args := splitMulti(v)
	if len(args) > 16 {
		return "", errors.New("Too many bind addresses specified.")
	}
	return strings.Join(args, " "), nil
}

func parseSave(v string) (string, error) {
	args := splitMulti(v)
	if len(args)%2 != 0 {
		return "", errors.New("Invalid save parameters")
	}
	for i, a := range args {
		n, err := strtoll(a)
		if err != nil || (i%2 == 0 && n < 1) || (i%2 == 1 && n < 0) {
			return "", errors.New("Invalid save parameters")
		}
		args[i] = strconv.FormatInt(n, 10)
	}
	return strings.Join(args, " "), nil
}

// strtoll parses like C's strtoll requiring the whole string to be used:
// leading spaces and a sign are allowed, "" is 0 (Redis's save parser
// relies on that quirk).
func strtoll(s string) (int64, error) {
	t := strings.TrimLeft(s, " \t\n\v\f\r")
	if t == "" {
		if s == "" {
			return 0, nil
		}
		return 0, errors.New("not a number")
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			if strings.HasPrefix(t, "-") {
				return math.MinInt64, nil
			}
			return math.MaxInt64, nil
		}
	}
	return n, err
}

func bindSaveField() opt {
	return func(p *Param) {
		p.load = func(c *Config, v string) {
			c.Save = nil
			f := strings.Fields(v)
			for i := 0; i+1 < len(f); i += 2 {
				s, _ := strconv.ParseInt(f[i], 10, 64)
				n, _ := strconv.ParseInt(f[i+1], 10, 64)
				c.Save = append(c.Save, SavePoint{Seconds: s, Changes: n})
			}
		}
		p.render = func(c *Config) string {
			parts := make([]string, 0, 2*len(c.Save))
			for _, sp := range c.Save {
				parts = append(parts, strconv.FormatInt(sp.Seconds, 10), strconv.FormatInt(sp.Changes, 10))
			}
			return strings.Join(parts, " ")
		}
	}
}

func parseShutdownOnSig(v string) (string, error) {
	names := []string{"default", "save", "nosave", "now", "force"}
	var set [5]bool
	for _, a := range splitMulti(v) {
		found := false
		for i, n := range names {
			if strings.EqualFold(a, n) {
				set[i], found = true, true
			}
		}
		if !found {
			return "", errors.New("argument(s) must be one of the following: " + strings.Join(names, ", "))
		}
	}
	if set[1] && set[2] {
		return "", errors.New("shutdown options SAVE and NOSAVE can't be used simultaneously")
	}
	var out []string
	for i := 1; i < len(names); i++ {
		if set[i] {
			out = append(out, names[i])
		}
	}
	if len(out) == 0 {
		return "default", nil
	}
	return strings.Join(out, " "), nil
}

// Keyspace notification classes, in the order Redis renders them.
const notifyClasses = "g$lshzxetdn"

func parseNotifyKeyspaceEvents(v string) (string, error) {
	var set = map[byte]bool{}
	for i := 0; i < len(v); i++ {
		ch := v[i]
		switch {
		case ch == 'A':
			for j := 0; j < len(notifyClasses)-1; j++ { // A is every class but n
				set[notifyClasses[j]] = true
			}
		case ch == 'K' || ch == 'E' || ch == 'm' || strings.IndexByte(notifyClasses, ch) >= 0:
			set[ch] = true
		default:
			return "", errors.New("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")
		}
	}
	var b strings.Builder
	all := true
	for j := 0; j < len(notifyClasses)-1; j++ {
		all = all && set[notifyClasses[j]]
	}
	if all {
		// Redis's wart, kept: with every class set, 'n' is not rendered
		// (bindNotify drops it); it is stored, as Redis keeps the flag.
		b.WriteByte('A')
		if set['n'] {
			b.WriteByte('n')
		}
	} else {
		for j := 0; j < len(notifyClasses); j++ {
			if set[notifyClasses[j]] {
				b.WriteByte(notifyClasses[j])
			}
		}
	}
	for _, ch := range []byte("KEm") {
		if set[ch] {
			b.WriteByte(ch)
		}
	}
	return b.String(), nil
}

// bindNotify stores the canonical notify-keyspace-events, which keeps 'n'
// after 'A', and renders it as Redis does, without the 'n'.
func bindNotify(p *Param) {
	p.load = func(c *Config, v string) { c.NotifyKeyspaceEvents = v }
	p.render = func(c *Config) string {
		if v := c.NotifyKeyspaceEvents; strings.HasPrefix(v, "An") {
			return "A" + v[2:]
		}
		return c.NotifyKeyspaceEvents
	}
}

// parseDBFilename is Redis's isValidDBfilename: a file name, not a path
// (snapshots must stay in dir).
func parseDBFilename(v string) (string, error) {
	if strings.ContainsAny(v, "/\\") {
		return "", errors.New("dbfilename can't be a path, just a filename")
	}
	return v, nil
}

func parseClientOutputBufferLimit(v string) (string, error) {
	args := splitMulti(v)
	if len(args)%4 != 0 {
		return "", errors.New("Wrong number of arguments in buffer limit configuration.")
	}
	vals := map[string][3]string{
		"normal": {"0", "0", "0"},
		"slave":  {"268435456", "67108864", "60"},
		"pubsub": {"33554432", "8388608", "60"},
	}
	for i := 0; i < len(args); i += 4 {
		class := strings.ToLower(args[i])
		if class == "replica" {
			class = "slave"
		}
		if _, ok := vals[class]; !ok {
			return "", errors.New("Invalid client class specified in buffer limit configuration.")
		}
		hard, ok1 := ParseMemory(args[i+1])
		soft, ok2 := ParseMemory(args[i+2])
		secs, err := strtoll(args[i+3])
		if !ok1 || !ok2 || err != nil || secs < 0 {
			return "", errors.New("Error in hard, soft or soft_seconds setting in buffer limit configuration.")
		}
		vals[class] = [3]string{strconv.FormatUint(hard, 10), strconv.FormatUint(soft, 10), strconv.FormatInt(secs, 10)}
	}
	var out []string
	for _, class := range []string{"normal", "slave", "pubsub"} {
		v := vals[class]
		out = append(out, class, v[0], v[1], v[2])
	}
	return strings.Join(out, " "), nil
}

func parseOOMScoreAdjValues(v string) (string, error) {
	args := splitMulti(v)
	if len(args) != 3 {
		return "", errors.New("wrong number of arguments")
	}
	for i, a := range args {
		n, err := strconv.Atoi(a)
		if err != nil || n < -2000 || n > 2000 {
			return "", errors.New("Invalid oom-score-adj-values, elements must be between -2000 and 2000.")
		}
		args[i] = strconv.Itoa(n)
	}
	return strings.Join(args, " "), nil
}

func parsePercentiles(v string) (string, error) {
	args := splitMulti(v)
	if len(args) == 1 && args[0] == "" {
		return "", nil
	}
	for i, a := range args {
		f, err := strconv.ParseFloat(a, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return "", errors.New("Invalid latency-tracking-info-percentiles parameters")
		}
		if f > 100 || f < 0 {
			return "", errors.New("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]")
		}
		args[i] = strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strings.Join(args, " "), nil
}

func parseReplicaOf(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	args := splitMulti(v)
	if len(args) != 2 {
		return "", errors.New("wrong number of arguments")
	}
	if strings.EqualFold(args[0], "no") && strings.EqualFold(args[1], "one") {
		return "", nil
	}
	port, err := strconv.Atoi(args[1])
	if err != nil || port < 0 || port > 65535 {
		return "", errors.New("Invalid master port")
	}
	return args[0] + " " + strconv.Itoa(port), nil
}
