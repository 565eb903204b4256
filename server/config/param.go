package config

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Kind is how a parameter's value is parsed and rendered.
type Kind uint8

const (
	// Bool is "yes" or "no" (case-insensitive on input).
	Bool Kind = iota
	// Int is a decimal integer in [Min, Max], parsed like Redis's
	// string2ll (no spaces, no '+', no leading zeros).
	Int
	// Memory is a byte count with an optional unit (k=1000, kb=1024, m,
	// mb, g, gb; case-insensitive), rendered in bytes.
	Memory
	// MemoryPercent is a Memory or "N%" (maxmemory-clients).
	MemoryPercent
	// Enum is one of a fixed set of words (case-insensitive on input).
	Enum
	// String is any string.
	String
	// Special has its own parser (save, bind, notify-keyspace-events...).
	Special
)

// Flags describe how a parameter may be set and whether AiKv acts on it.
type Flags uint16

const (
	// Immutable parameters can be set at startup but not by CONFIG SET
	// (Redis's IMMUTABLE_CONFIG: "can't set immutable config").
	Immutable Flags = 1 << iota
	// Protected parameters can only be set by CONFIG SET when
	// enable-protected-configs allows it (Redis's PROTECTED_CONFIG).
	Protected
	// MultiArg values are lists split on single spaces (save, bind).
	MultiArg
	// Sensitive values (passwords) are never logged.
	Sensitive
	// NoEffect parameters tune Redis internals that AiKv does not have
	// (encodings, rehashing, I/O threads, defragmentation...). They are
	// validated, stored and reported, and change nothing.
	NoEffect
	// Unsupported parameters belong to features AiKv does not have yet
	// (replication, cluster, TLS...). Only their default value is
	// accepted; anything else is refused, never silently ignored.
	Unsupported
	// StartupOnly parameters are mutable in Redis but AiKv cannot apply a
	// change while running (port, bind): CONFIG SET refuses them.
	StartupOnly
)

// Param is one configuration parameter known by its Redis name.
type Param struct {
	// Name is the canonical lower-case Redis name.
	Name string
	// Aliases are the other names Redis accepts (slaveof for replicaof).
	Aliases []string
	Kind    Kind
	Flags   Flags
	// Default is the canonical rendering of Redis's default value.
	Default string
	// Min and Max bound Int and Memory values. UnsignedMax makes the upper
	// bound 2^64-1 (maxmemory).
	Min, Max    int64
	UnsignedMax bool
	// Values lists the Enum words in Redis's order (used in its error).
	Values []string

	// parse validates a Special value and returns its canonical form.
	parse func(v string) (string, error)
	// load and render move a canonical value into and out of a typed
	// Config field; nil means the value lives in Config.Other.
	load   func(c *Config, canon string)
	render func(c *Config) string
}

// Canonical validates v as Redis does and returns its canonical rendering
// (what CONFIG GET shows: "yes", "1073741824", "3600 1 300 100"). The
// error text is Redis's (without the CONFIG SET prefix).
func (p *Param) Canonical(v string) (string, error) {
	switch p.Kind {
	case Bool:
		switch strings.ToLower(v) {
		case "yes":
			return "yes", nil
		case "no":
			return "no", nil
		}
		return "", errors.New("argument must be 'yes' or 'no'")
	case Int:
		n, ok := string2ll(v)
		if !ok {
			return "", errors.New("argument couldn't be parsed into an integer")
		}
		if err := p.checkRange(n); err != nil {
			return "", err
		}
		return strconv.FormatInt(n, 10), nil
	case Memory, MemoryPercent:
		if p.Kind == MemoryPercent && len(v) > 1 && v[len(v)-1] == '%' {
			if n, ok := string2ll(v[:len(v)-1]); ok && n >= 0 {
				if n > -p.Min {
					return "", errors.New("percentage argument must be less or equal to 100")
				}
				return strconv.FormatInt(n, 10) + "%", nil
			}
		}
		n, ok := ParseMemory(v)
		if !ok {
			if p.Kind == MemoryPercent {
				return "", errors.New("argument must be a memory or percent value")
			}
			return "", errors.New("argument must be a memory value")
		}
		if n > math.MaxInt64 {
			if !p.UnsignedMax {
				return "", p.rangeError()
			}
		} else if err := p.checkRange(int64(n)); err != nil {
			return "", err
		}
		return strconv.FormatUint(n, 10), nil
	case Enum:
		for _, e := range p.Values {
			if strings.EqualFold(v, e) {
				return e, nil
			}
		}
		return "", errors.New("argument(s) must be one of the following: " + strings.Join(p.Values, ", "))
	case String:
		return v, nil
	default:
		return p.parse(v)
	}
}

func (p *Param) checkRange(n int64) error {
	if n < p.Min || (!p.UnsignedMax && n > p.Max) {
		return p.rangeError()
	}
	return nil
}

func (p *Param) rangeError() error {
	hi := strconv.FormatInt(p.Max, 10)
	if p.UnsignedMax {
		hi = strconv.FormatUint(math.MaxUint64, 10)
	}
	return fmt.Errorf("argument must be between %d and %s inclusive", p.Min, hi)
}

// get returns the current canonical value.
func (p *Param) get(c *Config) string {
	if p.render != nil {
		return p.render(c)
	}
	if v, ok := c.Other[p.Name]; ok {
		return v
	}
	return p.Default
}

// store puts an already canonical value into c.
func (p *Param) store(c *Config, canon string) {
	if p.load != nil {
		p.load(c, canon)
		return
	}
	if c.Other == nil {
		c.Other = map[string]string{}
	}
	c.Other[p.Name] = canon
}

// Has reports whether every flag in f is set.
func (f Flags) Has(g Flags) bool { return f&g == g }

// string2ll parses a 64-bit integer like Redis's string2ll: no spaces, no
// '+', no leading zeros ("0" itself is fine).
func string2ll(s string) (int64, bool) {
	if s == "" || s[0] == '+' || (len(s) > 1 && s[0] == '0') || strings.HasPrefix(s, "-0") {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && !(i == 0 && s[i] == '-' && len(s) > 1) {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// ParseMemory parses a Redis memory amount like memtoull: digits followed
// by an optional unit b, k (1000), kb (1024), m, mb, g, gb,
// case-insensitive. No sign, no spaces. Redis quirks kept on purpose: ""
// and a bare unit ("k") are 0, and leading zeros are fine.
func ParseMemory(v string) (uint64, bool) {
	i := 0
	for i < len(v) && v[i] >= '0' && v[i] <= '9' {
		i++
	}
	var mul uint64
	switch strings.ToLower(v[i:]) {
	case "", "b":
		mul = 1
	case "k":
		mul = 1000
	case "kb":
		mul = 1024
	case "m":
		mul = 1000 * 1000
	case "mb":
		mul = 1024 * 1024
	case "g":
		mul = 1000 * 1000 * 1000
	case "gb":
		mul = 1024 * 1024 * 1024
	default:
		return 0, false
	}
	if i >= 128 {
		return 0, false
	}
	var n uint64
	if i > 0 {
		var err error
		n, err = strconv.ParseUint(v[:i], 10, 64)
		if err != nil {
			// strtoull saturates on overflow and Redis does not check.
			n = math.MaxUint64
		}
	}
	if n > math.MaxUint64/mul {
		return 0, false
	}
	return n * mul, true
}

// Typed bindings between canonical values and Config fields. Canonical
// values are already validated, so conversions cannot fail.

func bindBool(f func(*Config) *bool) func(*Param) {
	return func(p *Param) {
		p.load = func(c *Config, v string) { *f(c) = v == "yes" }
		p.render = func(c *Config) string { return yesno(*f(c)) }
	}
}

func bindInt(f func(*Config) *int) func(*Param) {
	return func(p *Param) {
		p.load = func(c *Config, v string) { n, _ := strconv.ParseInt(v, 10, 64); *f(c) = int(n) }
		p.render = func(c *Config) string { return strconv.Itoa(*f(c)) }
	}
}

func bindInt64(f func(*Config) *int64) func(*Param) {
	return func(p *Param) {
		p.load = func(c *Config, v string) { *f(c), _ = strconv.ParseInt(v, 10, 64) }
		p.render = func(c *Config) string { return strconv.FormatInt(*f(c), 10) }
	}
}

func bindUint64(f func(*Config) *uint64) func(*Param) {
	return func(p *Param) {
		p.load = func(c *Config, v string) { *f(c), _ = strconv.ParseUint(v, 10, 64) }
		p.render = func(c *Config) string { return strconv.FormatUint(*f(c), 10) }
	}
}

// bindSeconds stores a count of seconds as a time.Duration.
func bindSeconds(f func(*Config) *time.Duration) func(*Param) {
	return func(p *Param) {
		p.load = func(c *Config, v string) { n, _ := strconv.ParseInt(v, 10, 64); *f(c) = time.Duration(n) * time.Second }
		p.render = func(c *Config) string { return strconv.FormatInt(int64(*f(c)/time.Second), 10) }
	}
}

func bindString(f func(*Config) *string) func(*Param) {
	return func(p *Param) {
		p.load = func(c *Config, v string) { *f(c) = v }
		p.render = func(c *Config) string { return *f(c) }
	}
}

// bindList stores a space-separated canonical list as a slice.
func bindList(f func(*Config) *[]string) func(*Param) {
	return func(p *Param) {
		p.load = func(c *Config, v string) { *f(c) = strings.Fields(v) }
		p.render = func(c *Config) string { return strings.Join(*f(c), " ") }
	}
}

func yesno(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
