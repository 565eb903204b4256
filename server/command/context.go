package command

import (
	"time"

	"github.com/aikv/aikv/datastructs"
	"github.com/aikv/aikv/server/acl"
)

// Writer receives one command's reply. Implementations encode for RESP2 or
// RESP3 (the network), or collect values (Lua's redis.call). Aggregates are
// announced with their length (Array, Map, Set, Push) and followed by
// exactly that many elements (for Map: 2n, key then value).
//
// A Writer is used by one goroutine at a time and is only valid during the
// Handler call that received it.
type Writer interface {
	SimpleString(s string)
	OK()
	Error(msg string) // msg is the full text, e.g. "ERR syntax error"
	Int(n int64)
	Bulk(b []byte)
	BulkString(s string)
	// Null is the absent single value: RESP2 "$-1", RESP3 "_".
	Null()
	// NullArray is the absent aggregate: RESP2 "*-1", RESP3 "_".
	NullArray()
	Array(n int)
	// Map is a RESP3 map; in RESP2 it is an array of 2n elements.
	Map(n int)
	// Set is a RESP3 set; in RESP2 an array.
	Set(n int)
	// Push is a RESP3 push frame; in RESP2 an array.
	Push(n int)
	// Double is a RESP3 double; in RESP2 a bulk string formatted like
	// Redis's addReplyDouble (%.17g, "inf", "-inf").
	Double(f float64)
	// Bool is a RESP3 boolean; in RESP2 the integer 1 or 0.
	Bool(b bool)
	// Verbatim is a RESP3 verbatim string with a 3-letter format ("txt");
	// in RESP2 a bulk string.
	Verbatim(format, s string)
	// Proto returns 2 or 3.
	Proto() int
}

// Client is the per-connection state that handlers may read and change.
// It is owned by the connection's goroutine; fields that other goroutines
// read (CLIENT LIST) are only touched with the keyspace lock held, which
// every handler runs under.
type Client struct {
	ID        int64
	Name      string
	Addr      string // remote address
	LocalAddr string
	FD        int
	DB        int  // selected database index
	Proto     int  // 2 or 3
	Authed    bool // true when no password is required or AUTH succeeded
	// User is the ACL user the client runs as (nil: unrestricted, for
	// internal clients such as the log replay). Set at connect, by
	// AUTH/HELLO and RESET; changed only under the server lock.
	User       *acl.User
	Created    time.Time
	LastActive time.Time
	LastCmd    string
	LibName    string
	LibVer     string

	// CloseAfterReply makes the connection close once the current replies
	// are flushed (QUIT, protocol errors, CLIENT KILL of itself).
	CloseAfterReply bool
	// ReplyMode is ReplyOn, ReplyOff or ReplySkip (CLIENT REPLY).
	ReplyMode ReplyMode
	// NoEvict and NoTouch mirror CLIENT NO-EVICT / NO-TOUCH.
	NoEvict, NoTouch bool
	// Kill is set by another client's CLIENT KILL; the owner closes the
	// connection before running its next batch.
	Kill bool
	// Monitor is set by MONITOR.
	Monitor bool
	// Block, when set by a handler, asks the dispatcher to park the
	// client until one of the keys is modified or the timeout passes
	// (see Context.Block). The dispatcher clears it.
	Block *BlockRequest
	// NeedFsync asks the connection to fsync the log before sending this
	// batch's replies (WAITAOF). The connection clears it.
	NeedFsync bool
	// InMulti is set while the client is queuing or executing MULTI; a
	// script run sets NoBlock too. Blocking commands then act as their
	// non-blocking forms.
	InMulti, NoBlock bool
	// Flags are free-form letters for CLIENT LIST "flags=" (e.g. "N").
	Flags string
	// Stats for CLIENT LIST.
	QueryBufLen, OutBufLen int

	// PubSub is Redis's CLIENT_PUBSUB: set by a subscribe command, cleared
	// when the last subscription goes. In RESP2 it restricts the commands
	// the client may run. Subs counts the subscriptions of each
	// PubSubKind; the server maintains it.
	PubSub bool
	Subs   [3]int
	// Tracking is the client-side caching state (CLIENT TRACKING).
	Tracking Tracking
	// Sync is what REPLCONF asked for the snapshot SYNC sends.
	Sync SyncOptions
}

// SyncOptions are the REPLCONF settings that shape the snapshot SYNC
// sends (see server/sync.go).
type SyncOptions struct {
	// EOF: the client takes a streamed payload ended by a 40-byte mark
	// (REPLCONF capa eof).
	EOF bool
	// RDBOnly: the client wants the snapshot alone, no replication
	// stream (REPLCONF rdb-only 1, sent by redis-cli --rdb).
	RDBOnly bool
	// Replica: the client announced itself as a replica (REPLCONF
	// listening-port or ip-address).
	Replica bool
	// NoData and NoFunctions filter the payload (REPLCONF
	// rdb-filter-only, sent by redis-cli --functions-rdb).
	NoData, NoFunctions bool
	// AiKvFormat asks for an AiKv snapshot file instead of RDB (REPLCONF
	// aikv-snapshot 1, an AiKv extension used by aikv-check backup).
	AiKvFormat bool
}

// PubSubKind selects one of the three subscription namespaces.
type PubSubKind uint8

const (
	SubChannel PubSubKind = iota // SUBSCRIBE / PUBLISH
	SubPattern                   // PSUBSCRIBE
	SubShard                     // SSUBSCRIBE / SPUBLISH
)

// Tracking is a client's CLIENT TRACKING state. The server owns the
// tables; handlers change this struct only through Server.SetTracking.
type Tracking struct {
	On, BCast, OptIn, OptOut, NoLoop bool
	// Redirect is the client receiving the invalidations (0: itself).
	Redirect int64
	// BrokenRedirect is set once the redirect target has gone away.
	BrokenRedirect bool
	// Prefixes are the BCAST prefixes (the empty prefix means every key).
	Prefixes []string
	// Caching is CLIENT CACHING's answer for the next command: 1 yes,
	// -1 no, 0 not given.
	Caching int8
}

// NotifyClass is a keyspace notification class (notify-keyspace-events).
type NotifyClass uint16

// Notification classes, as Redis's NOTIFY_* flags.
const (
	NotifyGeneric NotifyClass = 1 << iota // g
	NotifyString                          // $
	NotifyList                            // l
	NotifySet                             // s
	NotifyHash                            // h
	NotifyZSet                            // z
	NotifyExpired                         // x
	NotifyEvicted                         // e
	NotifyStream                          // t
	NotifyKeyMiss                         // m
	NotifyModule                          // d
	NotifyNew                             // n
)

// BlockRequest describes what a blocked client waits for.
type BlockRequest struct {
	// Keys are copies of the keys waited on, in the selected DB.
	Keys [][]byte
	// Deadline is when to give up; zero means never.
	Deadline time.Time
	// NullArrayOnTimeout selects the timeout reply: a null array or a
	// null bulk. (Redis 7.0 answers a timed-out BLMOVE/BRPOPLPUSH with a
	// null array too, but with a null bulk inside MULTI: handlers choose.)
	NullArrayOnTimeout bool
}

// ReplyMode is the CLIENT REPLY setting.
type ReplyMode uint8

const (
	ReplyOn ReplyMode = iota
	ReplyOff
	ReplySkip // skip the next command's reply only
)

// Server is what handlers may ask of the running server beyond the
// keyspace: configuration, introspection, client management. It is
// implemented by package server; tests may fake it. Methods are called with
// the keyspace lock held.
type Server interface {
	// Table returns the command table (COMMAND, MULTI, scripts).
	Table() *Table
	// ConfigGet returns name/value pairs for parameters matching the glob.
	ConfigGet(pattern string) [][2]string
	// ConfigSet sets parameters atomically; the error text is the reply.
	// local tells whether the client connects from the loopback interface
	// (enable-protected-configs local).
	ConfigSet(pairs [][2]string, local bool) error
	// ConfigRewrite writes the running configuration to the config file.
	ConfigRewrite() error
	// ResetStats resets INFO statistics (CONFIG RESETSTAT).
	ResetStats()
	// Info renders INFO sections ("" or "default" for the default set).
	Info(sections []string) string
	// Clients lists every connected client.
	Clients() []*Client
	// RequestShutdown asks the server to stop after the current batch;
	// mode selects SAVE/NOSAVE/default.
	RequestShutdown(mode ShutdownMode) error
	// Password returns requirepass ("" when none).
	Password() string
	// ACL returns the users (ACL commands read and list them directly).
	ACL() *acl.Registry
	// Authenticate logs c's client in as user (nil: "default") with pass
	// and reports success; a failure is logged in the ACL LOG with the
	// command's name as object.
	Authenticate(c *Context, user, pass []byte) bool
	// ResetUser makes cl the default user again, authenticated only if
	// that needs no password (RESET).
	ResetUser(cl *Client)
	// ACLSetUser creates or changes a user (ACL SETUSER); the error text
	// is the reply. Subscribed clients of the user that lost access to
	// their channels are disconnected, as in Redis.
	ACLSetUser(name string, ops []string) error
	// ACLDelUsers deletes users and disconnects their clients (the
	// caller's own connection after its reply); it returns how many
	// existed. The caller refuses "default" first.
	ACLDelUsers(names []string) int
	// ACLCheck checks whether u may run args (args[0] is the command) and
	// returns the denial and the offending argument's index; errText is
	// the reply when the command is unknown or has the wrong arity.
	ACLCheck(u *acl.User, args [][]byte) (res acl.Result, idx int, errText string)
	// ScriptACLCheck checks a command a script calls (run, args) against
	// c's user, logging a denial; it returns redis.call's error text, ""
	// when allowed.
	ScriptACLCheck(c *Context, run *Spec, args [][]byte) string
	// Slowlog returns up to n newest entries (n < 0: all).
	Slowlog(n int) []SlowlogEntry
	SlowlogLen() int
	SlowlogReset()
	// Call runs args as a command nested in the one c is executing
	// (EXEC, scripts), replying to w; check may refuse a spec with an
	// error text. The nested effects join c's. It returns the spec run
	// (nil for an unknown command).
	Call(c *Context, args [][]byte, w Writer, check func(*Spec) string) *Spec
	// AOFEnabled reports whether the append-only log is on.
	AOFEnabled() bool
	// Save writes a snapshot synchronously (SAVE); the error text is the
	// reply.
	Save() error
	// BGSave starts a background snapshot and returns the status reply
	// (BGSAVE [SCHEDULE]).
	BGSave(schedule bool) (string, error)
	// BGRewriteAOF starts a snapshot that becomes the log's new base and
	// returns the status reply.
	BGRewriteAOF() (string, error)
	// LastSave is the Unix time of the last successful save.
	LastSave() int64
	// SetDiskFault sets an injected disk fault (DEBUG AOF-FAULT and
	// RDB-FAULT, tests only): target "aof" or "rdb", mode "write",
	// "fsync" or "off". enabled is false when the process did not enable
	// fault injection; the error text is the reply.
	SetDiskFault(target, mode string) (enabled bool, err error)
	// Exec runs the transaction c's client queued since MULTI (EXEC),
	// or aborts it when a watched key changed or a command was refused
	// while queuing. The caller has checked that the client is in MULTI.
	Exec(c *Context)
	// Watch adds keys of c's selected database to the keys whose
	// modification makes the client's next EXEC fail (WATCH).
	Watch(c *Context, keys [][]byte)
	// Unwatch forgets the client's watched keys and any modification
	// seen on them (UNWATCH).
	Unwatch(cl *Client)
	// DiscardTransaction ends the client's MULTI, drops its queued
	// commands and unwatches every key (DISCARD, RESET).
	DiscardTransaction(cl *Client)
	// UnblockClient ends a client's blocking command (CLIENT UNBLOCK)
	// with its timeout reply, or an UNBLOCKED error; it reports whether
	// the client was blocked.
	UnblockClient(id int64, withError bool) bool
	// ClientInfo renders a client as a CLIENT LIST line.
	ClientInfo(c *Client) string
	// KillClient closes another client's connection (CLIENT KILL). The
	// connection finishes nothing further: it is closed before its next
	// batch or while it waits for input.
	KillClient(c *Client)
	// Pause suspends other clients' commands (CLIENT PAUSE) until the
	// given time; a pause already in force is only ever extended or
	// widened, as in Redis.
	Pause(mode PauseMode, until time.Time)
	// Unpause ends a pause (CLIENT UNPAUSE).
	Unpause()
	// StartMonitor turns c into a MONITOR client: from now on it receives
	// every command other clients run.
	StartMonitor(c *Client)
	// LatencyLatest returns the latest sample of every latency event.
	LatencyLatest() []LatencyEvent
	// LatencyHistory returns the samples of one event, oldest first.
	LatencyHistory(event string) []LatencySample
	// LatencyReset clears the named events (all when none are named) and
	// returns how many were cleared.
	LatencyReset(events []string) int
	// MemoryStats returns the figures MEMORY STATS reports.
	MemoryStats() MemoryStats

	// Subscribe adds a subscription of cl and reports whether it is new;
	// Unsubscribe removes one and reports whether it existed. Both keep
	// cl.Subs and cl.PubSub up to date. Names are copied.
	Subscribe(cl *Client, kind PubSubKind, name []byte) bool
	Unsubscribe(cl *Client, kind PubSubKind, name []byte) bool
	// Subscriptions lists cl's subscriptions of one kind.
	Subscriptions(cl *Client, kind PubSubKind) []string
	// Publish sends message to the subscribers of channel (kind is
	// SubChannel, which also matches patterns, or SubShard) and returns
	// how many clients received it.
	Publish(kind PubSubKind, channel, message []byte) int
	// PubSubChannels lists the active channels (SubChannel or SubShard)
	// matching pattern (nil: all).
	PubSubChannels(kind PubSubKind, pattern []byte) []string
	// PubSubNumSub returns the number of subscribers of a channel.
	PubSubNumSub(kind PubSubKind, channel []byte) int
	// PubSubNumPat returns the number of subscribed patterns.
	PubSubNumPat() int
	// NotifyKeyspaceEvent publishes a keyspace notification if the class
	// is enabled by notify-keyspace-events.
	NotifyKeyspaceEvent(class NotifyClass, event string, key []byte, db int)
	// SetTracking turns client-side caching on (t.On) or off for cl,
	// after the handler validated the options; the error text is the
	// reply.
	SetTracking(cl *Client, t Tracking) error
	// ClientByID returns a connected client (nil if none).
	ClientByID(id int64) *Client
	// StartSync makes the connection send a point-in-time snapshot, as
	// cl.Sync describes, once the current batch's replies are flushed,
	// and then close (SYNC). The error text is the reply.
	StartSync(cl *Client) error
}

// PauseMode is what CLIENT PAUSE suspends.
type PauseMode uint8

const (
	PauseOff   PauseMode = iota
	PauseWrite           // write and may-replicate commands wait
	PauseAll             // every command waits
)

// LatencyEvent is one LATENCY LATEST row.
type LatencyEvent struct {
	Name   string
	Time   int64 // unix seconds of the latest sample
	Latest int64 // milliseconds
	Max    int64 // milliseconds, all-time
}

// LatencySample is one LATENCY HISTORY row.
type LatencySample struct {
	Time    int64 // unix seconds
	Latency int64 // milliseconds
}

// MemoryStats are the server-wide figures of MEMORY STATS, in bytes.
type MemoryStats struct {
	Peak, Total, Startup int64
	ClientsNormal        int64
	RSS                  int64
	AllocatorActive      int64
	AllocatorResident    int64
}

// SlowlogEntry is one SLOWLOG GET entry.
type SlowlogEntry struct {
	ID       int64
	Time     int64 // unix seconds
	Duration int64 // microseconds
	Args     []string
	Addr     string
	Name     string
}

// ShutdownMode selects what SHUTDOWN does about persistence.
type ShutdownMode uint8

const (
	ShutdownDefault ShutdownMode = iota
	ShutdownSave
	ShutdownNoSave
)

// Context is what a handler gets: the arguments, where to reply, the
// connection's state and the (locked) keyspace. The dispatcher reuses one
// Context per connection.
type Context struct {
	Args   [][]byte
	Spec   *Spec
	W      Writer
	Client *Client
	KS     *datastructs.Keyspace
	// DB is KS.DB(Client.DB), resolved by the dispatcher.
	DB     *datastructs.DB
	Server Server

	// Retry is true when the dispatcher re-runs a parked blocking
	// command because a key it waits on changed. A handler then treats a
	// key of the wrong type as empty and blocks again, as Redis does.
	Retry bool

	// Effects collects what the current command logs (see Propagate).
	// Owned by the dispatcher, which resets it per command.
	Effects Effects
}

// Effect is one command as it goes to the append-only log: the arguments
// and the database they apply to.
type Effect struct {
	DB   int
	Args [][]byte
}

// Effects is what one command contributes to the log.
type Effects struct {
	// Logging is set by the dispatcher when the log is on; otherwise
	// Propagate records nothing (and costs nothing).
	Logging bool
	// Custom is set when the handler called Propagate; otherwise a write
	// command that changed the dataset is logged as it was sent.
	Custom bool
	List   []Effect
}

// Propagate logs args in place of the command as sent. A handler calls it
// when replaying the original request would not reproduce its effect:
// relative times (EXPIRE -> PEXPIREAT, SET EX -> SET PXAT), randomness
// (SPOP -> SREM), floating point (INCRBYFLOAT -> SET KEEPTTL), blocking
// (BLPOP -> LPOP). It may be called several times; calling it with no
// arguments only marks the command as logging nothing of itself.
//
// The argument slices are not copied: they must stay unchanged until the
// end of the batch, when the dispatcher encodes the record. c.Args and
// freshly built values satisfy that.
func (c *Context) Propagate(args ...[]byte) {
	c.Effects.Custom = true
	if len(args) == 0 || !c.Effects.Logging {
		return
	}
	c.Effects.List = append(c.Effects.List, Effect{DB: c.Client.DB, Args: append([][]byte(nil), args...)})
}

// PropagateStrings is Propagate for string arguments.
func (c *Context) PropagateStrings(args ...string) {
	if !c.Effects.Logging {
		c.Effects.Custom = true
		return
	}
	b := make([][]byte, len(args))
	for i, a := range args {
		b[i] = []byte(a)
	}
	c.Propagate(b...)
}

// Name returns the command name in lower case as registered (for errors).
func (c *Context) Name() string { return c.Spec.Name }

// Block parks the client: the dispatcher re-runs this same command (same
// arguments) whenever one of keys is modified, in first-come first-served
// order among clients blocked on that key, until the handler replies
// instead of calling Block again, or until timeout (0 = forever) passes,
// when the client gets the null reply. A handler calls Block instead of
// replying. Inside MULTI or a script a client cannot block: Block then
// writes the timeout reply at once, which is how Redis's blocking
// commands behave there.
func (c *Context) Block(keys [][]byte, timeout time.Duration, nullArray bool) {
	if c.Client.InMulti || c.Client.NoBlock {
		if nullArray {
			c.W.NullArray()
		} else {
			c.W.Null()
		}
		return
	}
	req := &BlockRequest{NullArrayOnTimeout: nullArray}
	for _, k := range keys {
		req.Keys = append(req.Keys, append([]byte(nil), k...))
	}
	if timeout > 0 {
		req.Deadline = time.Now().Add(timeout)
	}
	c.Client.Block = req
}

// Notify emits a keyspace notification for key in the client's database
// (Redis's notifyKeyspaceEvent). Handlers call it after the change, with
// Redis's event name.
func (c *Context) Notify(class NotifyClass, event string, key []byte) {
	if c.Server == nil {
		return // unit tests without a server
	}
	c.Server.NotifyKeyspaceEvent(class, event, key, c.Client.DB)
}

// NotifyDB is Notify for a key in another database (MOVE, COPY ... DB).
func (c *Context) NotifyDB(class NotifyClass, event string, key []byte, db int) {
	if c.Server == nil {
		return
	}
	c.Server.NotifyKeyspaceEvent(class, event, key, db)
}

// Select switches the client's database.
func (c *Context) Select(db int) {
	c.Client.DB = db
	c.DB = c.KS.DB(db)
}
