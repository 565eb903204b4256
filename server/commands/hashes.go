package commands

import "github.com/aikv/aikv/server/command"

func registerHashes(t *command.Table) {}
