package nn

import (
	"fmt"
	"hash"
	"hash/fnv"
	"sync/atomic"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The custom operations of this package compute into output tensors they
// keep between runs (a graph is built for one batch size, so every shape is
// fixed when the operation is created) and into the scratch space of their
// graph, so that a run of a compiled program allocates next to nothing for
// them. They return the same output tensor on every run; Gorgonia may reshape
// it in place afterwards, so each run restores its shape first.

type float interface{ ~float32 | ~float64 }

var opIDs atomic.Int64

// opBase is what every custom operation shares: identity, type, output.
type opBase struct {
	name  string
	id    int64
	typ   hm.Type
	shape tensor.Shape
	dtype tensor.Dtype
	out   *tensor.Dense
}

// newOpBase describes an operation from input types (taken from the nodes)
// to an output of the given shape and the first input's dtype.
func newOpBase(name string, out tensor.Shape, in ...*G.Node) opBase {
	dt := in[0].Dtype()
	types := make([]hm.Type, 0, len(in)+1)
	for _, n := range in {
		types = append(types, n.Type())
	}
	types = append(types, G.TensorType{Dims: out.Dims(), Of: dt})
	return opBase{name: name, id: opIDs.Add(1), typ: hm.NewFnType(types...), shape: out, dtype: dt}
}

func (o *opBase) ownsOutput()           {}
func (o *opBase) Type() hm.Type         { return o.typ }
func (o *opBase) ReturnsPtr() bool      { return false }
func (o *opBase) CallsExtern() bool     { return false }
func (o *opBase) OverwritesInput() int  { return -1 }
func (o *opBase) String() string        { return o.name }
func (o *opBase) WriteHash(h hash.Hash) { fmt.Fprintf(h, "%s#%d", o.name, o.id) }

func (o *opBase) Hashcode() uint32 {
	h := fnv.New32a()
	o.WriteHash(h)
	return h.Sum32()
}

func (o *opBase) InferShape(...G.DimSizer) (tensor.Shape, error) { return o.shape.Clone(), nil }

// output returns the operation's output tensor with its shape restored.
func (o *opBase) output() (*tensor.Dense, error) {
	if o.out == nil {
		o.out = tensor.New(tensor.Of(o.dtype), tensor.WithShape(o.shape.Clone()...))
	}
	if err := o.out.Reshape(o.shape...); err != nil {
		return nil, fmt.Errorf("nn: %s: %w", o.name, err)
	}
	return o.out, nil
}

// values returns the backing slices of vs, which must all be dense tensors
// of element type T.
func values[T float](vs []G.Value) ([][]T, error) {
	out := make([][]T, len(vs))
	for i, v := range vs {
		d, ok := v.(*tensor.Dense)
		if !ok {
			return nil, fmt.Errorf("nn: operand %d is %T, want a dense tensor", i, v)
		}
		if d.IsView() {
			d = d.Materialize().(*tensor.Dense)
		}
		if out[i], ok = d.Data().([]T); !ok {
			return nil, fmt.Errorf("nn: operand %d holds %T", i, d.Data())
		}
	}
	return out, nil
}

// run evaluates an operation's kernel on its inputs in the output's dtype.
func run(o *opBase, vs []G.Value, k32 func(out []float32, in [][]float32), k64 func(out []float64, in [][]float64)) (G.Value, error) {
	out, err := o.output()
	if err != nil {
		return nil, err
	}
	switch o.dtype {
	case tensor.Float32:
		in, err := values[float32](vs)
		if err != nil {
			return nil, fmt.Errorf("nn: %s: %w", o.name, err)
		}
		k32(out.Data().([]float32), in)
	case tensor.Float64:
		in, err := values[float64](vs)
		if err != nil {
			return nil, fmt.Errorf("nn: %s: %w", o.name, err)
		}
		k64(out.Data().([]float64), in)
	default:
		return nil, fmt.Errorf("nn: %s: unsupported dtype %v", o.name, o.dtype)
	}
	return out, nil
}
