package commands

import "github.com/aikv/aikv/server/command"

func registerZSets(t *command.Table) {}
