package commands

// Command names and words used when a handler logs its effect in another
// form (Context.Propagate). They are package variables so that logging
// allocates nothing when the log is off; they must never be modified.
var (
	wordDEL       = []byte("DEL")
	wordSET       = []byte("SET")
	wordPXAT      = []byte("PXAT")
	wordKEEPTTL   = []byte("KEEPTTL")
	wordPEXPIREAT = []byte("PEXPIREAT")
	wordPERSIST   = []byte("PERSIST")
	wordLPOP      = []byte("LPOP")
	wordRPOP      = []byte("RPOP")
	wordLMOVE     = []byte("LMOVE")
	wordRPOPLPUSH = []byte("RPOPLPUSH")
	wordLMPOP     = []byte("LMPOP")
)
