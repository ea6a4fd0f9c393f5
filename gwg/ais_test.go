package gwg

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gwg-go/gwg/ebm"
)

// aisTarget is a small model whose log Z is known exactly.
type aisTarget struct {
	name  string
	model ebm.Model
	base  Base
	logZ  float64
	exact *ebm.Exact // nil when the state space is too large to enumerate
}

func uniformBernoulli(t testing.TB, d int) *ebm.Bernoulli {
	t.Helper()
	mu := make([]float32, d)
	for i := range mu {
		mu[i] = 0.5
	}
	b, err := ebm.NewBernoulli(mu)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// aisTargets returns the exactness test models: an RBM whose log Z is summed
// over its hidden units, and a dense Boltzmann machine enumerated state by
// state, each with a uniform base.
func aisTargets(t testing.TB) []aisTarget {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	rbm, err := ebm.NewRandomRBM(24, 10, rng)
	if err != nil {
		t.Fatal(err)
	}
	// Stronger couplings than the paper's test RBM, so that the path has
	// something to anneal through.
	for k := range rbm.W {
		rbm.W[k] *= 2
	}
	rbmZ, err := rbm.LogZ()
	if err != nil {
		t.Fatal(err)
	}
	bm, err := ebm.NewRandomBoltzmann(12, 0.5, rng)
	if err != nil {
		t.Fatal(err)
	}
	bmExact, err := ebm.Enumerate(bm)
	if err != nil {
		t.Fatal(err)
	}
	targets := []aisTarget{
		{name: "rbm-24x10", model: rbm, base: uniformBernoulli(t, 24), logZ: rbmZ},
		{name: "boltzmann-12", model: bm, base: uniformBernoulli(t, 12), logZ: bmExact.LogZ(), exact: bmExact},
	}
	ising, err := ebm.NewLatticeIsing(4, 0.15, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	potts, err := ebm.NewLatticePotts(3, 3, 0.2, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		name  string
		model ebm.Model
	}{{"ising-4x4", ising}, {"potts-3x3x3", potts}} {
		ex, err := ebm.Enumerate(m.model)
		if err != nil {
			t.Fatal(err)
		}
		base, err := NewBase(m.model.Domain(), nil)
		if err != nil {
			t.Fatal(err)
		}
		targets = append(targets, aisTarget{name: m.name, model: m.model, base: base, logZ: ex.LogZ(), exact: ex})
	}
	return targets
}

// within reports whether est agrees with truth to k standard errors.
func within(est, se, truth, k float64) bool { return math.Abs(est-truth) <= k*se }

// checkLogZ logs the estimate est ± se of log Z, named what, and fails the
// test unless it agrees with the exact value to four standard errors.
func checkLogZ(t *testing.T, what string, est, se, exact float64) {
	t.Helper()
	t.Logf("%s %.4f ± %.4f (exact %.4f)", what, est, se, exact)
	if !within(est, se, exact, 4) {
		t.Errorf("%s = %.4f ± %.4f, exact %.4f", what, est, se, exact)
	}
}

// newTestAnnealer prepares an annealing run from base to model: the
// annealer for opts (defaults filled in), the linear schedule and the
// chains' start drawn from the base.
func newTestAnnealer(tb testing.TB, model ebm.Model, base Base, opts AISOptions, rng *rand.Rand) (*annealer, []float64, []float32) {
	tb.Helper()
	opts, err := opts.withDefaults()
	if err != nil {
		tb.Fatal(err)
	}
	a, err := newAnnealer(model, base, opts, rng)
	if err != nil {
		tb.Fatal(err)
	}
	betas, err := Betas(ScheduleLinear, opts.Temperatures)
	if err != nil {
		tb.Fatal(err)
	}
	start := make([]float32, opts.Chains*model.Domain().Width())
	if err := base.Sample(start, rng); err != nil {
		tb.Fatal(err)
	}
	return a, betas, start
}

func TestAISModelEqualToBaseIsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	mu := make([]float32, 30)
	for i := range mu {
		mu[i] = rng.Float32()
	}
	base, err := ebm.NewBernoulli(mu)
	if err != nil {
		t.Fatal(err)
	}
	res, err := AIS(base, base, AISOptions{Temperatures: 50, Chains: 16, Repeats: 2}, rng)
	if err != nil {
		t.Fatal(err)
	}
	if res.LogZ != 0 || res.StdErr != 0 || res.ESS != 32 {
		t.Errorf("model = base: log Ẑ = %v ± %v, ESS %v; want exactly 0 ± 0, ESS 32", res.LogZ, res.StdErr, res.ESS)
	}
}

// TestAISUnbiasedShortSchedule checks the defining property of AIS: Ẑ is
// unbiased for any schedule, so with many chains even 20 temperatures land
// within a few standard errors of the truth.
func TestAISUnbiasedShortSchedule(t *testing.T) {
	for _, tc := range aisTargets(t) {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(5, 6))
			res, err := AIS(tc.model, tc.base, AISOptions{Temperatures: 20, Chains: 2000}, rng)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("ESS %.0f", res.ESS)
			checkLogZ(t, "log Ẑ", res.LogZ, res.StdErr, tc.logZ)
		})
	}
}

// TestAISAccurateLongSchedule: enough temperatures bring every chain's
// estimate, not only their average, within 0.1 nat.
func TestAISAccurateLongSchedule(t *testing.T) {
	if testing.Short() {
		t.Skip("long empirical run: skipped under -short (make test runs it)")
	}
	for _, tc := range aisTargets(t) {
		for _, sched := range Schedules() {
			t.Run(tc.name+"/"+sched, func(t *testing.T) {
				rng := rand.New(rand.NewPCG(7, 8))
				res, err := AIS(tc.model, tc.base, AISOptions{Temperatures: 1000, Chains: 100, Repeats: 4, Schedule: sched}, rng)
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("log Ẑ %.4f ± %.4f (%s; exact %.4f), ESS %.1f of %d", res.LogZ, res.StdErr, res.StdErrMethod, tc.logZ, res.ESS, len(res.LogW))
				// The spread of 4 repeats alone can understate the error
				// several-fold; the bootstrap over all chains steadies it.
				se := max(res.StdErr, res.BootstrapStdErr)
				if d := math.Abs(res.LogZ - tc.logZ); d > 0.1 || !within(res.LogZ, se, tc.logZ, 4) && d > 0.02 {
					t.Errorf("log Ẑ = %.4f ± %.4f, exact %.4f", res.LogZ, res.StdErr, tc.logZ)
				}
				// Healthy runs keep a third of the chains or more: over 8
				// seeds (blocks of 50) ESS/N ranged 0.48–0.60 for the
				// geometric schedule on Ising, 0.55–0.93 elsewhere;
				// degenerate weights leave a few chains.
				if res.ESS < 0.35*float64(len(res.LogW)) {
					t.Errorf("ESS %.1f of %d chains: weights degenerate on a long schedule", res.ESS, len(res.LogW))
				}
			})
		}
	}
}

// aisWeightAfterStep is AIS with a classic bug: each chain's weight is
// accumulated at the state after the transition at βk instead of before it.
// It exists to show that TestAISUnbiasedShortSchedule's check has power.
func aisWeightAfterStep(t *testing.T, model ebm.Model, base Base, temps, chains int, rng *rand.Rand) []float64 {
	t.Helper()
	path, err := NewTempered(model, base)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New("gwg", path.Model())
	if err != nil {
		t.Fatal(err)
	}
	betas, err := Betas(ScheduleLinear, temps)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, chains*model.Domain().Width())
	if err := base.Sample(x, rng); err != nil {
		t.Fatal(err)
	}
	logw := make([]float64, chains)
	fm, f0 := make([]float64, chains), make([]float64, chains)
	for k := 1; k < temps; k++ {
		if err := path.SetBeta(betas[k]); err != nil {
			t.Fatal(err)
		}
		if err := s.Init(x); err != nil {
			t.Fatal(err)
		}
		if err := s.Step(rng); err != nil {
			t.Fatal(err)
		}
		copy(x, s.State())
		if err := model.LogProb(fm, x); err != nil {
			t.Fatal(err)
		}
		if err := base.LogProb(f0, x); err != nil {
			t.Fatal(err)
		}
		for c := range logw {
			logw[c] += (betas[k] - betas[k-1]) * (fm[c] - f0[c])
		}
	}
	return logw
}

// TestAISCheckDetectsWeightOrderBug runs the check of
// TestAISUnbiasedShortSchedule on the broken variant. The Boltzmann machine
// shows the bias clearly (about 7 standard errors); on the RBM, whose chains
// move less per step, it is too small for this budget.
func TestAISCheckDetectsWeightOrderBug(t *testing.T) {
	tc := aisTargets(t)[1]
	rng := rand.New(rand.NewPCG(5, 6))
	logw := aisWeightAfterStep(t, tc.model, tc.base, 20, 2000, rng)
	est, se := logMeanExp(logw), bootstrapStdErr(logw, 200, rng)
	t.Logf("broken log Ẑ %.4f ± %.4f (exact %.4f)", est, se, tc.logZ)
	if within(est, se, tc.logZ, 4) {
		t.Errorf("weights taken after the transition passed the check: %.4f ± %.4f, exact %.4f", est, se, tc.logZ)
	}
}

// initPerTemperature hides that a kernel keeps f and ∇ₓf, forcing AIS onto
// its general path of a fresh Init per temperature.
type initPerTemperature struct{ Kernel }

func (k initPerTemperature) Init(st *State) error {
	err := k.Kernel.Init(st)
	st.Keeps = 0
	return err
}

// TestAISRetargetMatchesFreshEvaluation runs AIS's annealer with f and ∇ₓf
// rewritten in closed form and compares, at every temperature, the state's
// values for every registered sampler that keeps them with a fresh
// evaluation of the tempered model at the same states.
func TestAISRetargetMatchesFreshEvaluation(t *testing.T) {
	tc := aisTargets(t)[0]
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(9, 10))
			const chains = 8
			if path, err := NewTempered(tc.model, tc.base); err != nil {
				t.Fatal(err)
			} else if _, err := New(name, path.Model()); err != nil {
				t.Skip(err) // rbm-gibbs: the tempered path is no RBM
			}
			a, betas, start := newTestAnnealer(t, tc.model, tc.base, AISOptions{Temperatures: 3000, Chains: chains, Sampler: name}, rng)
			f := make([]float64, chains)
			grad := make([]float32, len(start))
			var worstF, worstG float64
			checked := 0
			check := func(int) {
				if a.st.Keeps&KeepGrad == 0 {
					return
				}
				checked++
				if err := a.path.LogProbGrad(f, grad, a.st.X); err != nil {
					t.Fatal(err)
				}
				for c := range f {
					worstF = max(worstF, math.Abs(f[c]-a.st.F[c]))
				}
				for k := range grad {
					worstG = max(worstG, math.Abs(float64(grad[k]-a.st.Grad[k])))
				}
			}
			if err := a.run(betas, start, false, true, check); err != nil {
				t.Fatal(err)
			}
			if checked == 0 {
				t.Skip("the kernel keeps no gradient")
			}
			t.Logf("largest deviation of the retargeted values: f %.3g, ∇f %.3g", worstF, worstG)
			if worstF > 1e-9 || worstG > 1e-4 {
				t.Errorf("retargeted values drifted from a fresh evaluation: f by %.3g, ∇f by %.3g", worstF, worstG)
			}
		})
	}
}

// TestAISWithoutRetarget runs the general path, a fresh Init per temperature,
// through the same unbiasedness check.
func TestAISWithoutRetarget(t *testing.T) {
	tc := aisTargets(t)[0]
	rng := rand.New(rand.NewPCG(11, 12))
	a, betas, start := newTestAnnealer(t, tc.model, tc.base, AISOptions{Temperatures: 20, Chains: 2000}, rng)
	a.k = initPerTemperature{a.k}
	if err := a.run(betas, start, false, true, nil); err != nil {
		t.Fatal(err)
	}
	est, se := logMeanExp(a.logw), bootstrapStdErr(a.logw, 200, rng)
	t.Logf("%d evaluations by AIS", a.evals)
	checkLogZ(t, "log Ẑ", est, se, tc.logZ)
	if err := a.run(betas, nil, false, true, nil); err == nil {
		t.Error("annealing no chains did not fail")
	}
}

func TestBetas(t *testing.T) {
	for _, name := range Schedules() {
		for _, n := range []int{2, 3, 10, 1001} {
			b, err := Betas(name, n)
			if err != nil {
				t.Fatal(err)
			}
			if len(b) != n || b[0] != 0 || b[n-1] != 1 {
				t.Errorf("%s(%d): %d values from %v to %v, want %d from 0 to 1", name, n, len(b), b[0], b[len(b)-1], n)
			}
			for k := 1; k < n; k++ {
				if !(b[k] > b[k-1]) {
					t.Errorf("%s(%d): β%d = %v not above β%d = %v", name, n, k, b[k], k-1, b[k-1])
					break
				}
			}
		}
	}
	if _, err := Betas("cosine", 10); err == nil {
		t.Error("unknown schedule accepted")
	}
	if _, err := Betas("", 1); err == nil {
		t.Error("one temperature accepted")
	}
}

func TestAISBadInput(t *testing.T) {
	tc := aisTargets(t)[1]
	rng := rand.New(rand.NewPCG(1, 1))
	for _, c := range []struct {
		name string
		base Base
		opts AISOptions
	}{
		{"one temperature", tc.base, AISOptions{Temperatures: 1, Chains: 4}},
		{"no chains", tc.base, AISOptions{Temperatures: 10}},
		{"negative repeats", tc.base, AISOptions{Temperatures: 10, Chains: 4, Repeats: -1}},
		{"unknown schedule", tc.base, AISOptions{Temperatures: 10, Chains: 4, Schedule: "cosine"}},
		{"unknown sampler", tc.base, AISOptions{Temperatures: 10, Chains: 4, Sampler: "nope"}},
		{"base of another domain", uniformBernoulli(t, 5), AISOptions{Temperatures: 10, Chains: 4}},
		{"nil base", nil, AISOptions{Temperatures: 10, Chains: 4}},
	} {
		if _, err := AIS(tc.model, c.base, c.opts, rng); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

// TestRBMAIS checks the classic weight-annealing path on the test RBM: it
// agrees with the exact log Z, and so with the generic path.
func TestRBMAIS(t *testing.T) {
	tc := aisTargets(t)[0]
	rbm := tc.model.(*ebm.RBM)
	mean := make([]float32, rbm.D)
	for i := range mean {
		mean[i] = float32(1 / (1 + math.Exp(-float64(rbm.Bv[i]))))
	}
	for _, c := range []struct {
		name          string
		mean          []float32
		temps, chains int
		repeats       int
		k, tol        float64
	}{
		{"short, uniform base", nil, 20, 2000, 1, 4, math.Inf(1)},
		{"long, uniform base", nil, 1000, 50, 4, 4, 0.1},
		{"long, bias base", mean, 1000, 50, 4, 4, 0.1},
	} {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(19, 20))
			res, err := RBMAIS(rbm, c.mean, AISOptions{Temperatures: c.temps, Chains: c.chains, Repeats: c.repeats}, rng)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("log Ẑ %.4f ± %.4f (exact %.4f), ESS %.0f of %d", res.LogZ, res.StdErr, tc.logZ, res.ESS, len(res.LogW))
			if d := math.Abs(res.LogZ - tc.logZ); d > c.tol || !within(res.LogZ, res.StdErr, tc.logZ, c.k) && d > 0.02 {
				t.Errorf("log Ẑ = %.4f ± %.4f, exact %.4f", res.LogZ, res.StdErr, tc.logZ)
			}
		})
	}
	if _, err := RBMAIS(rbm, make([]float32, 3), AISOptions{Temperatures: 10, Chains: 2}, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("base mean of the wrong length accepted")
	}
}
