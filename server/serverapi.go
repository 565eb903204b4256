package server

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/server/command"
	"github.com/aikv/aikv/server/config"
)

// This file implements command.Server: what handlers may ask of the
// server. Every method runs with s.mu held by the dispatcher.

var registry = config.NewRegistry()

func (s *Server) Table() *command.Table { return s.table }

func (s *Server) ConfigGet(pattern string) [][2]string { return registry.Get(s.cfg, pattern) }

// ConfigSet applies every pair or none: on error the previous values are
// restored.
func (s *Server) ConfigSet(pairs [][2]string) error {
	saved := *s.cfg
	seen := map[string]bool{}
	for _, p := range pairs {
		param := registry.Lookup(p[0])
		if param == nil {
			*s.cfg = saved
			return fmt.Errorf("ERR Unknown option or number of arguments for CONFIG SET - '%s'", p[0])
		}
		if seen[param.Name] {
			*s.cfg = saved
			return fmt.Errorf("ERR CONFIG SET failed (possibly related to argument '%s') - duplicate parameter", p[0])
		}
		seen[param.Name] = true
		if err := registry.Set(s.cfg, p[0], p[1], false); err != nil {
			*s.cfg = saved
			return fmt.Errorf("ERR CONFIG SET failed (possibly related to argument '%s') - %s", p[0], err)
		}
	}
	return nil
}

func (s *Server) ConfigRewrite() error {
	return errors.New("ERR The server is running without a config file")
}

func (s *Server) ResetStats() {
	s.stats.reset()
	s.slowlog.reset()
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
