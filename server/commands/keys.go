package commands

import "github.com/aikv/aikv/server/command"

func registerKeys(t *command.Table) {}
