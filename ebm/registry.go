package ebm

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/internal/buildinfo"
)

// A Builder rebuilds a model of one kind from what a checkpoint stores
// about it: its spec, its parameter tensors and the base mean.
type Builder func(spec ckpt.ModelSpec, params []ckpt.Tensor, baseMean []float32) (Model, error)

// Storable is a model a checkpoint can hold: the Builder registered for the
// Kind of its Spec rebuilds it from the spec and its Params.
type Storable interface {
	Model
	Spec() (ckpt.ModelSpec, error)
	Params() []*Param
}

// Input is what a fresh model is made for: data of Domain whose sites form a
// Height × Width image (Height 1 for data that is not an image), with the
// training data's mean per input value for the base distribution.
type Input struct {
	Domain        Domain
	Height, Width int
	DataMean      []float32
}

// An Architecture makes fresh trainable models from architecture names of
// one family, such as "mlp-256" and "mlp-64x2" of the family "mlp".
type Architecture interface {
	// Check reports whether name is a well-formed name of the family,
	// whatever the data.
	Check(name string) error
	// New makes the model called name for in, with initial weights drawn
	// from rng. It is Storable.
	New(name string, in Input, rng *rand.Rand) (Trainable, error)
}

var registry = struct {
	sync.RWMutex
	kinds map[string]Builder
	archs map[string]Architecture
}{kinds: map[string]Builder{}, archs: map[string]Architecture{}}

// Register makes the models of kind (a ckpt.ModelSpec Kind such as "rbm")
// loadable from checkpoints. Model packages call it from an init function;
// registering a kind twice panics.
func Register(kind string, b Builder) {
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.kinds[kind]; dup || b == nil {
		panic("ebm: Register of model kind " + kind + " twice or with a nil builder")
	}
	registry.kinds[kind] = b
}

// RegisterArch makes the architecture names of family (the part of a name
// before its first dash) available to NewTrainable. Registering a family
// twice panics.
func RegisterArch(family string, a Architecture) {
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.archs[family]; dup || a == nil {
		panic("ebm: RegisterArch of family " + family + " twice or with a nil architecture")
	}
	registry.archs[family] = a
}

// Kinds lists the registered model kinds.
func Kinds() []string {
	registry.RLock()
	defer registry.RUnlock()
	return sortedKeys(registry.kinds)
}

// Families lists the registered architecture families.
func Families() []string {
	registry.RLock()
	defer registry.RUnlock()
	return sortedKeys(registry.archs)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func architecture(name string) (Architecture, error) {
	family, _, _ := strings.Cut(name, "-")
	registry.RLock()
	a, ok := registry.archs[family]
	registry.RUnlock()
	if !ok {
		return nil, fmt.Errorf("ebm: unknown architecture %q (families: %s)", name, strings.Join(Families(), ", "))
	}
	return a, nil
}

// CheckArch reports whether name is a well-formed architecture name of a
// registered family.
func CheckArch(name string) error {
	a, err := architecture(name)
	if err != nil {
		return err
	}
	return a.Check(name)
}

// NewTrainable makes a fresh model of the architecture called name for in,
// with initial weights drawn from rng.
func NewTrainable(name string, in Input, rng *rand.Rand) (Trainable, error) {
	a, err := architecture(name)
	if err != nil {
		return nil, err
	}
	return a.New(name, in, rng)
}

// Load rebuilds the model of a checkpoint with the builder of its kind:
// with its EMA weights when ema is true and the checkpoint has them (what
// sampling and evaluation use), else with its current weights.
func Load(c *ckpt.Checkpoint, ema bool) (Model, error) {
	registry.RLock()
	b, ok := registry.kinds[c.Model.Kind]
	registry.RUnlock()
	if !ok {
		return nil, fmt.Errorf("ebm: checkpoint holds a %q model; this build knows %s", c.Model.Kind, strings.Join(Kinds(), ", "))
	}
	params := c.Params
	if ema && len(c.EMA) > 0 {
		params = c.EMA
	}
	m, err := b(c.Model, params, c.BaseMean)
	if err != nil {
		return nil, fmt.Errorf("ebm: checkpoint %s model: %w", c.Model.Kind, err)
	}
	return m, nil
}

// Tensors returns params as checkpoint tensors: copies of their values, or
// when data is not nil, data itself in their place (one slice per
// parameter, e.g. an optimizer's moments).
func Tensors(params []*Param, data [][]float32) []ckpt.Tensor {
	ts := make([]ckpt.Tensor, len(params))
	for i, p := range params {
		v := slices.Clone(p.Data)
		if data != nil {
			v = data[i]
		}
		ts[i] = ckpt.Tensor{Name: p.Name, Shape: slices.Clone(p.Shape), Data: v}
	}
	return ts
}

// SetParams copies checkpoint tensors into params, which they must match
// one for one in name and shape.
func SetParams(params []*Param, ts []ckpt.Tensor) error {
	if len(ts) != len(params) {
		return fmt.Errorf("ebm: %d parameter tensors for a model with %d", len(ts), len(params))
	}
	for i, p := range params {
		if ts[i].Name != p.Name || !slices.Equal(ts[i].Shape, p.Shape) || len(ts[i].Data) != len(p.Data) {
			return fmt.Errorf("ebm: parameter %d is %s%v, the model's %s%v", i, ts[i].Name, ts[i].Shape, p.Name, p.Shape)
		}
	}
	for i, p := range params {
		copy(p.Data, ts[i].Data)
	}
	return nil
}

// NewCheckpoint returns a checkpoint that holds the model m alone (no
// training state), with baseMean, the data set's name and shape, and note.
func NewCheckpoint(m Storable, baseMean []float32, dataset string, shape ckpt.Shape, note string) (*ckpt.Checkpoint, error) {
	spec, err := m.Spec()
	if err != nil {
		return nil, err
	}
	return &ckpt.Checkpoint{
		Model: spec, Params: Tensors(m.Params(), nil), BaseMean: slices.Clone(baseMean),
		Dataset: dataset, Shape: shape, Created: time.Now().UTC(), Note: note, Build: buildinfo.Record(),
	}, nil
}
