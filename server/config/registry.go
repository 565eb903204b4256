package config

import (
	"errors"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Param is one configuration parameter known by its Redis name.
type Param struct {
	Name string
	// Alias is an alternative name (Redis keeps some old names).
	Alias string
	Get   func(c *Config) string
	// Set parses and stores a value; nil means the parameter cannot be
	// changed at runtime ("immutable" in Redis terms).
	Set func(c *Config, v string) error
	// Immutable params can be given at startup but not by CONFIG SET.
	Immutable bool
}

// Registry maps Redis configuration names to Config fields.
type Registry struct {
	params []*Param
	byName map[string]*Param
}

// NewRegistry returns the registry of every supported parameter.
func NewRegistry() *Registry {
	r := &Registry{byName: make(map[string]*Param)}
	for _, p := range params() {
		r.params = append(r.params, p)
		r.byName[p.Name] = p
		if p.Alias != "" {
			r.byName[p.Alias] = p
		}
	}
	sort.Slice(r.params, func(i, j int) bool { return r.params[i].Name < r.params[j].Name })
	return r
}

// Lookup finds a parameter by name (case-insensitive).
func (r *Registry) Lookup(name string) *Param { return r.byName[strings.ToLower(name)] }

// Get returns name/value pairs for every parameter whose name matches the
// glob pattern (Redis's CONFIG GET).
func (r *Registry) Get(c *Config, pattern string) [][2]string {
	pattern = strings.ToLower(pattern)
	var out [][2]string
	for _, p := range r.params {
		if ok, _ := path.Match(pattern, p.Name); ok || pattern == p.Name {
			out = append(out, [2]string{p.Name, p.Get(c)})
		}
	}
	return out
}

// ErrUnknown is returned for an unknown parameter name.
var ErrUnknown = errors.New("config: unknown parameter")

// Set parses and applies one value. The error text is suitable for a
// CONFIG SET reply after Redis's prefix.
func (r *Registry) Set(c *Config, name, value string, startup bool) error {
	p := r.Lookup(name)
	if p == nil {
		return fmt.Errorf("%w '%s'", ErrUnknown, name)
	}
	if p.Set == nil || (p.Immutable && !startup) {
		return fmt.Errorf("can't set immutable config")
	}
	return p.Set(c, value)
}

func params() []*Param {
	return []*Param{
		{Name: "bind", Get: func(c *Config) string { return strings.Join(c.Bind, " ") },
			Set: func(c *Config, v string) error { c.Bind = strings.Fields(v); return nil }, Immutable: true},
		{Name: "port", Get: func(c *Config) string { return strconv.Itoa(c.Port) },
			Set: intSetter(func(c *Config) *int { return &c.Port }, 0, 65535), Immutable: true},
		{Name: "protected-mode", Get: func(c *Config) string { return yesno(c.ProtectedMode) },
			Set: boolSetter(func(c *Config) *bool { return &c.ProtectedMode })},
		{Name: "requirepass", Get: func(c *Config) string { return c.RequirePass },
			Set: func(c *Config, v string) error { c.RequirePass = v; return nil }},
		{Name: "maxclients", Get: func(c *Config) string { return strconv.Itoa(c.MaxClients) },
			Set: intSetter(func(c *Config) *int { return &c.MaxClients }, 1, 1<<31-1)},
		{Name: "databases", Get: func(c *Config) string { return strconv.Itoa(c.Databases) },
			Set: intSetter(func(c *Config) *int { return &c.Databases }, 1, 1<<31-1), Immutable: true},
		{Name: "dir", Get: func(c *Config) string { return c.Dir },
			Set: func(c *Config, v string) error { c.Dir = v; return nil }},
		{Name: "appendonly", Get: func(c *Config) string { return yesno(c.AppendOnly) },
			Set: boolSetter(func(c *Config) *bool { return &c.AppendOnly })},
		{Name: "appendfsync", Get: func(c *Config) string { return c.AppendFsync },
			Set: func(c *Config, v string) error {
				v = strings.ToLower(v)
				if v != "always" && v != "everysec" && v != "no" {
					return errors.New("argument(s) must be one of the following: always, everysec, no")
				}
				c.AppendFsync = v
				return nil
			}},
		{Name: "proto-max-bulk-len", Get: func(c *Config) string { return strconv.FormatInt(c.ProtoMaxBulkLen, 10) },
			Set: memSetter(func(c *Config) *int64 { return &c.ProtoMaxBulkLen }, 1<<20)},
		{Name: "client-query-buffer-limit", Get: func(c *Config) string { return strconv.FormatInt(c.ClientQueryBufferLimit, 10) },
			Set: memSetter(func(c *Config) *int64 { return &c.ClientQueryBufferLimit }, 1<<20)},
		{Name: "slowlog-log-slower-than", Get: func(c *Config) string { return strconv.FormatInt(c.SlowlogLogSlowerThan, 10) },
			Set: int64Setter(func(c *Config) *int64 { return &c.SlowlogLogSlowerThan }, -1, 1<<62)},
		{Name: "slowlog-max-len", Get: func(c *Config) string { return strconv.FormatInt(c.SlowlogMaxLen, 10) },
			Set: int64Setter(func(c *Config) *int64 { return &c.SlowlogMaxLen }, 0, 1<<62)},
		{Name: "loglevel", Get: func(c *Config) string { return c.LogLevel },
			Set: func(c *Config, v string) error { c.LogLevel = strings.ToLower(v); return nil }},
		{Name: "logfile", Get: func(c *Config) string { return c.LogFile },
			Set: func(c *Config, v string) error { c.LogFile = v; return nil }, Immutable: true},
	}
}

func yesno(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func boolSetter(f func(*Config) *bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		switch strings.ToLower(v) {
		case "yes":
			*f(c) = true
		case "no":
			*f(c) = false
		default:
			return errors.New("argument must be 'yes' or 'no'")
		}
		return nil
	}
}

func intSetter(f func(*Config) *int, lo, hi int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil {
			return errors.New("argument couldn't be parsed into an integer")
		}
		if n < lo || n > hi {
			return fmt.Errorf("argument must be between %d and %d inclusive", lo, hi)
		}
		*f(c) = n
		return nil
	}
}

func int64Setter(f func(*Config) *int64, lo, hi int64) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return errors.New("argument couldn't be parsed into an integer")
		}
		if n < lo || n > hi {
			return fmt.Errorf("argument must be between %d and %d inclusive", lo, hi)
		}
		*f(c) = n
		return nil
	}
}

func memSetter(f func(*Config) *int64, lo int64) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := ParseMemory(v)
		if err != nil {
			return err
		}
		if n < lo {
			return fmt.Errorf("argument must be between %d and %d inclusive", lo, int64(1<<63-1))
		}
		*f(c) = n
		return nil
	}
}

// ParseMemory parses a Redis memory amount: a plain number of bytes or one
// with a unit (k, kb, m, mb, g, gb; k = 1000, kb = 1024), case-insensitive.
func ParseMemory(v string) (int64, error) {
	s := strings.ToLower(strings.TrimSpace(v))
	mul := int64(1)
	units := []struct {
		suffix string
		mul    int64
	}{{"gb", 1 << 30}, {"mb", 1 << 20}, {"kb", 1 << 10}, {"g", 1e9}, {"m", 1e6}, {"k", 1e3}, {"b", 1}}
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s = strings.TrimSuffix(s, u.suffix)
			mul = u.mul
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, errors.New("argument must be a memory value")
	}
	return n * mul, nil
}
