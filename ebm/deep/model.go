package deep

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/gwg-go/gwg/ebm"
	_ "github.com/gwg-go/gwg/internal/blas" // the BLAS is chosen at build time
	"github.com/gwg-go/gwg/internal/parallel"
	"github.com/gwg-go/gwg/nn"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Model is a neural energy on top of a fixed base distribution:
//
//	f(x) = net(x) + Σᵢ log Base(xᵢ; μᵢ)
//
// with Base Bernoulli for binary domains and categorical for one-hot ones.
// The net is a Gorgonia graph (package nn); the base term is linear in x and
// is evaluated directly.
//
// A batch is cut into blocks of rows that run on all processors (package
// internal/parallel), each worker with compiled graphs of its own. Every row's
// f and ∇ₓf are computed by the same operations in the same order whatever
// the blocks (the matrix products do not split their inner sums), so they do
// not depend on the number of processors; the parameter gradient of
// ContrastiveGrad is summed from blocks of fixed size, in block order, so it
// does not either. The tests check both bit for bit.
//
// Each worker keeps two kinds of compiled graphs per block size (for the
// last few sizes used), built on first use and sharing the parameter
// tensors: one for f and ∇ₓf (sampling), one for the training loss and ∇θ.
// The sampling graph never computes weight gradients, and neither graph
// accumulates gradients between runs (no BindDualValues, see Gorgonia issue
// 543), so sampling cannot leak into training gradients. New inputs are
// copied into the graphs' bound input tensors; nothing is rebuilt per call.
//
// A Model is not safe for concurrent use.
type Model struct {
	net    *nn.Net
	dom    ebm.Domain
	mu     []float32
	coef   []float64 // ∂(base term)/∂x, one per input value
	coef32 []float32 // coef rounded, as added to ∇ₓf
	offset float64   // base term at x = 0
	params []*ebm.Param
	f64    bool // graphs compute in float64; Param.Data are float32 mirrors
	clone  bool // one worker, parameters synced by the original (see Clone)

	workers []*worker
	errs    []error     // one per block of the current call
	fRows   []float64   // ContrastiveGrad: f of every row
	partial [][]float64 // ContrastiveGrad: each block's parameter gradient
}

// worker is what one processor needs to evaluate blocks of rows.
type worker struct {
	sample graphCache[*sampleGraph]
	train  graphCache[*trainGraph]
}

// maxSampleRows bounds the rows of one block of f and ∇ₓf, which bounds the
// memory of a worker's graphs (a resnet-64 graph holds a few megabytes of
// activations per row).
const maxSampleRows = 128

// minParallelValues is the number of input values (chains × width) below
// which a batch's f and ∇ₓf run as one block: a tiny net's whole batch costs
// less than starting a worker.
const minParallelValues = 1 << 12

// trainRows is the size of the blocks of ContrastiveGrad. The parameter
// gradient is a sum over blocks, so the block size must not depend on the
// number of processors. Every block pays for a whole parameter gradient
// (the weight products' packing, reading it out, adding it up), so blocks
// are large: on mlp-256 with 100 data + 100 samples, blocks of 25 made the
// gradient 2.2× slower on one core than one block, blocks of 100 cost 1.2×
// and gain 1.2–1.5× on two cores. Larger batches give more blocks to more
// processors.
const trainRows = 100

// blocks runs f(worker, b, lo, hi) for the blocks b = [lo, hi) of n rows cut
// into parts near-equal pieces, on every processor, and returns the errors
// of the blocks that failed, in block order.
func (d *Model) blocks(n, parts int, f func(wk *worker, b, lo, hi int) error) error {
	procs := 0
	if d.clone {
		procs = 1
	}
	for len(d.workers) < parallel.WorkersOf(procs, parts) {
		d.workers = append(d.workers, &worker{})
	}
	d.errs = append(d.errs[:0], make([]error, parts)...)
	parallel.EachOf(procs, parts, func(w, i int) {
		lo, hi := parallel.Split(n, parts, i)
		d.errs[i] = f(d.workers[w], i, lo, hi)
	})
	return errors.Join(d.errs...)
}

// Option configures New.
type Option func(*Model)

// Float64 makes the graphs compute in float64 (for finite-difference
// tests). Param.Data stays float32 and is copied into the graphs before each
// evaluation.
func Float64() Option { return func(d *Model) { d.f64 = true } }

// New builds the net of configuration c with weights drawn from rng, over
// the base distribution with parameters mu (see BaseMean; one value per
// input value, or nil for no base term).
func New(c nn.Config, mu []float32, rng *rand.Rand, opts ...Option) (*Model, error) {
	d := &Model{
		dom: ebm.Domain{Sites: c.Sites, Categories: c.Categories, OneHot: c.Categories > 2},
	}
	for _, o := range opts {
		o(d)
	}
	dtype := tensor.Float32
	if d.f64 {
		dtype = tensor.Float64
	}
	net, err := nn.New(c, dtype, rng)
	if err != nil {
		return nil, fmt.Errorf("deep: %w", err)
	}
	d.net = net
	if err := d.setBase(mu); err != nil {
		return nil, err
	}
	for _, p := range net.Params() {
		q := &ebm.Param{Name: p.Name, Shape: p.Value.Shape().Clone()}
		if d.f64 {
			src := p.Value.Data().([]float64)
			q.Data = make([]float32, len(src))
			for i, v := range src {
				q.Data[i] = float32(v)
			}
		} else {
			q.Data = p.Value.Data().([]float32)
		}
		q.Grad = make([]float32, len(q.Data))
		d.params = append(d.params, q)
	}
	return d, nil
}

func (d *Model) setBase(mu []float32) error {
	w := d.dom.Width()
	d.coef, d.coef32 = make([]float64, w), make([]float32, w)
	if mu == nil {
		return nil
	}
	if len(mu) != w {
		return fmt.Errorf("deep: base has %d means, want %d", len(mu), w)
	}
	for i, m := range mu {
		if !(m > 0 && m < 1) {
			return fmt.Errorf("deep: base mean %d is %v, want it in (0, 1)", i, m)
		}
		p := float64(m)
		if d.dom.OneHot {
			d.coef[i] = math.Log(p)
		} else {
			d.coef[i] = math.Log(p) - math.Log1p(-p)
			d.offset += math.Log1p(-p)
		}
	}
	d.mu = append([]float32(nil), mu...)
	for i, c := range d.coef {
		d.coef32[i] = float32(c)
	}
	return nil
}

// Domain implements ebm.Model.
func (d *Model) Domain() ebm.Domain { return d.dom }

// Config returns the configuration of the net.
func (d *Model) Config() nn.Config { return d.net.Config() }

// Mu returns a copy of the base distribution's parameters (nil if none).
func (d *Model) Mu() []float32 { return append([]float32(nil), d.mu...) }

// Params implements Trainable. Data aliases the live parameters (in float32
// mode the graph tensors themselves), so an optimiser may update it in place.
func (d *Model) Params() []*ebm.Param { return d.params }

// ExportParams returns a copy of every parameter's values, in Params order.
func (d *Model) ExportParams() [][]float32 {
	out := make([][]float32, len(d.params))
	for i, p := range d.params {
		out[i] = append([]float32(nil), p.Data...)
	}
	return out
}

// ImportParams overwrites the parameters with v, which must match Params in
// number and sizes.
func (d *Model) ImportParams(v [][]float32) error {
	if len(v) != len(d.params) {
		return fmt.Errorf("deep: importing %d parameter tensors into a model with %d", len(v), len(d.params))
	}
	for i, p := range d.params {
		if len(v[i]) != len(p.Data) {
			return fmt.Errorf("deep: parameter %s has %d values, got %d", p.Name, len(p.Data), len(v[i]))
		}
	}
	for i, p := range d.params {
		copy(p.Data, v[i])
	}
	return nil
}

// syncParams copies the float32 parameters into float64 graph tensors.
func (d *Model) syncParams() {
	if !d.f64 || d.clone {
		return
	}
	for i, p := range d.net.Params() {
		dst := p.Value.Data().([]float64)
		for j, v := range d.params[i].Data {
			// Writing only what changed lets clones read the tensors
			// while the original evaluates (see Clone).
			if dst[j] != float64(v) {
				dst[j] = float64(v)
			}
		}
	}
}

// base returns the base term of the chain x.
func (d *Model) base(x []float32) float64 {
	s := d.offset
	coef := d.coef[:len(x)]
	for i, v := range x {
		// Most values of binary and one-hot states are 0, whose terms
		// (±0) leave s as it is: s starts at +0 or below and never
		// becomes −0, the one value a +0 term would change.
		if v != 0 {
			s += coef[i] * float64(v)
		}
	}
	return s
}

// LogProb implements Model.
func (d *Model) LogProb(f []float64, x []float32) error {
	return d.eval(f, nil, x)
}

// LogProbGrad implements Model.
func (d *Model) LogProbGrad(f []float64, grad []float32, x []float32) error {
	if grad == nil {
		return fmt.Errorf("deep: nil gradient buffer")
	}
	return d.eval(f, grad, x)
}

func (d *Model) eval(f []float64, grad []float32, x []float32) error {
	n, err := ebm.CheckBatch(d.dom, f, grad, x)
	if err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	d.syncParams()
	// Rows do not interact, so the blocks may as well be one per worker,
	// and a batch too small to be worth the workers is one block.
	w := d.dom.Width()
	workers := parallel.Workers(n)
	if n*w < minParallelValues || d.clone {
		workers = 1
	}
	parts := workers * ((n + workers*maxSampleRows - 1) / (workers * maxSampleRows))
	return d.blocks(n, parts, func(wk *worker, _, lo, hi int) error {
		var g []float32
		if grad != nil {
			g = grad[lo*w : hi*w]
		}
		return d.evalRows(wk, f[lo:hi], g, x[lo*w:hi*w])
	})
}

// evalRows is eval of one block of rows on one worker.
func (d *Model) evalRows(wk *worker, f []float64, grad, x []float32) error {
	sg, err := d.sampleGraph(wk, len(f))
	if err != nil {
		return err
	}
	setTensor(sg.x, 0, x)
	p := sg.f
	if grad != nil {
		p = sg.fGrad
	}
	if err := p.Run(); err != nil {
		return fmt.Errorf("deep: %w", err)
	}
	readTensor64(f, p.Output(0))
	w := d.dom.Width()
	for i := range f {
		f[i] += d.base(x[i*w : (i+1)*w])
	}
	if grad != nil {
		// One pass: the net's ∇ₓ plus the base's, row by row (a one-hot
		// row is D·K values).
		coef := d.coef32
		switch out := p.Output(1).Data().(type) {
		case []float32:
			for r := 0; r < len(grad); r += w {
				for j, c := range coef {
					grad[r+j] = out[r+j] + c
				}
			}
		case []float64:
			for r := 0; r < len(grad); r += w {
				for j, c := range coef {
					grad[r+j] = float32(out[r+j]) + c
				}
			}
		}
	}
	return nil
}

// sampleGraph holds the compiled f and (f, ∇ₓf) programs for one block size.
type sampleGraph struct {
	x        *tensor.Dense
	f, fGrad *nn.Program
}

func (d *Model) sampleGraph(wk *worker, n int) (*sampleGraph, error) {
	if sg, ok := wk.sample.get(n); ok {
		return sg, nil
	}
	g := G.NewGraph()
	x, xn := d.input(g, "x", n, d.dom.Width())
	out, params, err := d.net.Build(g, xn)
	if err != nil {
		return nil, fmt.Errorf("deep: %w", err)
	}
	sum, err := G.Sum(out)
	if err != nil {
		return nil, fmt.Errorf("deep: summing f: %w", err)
	}
	// Chains are independent, so the gradient of Σ f is each chain's ∇ₓf.
	dx, err := G.Grad(sum, xn)
	if err != nil {
		return nil, fmt.Errorf("deep: differentiating f: %w", err)
	}
	inputs := append(G.Nodes{xn}, params...)
	sg := &sampleGraph{x: x}
	if sg.f, err = nn.Compile(g, inputs, G.Nodes{out}); err != nil {
		return nil, fmt.Errorf("deep: %w", err)
	}
	if sg.fGrad, err = nn.Compile(g, inputs, G.Nodes{out, dx[0]}); err != nil {
		return nil, fmt.Errorf("deep: %w", err)
	}
	wk.sample.put(n, sg)
	return sg, nil
}

// ContrastiveGrad implements Trainable. The L2 term is the reference's
// l2·(mean over data of f² + mean over samples of f²). Data and samples go
// through the net as one batch, in blocks of trainRows rows whose parameter
// gradients are summed in block order.
func (d *Model) ContrastiveGrad(data, samples []float32, l2 float64) (fData, fSamples float64, err error) {
	w := d.dom.Width()
	nd, ns := len(data)/w, len(samples)/w
	switch {
	case nd == 0 || nd*w != len(data):
		return 0, 0, fmt.Errorf("deep: data has %d values, want a positive multiple of %d", len(data), w)
	case ns == 0 || ns*w != len(samples):
		return 0, 0, fmt.Errorf("deep: samples have %d values, want a positive multiple of %d", len(samples), w)
	case !(l2 >= 0) || math.IsInf(l2, 0):
		return 0, 0, fmt.Errorf("deep: l2 weight %v", l2)
	}
	n := nd + ns
	parts := (n + trainRows - 1) / trainRows
	d.syncParams()
	d.fRows = slices.Grow(d.fRows[:0], n)[:n]
	for len(d.partial) < parts {
		d.partial = append(d.partial, make([]float64, d.numParams()))
	}
	err = d.blocks(n, parts, func(wk *worker, b, lo, hi int) error {
		tg, err := d.trainGraph(wk, hi-lo)
		if err != nil {
			return err
		}
		// The loss is Σᵢ lin[i]·f[i] + quad[i]·f[i]², with f = net + base.
		for i := lo; i < hi; i++ {
			var xi []float32
			var lin, quad float64
			if i < nd {
				xi, lin, quad = data[i*w:(i+1)*w], -1/float64(nd), l2/float64(nd)
			} else {
				xi, lin, quad = samples[(i-nd)*w:(i-nd+1)*w], 1/float64(ns), l2/float64(ns)
			}
			setTensor(tg.x, (i-lo)*w, xi)
			tg.base[i-lo], tg.lin[i-lo], tg.quad[i-lo] = d.base(xi), lin, quad
		}
		setTensor64(tg.bx, tg.base)
		setTensor64(tg.lx, tg.lin)
		setTensor64(tg.qx, tg.quad)
		if err := tg.p.Run(); err != nil {
			return fmt.Errorf("deep: %w", err)
		}
		// This worker's next block reuses the graph: keep the outputs.
		readTensor64(d.fRows[lo:hi], tg.p.Output(0))
		off := 0
		for k, p := range d.params {
			readTensor64(d.partial[b][off:off+len(p.Data)], tg.p.Output(k+1))
			off += len(p.Data)
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	for i, v := range d.fRows {
		if i < nd {
			fData += v
		} else {
			fSamples += v
		}
	}
	d.sumGrads(parts)
	return fData / float64(nd), fSamples / float64(ns), nil
}

func (d *Model) numParams() int {
	total := 0
	for _, p := range d.params {
		total += len(p.Data)
	}
	return total
}

// sumGrads sets the parameter gradients to the sums of the first parts
// blocks' gradients, added in block order, spreading the work over the
// processors in pieces that do not change the sums.
func (d *Model) sumGrads(parts int) {
	const piece = 1 << 14
	type span struct{ p, off, lo, hi int }
	var spans []span
	off := 0
	for k, p := range d.params {
		for lo := 0; lo < len(p.Data); lo += piece {
			spans = append(spans, span{k, off, lo, min(len(p.Data), lo+piece)})
		}
		off += len(p.Data)
	}
	parallel.Each(len(spans), func(_, i int) {
		sp := spans[i]
		grad := d.params[sp.p].Grad
		for j := sp.lo; j < sp.hi; j++ {
			s := 0.0
			for _, part := range d.partial[:parts] {
				s += part[sp.off+j]
			}
			grad[j] = float32(s)
		}
	})
}

// trainGraph holds the compiled training program for one block size.
type trainGraph struct {
	x, bx, lx, qx   *tensor.Dense // inputs: states, base terms, loss weights
	base, lin, quad []float64
	p               *nn.Program
}

func (d *Model) trainGraph(wk *worker, n int) (*trainGraph, error) {
	if tg, ok := wk.train.get(n); ok {
		return tg, nil
	}
	wrap := func(what string, err error) error {
		return fmt.Errorf("deep: training graph: %s: %w", what, err)
	}
	g := G.NewGraph()
	tg := &trainGraph{base: make([]float64, n), lin: make([]float64, n), quad: make([]float64, n)}
	var xn, bn, ln, qn *G.Node
	tg.x, xn = d.input(g, "x", n, d.dom.Width())
	tg.bx, bn = d.input(g, "base", n)
	tg.lx, ln = d.input(g, "lin", n)
	tg.qx, qn = d.input(g, "quad", n)
	out, params, err := d.net.Build(g, xn)
	if err != nil {
		return nil, wrap("net", err)
	}
	f, err := G.Add(out, bn)
	if err != nil {
		return nil, wrap("f", err)
	}
	lf, err := G.HadamardProd(ln, f)
	if err != nil {
		return nil, wrap("loss", err)
	}
	ff, err := G.HadamardProd(f, f)
	if err != nil {
		return nil, wrap("loss", err)
	}
	qff, err := G.HadamardProd(qn, ff)
	if err != nil {
		return nil, wrap("loss", err)
	}
	terms, err := G.Add(lf, qff)
	if err != nil {
		return nil, wrap("loss", err)
	}
	loss, err := G.Sum(terms)
	if err != nil {
		return nil, wrap("loss", err)
	}
	grads, err := G.Grad(loss, params...)
	if err != nil {
		return nil, wrap("gradient", err)
	}
	inputs := append(G.Nodes{xn, bn, ln, qn}, params...)
	if tg.p, err = nn.Compile(g, inputs, append(G.Nodes{f}, grads...)); err != nil {
		return nil, wrap("compiling", err)
	}
	wk.train.put(n, tg)
	return tg, nil
}

// input creates a bound input tensor of the model's dtype and its node.
func (d *Model) input(g *G.ExprGraph, name string, shape ...int) (*tensor.Dense, *G.Node) {
	t := tensor.New(tensor.Of(d.net.Dtype()), tensor.WithShape(shape...))
	return t, G.NodeFromAny(g, t, G.WithName(name))
}

// setTensor copies src into the backing of t from element off on.
func setTensor(t *tensor.Dense, off int, src []float32) {
	switch b := t.Data().(type) {
	case []float32:
		copy(b[off:], src)
	case []float64:
		for i, v := range src {
			b[off+i] = float64(v)
		}
	}
}

func setTensor64(t *tensor.Dense, src []float64) {
	switch b := t.Data().(type) {
	case []float32:
		for i, v := range src {
			b[i] = float32(v)
		}
	case []float64:
		copy(b, src)
	}
}

func readTensor64(dst []float64, t *tensor.Dense) {
	switch b := t.Data().(type) {
	case []float32:
		for i, v := range b {
			dst[i] = float64(v)
		}
	case []float64:
		copy(dst, b)
	}
}

// maxGraphs is how many batch sizes a graph cache keeps: the graphs of a
// resnet-64 hold a few hundred megabytes of activations each.
const maxGraphs = 3

// graphCache holds the graphs of the most recently used batch sizes.
type graphCache[T any] struct {
	sizes  []int // least recently used first
	graphs map[int]T
}

func (c *graphCache[T]) get(n int) (T, bool) {
	g, ok := c.graphs[n]
	if ok {
		i := slices.Index(c.sizes, n)
		c.sizes = append(slices.Delete(c.sizes, i, i+1), n)
	}
	return g, ok
}

func (c *graphCache[T]) put(n int, g T) {
	if c.graphs == nil {
		c.graphs = map[int]T{}
	}
	if len(c.sizes) == maxGraphs {
		delete(c.graphs, c.sizes[0])
		c.sizes = slices.Delete(c.sizes, 0, 1)
	}
	c.graphs[n] = g
	c.sizes = append(c.sizes, n)
}
