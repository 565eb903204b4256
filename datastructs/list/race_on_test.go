//go:build race

package list

// raceEnabled: the race detector makes sync.Pool drop a random share of
// what is put in it, so tests of recycling rates skip.
const raceEnabled = true
