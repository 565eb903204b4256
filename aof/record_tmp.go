package aof

// Cmd is one effect: a command's arguments in the database it applies to.
// (Provisional: replaced by the full package.)
type Cmd struct {
	DB   int
	Args [][]byte
}

// Record is one atomic unit of effects.
type Record struct {
	Time int64
	Cmds []Cmd
}
