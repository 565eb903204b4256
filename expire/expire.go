// Package expire runs Redis's active expiry cycle: keys with a TTL that
// nobody reads are still reclaimed. Lazy expiry (on access) lives in
// datastructs; this package only decides how much sampling to do.
//
// The cycle samples a few keys with a TTL from each database, deletes the
// expired ones, and repeats on a database while more than a tenth of the
// sample was expired (many dead keys remain), stopping when its time
// budget is spent. It remembers where it stopped so the next run starts
// with the next database.
//
//	c := expire.Cycle{Target: t}
//	c.Run(25 * time.Millisecond) // call ~10 times a second
package expire

import "time"

// KeysPerLoop is how many keys with a TTL are sampled per round, as
// Redis's ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP.
const KeysPerLoop = 20

// Target is the keyspace as the cycle sees it. ExpireSample must take
// whatever lock the keyspace needs for one round, so writers are never
// blocked for long.
type Target interface {
	NumDBs() int
	// ExpireSample samples up to n keys with a TTL in database db and
	// deletes those that have expired.
	ExpireSample(db, n int) (sampled, expired int)
}

// Cycle is the active expiry loop state. The zero value with a Target is
// ready to use. It is not safe for concurrent use.
type Cycle struct {
	Target Target
	// Now is the clock used for the time budget; nil means time.Now.
	Now func() time.Time

	nextDB int
}

// Run performs one bounded expiry pass and returns the number of keys it
// expired.
func (c *Cycle) Run(budget time.Duration) (expired int) {
	now := c.Now
	if now == nil {
		now = time.Now
	}
	deadline := now().Add(budget)
	n := c.Target.NumDBs()
	for i := 0; i < n; i++ {
		db := c.nextDB % n
		c.nextDB = (c.nextDB + 1) % n
		for {
			sampled, dead := c.Target.ExpireSample(db, KeysPerLoop)
			expired += dead
			if sampled == 0 || dead*10 <= sampled {
				break
			}
			if now().After(deadline) {
				return expired
			}
		}
		if now().After(deadline) {
			return expired
		}
	}
	return expired
}
