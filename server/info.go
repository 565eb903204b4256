package server

import (
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"sort"
	"strings"
	"syscall"
	"time"
)

// Version is the Redis version AiKv reports (the oracle it follows).
const Version = "7.0.15"

type infoSection struct {
	name, title string
	inDefault   bool
	render      func(s *Server, b *strings.Builder)
}

var infoSections = []infoSection{
	{"server", "Server", true, (*Server).infoServer},
	{"clients", "Clients", true, (*Server).infoClients},
	{"memory", "Memory", true, (*Server).infoMemory},
	{"persistence", "Persistence", true, (*Server).infoPersistence},
	{"stats", "Stats", true, (*Server).infoStats},
	{"replication", "Replication", true, (*Server).infoReplication},
	{"cpu", "CPU", true, (*Server).infoCPU},
	{"commandstats", "Commandstats", false, (*Server).infoCommandstats},
	{"errorstats", "Errorstats", true, (*Server).infoErrorstats},
	{"keyspace", "Keyspace", true, (*Server).infoKeyspace},
}

func field(b *strings.Builder, name string, v any) {
	fmt.Fprintf(b, "%s:%v\r\n", name, v)
}

func (s *Server) infoServer(b *strings.Builder) {
	up := time.Since(s.started)
	field(b, "redis_version", Version)
	field(b, "redis_git_sha1", "00000000")
	field(b, "redis_git_dirty", 0)
	field(b, "redis_build_id", "aikv")
	field(b, "redis_mode", "standalone")
	field(b, "aikv_version", "0.1.0")
	field(b, "os", runtime.GOOS+" "+runtime.GOARCH)
	field(b, "arch_bits", 64)
	field(b, "multiplexing_api", "goroutines")
	field(b, "go_version", runtime.Version())
	field(b, "process_id", pid)
	field(b, "run_id", s.runID())
	port := s.cfg.Port
	if addrs := s.Addrs(); len(addrs) > 0 {
		if ta, ok := addrs[0].(interface{ String() string }); ok {
			_ = ta
		}
	}
	field(b, "tcp_port", port)
	field(b, "server_time_usec", time.Now().UnixMicro())
	field(b, "uptime_in_seconds", int64(up/time.Second))
	field(b, "uptime_in_days", int64(up/(24*time.Hour)))
	field(b, "hz", 10)
	field(b, "configured_hz", 10)
	field(b, "lru_clock", (time.Now().Unix())&((1<<24)-1))
	exe, _ := os.Executable()
	field(b, "executable", exe)
	field(b, "config_file", s.configFile)
}

func (s *Server) infoClients(b *strings.Builder) {
	field(b, "connected_clients", len(s.clients))
	field(b, "cluster_connections", 0)
	field(b, "maxclients", s.cfg.MaxClients)
	field(b, "client_recent_max_input_buffer", 0)
	field(b, "client_recent_max_output_buffer", 0)
	field(b, "blocked_clients", s.blocking.count)
	field(b, "tracking_clients", 0)
	field(b, "clients_in_timeout_table", 0)
}

// readMemStats reads heap figures cheaply through runtime/metrics (no
// stop-the-world, unlike runtime.ReadMemStats).
func readMemStats() (heapLive, total uint64) {
	samples := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/total:bytes"},
	}
	metrics.Read(samples)
	return samples[0].Value.Uint64(), samples[1].Value.Uint64()
}

func rss() uint64 {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	var size, resident uint64
	fmt.Sscan(string(data), &size, &resident)
	return resident * uint64(os.Getpagesize())
}

func humanBytes(n uint64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2fG", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.2fM", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.2fK", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%dB", n)
}

func (s *Server) infoMemory(b *strings.Builder) {
	used, total := readMemStats()
	r := rss()
	field(b, "used_memory", used)
	field(b, "used_memory_human", humanBytes(used))
	field(b, "used_memory_rss", r)
	field(b, "used_memory_rss_human", humanBytes(r))
	field(b, "used_memory_peak", used)
	field(b, "used_memory_dataset", used)
	field(b, "allocator_allocated", used)
	field(b, "allocator_resident", total)
	field(b, "total_system_memory", totalSystemMemory())
	field(b, "maxmemory", 0)
	field(b, "maxmemory_human", "0B")
	field(b, "maxmemory_policy", "noeviction")
	if used > 0 {
		field(b, "mem_fragmentation_ratio", fmt.Sprintf("%.2f", float64(r)/float64(used)))
	}
	field(b, "mem_allocator", "go")
	field(b, "lazyfree_pending_objects", 0)
}

func totalSystemMemory() uint64 {
	var si syscall.Sysinfo_t
	if syscall.Sysinfo(&si) != nil {
		return 0
	}
	return si.Totalram * uint64(si.Unit)
}

func (s *Server) infoPersistence(b *strings.Builder) {
	field(b, "loading", boolInt(s.ks.Loading))
	field(b, "async_loading", 0)
	field(b, "rdb_changes_since_last_save", s.ks.Dirty)
	field(b, "rdb_bgsave_in_progress", 0)
	field(b, "rdb_last_save_time", s.started.Unix())
	field(b, "rdb_last_bgsave_status", "ok")
	field(b, "aof_enabled", 0)
	field(b, "aof_rewrite_in_progress", 0)
	field(b, "aof_last_write_status", "ok")
}

func boolInt(v bool) int {
	if v {
		return 1
	}
	return 0
}

func (s *Server) infoStats(b *strings.Builder) {
	field(b, "total_connections_received", s.stats.totalConns)
	field(b, "total_commands_processed", s.stats.commands)
	field(b, "rejected_connections", s.stats.rejectedConns)
	field(b, "expired_keys", s.ks.Stats.ExpiredKeys)
	field(b, "evicted_keys", 0)
	field(b, "keyspace_hits", s.ks.Stats.KeyspaceHits)
	field(b, "keyspace_misses", s.ks.Stats.KeyspaceMisses)
	field(b, "pubsub_channels", 0)
	field(b, "pubsub_patterns", 0)
	field(b, "total_error_replies", s.stats.errorReplies)
	field(b, "unexpected_error_replies", 0)
}

func (s *Server) infoReplication(b *strings.Builder) {
	field(b, "role", "master")
	field(b, "connected_slaves", 0)
	field(b, "master_replid", s.runID())
	field(b, "master_repl_offset", 0)
}

func (s *Server) infoCPU(b *strings.Builder) {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	tv := func(t syscall.Timeval) string { return fmt.Sprintf("%d.%06d", t.Sec, t.Usec) }
	field(b, "used_cpu_sys", tv(ru.Stime))
	field(b, "used_cpu_user", tv(ru.Utime))
}

func (s *Server) infoCommandstats(b *strings.Builder) {
	for _, spec := range s.table.All() {
		specs := append(spec.SortedSubcommands(), spec)
		for _, sp := range specs {
			st := sp.Stats
			if st.Calls == 0 && st.RejectedCalls == 0 && st.FailedCalls == 0 {
				continue
			}
			per := 0.0
			if st.Calls > 0 {
				per = float64(st.Usec) / float64(st.Calls)
			}
			fmt.Fprintf(b, "cmdstat_%s:calls=%d,usec=%d,usec_per_call=%.2f,rejected_calls=%d,failed_calls=%d\r\n",
				sp.Name, st.Calls, st.Usec, per, st.RejectedCalls, st.FailedCalls)
		}
	}
}

func (s *Server) infoErrorstats(b *strings.Builder) {
	names := make([]string, 0, len(s.stats.errors))
	for k := range s.stats.errors {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(b, "errorstat_%s:count=%d\r\n", k, s.stats.errors[k])
	}
}

func (s *Server) infoKeyspace(b *strings.Builder) {
	for i := 0; i < s.ks.NumDBs(); i++ {
		db := s.ks.DB(i)
		if db.Len() == 0 {
			continue
		}
		fmt.Fprintf(b, "db%d:keys=%d,expires=%d,avg_ttl=0\r\n", i, db.Len(), db.ExpiresLen())
	}
}
