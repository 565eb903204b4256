package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aikv/aikv/server/config"
)

func TestParseArgs(t *testing.T) {
	file := filepath.Join(t.TempDir(), "aikv.toml")
	os.WriteFile(file, []byte("[server]\nport = 7000\nmax_connections = 5\n[redis]\nsave = \"60 1\"\n"), 0o644)

	cfg, got, err := parseArgs([]string{file, "--port", "7001", "--save", "3600", "1", "300", "100", "--requirepass", "pw"})
	if err != nil {
		t.Fatal(err)
	}
	if got != file || cfg.Port != 7001 || cfg.MaxClients != 5 || cfg.RequirePass != "pw" ||
		!reflect.DeepEqual(cfg.Save, []config.SavePoint{{Seconds: 3600, Changes: 1}, {Seconds: 300, Changes: 100}}) {
		t.Errorf("parseArgs: file %q, %+v", got, cfg)
	}

	cfg, got, err = parseArgs(nil)
	if err != nil || got != "" || !reflect.DeepEqual(cfg, config.Default()) {
		t.Errorf("no arguments: %v %q %+v", err, got, cfg)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--nosuch", "1"}, "--nosuch: unknown option"},
		{[]string{"--port", "abc"}, "--port: argument couldn't be parsed into an integer"},
		{[]string{"-x"}, `unexpected argument "-x"`},
		{[]string{"--cluster-enabled", "yes"}, "--cluster-enabled: not supported by AiKv yet"},
		{[]string{filepath.Join(t.TempDir(), "missing.toml")}, "no such file"},
	} {
		if _, _, err := parseArgs(tt.args); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want an error containing %q", tt.args, err, tt.want)
		}
	}
}
