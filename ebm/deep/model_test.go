package deep

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/nn"
)

// testNets are small nets covering every layer kind the deep models use.
var testNets = []struct {
	name       string
	arch       string
	sites, cat int
}{
	{"mlp binary", "mlp-8x2", 6, 2},
	{"mlp one-hot", "mlp-5x1", 4, 3},
	{"resnet binary", "resnet-4x1", 36, 2},
	{"resnet one-hot", "resnet-3x1", 16, 3},
}

// blockNets are testNets and two 784-site nets, large enough for a batch to
// be cut into blocks of rows.
var blockNets = append([]struct {
	name       string
	arch       string
	sites, cat int
}{{"mlp 784", "mlp-64x2", 784, 2}, {"resnet 784", "resnet-8x1", 784, 2}}, testNets...)

func newTestDeep(t testing.TB, arch string, sites, cat int, seed uint64, opts ...Option) *Model {
	t.Helper()
	c, err := nn.Parse(arch, sites, cat)
	if err != nil {
		t.Fatal(err)
	}
	if cat > 2 {
		c.Proj = 2
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	dom := ebm.Domain{Sites: sites, Categories: cat, OneHot: cat > 2}
	mean := make([]float32, dom.Width())
	for i := range mean {
		mean[i] = rng.Float32()
		if dom.OneHot {
			mean[i] = 1 / float32(cat)
		}
	}
	d, err := New(c, ebm.BaseMean(dom, mean), rng, opts...)
	if err != nil {
		t.Fatal(err)
	}
	// Larger weights than the default initialisation make the nonlinearities
	// matter to the gradient checks.
	for _, p := range d.Params() {
		for i := range p.Data {
			p.Data[i] *= 3
		}
	}
	return d
}

// deepStates returns n relaxed states in [0, 1]: gradients are checked at
// real-valued points, where the base term is still linear.
func deepStates(rng *rand.Rand, n int, d ebm.Domain) []float32 {
	x := make([]float32, n*d.Width())
	for i := range x {
		x[i] = rng.Float32()
	}
	return x
}

func TestDeepGradXFiniteDifferences(t *testing.T) {
	for _, tc := range testNets {
		t.Run(tc.name, func(t *testing.T) {
			d := newTestDeep(t, tc.arch, tc.sites, tc.cat, 1, Float64())
			rng := rand.New(rand.NewPCG(2, 2))
			const n = 3
			x := deepStates(rng, n, d.Domain())
			f := make([]float64, n)
			grad := make([]float32, len(x))
			if err := d.LogProbGrad(f, grad, x); err != nil {
				t.Fatal(err)
			}
			w := d.Domain().Width()
			fp, fm := make([]float64, n), make([]float64, n)
			for j := range x {
				// Steps exactly representable in float32 keep x ± h exact.
				const h = 1.0 / 1024
				old := x[j]
				x[j] = old + h
				if err := d.LogProb(fp, x); err != nil {
					t.Fatal(err)
				}
				x[j] = old - h
				if err := d.LogProb(fm, x); err != nil {
					t.Fatal(err)
				}
				x[j] = old
				fd := (fp[j/w] - fm[j/w]) / (2 * h)
				if diff := math.Abs(fd - float64(grad[j])); diff > 1e-4*(1+math.Abs(fd)) {
					t.Errorf("∂f/∂x[%d] = %v, finite difference %v", j, grad[j], fd)
				}
			}
		})
	}
}

// contrastiveLoss evaluates the training loss from LogProb alone.
func contrastiveLoss(t *testing.T, d *Model, data, samples []float32, l2 float64) float64 {
	w := d.Domain().Width()
	fd, fs := make([]float64, len(data)/w), make([]float64, len(samples)/w)
	if err := d.LogProb(fd, data); err != nil {
		t.Fatal(err)
	}
	if err := d.LogProb(fs, samples); err != nil {
		t.Fatal(err)
	}
	mean := func(v []float64, sq bool) float64 {
		s := 0.0
		for _, x := range v {
			if sq {
				x *= x
			}
			s += x
		}
		return s / float64(len(v))
	}
	return mean(fs, false) - mean(fd, false) + l2*(mean(fd, true)+mean(fs, true))
}

func TestDeepGradThetaFiniteDifferences(t *testing.T) {
	for _, tc := range testNets {
		t.Run(tc.name, func(t *testing.T) {
			d := newTestDeep(t, tc.arch, tc.sites, tc.cat, 3, Float64())
			rng := rand.New(rand.NewPCG(4, 4))
			data := deepStates(rng, 3, d.Domain())
			samples := deepStates(rng, 2, d.Domain())
			const l2 = 0.25
			if _, _, err := d.ContrastiveGrad(data, samples, l2); err != nil {
				t.Fatal(err)
			}
			checked := 0
			for _, p := range d.Params() {
				// Every entry of small tensors, a spread of entries of large ones.
				step := 1 + len(p.Data)/40
				for j := 0; j < len(p.Data); j += step {
					const h = 1.0 / 8192
					old := p.Data[j]
					p.Data[j] = old + h
					up := float64(p.Data[j])
					lp := contrastiveLoss(t, d, data, samples, l2)
					p.Data[j] = old - h
					down := float64(p.Data[j])
					lm := contrastiveLoss(t, d, data, samples, l2)
					p.Data[j] = old
					fd := (lp - lm) / (up - down)
					if diff := math.Abs(fd - float64(p.Grad[j])); diff > 1e-4*(1+math.Abs(fd)) {
						t.Errorf("∂L/∂%s[%d] = %v, finite difference %v", p.Name, j, p.Grad[j], fd)
					}
					checked++
				}
			}
			t.Logf("%d partial derivatives checked", checked)
		})
	}
}

func TestDeepChainsIndependent(t *testing.T) {
	for _, tc := range testNets {
		t.Run(tc.name, func(t *testing.T) {
			d := newTestDeep(t, tc.arch, tc.sites, tc.cat, 5)
			rng := rand.New(rand.NewPCG(6, 6))
			const n = 4
			w := d.Domain().Width()
			x := deepStates(rng, n, d.Domain())
			f0, g0 := make([]float64, n), make([]float32, len(x))
			if err := d.LogProbGrad(f0, g0, x); err != nil {
				t.Fatal(err)
			}
			copy(x[2*w:3*w], deepStates(rng, 1, d.Domain()))
			f1, g1 := make([]float64, n), make([]float32, len(x))
			if err := d.LogProbGrad(f1, g1, x); err != nil {
				t.Fatal(err)
			}
			for i := range n {
				changed := f0[i] != f1[i]
				for j := i * w; j < (i+1)*w; j++ {
					changed = changed || g0[j] != g1[j]
				}
				if changed != (i == 2) {
					t.Errorf("chain %d: changed = %v after changing chain 2 only", i, changed)
				}
			}
		})
	}
}

func TestDeepRepeatable(t *testing.T) {
	for _, tc := range testNets {
		t.Run(tc.name, func(t *testing.T) {
			d := newTestDeep(t, tc.arch, tc.sites, tc.cat, 7)
			before := d.ExportParams()
			rng := rand.New(rand.NewPCG(8, 8))
			x := deepStates(rng, 5, d.Domain())
			data := deepStates(rng, 4, d.Domain())
			samples := deepStates(rng, 4, d.Domain())
			var fs [2][]float64
			var gs [2][]float32
			var tgs [2][][]float32
			for r := range 2 {
				if _, _, err := d.ContrastiveGrad(data, samples, 0.1); err != nil {
					t.Fatal(err)
				}
				fs[r], gs[r] = make([]float64, 5), make([]float32, len(x))
				// Sampling between training steps must not touch the training gradients.
				if err := d.LogProbGrad(fs[r], gs[r], x); err != nil {
					t.Fatal(err)
				}
				for _, p := range d.Params() {
					tgs[r] = append(tgs[r], append([]float32(nil), p.Grad...))
				}
			}
			if !equalSlices(fs[0], fs[1]) || !equalSlices(gs[0], gs[1]) {
				t.Error("f or ∇ₓf differ between two runs")
			}
			for i := range tgs[0] {
				if !equalSlices(tgs[0][i], tgs[1][i]) {
					t.Errorf("training gradient %s differs between two runs", d.Params()[i].Name)
				}
			}
			after := d.ExportParams()
			for i := range before {
				if !equalSlices(before[i], after[i]) {
					t.Errorf("parameter %s changed by evaluation", d.Params()[i].Name)
				}
			}
		})
	}
}

func equalSlices[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestDeepFloat32MatchesFloat64(t *testing.T) {
	for _, tc := range testNets {
		t.Run(tc.name, func(t *testing.T) {
			d32 := newTestDeep(t, tc.arch, tc.sites, tc.cat, 9)
			d64 := newTestDeep(t, tc.arch, tc.sites, tc.cat, 9, Float64())
			x := deepStates(rand.New(rand.NewPCG(10, 10)), 3, d32.Domain())
			f32, f64 := make([]float64, 3), make([]float64, 3)
			g32, g64 := make([]float32, len(x)), make([]float32, len(x))
			if err := d32.LogProbGrad(f32, g32, x); err != nil {
				t.Fatal(err)
			}
			if err := d64.LogProbGrad(f64, g64, x); err != nil {
				t.Fatal(err)
			}
			for i := range f32 {
				if math.Abs(f32[i]-f64[i]) > 1e-4*(1+math.Abs(f64[i])) {
					t.Errorf("f[%d]: float32 %v, float64 %v", i, f32[i], f64[i])
				}
			}
			for i := range g32 {
				if math.Abs(float64(g32[i]-g64[i])) > 1e-4*(1+math.Abs(float64(g64[i]))) {
					t.Errorf("∇f[%d]: float32 %v, float64 %v", i, g32[i], g64[i])
				}
			}
		})
	}
}

func TestDeepBadShapes(t *testing.T) {
	d := newTestDeep(t, "mlp-8x2", 6, 2, 11)
	x := make([]float32, 12)
	cases := []struct {
		name string
		err  error
	}{
		{"short state", d.LogProb(make([]float64, 3), x)},
		{"short gradient", d.LogProbGrad(make([]float64, 2), make([]float32, 11), x)},
		{"nil gradient", d.LogProbGrad(make([]float64, 2), nil, x)},
		{"ragged data", second(d.ContrastiveGrad(x[:7], x, 0))},
		{"no samples", second(d.ContrastiveGrad(x, nil, 0))},
		{"negative l2", second(d.ContrastiveGrad(x, x, -1))},
		{"import count", d.ImportParams(nil)},
	}
	for _, c := range cases {
		if c.err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	c, _ := nn.Parse("mlp-8x2", 6, 2)
	if _, err := New(c, make([]float32, 5), rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("base of the wrong length: no error")
	}
	if _, err := New(c, make([]float32, 6), rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("base mean 0: no error")
	}
}

func second(_, _ float64, err error) error { return err }

// TestDeepBatchSizes evaluates the same chains in batches of more sizes than
// the graph cache keeps, twice over, and compares with one batch.
func TestDeepBatchSizes(t *testing.T) {
	d := newTestDeep(t, "resnet-4x1", 36, 2, 14)
	rng := rand.New(rand.NewPCG(15, 15))
	const n = 6
	w := d.Domain().Width()
	x := deepStates(rng, n, d.Domain())
	want := make([]float64, n)
	if err := d.LogProb(want, x); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		for size := 1; size <= n; size++ {
			for i := 0; i+size <= n; i += size {
				f := make([]float64, size)
				if err := d.LogProb(f, x[i*w:(i+size)*w]); err != nil {
					t.Fatal(err)
				}
				for j, v := range f {
					if math.Abs(v-want[i+j]) > 1e-5*(1+math.Abs(v)) {
						t.Errorf("batch of %d: f[%d] = %v, want %v", size, i+j, v, want[i+j])
					}
				}
			}
		}
	}
	for i, wk := range d.workers {
		if len(wk.sample.sizes) > maxGraphs {
			t.Errorf("worker %d caches %d graphs, want at most %d", i, len(wk.sample.sizes), maxGraphs)
		}
	}
}
