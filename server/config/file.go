package config

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// The TOML config file:
//
//	[server]
//	host = "127.0.0.1"        # bind: a string or an array of addresses
//	port = 6379               # port
//	max_connections = 10000   # maxclients
//
//	[storage]
//	data_dir = "./data"       # dir
//	max_memory = "1GB"        # maxmemory (units as in Redis: 1gb = 1GB = 2^30)
//
//	[logging]
//	level = "notice"          # loglevel: debug, verbose, notice, warning
//	file = ""                 # logfile; empty = standard error
//
//	[redis]                   # any Redis parameter by its Redis name
//	appendfsync = "always"
//	save = "3600 1 300 100"
//
//	[rename-command]          # Redis's rename-command, at startup only
//	FLUSHALL = ""             # "" disables the command
//	CONFIG = "cfg-7f3a"       # reachable under this name only
//
// Values may be strings, integers, booleans (true = "yes") or arrays
// (joined with spaces). Unknown tables, keys and parameter names are
// errors naming them; a parameter set twice (port and redis.port) too.

// friendlyKeys maps the named tables' keys to Redis parameters.
var friendlyKeys = map[string]map[string]string{
	"server":  {"host": "bind", "port": "port", "max_connections": "maxclients"},
	"storage": {"data_dir": "dir", "max_memory": "maxmemory"},
	"logging": {"level": "loglevel", "file": "logfile"},
}

// RedisTable is the TOML table that takes any Redis parameter by name.
const RedisTable = "redis"

// RenameTable is the TOML table of rename-command settings.
const RenameTable = "rename-command"

// fileSetting is one parameter found in a config file.
type fileSetting struct {
	table, key string // where: ("server", "port") or ("redis", "appendfsync")
	param      *Param
	value      string // as given, converted to Redis's string form
}

func (s fileSetting) where() string {
	if s.table == RedisTable {
		return s.table + "." + strconv.Quote(s.key)
	}
	return s.table + "." + s.key
}

// readFile decodes a config file into its settings, in a stable order.
func (r *Registry) readFile(path string) ([]fileSetting, error) {
	var raw map[string]any
	if _, err := toml.DecodeFile(path, &raw); err != nil {
		return nil, err
	}
	tables := make([]string, 0, len(raw))
	for t := range raw {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	var out []fileSetting
	seen := map[*Param]fileSetting{}
	for _, t := range tables {
		if t == RenameTable {
			continue // read by readRenames
		}
		known, isFriendly := friendlyKeys[t]
		if !isFriendly && t != RedisTable {
			return nil, fmt.Errorf("unknown table or key %q (expected [server], [storage], [logging] or [%s])", t, RedisTable)
		}
		tbl, ok := raw[t].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%q must be a table ([%s])", t, t)
		}
		keys := make([]string, 0, len(tbl))
		for k := range tbl {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			s := fileSetting{table: t, key: k}
			if isFriendly {
				name, ok := known[k]
				if !ok {
					return nil, fmt.Errorf("unknown key %q in [%s]", k, t)
				}
				s.param = r.Lookup(name)
			} else if s.param = r.Lookup(k); s.param == nil {
				return nil, fmt.Errorf("unknown Redis configuration parameter %q in [%s]", k, t)
			}
			v, err := tomlValue(tbl[k])
			if err != nil {
				return nil, fmt.Errorf("%s: %v", s.where(), err)
			}
			s.value = v
			if prev, dup := seen[s.param]; dup {
				return nil, fmt.Errorf("%s and %s both set %s", prev.where(), s.where(), s.param.Name)
			}
			seen[s.param] = s
			out = append(out, s)
		}
	}
	return out, nil
}

// tomlValue converts a decoded TOML value to Redis's string form.
func tomlValue(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case bool:
		return yesno(x), nil
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			switch e.(type) {
			case []any, map[string]any:
				return "", fmt.Errorf("nested arrays and tables are not allowed")
			}
			s, err := tomlValue(e)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return strings.Join(parts, " "), nil
	}
	return "", fmt.Errorf("unsupported value type %T", v)
}

// LoadFile reads a TOML config file (layout above) into c. Errors name
// the file and the offending key.
func (r *Registry) LoadFile(c *Config, path string) error {
	settings, err := r.readFile(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for _, s := range settings {
		if err := r.Set(c, s.param.Name, s.value); err != nil {
			return fmt.Errorf("%s: %s: %w", path, s.where(), err)
		}
	}
	renames, err := readRenames(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	c.RenameCommands = append(c.RenameCommands, renames...)
	return nil
}

// readRenames reads the [rename-command] table: command = "new name"
// ("" disables), in the order of the command names.
func readRenames(path string) ([]RenameCommand, error) {
	var raw map[string]any
	if _, err := toml.DecodeFile(path, &raw); err != nil {
		return nil, err
	}
	v, ok := raw[RenameTable]
	if !ok {
		return nil, nil
	}
	tbl, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%q must be a table ([%s])", RenameTable, RenameTable)
	}
	names := make([]string, 0, len(tbl))
	for k := range tbl {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []RenameCommand
	for _, k := range names {
		to, ok := tbl[k].(string)
		if !ok {
			return nil, fmt.Errorf("[%s] %s: the new name must be a string (\"\" disables the command)", RenameTable, k)
		}
		out = append(out, RenameCommand{From: k, To: to})
	}
	return out, nil
}

// Rewrite updates the config file at path to hold c, like CONFIG REWRITE:
// lines of settings whose value changed are rewritten in place, settings
// that differ from AiKv's defaults and are not in the file are added to
// the [redis] table, and everything else (comments, order, formatting of
// untouched lines) is kept. The file is replaced atomically.
func (r *Registry) Rewrite(c *Config, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	settings, err := r.readFile(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	inFile := map[string]fileSetting{} // "table\x00key"
	has := map[*Param]bool{}
	for _, s := range settings {
		inFile[s.table+"\x00"+s.key] = s
		has[s.param] = true
	}

	lines := strings.SplitAfter(string(data), "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	var out []string
	section := ""
	redisEnd := -1 // index in out after the last line of [redis]
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "[") && !strings.HasPrefix(t, "[[") {
			section = headerName(t)
			out = append(out, line)
			if section == RedisTable {
				redisEnd = len(out)
			}
			continue
		}
		key, keyText, rest, ok := keyLine(t)
		if !ok {
			out = append(out, line)
			if section == RedisTable && t != "" {
				redisEnd = len(out)
			}
			continue
		}
		// A value may continue over several lines (arrays).
		end := i
		for depth := bracketDepth(rest); depth > 0 && end+1 < len(lines); {
			end++
			depth += bracketDepth(lines[end])
		}
		s, found := inFile[section+"\x00"+key]
		keep := true
		if found {
			canon, err := s.param.Canonical(s.value)
			keep = err == nil && canon == s.param.get(c)
		}
		if keep {
			out = append(out, lines[i:end+1]...)
		} else {
			indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
			out = append(out, indent+keyText+" = "+formatFileValue(s.table, s.key, s.param.get(c))+"\n")
		}
		i = end
		if section == RedisTable {
			redisEnd = len(out)
		}
	}

	def := Default()
	var add []string
	for _, p := range r.params {
		if has[p] {
			continue
		}
		if v := p.get(c); v != p.get(def) {
			add = append(add, tomlKey(p.Name)+" = "+tomlString(v)+"\n")
		}
	}
	if len(add) > 0 {
		if redisEnd < 0 {
			if len(out) > 0 && !strings.HasSuffix(out[len(out)-1], "\n") {
				out[len(out)-1] += "\n"
			}
			out = append(out, "\n["+RedisTable+"]\n")
			redisEnd = len(out)
		} else if !strings.HasSuffix(out[redisEnd-1], "\n") {
			out[redisEnd-1] += "\n"
		}
		out = append(out[:redisEnd], append(add, out[redisEnd:]...)...)
	}
	text := strings.Join(out, "")

	// Never write a file we could not read back.
	var check map[string]any
	if _, err := toml.Decode(text, &check); err != nil {
		return fmt.Errorf("rewritten file would not parse: %w", err)
	}
	return writeAtomic(path, []byte(text))
}

// headerName returns the table name of a "[name]  # comment" line.
func headerName(t string) string {
	end := strings.IndexByte(t, ']')
	if end < 0 {
		return ""
	}
	return strings.Trim(strings.TrimSpace(t[1:end]), `"'`)
}

// keyLine splits a `key = value` line. key is unquoted; keyText is the key
// as written; rest is the text after '='.
func keyLine(t string) (key, keyText, rest string, ok bool) {
	if t == "" || t[0] == '#' {
		return "", "", "", false
	}
	var i int
	switch t[0] {
	case '"', '\'':
		j := strings.IndexByte(t[1:], t[0])
		if j < 0 {
			return "", "", "", false
		}
		i = j + 2
		key = t[1 : j+1]
	default:
		for i < len(t) && (t[i] == '_' || t[i] == '-' || t[i] >= '0' && t[i] <= '9' ||
			t[i] >= 'a' && t[i] <= 'z' || t[i] >= 'A' && t[i] <= 'Z') {
			i++
		}
		key = t[:i]
	}
	keyText = t[:i]
	r := strings.TrimLeft(t[i:], " \t")
	if key == "" || !strings.HasPrefix(r, "=") {
		return "", "", "", false
	}
	return key, keyText, r[1:], true
}

// bracketDepth returns opened minus closed brackets outside strings and
// comments.
func bracketDepth(s string) int {
	d := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote != 0:
			if ch == '\\' && quote == '"' {
				i++
			} else if ch == quote {
				quote = 0
			}
		case ch == '"' || ch == '\'':
			quote = ch
		case ch == '#':
			return d
		case ch == '[':
			d++
		case ch == ']':
			d--
		}
	}
	return d
}

// formatFileValue renders a canonical value for a key of the file.
func formatFileValue(table, key, v string) string {
	switch table + "." + key {
	case "server.port", "server.max_connections":
		return v
	case "server.host":
		f := strings.Fields(v)
		if len(f) == 1 {
			return tomlString(f[0])
		}
		q := make([]string, len(f))
		for i, a := range f {
			q[i] = tomlString(a)
		}
		return "[" + strings.Join(q, ", ") + "]"
	case "storage.max_memory":
		return tomlString(formatMemory(v))
	}
	return tomlString(v)
}

// formatMemory renders a byte count with the largest exact unit, as
// Redis's CONFIG REWRITE does ("1gb", "64mb", "100").
func formatMemory(v string) string {
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n == 0 {
		return v
	}
	for _, u := range []struct {
		name string
		size uint64
	}{{"gb", 1 << 30}, {"mb", 1 << 20}, {"kb", 1 << 10}} {
		if n%u.size == 0 {
			return strconv.FormatUint(n/u.size, 10) + u.name
		}
	}
	return v
}

// tomlKey writes a key bare when it can be, quoted otherwise.
func tomlKey(k string) string {
	for i := 0; i < len(k); i++ {
		ch := k[i]
		if !(ch == '_' || ch == '-' || ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z') {
			return tomlString(k)
		}
	}
	return k
}

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// writeAtomic replaces path with data: write a temporary file in the same
// directory, sync it, rename it over path.
func writeAtomic(path string, data []byte) error {
	mode := os.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".aikv-rewrite-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, mode)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
