package commands

import "github.com/aikv/aikv/server/command"

func registerAdmin(t *command.Table) {}
