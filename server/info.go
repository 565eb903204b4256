package server

import (
	"fmt"

	"github.com/aikv/aikv/server/command"

	"os"
	"runtime"
	"runtime/metrics"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/aikv/aikv/datastructs"
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
	{"modules", "Modules", true, func(*Server, *strings.Builder) {}},
	{"commandstats", "Commandstats", false, (*Server).infoCommandstats},
	{"errorstats", "Errorstats", true, (*Server).infoErrorstats},
	{"cluster", "Cluster", true, func(_ *Server, b *strings.Builder) { field(b, "cluster_enabled", 0) }},
	{"keyspace", "Keyspace", true, (*Server).infoKeyspace},
}

func field(b *strings.Builder, name string, v any) {
	fmt.Fprintf(b, "%s:%v\r\n", name, v)
}

func (s *Server) infoServer(b *strings.Builder) {
	now := time.Now()
	up := now.Sub(s.started)
	field(b, "redis_version", Version)
	field(b, "redis_git_sha1", "00000000")
	field(b, "redis_git_dirty", 0)
	field(b, "redis_build_id", "aikv")
	field(b, "redis_mode", "standalone")
	field(b, "os", osName())
	field(b, "arch_bits", 64)
	field(b, "monotonic_clock", "POSIX clock_gettime")
	field(b, "multiplexing_api", "epoll")
	field(b, "atomicvar_api", "c11-builtin")
	field(b, "gcc_version", "0.0.0")
	field(b, "process_id", pid)
	field(b, "process_supervised", "no")
	field(b, "run_id", s.runID())
	field(b, "tcp_port", s.cfg.Port)
	field(b, "server_time_usec", now.UnixMicro())
	field(b, "uptime_in_seconds", int64(up/time.Second))
	field(b, "uptime_in_days", int64(up/(24*time.Hour)))
	field(b, "hz", 10)
	field(b, "configured_hz", 10)
	field(b, "lru_clock", (now.Unix())&((1<<24)-1))
	exe, _ := os.Executable()
	field(b, "executable", exe)
	field(b, "config_file", s.configFile)
	field(b, "io_threads_active", 0)
	// AiKv's own fields, after Redis's.
	field(b, "aikv_version", "0.1.0")
	field(b, "go_version", runtime.Version())
}

// osName is "Linux 6.1.0 x86_64", like Redis's uname-based field.
func osName() string {
	var u syscall.Utsname
	if syscall.Uname(&u) != nil {
		return runtime.GOOS + " " + runtime.GOARCH
	}
	str := func(a [65]int8) string {
		var sb strings.Builder
		for _, c := range a {
			if c == 0 {
				break
			}
			sb.WriteByte(byte(c))
		}
		return sb.String()
	}
	return str(u.Sysname) + " " + str(u.Release) + " " + str(u.Machine)
}

func (s *Server) infoClients(b *strings.Builder) {
	blocked := 0
	for _, c := range s.clients {
		if c.client.Block != nil {
			blocked++
		}
	}
	field(b, "connected_clients", len(s.clients))
	field(b, "cluster_connections", 0)
	field(b, "maxclients", s.cfg.MaxClients)
	field(b, "client_recent_max_input_buffer", 0)
	field(b, "client_recent_max_output_buffer", 0)
	field(b, "blocked_clients", s.blocking.count)
	field(b, "tracking_clients", s.tracking.clients)
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

// infoMemory reports the keyspace's estimate as used_memory (memory.go)
// and the Go runtime's own figures as allocator_* and go_* fields.
func (s *Server) infoMemory(b *strings.Builder) {
	gs := readGoMemStats()
	used := uint64(max64(s.usedMemory(), 0))
	total := gs.total
	r := rss()
	if int64(used) > s.peakMemory {
		s.peakMemory = int64(used)
	}
	peak := uint64(s.peakMemory)
	startup := uint64(s.startupMemory)
	overhead := startup
	dataset := uint64(0)
	if used > overhead {
		dataset = used - overhead
	}
	pct := func(a, b uint64) string {
		if b == 0 {
			return "0.00%"
		}
		return fmt.Sprintf("%.2f%%", 100*float64(a)/float64(b))
	}
	ratio := func(a, b uint64) string {
		if b == 0 {
			return "0.00"
		}
		return fmt.Sprintf("%.2f", float64(a)/float64(b))
	}
	sys := totalSystemMemory()
	field(b, "used_memory", used)
	field(b, "used_memory_human", humanBytes(used))
	field(b, "used_memory_rss", r)
	field(b, "used_memory_rss_human", humanBytes(r))
	field(b, "used_memory_peak", peak)
	field(b, "used_memory_peak_human", humanBytes(peak))
	field(b, "used_memory_peak_perc", pct(used, peak))
	field(b, "used_memory_overhead", overhead)
	field(b, "used_memory_startup", startup)
	field(b, "used_memory_dataset", dataset)
	field(b, "used_memory_dataset_perc", pct(dataset, used-min(startup, used)))
	field(b, "allocator_allocated", gs.heapObjects)
	field(b, "allocator_active", total)
	field(b, "allocator_resident", total)
	field(b, "total_system_memory", sys)
	field(b, "total_system_memory_human", humanBytes(sys))
	field(b, "used_memory_lua", 0)
	field(b, "used_memory_vm_eval", 0)
	field(b, "used_memory_lua_human", "0B")
	field(b, "used_memory_scripts_eval", 0)
	field(b, "number_of_cached_scripts", 0)
	field(b, "number_of_functions", 0)
	field(b, "number_of_libraries", 0)
	field(b, "used_memory_vm_functions", 0)
	field(b, "used_memory_vm_total", 0)
	field(b, "used_memory_vm_total_human", "0B")
	field(b, "used_memory_functions", 0)
	field(b, "used_memory_scripts", 0)
	field(b, "used_memory_scripts_human", "0B")
	field(b, "maxmemory", s.cfg.MaxMemory)
	field(b, "maxmemory_human", humanBytes(s.cfg.MaxMemory))
	field(b, "maxmemory_policy", s.cfg.MaxMemoryPolicy)
	field(b, "allocator_frag_ratio", ratio(total, gs.heapObjects))
	field(b, "allocator_frag_bytes", int64(total)-int64(gs.heapObjects))
	field(b, "allocator_rss_ratio", ratio(total, total))
	field(b, "allocator_rss_bytes", 0)
	field(b, "rss_overhead_ratio", ratio(r, total))
	field(b, "rss_overhead_bytes", int64(r)-int64(total))
	field(b, "mem_fragmentation_ratio", ratio(r, used))
	field(b, "mem_fragmentation_bytes", int64(r)-int64(used))
	field(b, "mem_not_counted_for_evict", 0)
	field(b, "mem_replication_backlog", 0)
	field(b, "mem_total_replication_buffers", 0)
	field(b, "mem_clients_slaves", 0)
	field(b, "mem_clients_normal", 0)
	field(b, "mem_cluster_links", 0)
	field(b, "mem_aof_buffer", 0)
	field(b, "mem_allocator", "go-"+runtime.Version())
	field(b, "active_defrag_running", 0)
	field(b, "lazyfree_pending_objects", 0)
	field(b, "lazyfreed_objects", 0)
	// AiKv's own: the Go runtime's view (runtime/metrics). go_heap_live
	// is the heap marked live by the last GC, the figure used_memory
	// estimates; go_total is everything the runtime mapped.
	field(b, "go_heap_objects", gs.heapObjects)
	field(b, "go_heap_live", gs.heapLive)
	field(b, "go_heap_goal", gs.goal)
	field(b, "go_total", gs.total)
	field(b, "go_released", gs.released)
	field(b, "go_memory_limit", gs.limit)
	field(b, "go_gc_cycles", gs.gcCycles)
	field(b, "go_gc_pause_max_us", gs.gcPauseMaxNs/1000)
	field(b, "go_maxprocs", runtime.GOMAXPROCS(0)) // see procs.go
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
	field(b, "current_cow_peak", 0)
	field(b, "current_cow_size", 0)
	field(b, "current_cow_size_age", 0)
	field(b, "current_fork_perc", "0.00")
	field(b, "current_save_keys_processed", 0)
	field(b, "current_save_keys_total", 0)
	s.infoRDB(b)
	s.infoAOF(b)
}

func boolInt(v bool) int {
	if v {
		return 1
	}
	return 0
}

func (s *Server) infoStats(b *strings.Builder) {
	zero := func(names ...string) {
		for _, n := range names {
			field(b, n, 0)
		}
	}
	field(b, "total_connections_received", s.stats.totalConns)
	field(b, "total_commands_processed", s.stats.commands)
	field(b, "instantaneous_ops_per_sec", 0)
	zero("total_net_input_bytes", "total_net_output_bytes", "total_net_repl_input_bytes", "total_net_repl_output_bytes")
	for _, n := range []string{"instantaneous_input_kbps", "instantaneous_output_kbps",
		"instantaneous_input_repl_kbps", "instantaneous_output_repl_kbps"} {
		field(b, n, "0.00")
	}
	field(b, "rejected_connections", s.rejectedConns.Load())
	zero("sync_full", "sync_partial_ok", "sync_partial_err")
	field(b, "expired_keys", s.ks.Stats.ExpiredKeys)
	field(b, "expired_stale_perc", "0.00")
	zero("expired_time_cap_reached_count", "expire_cycle_cpu_milliseconds")
	field(b, "evicted_keys", s.ks.Stats.EvictedKeys)
	zero("evicted_clients",
		"total_eviction_exceeded_time", "current_eviction_exceeded_time")
	field(b, "keyspace_hits", s.ks.Stats.KeyspaceHits)
	field(b, "keyspace_misses", s.ks.Stats.KeyspaceMisses)
	field(b, "pubsub_channels", len(s.pubsub.subs[command.SubChannel]))
	field(b, "pubsub_patterns", len(s.pubsub.subs[command.SubPattern]))
	field(b, "pubsubshard_channels", len(s.pubsub.subs[command.SubShard]))
	zero("latest_fork_usec", "total_forks",
		"migrate_cached_sockets", "slave_expires_tracked_keys", "active_defrag_hits", "active_defrag_misses",
		"active_defrag_key_hits", "active_defrag_key_misses", "total_active_defrag_time",
		"current_active_defrag_time")
	items := 0
	for _, ids := range s.tracking.keys {
		items += len(ids)
	}
	field(b, "tracking_total_keys", len(s.tracking.keys))
	field(b, "tracking_total_items", items)
	field(b, "tracking_total_prefixes", len(s.tracking.prefixes))
	zero("unexpected_error_replies")
	field(b, "total_error_replies", s.stats.errorReplies)
	zero("dump_payload_sanitizations", "total_reads_processed", "total_writes_processed",
		"io_threaded_reads_processed", "io_threaded_writes_processed", "reply_buffer_shrinks", "reply_buffer_expands")
}

func (s *Server) infoReplication(b *strings.Builder) {
	field(b, "role", "master")
	field(b, "connected_slaves", 0)
	field(b, "master_failover_state", "no-failover")
	field(b, "master_replid", s.runID())
	field(b, "master_replid2", strings.Repeat("0", 40))
	field(b, "master_repl_offset", 0)
	field(b, "second_repl_offset", -1)
	field(b, "repl_backlog_active", 0)
	field(b, "repl_backlog_size", 1048576)
	field(b, "repl_backlog_first_byte_offset", 0)
	field(b, "repl_backlog_histlen", 0)
}

func (s *Server) infoCPU(b *strings.Builder) {
	var ru, ch syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ch)
	tv := func(t syscall.Timeval) string { return fmt.Sprintf("%d.%06d", t.Sec, t.Usec) }
	field(b, "used_cpu_sys", tv(ru.Stime))
	field(b, "used_cpu_user", tv(ru.Utime))
	field(b, "used_cpu_sys_children", tv(ch.Stime))
	field(b, "used_cpu_user_children", tv(ch.Utime))
	// Goroutines share every thread: the process figures stand in for
	// Redis's main-thread ones.
	field(b, "used_cpu_sys_main_thread", tv(ru.Stime))
	field(b, "used_cpu_user_main_thread", tv(ru.Utime))
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

// infoKeyspace reports per-DB key counts and avg_ttl: the mean
// remaining TTL in milliseconds of the keys that have one. Redis keeps a
// running estimate from its expiry sampling; AiKv samples up to
// avgTTLSamples volatile keys per DB with a fixed-seed scan each time,
// which is cheap and stable.
func (s *Server) infoKeyspace(b *strings.Builder) {
	now := s.ks.Now()
	for i := 0; i < s.ks.NumDBs(); i++ {
		db := s.ks.DB(i)
		if db.Len() == 0 {
			continue
		}
		fmt.Fprintf(b, "db%d:keys=%d,expires=%d,avg_ttl=%d\r\n", i, db.Len(), db.ExpiresLen(), avgTTL(db, now))
	}
}

const avgTTLSamples = 128

func avgTTL(db *datastructs.DB, now int64) int64 {
	if db.ExpiresLen() == 0 {
		return 0
	}
	var sum, n int64
	var cursor uint64
	for steps := 0; n < avgTTLSamples && steps < 64; steps++ {
		cursor = db.Scan(cursor, 16, func(_ string, e *datastructs.Entry) {
			if e.ExpireAt > now && n < avgTTLSamples {
				sum += e.ExpireAt - now
				n++
			}
		})
		if cursor == 0 {
			break
		}
	}
	if n == 0 {
		return 0
	}
	return sum / n
}
