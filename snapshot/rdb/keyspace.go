package rdb

import (
	"fmt"

	"github.com/aikv/aikv/datastructs"
)

// LoadOptions tune LoadKeyspace.
type LoadOptions struct {
	// Functions receives function libraries (nil: they are counted in
	// Info.Functions but dropped).
	Functions Functions
	// Unsupported is told about each key of a type AiKv lacks.
	Unsupported func(db int, key, kind string)
	// Loaded is called after each key is stored (e.g. to log it).
	Loaded func(db int, key string)
	// Aux receives the file's auxiliary fields.
	Aux func(key, value string)
}

// LoadKeyspace loads an RDB file into ks the way a Redis master loads one
// at startup: keys already expired are skipped, a key of the file
// replaces a key of the same name, LRU/LFU hints are applied.
func LoadKeyspace(data []byte, ks *datastructs.Keyspace, o LoadOptions) (*Info, error) {
	now := ks.Now()
	var fnHook func(string) error
	if o.Functions != nil {
		fnHook = o.Functions.LoadLibrary
	}
	return Load(data, Handler{
		Aux:         o.Aux,
		Function:    fnHook,
		Unsupported: o.Unsupported,
		Key: func(k *Key) error {
			if k.DB >= ks.NumDBs() {
				return fmt.Errorf("rdb: the file uses database %d; this server has %d databases", k.DB, ks.NumDBs())
			}
			if k.ExpireAt != 0 && k.ExpireAt <= now {
				return nil
			}
			db := ks.DB(k.DB)
			key := []byte(k.Name)
			if k.Obj.Val == nil {
				db.SetStringOwned(key, k.Obj.Str, k.ExpireAt, false)
			} else {
				db.SetValue(key, k.Obj.Val, k.ExpireAt, false)
			}
			if k.Idle >= 0 || k.Freq >= 0 {
				db.SetAccess(key, k.Idle, k.Freq)
			}
			if o.Loaded != nil {
				o.Loaded(k.DB, k.Name)
			}
			return nil
		},
	})
}
