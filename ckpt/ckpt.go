package ckpt

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/vmihailenco/msgpack/v5"
)

// Checkpoint is everything one checkpoint file holds.
type Checkpoint struct {
	// FormatVersion is the format version of the file the checkpoint was
	// read from; Decode and Load set it. Encode and Save ignore it and always
	// write the current [Version].
	FormatVersion int `msgpack:"-"`

	Model ModelSpec `msgpack:"model"`
	// Params are the model's parameters in the model's own order.
	Params []Tensor `msgpack:"params"`
	// EMA holds the exponential moving average of the parameters, which
	// sampling and evaluation use. It is empty or has exactly the names and
	// shapes of Params, in the same order.
	EMA []Tensor `msgpack:"ema"`
	// BaseMean is the mean μ of the base distribution Πᵢ Bernoulli(xᵢ; μᵢ) of
	// the deep models; empty for models without one.
	BaseMean []float32 `msgpack:"base_mean"`
	// Dataset names the data set the model was trained on.
	Dataset string `msgpack:"dataset"`
	// DataFile is the user's file the model was trained on, when it was
	// not a built-in data set; zero otherwise.
	DataFile DataFile `msgpack:"data_file,omitempty"`
	// Shape is the layout of the data set's examples; zero in checkpoints
	// written before it was stored.
	Shape Shape `msgpack:"shape"`
	// Train is the state of an unfinished or resumable training run; nil in
	// a checkpoint that holds only a model.
	Train *TrainState `msgpack:"train"`
	// Created is when the checkpoint was made. It is stored to the
	// nanosecond and read back in UTC, without a monotonic clock reading.
	Created time.Time `msgpack:"created"`
	// Note is free text, by convention the command line that made the file.
	Note string `msgpack:"note"`
	// Build is the numeric build of the program that wrote the file; nil in
	// files written before it was recorded.
	Build *Build `msgpack:"build,omitempty"`
}

// ModelSpec says which model the parameters belong to. Hyper-parameters are
// kept in three typed maps rather than one map of interfaces so that they
// round-trip exactly: msgpack does not remember whether 3 was an int or a
// float.
type ModelSpec struct {
	// Kind is the model family, e.g. "deep", "rbm" or "ising". Required.
	Kind string `msgpack:"kind"`
	// Arch is the architecture within the family, e.g. "mlp-256".
	Arch    string             `msgpack:"arch"`
	Ints    map[string]int     `msgpack:"ints"`
	Floats  map[string]float64 `msgpack:"floats"`
	Strings map[string]string  `msgpack:"strings"`
}

// EncodeMsgpack implements msgpack.CustomEncoder. It writes what the default
// struct encoding would, except that map keys are sorted, so that a
// checkpoint's bytes depend on its contents alone. (The encoder's own
// SetSortMapKeys does not cover maps of ints or floats.) Decoding uses the
// default, by the struct tags.
func (s ModelSpec) EncodeMsgpack(e *msgpack.Encoder) error {
	if err := e.EncodeMapLen(5); err != nil {
		return err
	}
	for _, kv := range [2][2]string{{"kind", s.Kind}, {"arch", s.Arch}} {
		if err := e.EncodeString(kv[0]); err != nil {
			return err
		}
		if err := e.EncodeString(kv[1]); err != nil {
			return err
		}
	}
	if err := encodeSorted(e, "ints", s.Ints, func(v int) error { return e.EncodeInt(int64(v)) }); err != nil {
		return err
	}
	if err := encodeSorted(e, "floats", s.Floats, e.EncodeFloat64); err != nil {
		return err
	}
	return encodeSorted(e, "strings", s.Strings, e.EncodeString)
}

// encodeSorted writes the key name and then m with its keys in order; a nil
// map is written as nil so that it decodes as nil.
func encodeSorted[V any](e *msgpack.Encoder, name string, m map[string]V, value func(V) error) error {
	if err := e.EncodeString(name); err != nil {
		return err
	}
	if m == nil {
		return e.EncodeNil()
	}
	if err := e.EncodeMapLen(len(m)); err != nil {
		return err
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if err := e.EncodeString(k); err != nil {
			return err
		}
		if err := value(m[k]); err != nil {
			return err
		}
	}
	return nil
}

// Tensor is a named float32 array, row-major. A scalar has an empty Shape
// and one value.
type Tensor struct {
	Name  string
	Shape []int
	Data  []float32
}

// Size is the number of values the shape calls for, or -1 if a dimension is
// negative or the product overflows int.
func (t *Tensor) Size() int {
	n := 1
	for _, d := range t.Shape {
		if d < 0 || (d > 0 && n > maxInt/d) {
			return -1
		}
		n *= d
	}
	return n
}

const maxInt = int(^uint(0) >> 1)

// TrainState is what a training run needs, besides the model, to continue
// exactly where it stopped.
type TrainState struct {
	// Iteration is the number of training iterations completed.
	Iteration int `msgpack:"iteration"`
	// Adam is the optimizer's state.
	Adam Adam `msgpack:"adam"`
	// Buffer is the replay buffer of persistent chains, one row per chain.
	Buffer Bits `msgpack:"buffer"`
	// Codes is the replay buffer of a one-hot model, one byte per site, in
	// place of Buffer (which is then empty).
	Codes Codes `msgpack:"buffer_codes,omitempty"`
	// RNG is the random state, as returned by MarshalBinary of the
	// math/rand/v2 source (a PCG's is 20 bytes).
	RNG []byte `msgpack:"rng"`
	// Config is the trainer's configuration, msgpack-encoded; it is opaque
	// to this package. Use SetConfig and DecodeConfig.
	Config []byte `msgpack:"config"`
	// Metrics are the logged metrics so far.
	Metrics Metrics `msgpack:"metrics"`
	// Best is the best validation log-likelihood so far; nil before the first
	// validation.
	Best *Best `msgpack:"best"`
}

// Adam is the state of the Adam optimizer. M and V are the first and second
// moments, each empty or laid out exactly like the checkpoint's Params.
type Adam struct {
	Step int64    `msgpack:"step"` // updates done, for the bias correction
	M    []Tensor `msgpack:"m"`
	V    []Tensor `msgpack:"v"`
}

// Metrics is a table of logged values: one row per logged iteration, one
// column per metric. Every row has len(Columns) values. By convention the
// first column is "iter".
type Metrics struct {
	Columns []string    `msgpack:"columns"`
	Rows    [][]float64 `msgpack:"rows"`
}

// Best records the best validation log-likelihood and when it was reached.
type Best struct {
	Iteration int     `msgpack:"iteration"`
	LogLik    float64 `msgpack:"loglik"`
}

// SetConfig stores v, msgpack-encoded, as the training configuration. v is
// typically the trainer's configuration struct.
func (s *TrainState) SetConfig(v any) error {
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	enc.SetSortMapKeys(true) // the same configuration always gives the same bytes
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("ckpt: encoding training configuration: %w", err)
	}
	s.Config = buf.Bytes()
	return nil
}

// DecodeConfig decodes the training configuration into v, a pointer to a
// struct or a map.
func (s *TrainState) DecodeConfig(v any) error {
	if len(s.Config) == 0 {
		return errors.New("ckpt: checkpoint has no training configuration")
	}
	if err := scanMsgpack(s.Config); err != nil {
		return fmt.Errorf("ckpt: training configuration: %w", err)
	}
	if err := msgpack.Unmarshal(s.Config, v); err != nil {
		return fmt.Errorf("ckpt: decoding training configuration: %w", err)
	}
	return nil
}

// NumParams is the total number of parameter values.
func (c *Checkpoint) NumParams() int {
	n := 0
	for i := range c.Params {
		n += len(c.Params[i].Data)
	}
	return n
}

// Validate checks that the checkpoint is consistent: every tensor's data
// matches its shape, parameter names are unique, EMA parameters and optimizer
// moments are laid out like the parameters, the buffer's bits match its size
// and every metrics row matches the columns. Save refuses, and Load reports,
// an inconsistent checkpoint; the error wraps ErrInvalid.
func (c *Checkpoint) Validate() error {
	if err := c.validate(); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return nil
}

func (c *Checkpoint) validate() error {
	if c.Model.Kind == "" {
		return errors.New("model kind is empty")
	}
	seen := make(map[string]bool, len(c.Params))
	for i := range c.Params {
		p := &c.Params[i]
		if p.Name == "" {
			return fmt.Errorf("parameter %d has no name", i)
		}
		if seen[p.Name] {
			return fmt.Errorf("parameter name %q appears twice", p.Name)
		}
		seen[p.Name] = true
		if err := p.check(); err != nil {
			return fmt.Errorf("parameter %w", err)
		}
	}
	if err := c.sameLayout("EMA", c.EMA); err != nil {
		return err
	}
	if err := c.DataFile.check(); err != nil {
		return err
	}
	if c.Train == nil {
		return nil
	}
	s := c.Train
	if s.Iteration < 0 {
		return fmt.Errorf("training iteration %d is negative", s.Iteration)
	}
	if s.Adam.Step < 0 {
		return fmt.Errorf("optimizer step %d is negative", s.Adam.Step)
	}
	if (len(s.Adam.M) == 0) != (len(s.Adam.V) == 0) {
		return fmt.Errorf("optimizer has %d first and %d second moments", len(s.Adam.M), len(s.Adam.V))
	}
	if err := c.sameLayout("Adam first moment", s.Adam.M); err != nil {
		return err
	}
	if err := c.sameLayout("Adam second moment", s.Adam.V); err != nil {
		return err
	}
	if err := s.Buffer.check(); err != nil {
		return fmt.Errorf("replay buffer: %w", err)
	}
	if err := s.Codes.check(); err != nil {
		return fmt.Errorf("replay buffer: %w", err)
	}
	if !s.Codes.IsZero() && len(s.Buffer.Data) > 0 {
		return fmt.Errorf("replay buffer stored both as bits and as codes")
	}
	return s.Metrics.check()
}

// sameLayout checks that ts is empty or has the names and shapes of c.Params.
func (c *Checkpoint) sameLayout(what string, ts []Tensor) error {
	if len(ts) == 0 {
		return nil
	}
	if len(ts) != len(c.Params) {
		return fmt.Errorf("%s has %d tensors, the parameters %d", what, len(ts), len(c.Params))
	}
	for i := range ts {
		t, p := &ts[i], &c.Params[i]
		if t.Name != p.Name || !slices.Equal(t.Shape, p.Shape) {
			return fmt.Errorf("%s tensor %d is %q %v, the parameter is %q %v",
				what, i, t.Name, t.Shape, p.Name, p.Shape)
		}
		if err := t.check(); err != nil {
			return fmt.Errorf("%s %w", what, err)
		}
	}
	return nil
}

// check reports whether the tensor's data matches its shape.
func (t *Tensor) check() error {
	n := t.Size()
	if n < 0 {
		return fmt.Errorf("%q has invalid shape %v", t.Name, t.Shape)
	}
	if len(t.Data) != n {
		return fmt.Errorf("%q of shape %v has %d values, want %d", t.Name, t.Shape, len(t.Data), n)
	}
	return nil
}

func (m *Metrics) check() error {
	seen := make(map[string]bool, len(m.Columns))
	for _, c := range m.Columns {
		if c == "" || seen[c] {
			return fmt.Errorf("metrics column name %q is empty or repeated", c)
		}
		seen[c] = true
	}
	for i, r := range m.Rows {
		if len(r) != len(m.Columns) {
			return fmt.Errorf("metrics row %d has %d values for %d columns", i, len(r), len(m.Columns))
		}
	}
	return nil
}
