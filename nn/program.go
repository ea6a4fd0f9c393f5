package nn

import (
	"fmt"
	"hash"
	"hash/fnv"
	"reflect"
	"sync/atomic"
	"unsafe"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Program is a pruned, compiled subset of a graph that is run many times with
// the same input tensors, whose contents the caller changes between runs.
//
// Gorgonia v0.9.18 treats the register of a value as free after its last use
// inside the program, even when the value is a requested output or a bound
// input: a later in-place operation may then overwrite an output before it is
// read, or the parameters themselves. A Program therefore ends in a sink
// operation that reads every output and every protected input: all of them
// stay live to the end of the program, and the sink copies the outputs into
// tensors the Program owns. An output computed by one of this package's
// operations is not copied: its tensor is the operation's own, which
// nothing else writes, and is read in place (a one-hot net's ∇ₓf has D·K
// values per chain, and the copy cost a quarter of its time).
type Program struct {
	machine G.VM
	tape    unsafe.Pointer // machine's *tapeMachine
	done    chan struct{}
	errs    chan error
	sink    *sinkOp
}

// Compile prunes g to what the outputs need and compiles it. Inputs are the
// graph's bound input nodes; all must be used by the outputs.
func Compile(g *G.ExprGraph, inputs, outputs G.Nodes) (*Program, error) {
	if len(outputs) == 0 {
		return nil, fmt.Errorf("nn: compiling a program without outputs")
	}
	sink := &sinkOp{id: sinkIDs.Add(1), outputs: len(outputs), dtype: outputs[0].Dtype()}
	types := make([]hm.Type, 0, len(outputs)+len(inputs)+1)
	for _, n := range outputs {
		sink.dst = append(sink.dst, tensor.New(tensor.Of(n.Dtype()), tensor.WithShape(n.Shape().Clone()...)))
		_, own := n.Op().(ownedOutput)
		sink.alias = append(sink.alias, own)
		types = append(types, n.Type())
	}
	for _, n := range inputs {
		types = append(types, n.Type())
	}
	sink.typ = hm.NewFnType(append(types, sink.dtype)...)
	children := append(append(G.Nodes{}, outputs...), inputs...)
	root, err := G.ApplyOp(sink, children...)
	if err != nil {
		return nil, fmt.Errorf("nn: adding the output sink: %w", err)
	}
	prog, locMap, err := G.CompileFunction(g, inputs, G.Nodes{root})
	if err != nil {
		return nil, fmt.Errorf("nn: compiling: %w", err)
	}
	m := G.NewTapeMachine(g, G.WithPrecompiled(prog, locMap))
	return &Program{
		machine: m, tape: reflect.ValueOf(m).UnsafePointer(), sink: sink,
		done: make(chan struct{}, 1), errs: make(chan error, 1),
	}, nil
}

// Run executes the program once on the current contents of its inputs.
func (p *Program) Run() error {
	p.machine.Reset()
	// RunAll locks the calling goroutine to its thread and runs the
	// instructions on a new goroutine, for CUDA; waiting for it hands the
	// processor to another thread and back, two thread switches per run,
	// which on a busy machine cost more than a small net's whole run. On
	// the CPU the loop can run on the caller: it reports its end on one of
	// the two channels and returns.
	done, errs := p.done, p.errs
	tapeRunAll(p.tape, errs, done)
	select {
	case err := <-errs:
		return fmt.Errorf("nn: running program: %w", err)
	case <-done:
		return nil
	}
}

// tapeRunAll is the instruction loop of Gorgonia v0.9.18's tape machine
// (the module's pinned version), which RunAll runs on a goroutine of its
// own: m is the *tapeMachine, and the loop sends the error or the end of
// the run on the channels, which must be buffered.
//
//go:linkname tapeRunAll gorgonia.org/gorgonia.(*tapeMachine).runall
func tapeRunAll(m unsafe.Pointer, errChan chan error, doneChan chan struct{})

// Output is the value of output i after the last Run. The tensor is reused
// by the next Run of this program or of another one compiled from the same
// graph: read it before running either.
func (p *Program) Output(i int) *tensor.Dense { return p.sink.dst[i] }

var sinkIDs atomic.Int64

// sinkOp copies its first `outputs` inputs into dst, or makes dst the
// input itself where alias is set, and ignores the rest.
type sinkOp struct {
	id      int64
	outputs int
	dtype   tensor.Dtype
	typ     hm.Type
	dst     []*tensor.Dense
	alias   []bool
}

// ownedOutput is implemented by the operations whose output tensor is their
// own (see opBase).
type ownedOutput interface{ ownsOutput() }

func (s *sinkOp) Arity() int           { return -1 }
func (s *sinkOp) Type() hm.Type        { return s.typ }
func (s *sinkOp) ReturnsPtr() bool     { return false }
func (s *sinkOp) CallsExtern() bool    { return false }
func (s *sinkOp) OverwritesInput() int { return -1 }
func (s *sinkOp) String() string       { return fmt.Sprintf("sink%d", s.id) }
func (s *sinkOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return tensor.ScalarShape(), nil
}

func (s *sinkOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "sink%d", s.id) }

func (s *sinkOp) Hashcode() uint32 {
	h := fnv.New32a()
	s.WriteHash(h)
	return h.Sum32()
}

func (s *sinkOp) Do(vs ...G.Value) (G.Value, error) {
	for i, d := range s.dst {
		if v, ok := vs[i].(*tensor.Dense); ok && s.alias[i] && !v.IsView() {
			// Gorgonia may have reshaped it for a later operation.
			if err := v.Reshape(d.Shape().Clone()...); err == nil {
				s.dst[i] = v
				continue
			}
		}
		if _, err := G.Copy(d, vs[i]); err != nil {
			return nil, fmt.Errorf("nn: copying output %d: %w", i, err)
		}
	}
	if s.dtype == tensor.Float64 {
		return G.NewF64(0), nil
	}
	return G.NewF32(0), nil
}
