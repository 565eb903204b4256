package config

import (
	"errors"
	"fmt"
	"github.com/aikv/aikv/datastructs/glob"
	"sort"
	"strings"
)

// Registry maps Redis configuration names (and their aliases) to Params.
// It is immutable after NewRegistry and safe for concurrent use.
type Registry struct {
	params []*Param // sorted by Name
	byName map[string]*Param
}

var defaultRegistry = NewRegistry()

// NewRegistry returns the registry of every Redis 7.0 parameter.
func NewRegistry() *Registry {
	r := &Registry{byName: make(map[string]*Param)}
	for _, p := range params() {
		r.params = append(r.params, p)
		for _, n := range append([]string{p.Name}, p.Aliases...) {
			if _, dup := r.byName[n]; dup {
				panic("config: duplicate parameter " + n)
			}
			r.byName[n] = p
		}
	}
	sort.Slice(r.params, func(i, j int) bool { return r.params[i].Name < r.params[j].Name })
	return r
}

// Params returns every parameter sorted by name.
func (r *Registry) Params() []*Param { return r.params }

// Lookup finds a parameter by name or alias (case-insensitive).
func (r *Registry) Lookup(name string) *Param { return r.byName[strings.ToLower(name)] }

// Value returns the current canonical value of a parameter.
func (r *Registry) Value(c *Config, p *Param) string { return p.get(c) }

// match reports whether name matches the CONFIG GET pattern,
// case-insensitively.
//
// TODO(glob): swap for datastructs/glob (Redis's stringmatchlen) once
// merged; path.Match differs only on '\' escapes inside classes and '/'.
func match(pattern, name string) bool {
	return glob.MatchString(pattern, name, true)
}

// Get returns name/value pairs like Redis 7's CONFIG GET: a pattern
// without glob characters looks up that name (or alias) and reports it
// under the name as given; a pattern with them matches every name and
// alias case-insensitively. A parameter matched by several patterns is
// reported once. Pairs are sorted by name (Redis's order is its hash
// table's).
func (r *Registry) Get(c *Config, patterns ...string) [][2]string {
	seen := map[string]bool{}
	var out [][2]string
	add := func(name string, p *Param) {
		if seen[strings.ToLower(name)] {
			return
		}
		seen[strings.ToLower(name)] = true
		out = append(out, [2]string{name, p.get(c)})
	}
	for _, pat := range patterns {
		if !strings.ContainsAny(pat, "[*?") {
			if p := r.Lookup(pat); p != nil {
				add(pat, p)
			}
			continue
		}
		for _, p := range r.params {
			for _, n := range append([]string{p.Name}, p.Aliases...) {
				if match(pat, n) {
					add(n, p)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// ErrUnknown is returned for an unknown parameter name.
var ErrUnknown = errors.New("config: unknown parameter")

// ErrUnsupported is the reason given for a value of a feature AiKv does
// not have yet.
var ErrUnsupported = errors.New("not supported by AiKv yet")

// Set validates one value and stores it, as at startup (config file or
// command line): immutable and protected parameters may be set, values of
// unsupported features other than their default are refused.
func (r *Registry) Set(c *Config, name, value string) error {
	p := r.Lookup(name)
	if p == nil {
		return fmt.Errorf("%w '%s'", ErrUnknown, name)
	}
	canon, err := p.Canonical(value)
	if err != nil {
		return err
	}
	if p.Flags.Has(Unsupported) && canon != p.Default {
		return ErrUnsupported
	}
	p.store(c, canon)
	return nil
}

// SetError is a failed CONFIG SET. Its Error text is Redis's reply.
type SetError struct {
	// Arg is the parameter name the error is about.
	Arg string
	// Reason is Redis's explanation ("argument must be 'yes' or 'no'");
	// empty for an unknown parameter.
	Reason string
}

func (e *SetError) Error() string {
	if e.Reason == "" {
		return "ERR Unknown option or number of arguments for CONFIG SET - '" + e.Arg + "'"
	}
	return "ERR CONFIG SET failed (possibly related to argument '" + e.Arg + "') - " + e.Reason
}

// SetRuntime applies CONFIG SET name value [name value ...] to c: all
// pairs or none. allowProtected tells whether this client may change
// protected parameters (enable-protected-configs). Checks run in Redis's
// order: names first (unknown, immutable, protected, duplicate: the first
// unknown name wins over the other errors, as in Redis), then values.
// It returns the names of the parameters it set.
func (r *Registry) SetRuntime(c *Config, pairs [][2]string, allowProtected bool) ([]*Param, error) {
	ps := make([]*Param, len(pairs))
	var firstErr *SetError
	for i, kv := range pairs {
		p := r.Lookup(kv[0])
		if p == nil {
			// Redis's wart, kept: an unknown name only wins if no other
			// error was found before it.
			if firstErr == nil {
				return nil, &SetError{Arg: kv[0]}
			}
			continue
		}
		if firstErr != nil {
			continue
		}
		switch {
		case p.Flags.Has(Unsupported | Immutable):
			firstErr = &SetError{Arg: kv[0], Reason: ErrUnsupported.Error()}
		case p.Flags.Has(Immutable):
			firstErr = &SetError{Arg: kv[0], Reason: "can't set immutable config"}
		case p.Flags.Has(Protected) && !allowProtected:
			firstErr = &SetError{Arg: kv[0], Reason: "can't set protected config"}
		}
		for j := 0; j < i && firstErr == nil; j++ {
			// Redis 7.0 registers each alias as its own entry, so
			// "slave-priority 1 replica-priority 2" is no duplicate there.
			if ps[j] == p && strings.EqualFold(pairs[j][0], kv[0]) {
				firstErr = &SetError{Arg: kv[0], Reason: "duplicate parameter"}
			}
		}
		ps[i] = p
	}
	if firstErr != nil {
		return nil, firstErr
	}
	canon := make([]string, len(pairs))
	for i, kv := range pairs {
		p := ps[i]
		v, err := p.Canonical(kv[1])
		if err == nil && p.Flags.Has(Unsupported) && v != p.Default {
			err = ErrUnsupported
		}
		if err == nil && p.Flags.Has(StartupOnly) && v != p.get(c) {
			err = errors.New("changing it at runtime is not supported by AiKv yet (set it in the config file and restart)")
		}
		if err != nil {
			return nil, &SetError{Arg: canonicalSpelling(kv[0], p), Reason: err.Error()}
		}
		canon[i] = v
	}
	for i, p := range ps {
		p.store(c, canon[i])
	}
	return ps, nil
}

// canonicalSpelling is the name Redis reports for a value error: the
// registered (lower-case) spelling of the name or alias used.
func canonicalSpelling(used string, p *Param) string {
	l := strings.ToLower(used)
	if l == p.Name {
		return p.Name
	}
	for _, a := range p.Aliases {
		if l == a {
			return a
		}
	}
	return p.Name
}
