package config

import "log/slog"

// LevelVerbose is Redis's "verbose" log level, between debug and notice.
const LevelVerbose = slog.LevelDebug + 2

// SlogLevel maps a Redis loglevel to a slog level: debug → Debug,
// verbose → LevelVerbose, notice → Info, warning → Warn.
func SlogLevel(loglevel string) slog.Level {
	switch loglevel {
	case "debug":
		return slog.LevelDebug
	case "verbose":
		return LevelVerbose
	case "warning":
		return slog.LevelWarn
	}
	return slog.LevelInfo
}
