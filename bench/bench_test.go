package bench

import (
	"github.com/gwg-go/gwg/datasets/datasetstest"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/gwg"
	"github.com/gwg-go/gwg/internal/charts"
)

// recorder is a fake sampler that logs the order in which lanes step.
type recorder struct {
	id    int
	log   *[]int
	state []float32
	st    gwg.Stats
}

func (r *recorder) Init(x []float32) error { r.state = slices.Clone(x); return nil }
func (r *recorder) Step(*rand.Rand) error {
	*r.log = append(*r.log, r.id)
	r.st.Steps++
	r.st.Transitions++
	r.state[0] = 1 - r.state[0]
	return nil
}
func (r *recorder) State() []float32 { return r.state }
func (r *recorder) Stats() gwg.Stats { return r.st }

func TestInterleaveRotatesBlocks(t *testing.T) {
	var log []int
	lanes := make([]*lane, 3)
	for k := range lanes {
		r := &recorder{id: k, log: &log}
		r.Init([]float32{0, 1})
		lanes[k] = &lane{name: string(rune('a' + k)), s: r, width: 2, keep: true}
	}
	observed := 0
	if err := interleave(lanes, 7, 3, func(*lane) error { observed++; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	// Blocks of 3, 3 and 1 steps; the lane that starts a round rotates.
	want := []int{0, 0, 0, 1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 0, 0, 0, 2, 0, 1}
	if !slices.Equal(log, want) {
		t.Errorf("step order %v, want %v", log, want)
	}
	if observed != 21 {
		t.Errorf("observe called %d times, want 21", observed)
	}
	for _, l := range lanes {
		if l.steps != 7 || len(l.perStep) != 3 || len(l.trace) != 7*2 {
			t.Errorf("lane %s: %d steps, %d timed blocks, trace of %d values; want 7, 3, 14", l.name, l.steps, len(l.perStep), len(l.trace))
		}
		// Chain 0's first site alternates 1, 0, 1, … after each step.
		for s := range 7 {
			if got, want := l.trace[2*s], float32((s+1)%2); got != want {
				t.Errorf("lane %s: trace step %d is %v, want %v", l.name, s, got, want)
			}
		}
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 4}, 4}, {[]float64{4, 1, 3, 2}, 2.5}}
	for _, tt := range tests {
		in := slices.Clone(tt.in)
		if got := median(in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
		if !slices.Equal(in, tt.in) {
			t.Errorf("median reordered its input to %v", in)
		}
	}
}

func TestMagnetisationLogMSE(t *testing.T) {
	// Two chains of 4 sites over 10 steps: chain 0 always all up (mean spin 1,
	// MSE 1); chain 1 up half the time on every site (mean spin 0, MSE 0);
	// the median of {0, −Inf} in log₁₀ is −Inf.
	sums := []float64{10, 10, 10, 10, 5, 5, 5, 5}
	if got := magnetisationLogMSE(sums, 2, 4, 10); !math.IsInf(got, -1) {
		t.Errorf("median log MSE = %v, want -Inf", got)
	}
	// Three chains with mean spins ±0.5 on every site: MSE 0.25 each.
	sums = []float64{7.5, 2.5, 7.5, 2.5, 2.5, 7.5}
	if got, want := magnetisationLogMSE(sums, 3, 2, 10), math.Log10(0.25); math.Abs(got-want) > 1e-12 {
		t.Errorf("log MSE = %v, want %v", got, want)
	}
}

// smallRBM is a random RBM small enough for a test of the whole protocol.
func smallRBM(t *testing.T) (*ebm.RBM, *ebm.Bernoulli) {
	t.Helper()
	m, err := ebm.NewRandomRBM(16, 4, rand.New(rand.NewPCG(7, 8)))
	if err != nil {
		t.Fatal(err)
	}
	half := make([]float32, 16)
	for i := range half {
		half[i] = 0.5
	}
	init, err := ebm.NewBernoulli(half)
	if err != nil {
		t.Fatal(err)
	}
	return m, init
}

func TestRunRBM(t *testing.T) {
	m, init := smallRBM(t)
	calls, lastTotal := 0, 0
	cfg := RBMConfig{
		Samplers: []string{"gwg", "bg-1", "rbm-gibbs"}, Chains: 50, Steps: 200, Every: 20, Block: 7,
		TruthSteps: 300, TruthSamples: 200, FloorSamples: 100, Seed: 3,
		Progress: func(done, total int) { calls++; lastTotal = total },
	}
	res, err := RunRBM(m, init, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if want := 300 + 3*200; calls != want || lastTotal != want {
		t.Errorf("progress called %d times with total %d, want %d", calls, lastTotal, want)
	}
	if len(res.Truth) != 200*16 {
		t.Fatalf("kept %d ground-truth values, want %d", len(res.Truth), 200*16)
	}
	// The floor is MMD² between the two ground-truth sets, computed afresh.
	ref, err := gwg.NewMMDReference(res.Truth, 16)
	if err != nil {
		t.Fatal(err)
	}
	if self, _ := ref.LogMMD(res.Truth); !math.IsInf(self, -1) {
		t.Errorf("log MMD of the ground truth to itself = %v, want -Inf", self)
	}
	if res.Floor > -1 || math.IsInf(res.Floor, 0) {
		t.Errorf("floor %v: want a finite value well below -1 for 200 vs 100 exact samples", res.Floor)
	}
	wantSteps := []int{0, 20, 40, 60, 80, 100, 120, 140, 160, 180, 200}
	for k, c := range res.Curves {
		if c.Sampler != cfg.Samplers[k] || res.Mixing[k].Sampler != c.Sampler {
			t.Fatalf("result %d is %s/%s, want %s", k, c.Sampler, res.Mixing[k].Sampler, cfg.Samplers[k])
		}
		if !slices.Equal(c.Steps, wantSteps) || len(c.LogMMD) != len(wantSteps) || len(c.Seconds) != len(wantSteps) {
			t.Errorf("%s: MMD at steps %v, want %v", c.Sampler, c.Steps, wantSteps)
			continue
		}
		// All samplers start from the same chains, so their first MMD agrees.
		if c.LogMMD[0] != res.Curves[0].LogMMD[0] {
			t.Errorf("%s starts at log MMD %v, %s at %v", c.Sampler, c.LogMMD[0], res.Curves[0].Sampler, res.Curves[0].LogMMD[0])
		}
		t.Logf("%s: log MMD %.3f → %.3f (floor %.3f), ESS %.1f", c.Sampler, c.LogMMD[0], c.Final(), res.Floor, res.Mixing[k].ESSMean)
		// Exact samplers end near the floor, far below the start.
		if c.Final() > res.Floor+0.5 || c.Final() > c.LogMMD[0]-0.5 {
			t.Errorf("%s: log MMD %v → %v, floor %v", c.Sampler, c.LogMMD[0], c.Final(), res.Floor)
		}
		for i := 1; i < len(c.Seconds); i++ {
			if c.Seconds[i] < c.Seconds[i-1] {
				t.Errorf("%s: seconds decrease: %v", c.Sampler, c.Seconds)
				break
			}
		}
		mx := res.Mixing[k]
		if mx.ESSMean < 1 || mx.ESSMean > 3*180 || mx.ESSMedian < 1 {
			t.Errorf("%s: ESS mean %v median %v out of range for 180 kept steps", c.Sampler, mx.ESSMean, mx.ESSMedian)
		}
	}
	if ev := res.Mixing[2].ESSPerEval; !math.IsNaN(ev) {
		t.Errorf("rbm-gibbs evaluates no f, yet ESS per evaluation is %v", ev)
	}
	if ev := res.Mixing[0].EvalsPerStep; ev < 1 {
		t.Errorf("gwg made %v evaluations per step, want at least 1", ev)
	}

	dir := t.TempDir()
	if err := res.WriteFiles(dir, "rbm-small", "small RBM"); err != nil {
		t.Fatal(err)
	}
	checkCSV(t, filepath.Join(dir, "rbm-small-mmd.csv"), 1+3*len(wantSteps))
	checkCSV(t, filepath.Join(dir, "rbm-small-summary.csv"), 1+3)
	checkPNG(t, filepath.Join(dir, "rbm-small-mmd-steps.png"))
	checkPNG(t, filepath.Join(dir, "rbm-small-mmd-seconds.png"))
	var sb strings.Builder
	if err := res.WriteTable(&sb); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"gwg", "bg-1", "rbm-gibbs", "floor"} {
		if !strings.Contains(sb.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, sb.String())
		}
	}
}

func TestRunRBMErrors(t *testing.T) {
	m, init := smallRBM(t)
	other, _ := ebm.NewBernoulli([]float32{0.5, 0.5})
	tests := []struct {
		name string
		init *ebm.Bernoulli
		cfg  RBMConfig
	}{
		{"unknown sampler", init, RBMConfig{Samplers: []string{"no-such"}, Steps: 2, TruthSteps: 2}},
		{"one chain", init, RBMConfig{Chains: 1}},
		{"burn-in", init, RBMConfig{BurnIn: 1}},
		{"init of another size", other, RBMConfig{}},
	}
	for _, tt := range tests {
		if _, err := RunRBM(m, tt.init, tt.cfg); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
}

func TestRunIsing(t *testing.T) {
	cfg := IsingConfig{Sizes: []int{3, 4}, Sigmas: []float64{0.1}, Samplers: []string{"gwg", "gibbs"},
		Chains: 20, Steps: 300, Block: 25, Seed: 5}
	res, err := RunIsing(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 4 {
		t.Fatalf("%d rows, want 4", len(res.Rows))
	}
	for _, row := range res.Rows {
		// Weak coupling: after 300 steps of 20 chains the spin averages are
		// close to 0, far from the start's expected MSE of about 1/(D·…).
		t.Logf("L=%d %s: log10 MSE %.3f, ESS %.1f", row.L, row.Sampler, row.LogMSE, row.ESSMean)
		if !(row.LogMSE < -0.5) {
			t.Errorf("L=%d %s: log10 MSE %v, want below -0.5", row.L, row.Sampler, row.LogMSE)
		}
		if row.ESSMean < 1 || row.ESSMean > 3*270 {
			t.Errorf("L=%d %s: ESS %v out of range", row.L, row.Sampler, row.ESSMean)
		}
	}
	dir := t.TempDir()
	if err := res.WriteFiles(dir, "ising"); err != nil {
		t.Fatal(err)
	}
	checkCSV(t, filepath.Join(dir, "ising-summary.csv"), 1+4)
	for _, f := range []string{"ess-per-step", "ess-per-second", "ess-per-eval", "mse"} {
		checkPNG(t, filepath.Join(dir, "ising-"+f+"-sigma0.1.png"))
	}
}

func checkCSV(t *testing.T, path string, lines int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "\n"); n != lines {
		t.Errorf("%s has %d lines, want %d", path, n, lines)
	}
}

func checkPNG(t *testing.T, path string) {
	t.Helper()
	if b := datasetstest.ReadPNG(t, path).Bounds(); b.Dx() != charts.Width || b.Dy() != charts.Height {
		t.Errorf("%s is %d×%d", path, b.Dx(), b.Dy())
	}
}
