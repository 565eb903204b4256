// Package config holds AiKv's settings: the typed Config the server reads,
// and the registry that maps Redis configuration names (port, dir,
// appendfsync, ...) to it for the TOML file, command-line flags and
// CONFIG GET/SET.
package config

import "time"

// Config is the server's configuration. The zero value is not meant to be
// used; start from Default().
type Config struct {
	Bind          []string
	Port          int
	ProtectedMode bool
	RequirePass   string
	MaxClients    int
	Timeout       time.Duration // idle client timeout, 0 = none
	TCPKeepAlive  time.Duration

	Databases              int
	ProtoMaxBulkLen        int64
	ClientQueryBufferLimit int64

	Dir         string
	AppendOnly  bool
	AppendFsync string // always | everysec | no

	LogLevel string
	LogFile  string

	SlowlogLogSlowerThan int64 // microseconds; negative disables
	SlowlogMaxLen        int64
}

// Default returns the defaults of a plain `make run`: loopback only, data
// in ./data, AOF on with everysec, Redis's values for everything else.
func Default() *Config {
	return &Config{
		Bind:                   []string{"127.0.0.1"},
		Port:                   6379,
		ProtectedMode:          true,
		MaxClients:             10000,
		TCPKeepAlive:           300 * time.Second,
		Databases:              16,
		ProtoMaxBulkLen:        512 << 20,
		ClientQueryBufferLimit: 1 << 30,
		Dir:                    "./data",
		AppendOnly:             true,
		AppendFsync:            "everysec",
		LogLevel:               "notice",
		SlowlogLogSlowerThan:   10000,
		SlowlogMaxLen:          128,
	}
}
