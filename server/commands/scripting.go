package commands

import (
	"bytes"
	"strings"

	"github.com/aikv/aikv/datastructs/glob"
	"github.com/aikv/aikv/scripting"
	"github.com/aikv/aikv/server/command"
)

// ScriptHost is implemented by servers that run Lua scripts. Handlers find
// the engine by asserting c.Server to it, so command.Server stays free of
// the scripting package.
type ScriptHost interface {
	ScriptEngine() *scripting.Engine
}

const errNoEngine = "ERR scripting is not available"

func engineOf(c *command.Context) *scripting.Engine {
	if h, ok := c.Server.(ScriptHost); ok {
		return h.ScriptEngine()
	}
	return nil
}

// scriptDispatcher adapts command.Server.Call to scripting.Dispatcher for
// the client running the script.
type scriptDispatcher struct{ c *command.Context }

// OOMReporter is implemented by servers with a memory limit: whether
// eviction failed to bring memory under maxmemory before the current
// top-level command (Redis's pre_command_oom_state).
type OOMReporter interface {
	OOMAtCommandStart() bool
}

func (d *scriptDispatcher) Table() *command.Table { return d.c.Server.Table() }
func (d *scriptDispatcher) Call(args [][]byte, w command.Writer) {
	d.c.Server.Call(d.c, args, w, nil)
}

// CheckACL implements scripting.ACLChecker: the calling client's user
// must be allowed to run what the script calls.
func (d *scriptDispatcher) CheckACL(run *command.Spec, args [][]byte) string {
	return d.c.Server.ScriptACLCheck(d.c, run, args)
}

// oomAtStart reports the server's OOMReporter state.
func oomAtStart(c *command.Context) bool {
	r, ok := c.Server.(OOMReporter)
	return ok && r.OOMAtCommandStart()
}

// scriptKeys is the key-position function of EVAL and FCALL: numkeys at
// index 2, the keys after it.
func scriptKeys(args [][]byte) []int {
	if len(args) < 3 {
		return nil
	}
	n, ok := parseInt(args[2])
	if !ok || n < 0 || n > int64(len(args)-3) {
		return nil
	}
	out := make([]int, n)
	for i := range out {
		out[i] = 3 + i
	}
	return out
}

func registerScripting(t *command.Table) {
	evalFlags := command.NoScript | command.Stale | command.SkipMonitor | command.NoMandatoryKeys
	acl := []string{"slow", "scripting"}
	spec := func(name string, flags command.Flags, h command.Handler, since, summary string) *command.Spec {
		return &command.Spec{Name: name, Arity: -3, Flags: flags, Keys: scriptKeys, ACL: acl,
			Group: "scripting", Handler: h, Since: since, Summary: summary,
			Complexity: "Depends on the script that is executed."}
	}
	t.Add(
		spec("eval", evalFlags, evalCmd, "2.6.0", "Execute a Lua script server side"),
		spec("evalsha", evalFlags, evalCmd, "2.6.0", "Execute a Lua script server side"),
		spec("eval_ro", evalFlags|command.ReadOnly, evalCmd, "7.0.0", "Execute a read-only Lua script server side"),
		spec("evalsha_ro", evalFlags|command.ReadOnly, evalCmd, "7.0.0", "Execute a read-only Lua script server side"),
		spec("fcall", evalFlags, fcallCmd, "7.0.0", "Invoke a function"),
		spec("fcall_ro", evalFlags|command.ReadOnly, fcallCmd, "7.0.0", "Invoke a read-only function"),
	)
	sub := func(arity int, flags command.Flags, h command.Handler, since, summary string) *command.Spec {
		a := acl
		if flags.Has(command.Write) {
			a = []string{"write", "slow", "scripting"}
		}
		return &command.Spec{Arity: arity, Flags: flags, ACL: a, Handler: h, Since: since, Summary: summary}
	}
	ns := command.NoScript
	t.Add(&command.Spec{
		Name: "script", Arity: -2, ACL: []string{"slow"}, Group: "scripting",
		Summary: "A container for Lua scripts management commands", Since: "2.6.0",
		Subcommands: map[string]*command.Spec{
			"exists": sub(-3, ns, scriptExists, "2.6.0", "Check existence of scripts in the script cache."),
			"flush":  sub(-2, ns, scriptFlush, "2.6.0", "Remove all the scripts from the script cache."),
			"load":   sub(3, ns|command.Stale, scriptLoad, "2.6.0", "Load the specified Lua script into the script cache."),
			"kill":   sub(2, ns|command.AllowBusy, scriptKill, "2.6.0", "Kill the script currently in execution."),
			"help":   sub(2, command.Loading|command.Stale, scriptHelp, "5.0.0", "Show helpful text about the different subcommands"),
		},
	})
	w := command.Write | ns
	t.Add(&command.Spec{
		Name: "function", Arity: -2, ACL: []string{"slow"}, Group: "scripting",
		Summary: "A container for function commands", Since: "7.0.0",
		Subcommands: map[string]*command.Spec{
			"load":    sub(-3, w|command.DenyOOM, functionLoad, "7.0.0", "Create a function with the given arguments (name, code, description)"),
			"delete":  sub(3, w, functionDelete, "7.0.0", "Delete a function by name"),
			"flush":   sub(-2, w, functionFlush, "7.0.0", "Deleting all functions"),
			"restore": sub(-3, w|command.DenyOOM, functionRestore, "7.0.0", "Restore all the functions on the given payload"),
			"list":    sub(-2, ns, functionList, "7.0.0", "List information about all the functions"),
			"dump":    sub(2, ns, functionDump, "7.0.0", "Dump all functions into a serialized binary payload"),
			"stats":   sub(2, ns|command.AllowBusy, functionStats, "7.0.0", "Return information about the function currently running (name, description, duration)"),
			"kill":    sub(2, ns|command.AllowBusy, functionKill, "7.0.0", "Kill the function currently in execution."),
			"help":    sub(2, command.Loading|command.Stale, functionHelp, "7.0.0", "Show helpful text about the different subcommands"),
		},
	})
}

// scriptArgs splits "numkeys key... arg..." (args from index 2), replying
// Redis's errors.
func scriptArgs(c *command.Context) (keys, argv [][]byte, ok bool) {
	n, ok := parseInt(c.Args[2])
	if !ok {
		if strings.HasPrefix(c.Spec.Name, "fcall") {
			c.W.Error("ERR Bad number of keys provided")
		} else {
			c.W.Error(command.ErrNotInteger)
		}
		return nil, nil, false
	}
	if n < 0 {
		c.W.Error(scripting.ErrNegativeKeys)
		return nil, nil, false
	}
	if n > int64(len(c.Args)-3) {
		c.W.Error(scripting.ErrTooManyKeys)
		return nil, nil, false
	}
	return c.Args[3 : 3+n], c.Args[3+n:], true
}

func scriptRun(c *command.Context) scripting.Run {
	return scripting.Run{
		D:        &scriptDispatcher{c: c},
		OOM:      oomAtStart(c),
		ReadOnly: c.Spec.Flags.Has(command.ReadOnly),
		Proto:    c.W.Proto(),
	}
}

// evalCmd is EVAL, EVALSHA, EVAL_RO and EVALSHA_RO.
func evalCmd(c *command.Context) {
	e := engineOf(c)
	if e == nil {
		c.W.Error(errNoEngine)
		return
	}
	keys, argv, ok := scriptArgs(c)
	if !ok {
		return
	}
	// The script's commands are logged instead of the EVAL itself (even
	// when it ran none).
	c.Propagate()
	if strings.HasPrefix(c.Spec.Name, "evalsha") {
		if len(c.Args[1]) != 40 {
			c.W.Error(scripting.ErrNoScript)
			return
		}
		e.EvalSHA(scriptRun(c), c.Args[1], keys, argv, c.W)
		return
	}
	e.Eval(scriptRun(c), c.Args[1], keys, argv, c.W)
}

func fcallCmd(c *command.Context) {
	e := engineOf(c)
	if e == nil {
		c.W.Error(errNoEngine)
		return
	}
	if !e.HasFunction(c.Args[1]) {
		// Redis looks the function up before parsing numkeys.
		c.W.Error(scripting.ErrFunctionNotFound)
		return
	}
	keys, argv, ok := scriptArgs(c)
	if !ok {
		return
	}
	c.Propagate()
	e.FCall(scriptRun(c), c.Args[1], keys, argv, c.W)
}

func scriptExists(c *command.Context) {
	e := engineOf(c)
	c.W.Array(len(c.Args) - 2)
	for _, sha := range c.Args[2:] {
		if e != nil && e.Exists(string(sha)) {
			c.W.Int(1)
		} else {
			c.W.Int(0)
		}
	}
}

// flushMode checks the optional ASYNC|SYNC argument.
func flushMode(c *command.Context, errMsg string) bool {
	if len(c.Args) > 3 {
		c.W.Error(errMsg)
		return false
	}
	if len(c.Args) == 3 && !eq(c.Args[2], "async") && !eq(c.Args[2], "sync") {
		c.W.Error(errMsg)
		return false
	}
	return true
}

func scriptFlush(c *command.Context) {
	if !flushMode(c, "ERR SCRIPT FLUSH only support SYNC|ASYNC option") {
		return
	}
	if e := engineOf(c); e != nil {
		e.Flush()
	}
	c.W.OK()
}

func scriptLoad(c *command.Context) {
	e := engineOf(c)
	if e == nil {
		c.W.Error(errNoEngine)
		return
	}
	sha, errMsg := e.Load(c.Args[2])
	if errMsg != "" {
		c.W.Error(errMsg)
		return
	}
	c.W.BulkString(sha)
}

// scriptKill runs under the server lock, so no script can be running
// while it does: it always answers NOTBUSY. A kill of a running script
// goes through Engine.Kill from the connection loop (see server).
func scriptKill(c *command.Context) {
	if e := engineOf(c); e != nil {
		if msg := e.Kill(false); msg != "" {
			c.W.Error(msg)
			return
		}
	}
	c.W.OK()
}

func functionKill(c *command.Context) {
	if e := engineOf(c); e != nil {
		if msg := e.Kill(true); msg != "" {
			c.W.Error(msg)
			return
		}
	}
	c.W.OK()
}

var scriptHelpLines = []string{
	"SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"DEBUG (YES|SYNC|NO)",
	"    Set the debug mode for subsequent scripts executed.",
	"EXISTS <sha1> [<sha1> ...]",
	"    Return information about the existence of the scripts in the script cache.",
	"FLUSH [ASYNC|SYNC]",
	"    Flush the Lua scripts cache. Very dangerous on replicas.",
	"    When called without the optional mode argument, the behavior is determined by the",
	"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
	"    * ASYNC: Asynchronously flush the scripts cache.",
	"    * SYNC: Synchronously flush the scripts cache.",
	"KILL",
	"    Kill the currently executing Lua script.",
	"LOAD <script>",
	"    Load a script into the scripts cache without executing it.",
	"HELP",
	"    Prints this help.",
}

var functionHelpLines = []string{
	"FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"LOAD [REPLACE] <FUNCTION CODE>",
	"    Create a new library with the given library name and code.",
	"DELETE <LIBRARY NAME>",
	"    Delete the given library.",
	"LIST [LIBRARYNAME PATTERN] [WITHCODE]",
	"    Return general information on all the libraries:",
	"    * Library name",
	"    * The engine used to run the Library",
	"    * Library description",
	"    * Functions list",
	"    * Library code (if WITHCODE is given)",
	"    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
	"STATS",
	"    Return information about the current function running:",
	"    * Function name",
	"    * Command used to run the function",
	"    * Duration in MS that the function is running",
	"    If no function is running, return nil",
	"    In addition, returns a list of available engines.",
	"KILL",
	"    Kill the current running function.",
	"FLUSH [ASYNC|SYNC]",
	"    Delete all the libraries.",
	"    When called without the optional mode argument, the behavior is determined by the",
	"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
	"    * ASYNC: Asynchronously flush the libraries.",
	"    * SYNC: Synchronously flush the libraries.",
	"DUMP",
	"    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
	"RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
	"    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
	"    control how to handle existing libraries (default APPEND):",
	"    * FLUSH: delete all existing libraries.",
	"    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
	"    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
	"      libraries with the new libraries (notice that even on this option there is a chance of failure",
	"      in case of functions name collision with another library).",
	"HELP",
	"    Prints this help.",
}

func helpReply(c *command.Context, lines []string) {
	c.W.Array(len(lines))
	for _, l := range lines {
		c.W.SimpleString(l)
	}
}

func scriptHelp(c *command.Context)   { helpReply(c, scriptHelpLines) }
func functionHelp(c *command.Context) { helpReply(c, functionHelpLines) }

// functionLoad is FUNCTION LOAD [REPLACE] code. Like every FUNCTION write
// it is logged as sent, so the log replays it on restart.
func functionLoad(c *command.Context) {
	e := engineOf(c)
	if e == nil {
		c.W.Error(errNoEngine)
		return
	}
	replace := false
	args := c.Args[2:]
	for len(args) > 1 {
		if !eq(args[0], "replace") {
			// addReplyErrorFormat trims trailing newlines before turning
			// the others into spaces.
			c.W.Error("ERR Unknown option given: " + strings.TrimRight(string(args[0]), "\r\n"))
			return
		}
		replace = true
		args = args[1:]
	}
	name, errMsg := e.FunctionLoad(args[0], replace)
	if errMsg != "" {
		c.W.Error(errMsg)
		return
	}
	c.Propagate(c.Args...)
	c.W.BulkString(name)
}

func functionDelete(c *command.Context) {
	e := engineOf(c)
	if e == nil || !e.FunctionDelete(string(c.Args[2])) {
		c.W.Error(scripting.ErrLibraryNotFound)
		return
	}
	c.Propagate(c.Args...)
	c.W.OK()
}

func functionFlush(c *command.Context) {
	if !flushMode(c, "ERR FUNCTION FLUSH only supports SYNC|ASYNC option") {
		return
	}
	if e := engineOf(c); e != nil {
		e.FunctionFlush()
	}
	c.Propagate(c.Args...)
	c.W.OK()
}

func functionList(c *command.Context) {
	e := engineOf(c)
	withCode := false
	var pattern []byte
	for i := 2; i < len(c.Args); i++ {
		a := c.Args[i]
		switch {
		case eq(a, "withcode") && !withCode:
			withCode = true
		case eq(a, "libraryname") && pattern == nil:
			if i+1 >= len(c.Args) {
				c.W.Error("ERR library name argument was not given")
				return
			}
			i++
			pattern = c.Args[i]
		default:
			c.W.Error("ERR Unknown argument " + cString(a))
			return
		}
	}
	var libs []*scripting.Library
	if e != nil {
		var match func(string) bool
		if pattern != nil {
			match = func(name string) bool { return glob.MatchString(string(pattern), name, true) }
		}
		libs = e.Libraries(match)
	}
	c.W.Array(len(libs))
	for _, lib := range libs {
		n := 3
		if withCode {
			n = 4
		}
		c.W.Map(n)
		c.W.BulkString("library_name")
		c.W.BulkString(lib.Name)
		c.W.BulkString("engine")
		c.W.BulkString("LUA")
		c.W.BulkString("functions")
		c.W.Array(len(lib.Functions))
		for _, fn := range lib.Functions {
			c.W.Map(3)
			c.W.BulkString("name")
			c.W.BulkString(fn.Name)
			c.W.BulkString("description")
			if fn.Description == "" {
				c.W.Null()
			} else {
				c.W.BulkString(fn.Description)
			}
			c.W.BulkString("flags")
			c.W.Set(len(fn.Flags))
			for _, f := range fn.Flags {
				c.W.SimpleString(f)
			}
		}
		if withCode {
			c.W.BulkString("library_code")
			c.W.BulkString(lib.Code)
		}
	}
}

func functionStats(c *command.Context) {
	e := engineOf(c)
	libs, funcs := 0, 0
	if e != nil {
		libs, funcs = e.FunctionCounts()
	}
	c.W.Map(2)
	c.W.BulkString("running_script")
	// Handlers run under the server lock, so no script runs now.
	c.W.Null()
	c.W.BulkString("engines")
	c.W.Map(1)
	c.W.BulkString("LUA")
	c.W.Map(2)
	c.W.BulkString("libraries_count")
	c.W.Int(int64(libs))
	c.W.BulkString("functions_count")
	c.W.Int(int64(funcs))
}

func functionDump(c *command.Context) {
	e := engineOf(c)
	if e == nil {
		c.W.Error(errNoEngine)
		return
	}
	c.W.Bulk(e.FunctionDump())
}

func functionRestore(c *command.Context) {
	e := engineOf(c)
	if e == nil {
		c.W.Error(errNoEngine)
		return
	}
	if len(c.Args) > 4 {
		c.W.Error("ERR unknown subcommand or wrong number of arguments for '" + string(c.Args[1]) + "'. Try FUNCTION HELP.")
		return
	}
	policy := scripting.RestoreAppend
	if len(c.Args) == 4 {
		switch {
		case eq(c.Args[3], "flush"):
			policy = scripting.RestoreFlush
		case eq(c.Args[3], "append"):
		case eq(c.Args[3], "replace"):
			policy = scripting.RestoreReplace
		default:
			c.W.Error("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.")
			return
		}
	}
	if errMsg := e.FunctionRestore(c.Args[2], policy); errMsg != "" {
		c.W.Error(errMsg)
		return
	}
	c.Propagate(c.Args...)
	c.W.OK()
}

// cString is what C's %s prints of b: the bytes before the first NUL
// (Redis formats some errors with it; a wart kept).
func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}
