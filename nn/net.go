package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Param is one parameter tensor of a Net. Value is the live tensor that every
// graph built from the Net reads.
type Param struct {
	Name  string
	Value *tensor.Dense
}

// Net is a net's configuration and its parameters. Its parameters are
// created once; Build may be called for many graphs. Each graph has its own
// working memory and only reads the parameters, so programs compiled from
// different graphs may run at the same time (one graph per worker is how a
// batch is spread over processors) while nothing writes the parameters.
// The dense layers multiply by copies of their weights packed for the matrix
// kernel, shared by all graphs; a run compares the weights with what was
// packed and packs again after they changed, so the parameters may be
// written in place between runs.
type Net struct {
	config Config
	dtype  tensor.Dtype
	params []*Param
	index  map[string]int
	packs  map[string]*weightPack // dense weights, by name
}

// New creates a net with parameters drawn as PyTorch initialises them:
// uniform on ±1/√fan_in for weights and biases alike. dtype is tensor.Float32
// or tensor.Float64.
func New(c Config, dtype tensor.Dtype, rng *rand.Rand) (*Net, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if dtype != tensor.Float32 && dtype != tensor.Float64 {
		return nil, fmt.Errorf("nn: unsupported dtype %v", dtype)
	}
	if rng == nil {
		return nil, fmt.Errorf("nn: nil random source")
	}
	n := &Net{config: c, dtype: dtype, index: map[string]int{}, packs: map[string]*weightPack{}}
	for _, s := range layout(c) {
		bound := 1 / math.Sqrt(float64(s.fanIn))
		size := 1
		for _, d := range s.shape {
			size *= d
		}
		var t *tensor.Dense
		switch dtype {
		case tensor.Float32:
			v := make([]float32, size)
			for i := range v {
				v[i] = float32(bound * (2*rng.Float64() - 1))
			}
			t = tensor.New(tensor.WithShape(s.shape...), tensor.WithBacking(v))
		default:
			v := make([]float64, size)
			for i := range v {
				v[i] = bound * (2*rng.Float64() - 1)
			}
			t = tensor.New(tensor.WithShape(s.shape...), tensor.WithBacking(v))
		}
		if s.dense && dtype == tensor.Float32 && packWeights {
			n.packs[s.name] = &weightPack{in: s.shape[0], out: s.shape[1]}
		}
		n.index[s.name] = len(n.params)
		n.params = append(n.params, &Param{Name: s.name, Value: t})
	}
	return n, nil
}

// Config returns the net's configuration.
func (n *Net) Config() Config { return n.config }

// Dtype returns the element type of the parameters.
func (n *Net) Dtype() tensor.Dtype { return n.dtype }

// Params returns the parameters in a fixed order.
func (n *Net) Params() []*Param { return n.params }

type paramSpec struct {
	name  string
	shape []int
	fanIn int
	dense bool // the weights of a dense layer
}

// layout lists the parameters of a configuration in their fixed order.
// Dense weights are stored [in, out] and convolution weights
// [out, in·kh·kw], the layouts the forward products read directly.
func layout(c Config) []paramSpec {
	var ps []paramSpec
	dense := func(name string, in, out int) {
		ps = append(ps, paramSpec{name + ".w", []int{in, out}, in, true}, paramSpec{name + ".b", []int{out}, in, false})
	}
	conv := func(name string, in, out, k int) {
		ps = append(ps, paramSpec{name + ".w", []int{out, in * k * k}, in * k * k, false}, paramSpec{name + ".b", []int{out}, in * k * k, false})
	}
	if c.Categories > 2 {
		dense("proj", c.Categories, c.Proj)
	}
	switch c.Arch {
	case MLP:
		in := c.Sites * c.features()
		for i := 0; i < c.Depth; i++ {
			dense(fmt.Sprintf("fc%d", i), in, c.Width)
			in = c.Width
		}
		dense("out", in, 1)
	case ResNet:
		conv("stem", c.features(), c.Width, 3)
		for i := 0; i < c.Down+c.Blocks; i++ {
			b := fmt.Sprintf("block%d", i)
			conv(b+".conv1", c.Width, c.Width, 3)
			conv(b+".conv2", c.Width, c.Width, 3)
			if i < c.Down {
				conv(b+".short", c.Width, c.Width, 1)
			}
		}
		dense("out", c.Width, 1)
	}
	return ps
}

// Build adds the net to g, applied to x, a [B, InputWidth] matrix of the
// net's dtype, and returns the [B] vector of outputs and the parameter nodes
// (bound to the values of the net's tensors, in the order of Params).
func (n *Net) Build(g *G.ExprGraph, x *G.Node) (out *G.Node, params G.Nodes, err error) {
	c := n.config
	if s := x.Shape(); len(s) != 2 || s[1] != c.InputWidth() || x.Dtype() != n.dtype {
		return nil, nil, fmt.Errorf("nn: %v input is %v %v, want [B %d] %v", c, x.Dtype(), x.Shape(), c.InputWidth(), n.dtype)
	}
	b := &builder{g: g, net: n, batch: x.Shape()[0], sc: &scratch{}}
	for _, p := range n.params {
		// A header of the graph's own over the shared values: Gorgonia
		// transposes operands by changing their headers for the duration of
		// a product, which would race between graphs run at the same time.
		v := tensor.New(tensor.WithShape(p.Value.Shape().Clone()...), tensor.WithBacking(p.Value.Data()))
		b.params = append(b.params, G.NodeFromAny(g, v, G.WithName(p.Name)))
	}
	h := x
	if c.Categories > 2 {
		// One-hot blocks of K values, projected to Proj features per site
		// by one map shared by all sites, as the reference does; the resnet
		// reads them as Proj input channels.
		h = b.project(h, "proj", c.Arch == ResNet)
	}
	switch c.Arch {
	case MLP:
		for i := 0; i < c.Depth; i++ {
			h = b.swish(b.linear(h, fmt.Sprintf("fc%d", i)))
		}
	case ResNet:
		h = b.resnet(h)
	}
	h = b.linear(h, "out")
	h = b.reshape(h, b.batch)
	if b.err != nil {
		return nil, nil, fmt.Errorf("nn: building %v: %w", c, b.err)
	}
	return h, b.params, nil
}

// builder adds layers to a graph, keeping the first error: once it is set,
// every method returns nil without touching the graph.
type builder struct {
	g      *G.ExprGraph
	net    *Net
	batch  int
	params G.Nodes
	sc     *scratch // shared by the convolutions of this graph
	err    error
}

func (b *builder) keep(n *G.Node, err error) *G.Node {
	if err != nil {
		b.err = err
		return nil
	}
	return n
}

func (b *builder) param(name string) *G.Node {
	i, ok := b.net.index[name]
	if !ok {
		b.err = fmt.Errorf("no parameter %q", name)
		return nil
	}
	return b.params[i]
}

func (b *builder) reshape(x *G.Node, shape ...int) *G.Node {
	if b.err != nil {
		return nil
	}
	return b.keep(G.Reshape(x, tensor.Shape(shape)))
}

// linear is x·W + b for x of shape [N, in].
func (b *builder) linear(x *G.Node, name string) *G.Node {
	w, bias := b.param(name+".w"), b.param(name+".b")
	if b.err != nil {
		return nil
	}
	return b.dense(x, w, bias, b.net.packs[name+".w"])
}

// swish is x·sigmoid(x).
func (b *builder) swish(x *G.Node) *G.Node {
	if b.err != nil {
		return nil
	}
	return b.keep(G.ApplyOp(newSwish(x), x))
}
