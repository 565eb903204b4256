package commands

import "github.com/aikv/aikv/server/command"

func registerSets(t *command.Table) {}
