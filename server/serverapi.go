package server

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/scripting"
	"github.com/aikv/aikv/server/command"
	"github.com/aikv/aikv/server/config"
)

// This file implements command.Server: what handlers may ask of the
// server. Every method runs with s.mu held by the dispatcher.

var registry = config.NewRegistry()

func (s *Server) Table() *command.Table { return s.table }

// ScriptEngine returns the Lua engine (commands.ScriptHost).
func (s *Server) ScriptEngine() *scripting.Engine { return s.scripts }

// scriptLog writes redis.log lines to the server log.
func (s *Server) scriptLog(level int, msg string) {
	switch level {
	case scripting.LogDebug:
		s.log.Debug(msg)
	case scripting.LogVerbose, scripting.LogNotice:
		s.log.Info(msg)
	default:
		s.log.Warn(msg)
	}
}

func (s *Server) ConfigGet(pattern string) [][2]string { return registry.Get(s.cfg, pattern) }

// ConfigSet applies every pair or none (config.Registry.SetRuntime), then
// the runtime effects: the log level changes at once; maxclients,
// timeout, requirepass, protected-mode and the slow log settings are read
// where they are used, so they take effect for the next connection,
// command or AUTH; the encoding limits (hash-max-listpack-*,
// set-max-intset-entries, zset-max-listpack-*) for the next insert.
func (s *Server) ConfigSet(pairs [][2]string, local bool) error {
	allow := s.cfg.EnableProtectedConfigs == "yes" || (s.cfg.EnableProtectedConfigs == "local" && local)
	before := *s.cfg
	if _, err := registry.SetRuntime(s.cfg, pairs, allow); err != nil {
		return err
	}
	s.busyThresholdMs.Store(s.cfg.BusyReplyThreshold)
	s.refreshConnConfigLocked()
	if s.cfg.Dir != before.Dir {
		// Redis chdirs there and fails if it cannot.
		if err := checkDir(s.cfg.Dir); err != nil {
			*s.cfg = before
			s.refreshConnConfigLocked()
			s.busyThresholdMs.Store(s.cfg.BusyReplyThreshold)
			return fmt.Errorf("ERR CONFIG SET failed (possibly related to argument 'dir') - %s", err)
		}
	}
	if err := s.applyPersistenceConfig(before.AppendOnly, before.AppendFsync); err != nil {
		*s.cfg = before
		s.refreshConnConfigLocked()
		s.busyThresholdMs.Store(s.cfg.BusyReplyThreshold)
		return fmt.Errorf("ERR CONFIG SET failed (possibly related to argument 'appendonly') - %v", err)
	}
	if s.logLevel != nil {
		s.logLevel.Set(config.SlogLevel(s.cfg.LogLevel))
	}
	s.applyMemoryConfig()
	s.applyEncodingConfig()
	if s.cfg.RequirePass != before.RequirePass {
		s.acl.SetDefaultPassword(s.cfg.RequirePass)
	}
	s.refreshConnConfigLocked()
	return nil
}

// ConfigRewrite rewrites the TOML file the server was started with. Like
// Redis it does the file I/O synchronously, under the server lock.
func (s *Server) ConfigRewrite() error {
	if s.configFile == "" {
		return errors.New("ERR The server is running without a config file")
	}
	if err := registry.Rewrite(s.cfg, s.configFile); err != nil {
		s.log.Warn("CONFIG REWRITE failed", "err", err)
		return fmt.Errorf("ERR Rewriting config file: %v", err)
	}
	s.log.Info("CONFIG REWRITE executed with success")
	return nil
}

// ResetStats implements CONFIG RESETSTAT. Like Redis it leaves the slow
// log alone (SLOWLOG RESET clears that).
func (s *Server) ResetStats() {
	s.stats.reset()
	s.ks.Stats = datastructs.Stats{}
}

func (s *Server) Clients() []*command.Client {
	out := make([]*command.Client, 0, len(s.clients))
	for _, c := range s.clients {
		out = append(out, &c.client)
	}
	return out
}

func (s *Server) ClientInfo(cl *command.Client) string {
	if c, ok := s.clients[cl.ID]; ok {
		return c.clientInfo(time.Now())
	}
	return ""
}

func (s *Server) RequestShutdown(mode command.ShutdownMode) error {
	s.shutdownMode = mode
	s.requestShutdown()
	return nil
}

func (s *Server) Password() string { return s.cfg.RequirePass }

func (s *Server) Slowlog(n int) []command.SlowlogEntry {
	if n < 0 || n > len(s.slowlog.entries) {
		n = len(s.slowlog.entries)
	}
	return append([]command.SlowlogEntry(nil), s.slowlog.entries[:n]...)
}

func (s *Server) SlowlogLen() int { return len(s.slowlog.entries) }
func (s *Server) SlowlogReset()   { s.slowlog.reset() }

// Info renders INFO. Sections: server, clients, memory, persistence,
// stats, replication, cpu, commandstats, errorstats, keyspace.
func (s *Server) Info(sections []string) string {
	var b strings.Builder
	want := map[string]bool{}
	for _, sec := range sections {
		want[strings.ToLower(sec)] = true
	}
	all := want["all"] || want["everything"]
	def := len(want) == 0 || want["default"] || all
	show := func(name string, inDefault bool) bool {
		return want[name] || (def && inDefault) || all
	}
	first := true
	section := func(title string) {
		if !first {
			b.WriteString("\r\n")
		}
		first = false
		b.WriteString("# " + title + "\r\n")
	}
	for _, sec := range infoSections {
		if show(sec.name, sec.inDefault) {
			section(sec.title)
			sec.render(s, &b)
		}
	}
	return b.String()
}

// checkDir reports, with strerror's text, why dir cannot be the working
// directory (CONFIG SET dir).
func checkDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return errors.New("No such file or directory")
	case errors.Is(err, os.ErrPermission):
		return errors.New("Permission denied")
	case err != nil:
		return err
	case !fi.IsDir():
		return errors.New("Not a directory")
	}
	return nil
}
