// Command aikv-server runs the AiKv server.
//
//	aikv-server [path/to/aikv.toml] [--name value ...]
//	aikv-server --version | -v
//	aikv-server [...] --import-rdb dump.rdb   (load a Redis RDB file, then serve)
//	aikv-server [...] --export-rdb out.rdb    (write the dataset as an RDB file, then exit)
//	aikv-server [...] --restore FILE [--restore-force]  (install a backup, then serve)
//	aikv-server --help | -h
//
// Every setting is accepted as a flag by its Redis name (--port 6380
// --appendfsync always --save "3600 1 300 100"); flags override the file.
// See docs/configuration.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aikv/aikv/server"
	"github.com/aikv/aikv/server/commands"
	"github.com/aikv/aikv/server/config"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "aikv-server:", err)
		os.Exit(1)
	}
}

const usage = `Usage: aikv-server [/path/to/aikv.toml] [options]
       aikv-server -v or --version
       aikv-server -h or --help

Options are Redis configuration parameters given by name; they override
the config file:
       aikv-server --port 6380
       aikv-server aikv.toml --port 6380 --loglevel verbose
       aikv-server --save "3600 1 300 100" --appendfsync always
A parameter takes every following argument up to the next --option.

Moving data from and to Redis:
       --import-rdb FILE   load a Redis RDB file (6.0-7.2) before serving;
                           ignored when the dataset (append-only log) is
                           not empty
       --export-rdb FILE   load the dataset, write it as a Redis 7.0 RDB
                           file, and exit without serving

Backups (see README):
       --restore FILE      install a backup (aikv-check backup, BGSAVE's
                           snapshot, or an RDB file such as redis-cli --rdb
                           writes) as the dataset with a fresh log, then
                           serve; refuses when dir already holds data
       --restore-force     with --restore: replace the data in dir

Defaults: bind 127.0.0.1, port 6379, dir ./data, appendonly yes.
See docs/configuration.md and docs/aikv.example.toml.
`

func version() string {
	build := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		build = bi.Main.Version
	}
	return fmt.Sprintf("AiKv server v=%s redis_version=%s go=%s bits=%d",
		build, server.Version, runtime.Version(), strconv.IntSize)
}

// parseArgs builds the configuration from an optional config file (the
// first argument, when it is not an option) and --name value flags.
func parseArgs(args []string) (cfg *config.Config, file string, err error) {
	cfg = config.Default()
	reg := config.NewRegistry()
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, err = filepath.Abs(args[0])
		if err != nil {
			return nil, "", err
		}
		if err := reg.LoadFile(cfg, file); err != nil {
			return nil, "", err
		}
		args = args[1:]
	}
	for i := 0; i < len(args); i++ {
		name := strings.TrimPrefix(args[i], "--")
		if name == args[i] || name == "" {
			return nil, "", fmt.Errorf("unexpected argument %q (options look like --port 6380; the config file must come first)", args[i])
		}
		// A flag takes every following argument up to the next --flag, so
		// "--save 3600 1 300 100" works as in redis-server.
		var vals []string
		for i+1 < len(args) && !strings.HasPrefix(args[i+1], "--") {
			i++
			vals = append(vals, args[i])
		}
		if name == "rename-command" {
			// --rename-command OLD NEW, or OLD "" / OLD alone to disable.
			if len(vals) < 1 || len(vals) > 2 {
				return nil, "", fmt.Errorf("--rename-command takes a command name and a new name (\"\" disables it)")
			}
			rc := config.RenameCommand{From: vals[0]}
			if len(vals) == 2 {
				rc.To = vals[1]
			}
			cfg.RenameCommands = append(cfg.RenameCommands, rc)
			continue
		}
		if err := reg.Set(cfg, name, strings.Join(vals, " ")); err != nil {
			if errors.Is(err, config.ErrUnknown) {
				return nil, "", fmt.Errorf("--%s: unknown option (see aikv-server --help)", name)
			}
			return nil, "", fmt.Errorf("--%s: %w", name, err)
		}
	}
	return cfg, file, nil
}

// newLogger logs to cfg.LogFile (appending) or stderr, at cfg.LogLevel
// mapped to slog levels; the returned LevelVar follows CONFIG SET loglevel.
func newLogger(cfg *config.Config) (*slog.Logger, *slog.LevelVar, io.Closer, error) {
	var w io.Writer = os.Stderr
	var closer io.Closer = io.NopCloser(nil)
	if cfg.LogFile != "" {
		f, err := os.OpenFile(cfg.LogFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("logfile: %w", err)
		}
		w, closer = f, f
	}
	lv := new(slog.LevelVar)
	lv.Set(config.SlogLevel(cfg.LogLevel))
	h := slog.NewTextHandler(w, &slog.HandlerOptions{
		Level: lv,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.LevelKey && len(groups) == 0 {
				if l, ok := a.Value.Any().(slog.Level); ok && l == config.LevelVerbose {
					a.Value = slog.StringValue("VERBOSE")
				}
			}
			return a
		},
	})
	return slog.New(h), lv, closer, nil
}

func run(args []string, stdout io.Writer) error {
	if len(args) == 1 {
		switch args[0] {
		case "-v", "--version":
			fmt.Fprintln(stdout, version())
			return nil
		case "-h", "--help":
			fmt.Fprint(stdout, usage)
			return nil
		}
	}
	args, restore, restoreForce, err := restoreFlags(args)
	if err != nil {
		return err
	}
	args, importRDB, exportRDB, err := rdbFlags(args)
	if err != nil {
		return err
	}
	if restore != "" && (importRDB != "" || exportRDB != "") {
		return errors.New("--restore cannot be combined with --import-rdb or --export-rdb")
	}
	cfg, file, err := parseArgs(args)
	if err != nil {
		return err
	}
	if len(cfg.Bind) == 0 {
		return errors.New("bind is empty: nothing to listen on")
	}
	log, lv, closeLog, err := newLogger(cfg)
	if err != nil {
		return err
	}
	defer closeLog.Close()
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return fmt.Errorf("dir: %w", err)
	}
	if cfg.PidFile != "" {
		if err := os.WriteFile(cfg.PidFile, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
			return fmt.Errorf("pidfile: %w", err)
		}
		defer os.Remove(cfg.PidFile)
	}
	log.Info("AiKv starting", "version", version(), "config_file", file, "pid", os.Getpid())
	if cfg.ProtectedMode && cfg.RequirePass == "" && !loopbackOnly(cfg.Bind) {
		log.Warn("protected mode is on and no password is set: only loopback clients are accepted",
			"bind", strings.Join(cfg.Bind, " "))
	}

	table := commands.NewTable()
	for _, rc := range cfg.RenameCommands {
		if err := table.Rename(rc.From, rc.To); err != nil {
			return fmt.Errorf("rename-command: %w", err)
		}
		if rc.To == "" {
			log.Info("command disabled by rename-command", "command", rc.From)
		} else {
			log.Info("command renamed by rename-command", "command", rc.From, "name", rc.To)
		}
	}
	srv := server.New(cfg, table, log)
	srv.SetConfigFile(file)
	srv.SetLogLevelVar(lv)
	if os.Getenv("AIKV_EVENT_LOOP") != "0" {
		// One epoll loop for ordinary clients (server/eventloop_linux.go);
		// AIKV_EVENT_LOOP=0 gives every connection its own goroutine.
		srv.EnableEventLoop()
	}
	if os.Getenv("GOMAXPROCS") == "" {
		srv.EnableProcTuning() // see server/procs.go (after EnableEventLoop)
	}
	if os.Getenv("AIKV_FAULT_INJECTION") == "1" {
		// End-to-end tests of disk errors (DEBUG AOF-FAULT / RDB-FAULT).
		srv.EnableFaultInjection()
	}
	if restore != "" {
		if err := srv.Restore(restore, restoreForce); err != nil {
			return err
		}
	}
	if err := srv.OpenPersistence(); err != nil {
		return err
	}
	if exportRDB != "" {
		if err := srv.ExportRDB(exportRDB); err != nil {
			return fmt.Errorf("export-rdb: %w", err)
		}
		log.Info("RDB file written", "file", exportRDB)
		return srv.Shutdown(context.Background())
	}
	if importRDB != "" {
		if _, err := srv.ImportRDB(importRDB); err != nil {
			return err
		}
	}
	// AIKV_CPUPROFILE=file profiles the whole run (for performance work).
	if path := os.Getenv("AIKV_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}

	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case sig := <-sigs:
		log.Warn("received signal, shutting down", "signal", sig.String())
	case <-srv.ShutdownRequested():
		log.Warn("SHUTDOWN requested, shutting down")
	}
	// A second signal while shutting down exits at once, as Redis does.
	go func() {
		sig := <-sigs
		log.Warn("received second signal, exiting now", "signal", sig.String())
		os.Exit(1)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		return err
	}
	if err := <-errc; err != nil {
		return err
	}
	log.Info("AiKv is now ready to exit, bye bye...")
	return nil
}

// restoreFlags removes --restore FILE and --restore-force from args.
func restoreFlags(args []string) (rest []string, file string, force bool, err error) {
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "--restore":
			if i+1 >= len(args) || strings.HasPrefix(args[i+1], "--") {
				return nil, "", false, errors.New("--restore needs a file name")
			}
			file = args[i+1]
			i++
		case "--restore-force":
			force = true
		default:
			rest = append(rest, args[i])
		}
	}
	if force && file == "" {
		return nil, "", false, errors.New("--restore-force needs --restore FILE")
	}
	return rest, file, force, nil
}

// rdbFlags removes --import-rdb FILE and --export-rdb FILE from args.
func rdbFlags(args []string) (rest []string, importRDB, exportRDB string, err error) {
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "--import-rdb", "--export-rdb":
			if i+1 >= len(args) || strings.HasPrefix(args[i+1], "--") {
				return nil, "", "", fmt.Errorf("%s needs a file name", args[i])
			}
			if args[i] == "--import-rdb" {
				importRDB = args[i+1]
			} else {
				exportRDB = args[i+1]
			}
			i++
		default:
			rest = append(rest, args[i])
		}
	}
	if importRDB != "" && exportRDB != "" {
		return nil, "", "", errors.New("--import-rdb and --export-rdb cannot be combined")
	}
	return rest, importRDB, exportRDB, nil
}

// loopbackOnly reports whether every bind address is a loopback one.
func loopbackOnly(bind []string) bool {
	for _, b := range bind {
		b = strings.TrimPrefix(b, "-")
		if b != "localhost" && !strings.HasPrefix(b, "127.") && b != "::1" {
			return false
		}
	}
	return true
}
