package commands

import (
	"bufio"
	"errors"
	"net"
	"strconv"
	"time"

	"github.com/aikv/aikv/server/command"
	"github.com/aikv/aikv/snapshot/rdb"
)

// DUMP, RESTORE and MIGRATE, with Redis 7.0's payload format (see package
// snapshot/rdb), so keys move between AiKv and Redis in both directions.

func registerDump(t *command.Table) {
	t.Add(
		&command.Spec{Name: "dump", Arity: 2, Flags: command.ReadOnly, FirstKey: 1, LastKey: 1, Step: 1,
			ACL: []string{"keyspace", "read", "slow"}, Group: "generic",
			Summary: "Return a serialized version of the value stored at the specified key.", Since: "2.6.0",
			Complexity: "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).",
			Tips:       []string{"nondeterministic_output"}, Handler: dumpCmd},
		&command.Spec{Name: "restore", Arity: -4, Flags: command.Write | command.DenyOOM, FirstKey: 1, LastKey: 1, Step: 1,
			ACL: []string{"keyspace", "write", "slow", "dangerous"}, Group: "generic",
			Summary: "Create a key using the provided serialized value, previously obtained using DUMP.", Since: "2.6.0",
			Complexity: "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).",
			Handler:    restoreCmd},
		&command.Spec{Name: "migrate", Arity: -6, Flags: command.Write, FirstKey: 3, LastKey: 3, Step: 1,
			Keys: migrateKeys, ACL: []string{"keyspace", "write", "slow", "dangerous"}, Group: "generic",
			Summary: "Atomically transfer a key from a Redis instance to another one.", Since: "2.6.0",
			Complexity: "This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the target instance. See the pages of these commands for time complexity. Also an O(N) data transfer between the two instances is performed.",
			Tips:       []string{"nondeterministic_output"}, Handler: migrateCmd},
	)
}

func dumpCmd(c *command.Context) {
	e := c.DB.Lookup(c.Args[1])
	if e == nil {
		c.W.Null()
		return
	}
	p, err := rdb.Dump(e)
	if err != nil {
		c.W.Error("ERR " + err.Error())
		return
	}
	c.W.Bulk(p)
}

// restoreCmd follows Redis 7.0's restoreCommand, including the order of
// its checks (options, then BUSYKEY, then the TTL, then the payload).
func restoreCmd(c *command.Context) {
	key := c.Args[1]
	replace, absTTL := false, false
	idle, freq := int64(-1), int64(-1)
	for j := 4; j < len(c.Args); j++ {
		more := len(c.Args) - 1 - j
		switch a := c.Args[j]; {
		case eq(a, "replace"):
			replace = true
		case eq(a, "absttl"):
			absTTL = true
		case eq(a, "idletime") && more >= 1 && freq == -1:
			v, ok := intArg(c, c.Args[j+1])
			if !ok {
				return
			}
			if v < 0 {
				c.W.Error("ERR Invalid IDLETIME value, must be >= 0")
				return
			}
			idle = v
			j++
		case eq(a, "freq") && more >= 1 && idle == -1:
			v, ok := intArg(c, c.Args[j+1])
			if !ok {
				return
			}
			if v < 0 || v > 255 {
				c.W.Error("ERR Invalid FREQ value, must be >= 0 and <= 255")
				return
			}
			freq = v
			j++
		default:
			c.W.Error(command.ErrSyntax)
			return
		}
	}
	if !replace && c.DB.LookupWrite(key) != nil {
		c.W.Error(command.ErrBusyKey)
		return
	}
	ttl, ok := intArg(c, c.Args[2])
	if !ok {
		return
	}
	if ttl < 0 {
		c.W.Error("ERR Invalid TTL value, must be >= 0")
		return
	}
	obj, err := rdb.Restore(c.Args[3])
	if err != nil {
		if errors.Is(err, rdb.ErrBadPayload) {
			c.W.Error(rdb.ErrBadPayload.Error())
		} else {
			// Redis says no more for any value it cannot load (a module
			// type it lacks, a stream here, an empty or corrupt value).
			c.W.Error(command.ErrBadDataFormat)
		}
		return
	}
	deleted := false
	if replace {
		deleted = c.DB.Delete(key)
	}
	if ttl != 0 && !absTTL {
		ttl += c.KS.Now()
	}
	if ttl != 0 && c.KS.AlreadyExpired(ttl) {
		if deleted {
			c.Propagate([]byte("DEL"), key)
		} else {
			c.Propagate()
		}
		c.W.OK()
		return
	}
	if obj.Val == nil {
		c.DB.SetStringOwned(key, obj.Str, ttl, false)
	} else {
		c.DB.SetValue(key, obj.Val, ttl, false)
	}
	if idle >= 0 || freq >= 0 {
		c.DB.SetAccess(key, idle, int(freq))
	}
	if ttl != 0 && !absTTL {
		// Logged with the absolute expiry, as Redis propagates it.
		args := append([][]byte(nil), c.Args...)
		args[2] = []byte(strconv.FormatInt(ttl, 10))
		args = append(args, []byte("ABSTTL"))
		c.Propagate(args...)
	}
	c.Notify(command.NotifyGeneric, "restore", key)
	c.W.OK()
}

// migrateKeys is Redis's migrateGetKeys: key 3, or the keys after KEYS
// when argument 3 is empty.
func migrateKeys(args [][]byte) []int {
	for i := 6; i < len(args); i++ {
		switch {
		case eq(args[i], "auth"):
			i++
		case eq(args[i], "auth2"):
			i += 2
		case eq(args[i], "keys"):
			if len(args[3]) > 0 {
				return nil
			}
			var idx []int
			for k := i + 1; k < len(args); k++ {
				idx = append(idx, k)
			}
			return idx
		}
	}
	if len(args) > 3 {
		return []int{3}
	}
	return nil
}

// migrateCmd follows Redis 7.0's migrateCommand. Like Redis it is
// synchronous: it holds the server lock while it talks to the target, for
// up to the timeout per network step, so other clients wait meanwhile
// (Redis's single thread blocks the same way). Unlike Redis, AiKv keeps no
// cached connection: each call connects, authenticates and SELECTs anew.
// Migrating to this same server therefore waits for the timeout and fails
// with IOERR, as it does in Redis.
func migrateCmd(c *command.Context) {
	host, port := string(c.Args[1]), string(c.Args[2])
	copyMode, replace := false, false
	var user, pass string
	hasPass := false
	first, num := 3, 1
	for j := 6; j < len(c.Args); j++ {
		more := len(c.Args) - 1 - j
		switch a := c.Args[j]; {
		case eq(a, "copy"):
			copyMode = true
		case eq(a, "replace"):
			replace = true
		case eq(a, "auth"):
			if more < 1 {
				c.W.Error(command.ErrSyntax)
				return
			}
			j++
			pass, hasPass = string(c.Args[j]), true
		case eq(a, "auth2"):
			if more < 2 {
				c.W.Error(command.ErrSyntax)
				return
			}
			user, pass, hasPass = string(c.Args[j+1]), string(c.Args[j+2]), true
			j += 2
		case eq(a, "keys"):
			if len(c.Args[3]) != 0 {
				c.W.Error("ERR When using MIGRATE KEYS option, the key argument must be set to the empty string")
				return
			}
			first, num = j+1, len(c.Args)-j-1
			j = len(c.Args)
		default:
			c.W.Error(command.ErrSyntax)
			return
		}
	}
	timeout, ok := intArg(c, c.Args[5])
	if !ok {
		return
	}
	dbid, ok := intArg(c, c.Args[4])
	if !ok {
		return
	}
	if timeout <= 0 {
		timeout = 1000
	}
	type item struct {
		key     []byte
		payload []byte
		ttl     int64
	}
	var items []item
	now := c.KS.Now()
	for _, k := range c.Args[first : first+num] {
		e := c.DB.Lookup(k)
		if e == nil {
			continue
		}
		var ttl int64
		if e.ExpireAt != 0 {
			ttl = max(e.ExpireAt-now, 1)
		}
		p, err := rdb.Dump(e)
		if err != nil {
			c.W.Error("ERR " + err.Error())
			return
		}
		items = append(items, item{key: k, payload: p, ttl: ttl})
	}
	if len(items) == 0 {
		c.W.SimpleString("NOKEY")
		c.Propagate()
		return
	}

	var req []byte
	if hasPass {
		if user != "" {
			req = appendCommand(req, "AUTH", user, pass)
		} else {
			req = appendCommand(req, "AUTH", pass)
		}
	}
	req = appendCommand(req, "SELECT", strconv.FormatInt(dbid, 10))
	for _, it := range items {
		args := []string{"RESTORE", string(it.key), strconv.FormatInt(it.ttl, 10), string(it.payload)}
		if replace {
			args = append(args, "REPLACE")
		}
		req = appendCommand(req, args...)
	}

	d := time.Duration(timeout) * time.Millisecond
	conn, err := net.DialTimeout("tcp", net.JoinHostPort(host, port), d)
	if err != nil {
		c.Propagate()
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			c.W.Error("IOERR error or timeout connecting to the client")
		} else {
			// Redis connects without blocking and notices a refused
			// connection only when it writes.
			c.W.Error("IOERR error or timeout writing to target instance")
		}
		return
	}
	defer conn.Close()
	conn.SetWriteDeadline(time.Now().Add(d))
	if _, err := conn.Write(req); err != nil {
		c.Propagate()
		c.W.Error("IOERR error or timeout writing to target instance")
		return
	}
	r := bufio.NewReader(conn)
	readLine := func() (string, bool) {
		conn.SetReadDeadline(time.Now().Add(d))
		line, err := r.ReadString('\n')
		if err != nil || len(line) < 3 {
			return "", false
		}
		return line[:len(line)-2], true
	}
	var authReply, selReply string
	if hasPass {
		if authReply, ok = readLine(); !ok {
			c.Propagate()
			c.W.Error("IOERR error or timeout reading to target instance")
			return
		}
	}
	if selReply, ok = readLine(); !ok {
		c.Propagate()
		c.W.Error("IOERR error or timeout reading to target instance")
		return
	}
	targetErr := ""
	var delKeys [][]byte
	socketErr := false
	for _, it := range items {
		line, ok := readLine()
		if !ok {
			socketErr = true
			break
		}
		errLine := ""
		switch {
		case hasPass && authReply[0] == '-':
			errLine = authReply
		case selReply[0] == '-':
			errLine = selReply
		case line[0] == '-':
			errLine = line
		}
		if errLine != "" {
			if targetErr == "" {
				targetErr = "ERR Target instance replied with error: " + errLine[1:]
			}
			continue
		}
		if !copyMode {
			if c.DB.Delete(it.key) {
				c.Notify(command.NotifyGeneric, "del", it.key)
			}
			delKeys = append(delKeys, it.key)
		}
	}
	// Logged as a DEL of the keys the target acknowledged, as Redis
	// propagates it.
	if len(delKeys) > 0 {
		c.Propagate(append([][]byte{[]byte("DEL")}, delKeys...)...)
	} else {
		c.Propagate()
	}
	switch {
	case targetErr != "":
		c.W.Error(targetErr)
	case socketErr:
		c.W.Error("IOERR error or timeout reading to target instance")
	default:
		c.W.OK()
	}
}

// appendCommand appends args as a RESP array of bulk strings.
func appendCommand(b []byte, args ...string) []byte {
	b = append(b, '*')
	b = strconv.AppendInt(b, int64(len(args)), 10)
	b = append(b, '\r', '\n')
	for _, a := range args {
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(len(a)), 10)
		b = append(b, '\r', '\n')
		b = append(b, a...)
		b = append(b, '\r', '\n')
	}
	return b
}
