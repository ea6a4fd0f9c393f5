package gwg

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/gwg-go/gwg/ebm"
)

// Param is one hyper-parameter of a registered sampler. A positional
// parameter is written in the name after a dash ("gwg-3" sets k = 3,
// "hb-10-1" sets b = 10 and h = 1); every parameter can also be written
// as key=value after a colon ("gwg:k=3,tau=1").
type Param struct {
	Key        string
	Doc        string
	Default    float64 // the value when the spec does not set it, unless Required
	Required   bool
	Positional bool
	Int        bool    // only integers are valid
	Min, Max   float64 // valid range; Max 0 means no upper bound
	// MinOpen excludes Min itself from the range: a step size or a
	// temperature must be positive, not merely non-negative.
	MinOpen bool
}

// check returns an error saying what is wrong with value v, or nil.
func (p Param) check(v float64) error {
	bad := math.IsNaN(v) || math.IsInf(v, 0) || v < p.Min || (p.MinOpen && v == p.Min) ||
		(p.Max != 0 && v > p.Max) || (p.Int && v != math.Trunc(v))
	if !bad {
		return nil
	}
	what := "a number"
	if p.Int {
		what = "an integer"
	}
	lo := ">="
	if p.MinOpen {
		lo = ">"
	}
	if p.Max != 0 {
		return fmt.Errorf("%s = %v, want %s %s %v and <= %v", p.Key, v, what, lo, p.Min, p.Max)
	}
	return fmt.Errorf("%s = %v, want %s %s %v", p.Key, v, what, lo, p.Min)
}

// Registration describes a sampler to Register.
type Registration struct {
	// Name is what a spec starts with, before any positional parameters:
	// "gwg", "gwg-exact", "hb".
	Name string
	// Doc is one line for listings: what the kernel does and on which models.
	Doc    string
	Params []Param
	// Examples are specs that listings (Names) and the generic tests use;
	// the default is Name alone.
	Examples []string
	// Biased marks a kernel that does not leave the target invariant
	// (dula): the exactness tests check that they can tell instead of
	// asserting πP = π, and the empirical tests leave it out.
	Biased bool
	// New builds the kernel for model m; sp has every parameter set, checked
	// against its Param. Errors that depend on the model (a block larger
	// than the model, a one-hot model for a binary-only kernel) come from here.
	New func(m ebm.Model, sp Spec) (Kernel, error)
}

var registry struct {
	sync.RWMutex
	byName map[string]*Registration
}

// Register makes a sampler available by name to ParseSpec and New. Samplers
// call it from an init function in their own file; it panics on a
// duplicate or malformed registration, as a programming error.
func Register(r Registration) {
	registry.Lock()
	defer registry.Unlock()
	if registry.byName == nil {
		registry.byName = map[string]*Registration{}
	}
	if r.Name == "" || r.New == nil || strings.ContainsAny(r.Name, ":,= ") {
		panic(fmt.Sprintf("gwg: Register: bad registration %q", r.Name))
	}
	if _, dup := registry.byName[r.Name]; dup {
		panic(fmt.Sprintf("gwg: Register: sampler %q registered twice", r.Name))
	}
	for _, p := range r.Params {
		if !p.Required {
			if err := p.check(p.Default); err != nil {
				panic(fmt.Sprintf("gwg: Register %s: default %v", r.Name, err))
			}
		}
	}
	if len(r.Examples) == 0 {
		r.Examples = []string{r.Name}
	}
	registry.byName[r.Name] = &r
}

// Registered returns every registered sampler, sorted by name.
func Registered() []Registration {
	registry.RLock()
	defer registry.RUnlock()
	out := make([]Registration, 0, len(registry.byName))
	for _, r := range registry.byName {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b Registration) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func lookup(name string) *Registration {
	registry.RLock()
	defer registry.RUnlock()
	return registry.byName[name]
}

// Names lists example specs of every registered sampler, sorted by sampler
// name: every spec a user would start from, for listings and tests.
func Names() []string {
	var names []string
	for _, r := range Registered() {
		names = append(names, r.Examples...)
	}
	return names
}

// Help returns a listing of the registered samplers, one per line with
// its parameters, for a command's usage text.
func Help() string {
	var b strings.Builder
	for _, r := range Registered() {
		fmt.Fprintf(&b, "  %-12s %s\n", r.usage(), r.Doc)
		for _, p := range r.Params {
			def := "required"
			if !p.Required {
				def = "default " + formatValue(p.Default)
			}
			fmt.Fprintf(&b, "  %12s   %s: %s (%s)\n", "", p.Key, p.Doc, def)
		}
	}
	return b.String()
}

// usage is the name with its positional parameters, e.g. "hb-b-h".
func (r *Registration) usage() string {
	s := r.Name
	for _, p := range r.Params {
		if p.Positional {
			s += "-" + p.Key
		}
	}
	return s
}

func (r *Registration) keys() []string {
	keys := make([]string, len(r.Params))
	for i, p := range r.Params {
		keys[i] = p.Key
	}
	return keys
}

// Spec is a parsed, validated sampler specification: a registered sampler
// and a value for each of its parameters. Its zero value is not valid.
type Spec struct {
	reg    *Registration
	values []float64 // one per reg.Params
}

// ParseSpec parses a sampler spec, NAME[-P...][:key=value,...], against the
// registered samplers: "gwg", "gwg-3", "gwg:tau=1", "hb-10-1",
// "dmala:step=0.2". Unknown samplers and keys, missing or repeated
// parameters and values out of range are one-line errors saying what is
// accepted.
func ParseSpec(s string) (Spec, error) {
	name, opts, hasOpts := strings.Cut(strings.TrimSpace(s), ":")
	reg, pos := splitName(name)
	if reg == nil {
		return Spec{}, fmt.Errorf("gwg: unknown sampler %q (known: %s)", name, strings.Join(usages(), ", "))
	}
	sp := Spec{reg: reg, values: make([]float64, len(reg.Params))}
	set := make([]bool, len(reg.Params))
	fail := func(format string, a ...any) (Spec, error) {
		return Spec{}, fmt.Errorf("gwg: sampler %q: %s", s, fmt.Sprintf(format, a...))
	}
	var positional []int
	for i, p := range reg.Params {
		if p.Positional {
			positional = append(positional, i)
		}
	}
	if len(pos) > len(positional) {
		return fail("%d parameter(s) after %q, want at most %d (%s)", len(pos), reg.Name, len(positional), reg.usage())
	}
	for j, v := range pos {
		i := positional[j]
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return fail("%s = %q is not a number", reg.Params[i].Key, v)
		}
		sp.values[i], set[i] = f, true
	}
	if hasOpts {
		for _, kv := range strings.Split(opts, ",") {
			k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
			if !ok {
				return fail("option %q is not key=value", kv)
			}
			i := slices.Index(reg.keys(), k)
			if i < 0 {
				if len(reg.Params) == 0 {
					return fail("unknown option %q (%s takes none)", k, reg.Name)
				}
				return fail("unknown option %q (valid: %s)", k, strings.Join(reg.keys(), ", "))
			}
			if set[i] {
				return fail("%s given twice", k)
			}
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return fail("%s = %q is not a number", k, v)
			}
			sp.values[i], set[i] = f, true
		}
	}
	for i, p := range reg.Params {
		if !set[i] {
			if p.Required {
				return fail("%s is required (%s)", p.Key, reg.usage())
			}
			sp.values[i] = p.Default
		}
		if err := p.check(sp.values[i]); err != nil {
			return fail("%v", err)
		}
	}
	return sp, nil
}

// splitName finds the registered sampler a spec's name starts with and the
// dash-separated parameters after it, preferring the longest registered
// name ("gwg-exact-3" is gwg-exact with 3, not gwg with "exact-3").
func splitName(name string) (*Registration, []string) {
	parts := strings.Split(name, "-")
	for n := len(parts); n > 0; n-- {
		if r := lookup(strings.Join(parts[:n], "-")); r != nil {
			return r, parts[n:]
		}
	}
	return nil, nil
}

func usages() []string {
	var u []string
	for _, r := range Registered() {
		u = append(u, r.usage())
	}
	return u
}

// MustParseSpec is ParseSpec for specs known to be valid; it panics on an
// error.
func MustParseSpec(s string) Spec {
	sp, err := ParseSpec(s)
	if err != nil {
		panic(err)
	}
	return sp
}

// Name is the registered sampler's name, without parameters.
func (sp Spec) Name() string {
	if sp.reg == nil {
		return ""
	}
	return sp.reg.Name
}

// Float returns the value of parameter key; it panics if the sampler has
// no such parameter, a programming error in the sampler.
func (sp Spec) Float(key string) float64 {
	for i, p := range sp.reg.Params {
		if p.Key == key {
			return sp.values[i]
		}
	}
	panic(fmt.Sprintf("gwg: sampler %s has no parameter %q", sp.reg.Name, key))
}

// Int returns the value of an integer parameter.
func (sp Spec) Int(key string) int { return int(sp.Float(key)) }

// String is the canonical form of the spec: positional parameters in the
// name, other parameters that differ from their defaults as key=value in
// the order of registration. ParseSpec(sp.String()) gives sp back, so the
// canonical form is what checkpoints and reports store.
func (sp Spec) String() string {
	if sp.reg == nil {
		return ""
	}
	s := sp.reg.Name
	trailingDefaults := 0 // positional defaults at the end are left out
	for i, p := range sp.reg.Params {
		if !p.Positional {
			continue
		}
		if !p.Required && sp.values[i] == p.Default {
			trailingDefaults++
		} else {
			trailingDefaults = 0
		}
	}
	npos := 0
	for _, p := range sp.reg.Params {
		if p.Positional {
			npos++
		}
	}
	var opts []string
	k := 0
	for i, p := range sp.reg.Params {
		v := formatValue(sp.values[i])
		if p.Positional {
			if k < npos-trailingDefaults {
				s += "-" + v
			}
			k++
			continue
		}
		if p.Required || sp.values[i] != p.Default {
			opts = append(opts, p.Key+"="+v)
		}
	}
	if len(opts) > 0 {
		s += ":" + strings.Join(opts, ",")
	}
	return s
}

func formatValue(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// New returns a Sampler for model m from a spec string (see ParseSpec).
func New(spec string, m ebm.Model) (Sampler, error) {
	sp, err := ParseSpec(spec)
	if err != nil {
		return nil, err
	}
	return NewSampler(sp, m)
}

// NewKernel returns the kernel of sp for model m, to be driven over a
// State.
func NewKernel(sp Spec, m ebm.Model) (Kernel, error) {
	if sp.reg == nil {
		return nil, fmt.Errorf("gwg: empty sampler spec")
	}
	if m == nil {
		return nil, fmt.Errorf("gwg: %s: nil model", sp)
	}
	if err := m.Domain().Validate(); err != nil {
		return nil, fmt.Errorf("gwg: %s: %w", sp, err)
	}
	k, err := sp.reg.New(m, sp)
	if err != nil {
		return nil, fmt.Errorf("gwg: %s: %w", sp, err)
	}
	return k, nil
}
