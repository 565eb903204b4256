package commands

import "github.com/aikv/aikv/server/command"

func registerStrings(t *command.Table) {}
