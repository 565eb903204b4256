package commands

import "github.com/aikv/aikv/server/command"

// NewTable returns the full command table.
func NewTable() *command.Table {
	t := command.NewTable()
	registerConn(t)
	registerStrings(t)
	registerKeys(t)
	registerAdmin(t)
	registerConfig(t)
	registerLists(t)
	registerHashes(t)
	registerSets(t)
	registerZSets(t)
	registerPersistence(t)
	registerJSON(t)
	registerScripting(t)
	registerSort(t)
	registerMulti(t)
	registerPubSub(t)
	registerDump(t)
	registerACL(t)
	registerReplication(t)
	return t
}
