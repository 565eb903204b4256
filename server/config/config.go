package config

import (
	"maps"
	"time"
)

// Config is the server's configuration. The zero value is not meant to be
// used; start from Default(). Every field is the typed form of one Redis
// configuration parameter (named in its comment); parameters AiKv stores
// without acting on them live in Other.
//
// A Config is not safe for concurrent use: the server guards its Config
// with its own lock.
type Config struct {
	Bind          []string      // bind
	Port          int           // port
	ProtectedMode bool          // protected-mode
	RequirePass   string        // requirepass
	MaxClients    int           // maxclients
	Timeout       time.Duration // timeout: idle client timeout, 0 = none
	TCPKeepAlive  time.Duration // tcp-keepalive

	Databases              int   // databases
	ProtoMaxBulkLen        int64 // proto-max-bulk-len
	ClientQueryBufferLimit int64 // client-query-buffer-limit

	Dir                      string      // dir
	DBFilename               string      // dbfilename
	RDBCompression           bool        // rdbcompression
	StopWritesOnBgsaveError  bool        // stop-writes-on-bgsave-error
	Save                     []SavePoint // save
	AppendOnly               bool        // appendonly
	AppendFsync              string      // appendfsync: always | everysec | no
	AppendFilename           string      // appendfilename
	AppendDirname            string      // appenddirname
	AOFLoadTruncated         bool        // aof-load-truncated
	AutoAOFRewritePercentage int         // auto-aof-rewrite-percentage
	AutoAOFRewriteMinSize    int64       // auto-aof-rewrite-min-size

	MaxMemory        uint64 // maxmemory, bytes; 0 = no limit
	MaxMemoryPolicy  string // maxmemory-policy
	MaxMemorySamples int    // maxmemory-samples
	LFULogFactor     int    // lfu-log-factor
	LFUDecayTime     int    // lfu-decay-time, minutes

	NotifyKeyspaceEvents string // notify-keyspace-events, canonical ("AKE"; "AnKE" when 'n' is set too, which CONFIG GET hides)

	LogLevel string // loglevel: debug | verbose | notice | warning
	LogFile  string // logfile; "" = standard error
	PidFile  string // pidfile; "" = none

	SlowlogLogSlowerThan int64 // slowlog-log-slower-than, microseconds; negative disables
	SlowlogMaxLen        int64 // slowlog-max-len

	TrackingTableMaxKeys int64 // tracking-table-max-keys; 0 = no limit

	BusyReplyThreshold int64  // busy-reply-threshold (alias lua-time-limit), milliseconds
	ShutdownTimeout    int    // shutdown-timeout, seconds
	ShutdownOnSigint   string // shutdown-on-sigint, rendered ("default", "nosave now")
	ShutdownOnSigterm  string // shutdown-on-sigterm

	// Encoding limits: when a small collection converts to its big
	// encoding. They take effect for the next insert.
	HashMaxListpackEntries int64 // hash-max-listpack-entries
	HashMaxListpackValue   int64 // hash-max-listpack-value, bytes
	SetMaxIntsetEntries    int64 // set-max-intset-entries
	ZSetMaxListpackEntries int64 // zset-max-listpack-entries
	ZSetMaxListpackValue   int64 // zset-max-listpack-value, bytes

	EnableProtectedConfigs string // enable-protected-configs: no | yes | local
	EnableDebugCommand     string // enable-debug-command: no | yes | local

	// RenameCommands are the rename-command settings in order: each
	// command From becomes reachable as To, or disabled when To is "".
	// Like Redis's rename-command they apply at startup only, and are not
	// a CONFIG GET parameter.
	RenameCommands []RenameCommand

	// Other holds the canonical value of every parameter without a typed
	// field (those documented as having no effect, and those of features
	// AiKv does not have yet, which can only hold their default), keyed by
	// the parameter's canonical name. A missing entry means the default.
	Other map[string]string
}

// RenameCommand is one rename-command setting.
type RenameCommand struct {
	From, To string
}

// SavePoint is one "save <seconds> <changes>" rule: snapshot when at least
// Changes writes happened in the last Seconds.
type SavePoint struct {
	Seconds int64
	Changes int64
}

// Default returns the defaults of a plain `make run`: loopback only, data
// in ./data, AOF on with everysec, Redis's values for everything else.
func Default() *Config {
	c := &Config{Other: map[string]string{}}
	for _, p := range defaultRegistry.params {
		p.store(c, p.Default)
	}
	// AiKv's own defaults, where they differ from Redis's.
	c.Bind = []string{"127.0.0.1"}
	c.Dir = "./data"
	c.AppendOnly = true
	// Snapshots are AiKv's own format (see package snapshot), not RDB,
	// so they do not take Redis's dump.rdb name.
	c.DBFilename = "dump.aikv"
	return c
}

// Clone returns a deep copy of c.
func (c *Config) Clone() *Config {
	n := *c
	n.Bind = append([]string(nil), c.Bind...)
	n.Save = append([]SavePoint(nil), c.Save...)
	n.RenameCommands = append([]RenameCommand(nil), c.RenameCommands...)
	n.Other = maps.Clone(c.Other)
	if n.Other == nil {
		n.Other = map[string]string{}
	}
	return &n
}
