// Command aikv-server runs the AiKv server.
//
//	aikv-server [path/to/aikv.toml] [--name value ...]
//
// Every setting is accepted as a flag by its Redis name (--port 6380
// --appendfsync always); flags override the file.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/aikv/aikv/server"
	"github.com/aikv/aikv/server/commands"
	"github.com/aikv/aikv/server/config"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "aikv-server:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	cfg := config.Default()
	reg := config.NewRegistry()
	if len(args) > 0 && !strings.HasPrefix(args[0], "--") {
		return fmt.Errorf("config files are not supported yet: %s", args[0])
	}
	for i := 0; i < len(args); i++ {
		name := strings.TrimPrefix(args[i], "--")
		if name == args[i] {
			return fmt.Errorf("unexpected argument %q (flags look like --port 6380)", args[i])
		}
		// A flag takes every following argument up to the next --flag, so
		// "--save 3600 1 300 100" works as in redis-server.
		var vals []string
		for i+1 < len(args) && !strings.HasPrefix(args[i+1], "--") {
			i++
			vals = append(vals, args[i])
		}
		if err := reg.Set(cfg, name, strings.Join(vals, " "), true); err != nil {
			return fmt.Errorf("--%s: %w", name, err)
		}
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	srv := server.New(cfg, commands.NewTable(), log)

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case sig := <-sigs:
		log.Info("received signal, shutting down", "signal", sig.String())
	case <-srv.ShutdownRequested():
		log.Info("SHUTDOWN requested")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(ctx)
}
