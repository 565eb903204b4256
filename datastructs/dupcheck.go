package datastructs

// DupCheck finds the first string added twice, for validating collections
// read from a file (a listpack must not repeat a field or member). Up to
// dupPairwise strings are compared pairwise, which for the small
// collections a listpack holds is cheaper than a map; past that a set is
// built. The zero value is ready; strings added must stay valid (they may
// alias the bytes being checked) until the check is done.
type DupCheck struct {
	small [dupPairwise]string
	k     int
	seen  map[string]struct{}
	dup   string
	found bool
}

const dupPairwise = 16

// Add records s; after a repeat it does nothing more. sizeHint sizes the
// set if one is needed (the number of strings expected).
func (d *DupCheck) Add(s string, sizeHint int) {
	if d.found {
		return
	}
	if d.k < dupPairwise {
		for _, g := range d.small[:d.k] {
			if g == s {
				d.dup, d.found = s, true
				return
			}
		}
		d.small[d.k] = s
		d.k++
		return
	}
	if d.seen == nil {
		d.seen = make(map[string]struct{}, sizeHint)
		for _, g := range d.small {
			d.seen[g] = struct{}{}
		}
	}
	if _, ok := d.seen[s]; ok {
		d.dup, d.found = s, true
		return
	}
	d.seen[s] = struct{}{}
}

// Dup returns the first repeated string, if any.
func (d *DupCheck) Dup() (s string, ok bool) { return d.dup, d.found }
