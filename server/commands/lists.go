package commands

import "github.com/aikv/aikv/server/command"

func registerLists(t *command.Table) {}
