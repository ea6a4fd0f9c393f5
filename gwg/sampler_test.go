package gwg

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gwg-go/gwg/ebm"
)

func testRBM(t testing.TB, d, h int, seed uint64) *ebm.RBM {
	t.Helper()
	m, err := ebm.NewRandomRBM(d, h, rand.New(rand.NewPCG(seed, 3)))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// bernoulliStates draws n binary chains with P(1) = 1/2.
func bernoulliStates(n, w int, rng *rand.Rand) []float32 {
	x := make([]float32, n*w)
	for i := range x {
		x[i] = float32(rng.IntN(2))
	}
	return x
}

func runSteps(t testing.TB, s Sampler, x []float32, steps int, seed uint64) ([]float32, Stats) {
	t.Helper()
	if err := s.Init(x); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, seed))
	for range steps {
		if err := s.Step(rng); err != nil {
			t.Fatal(err)
		}
	}
	return slices.Clone(s.State()), s.Stats()
}

func TestReproducible(t *testing.T) {
	m := testRBM(t, 24, 6, 1)
	x := bernoulliStates(8, 24, rand.New(rand.NewPCG(1, 1)))
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			a, sa := runSteps(t, mustNew(t, name, m), x, 60, 5)
			b, sb := runSteps(t, mustNew(t, name, m), x, 60, 5)
			c, _ := runSteps(t, mustNew(t, name, m), x, 60, 6)
			if !slices.Equal(a, b) || sa != sb {
				t.Errorf("two runs with the same seed differ")
			}
			if slices.Equal(a, c) {
				t.Errorf("runs with different seeds agree")
			}
			if slices.Equal(a, x) {
				t.Errorf("60 steps did not move any chain")
			}
		})
	}
}

// TestStatsCounted checks the work counters against what each kernel must
// cost: chains n, steps T.
func TestStatsCounted(t *testing.T) {
	const n, steps = 5, 40
	m := testRBM(t, 20, 4, 2)
	x := bernoulliStates(n, 20, rand.New(rand.NewPCG(2, 2)))
	cases := []struct {
		name                 string
		evals, grads, conds  int64
		everyStepAccepted    bool
		hopsPerAcceptAtMostK int
	}{
		{"gwg", 0, n * (steps + 1), 0, false, 1},
		{"gwg-3", 0, n * (steps + 1), 0, false, 3},
		{"gwg-exact-5", 0, n * (steps + 1), 0, false, 5},
		{"dmala", 0, n * (steps + 1), 0, false, 20},
		{"dula", 0, n * (steps + 1), 0, true, 20},
		{"gibbs", n * (steps + 1), 0, 0, true, 1},  // SiteDeltas: one per chain and step
		{"bg-2", n + n*3*steps, 0, 0, true, 2},     // 20 sites: blocks of 2, 3 other candidates
		{"hb-10-1", n + n*10*steps, 0, 0, true, 2}, // ball of 11 around u, x among them
		{"rbm-gibbs", 0, 0, 2 * n * steps, true, 20},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := mustNew(t, tc.name, m)
			_, st := runSteps(t, s, x, steps, 3)
			if st.Steps != steps || st.Transitions != n*steps {
				t.Errorf("Steps %d, Transitions %d", st.Steps, st.Transitions)
			}
			var per ChainStats
			for _, c := range s.(*driver).st.Chain {
				per.Accepted += c.Accepted
				per.Hops += c.Hops
			}
			if per.Accepted != st.Accepted || per.Hops != st.Hops {
				t.Errorf("per-chain counts sum to %+v, totals %d accepted, %d hops", per, st.Accepted, st.Hops)
			}
			if st.Evals != tc.evals || st.GradEvals != tc.grads || st.Conditionals != tc.conds {
				t.Errorf("Evals %d, GradEvals %d, Conditionals %d; want %d, %d, %d",
					st.Evals, st.GradEvals, st.Conditionals, tc.evals, tc.grads, tc.conds)
			}
			if tc.everyStepAccepted && st.Accepted != st.Transitions {
				t.Errorf("Accepted %d of %d", st.Accepted, st.Transitions)
			}
			if st.Accepted == 0 || st.Hops > int64(tc.hopsPerAcceptAtMostK)*st.Accepted {
				t.Errorf("Hops %d for %d accepted moves of at most %d sites", st.Hops, st.Accepted, tc.hopsPerAcceptAtMostK)
			}
		})
	}
}

// brokenModel returns a non-finite f or gradient for every chain whose
// first site is 1 once armed: a deliberately broken model.
type brokenModel struct {
	ebm.Model
	armed   bool
	badGrad bool
}

func (b *brokenModel) LogProb(f []float64, x []float32) error {
	return b.LogProbGrad(f, nil, x)
}

func (b *brokenModel) LogProbGrad(f []float64, grad []float32, x []float32) error {
	if err := b.Model.LogProbGrad(f, grad, x); err != nil {
		return err
	}
	w := b.Domain().Width()
	for c := range f {
		if b.armed && x[c*w] == 1 {
			if b.badGrad && grad != nil {
				grad[c*w+1] = float32(math.Inf(1))
			} else {
				f[c] = math.NaN()
			}
		}
	}
	return nil
}

// TestNonFiniteIsAnError: every registered sampler that evaluates the model
// stops with an error naming the chain and the step when f — or, for those
// that keep it, ∇ₓf — is not finite.
func TestNonFiniteIsAnError(t *testing.T) {
	checked := 0
	for _, badGrad := range []bool{false, true} {
		for _, name := range append(Names(), "hb-4-1") {
			m := &brokenModel{Model: randomBoltzmann(t, 6, 0.5, 1), badGrad: badGrad}
			s, err := New(name, m)
			if err != nil {
				continue // hb-10-1 on 6 sites, rbm-gibbs on a Boltzmann machine
			}
			x := make([]float32, 3*6) // all zeros: finite
			if err := s.Init(x); err != nil {
				t.Fatal(err)
			}
			if badGrad && s.(*driver).st.Keeps&KeepGrad == 0 {
				continue
			}
			m.armed = true
			checked++
			rng := rand.New(rand.NewPCG(1, 1))
			for range 200 {
				if err = s.Step(rng); err != nil {
					break
				}
			}
			if err == nil || !strings.Contains(err.Error(), "chain") || !strings.Contains(err.Error(), "step") {
				t.Errorf("%s (bad gradient %v): error %v, want one naming the chain and step", name, badGrad, err)
			}
		}
	}
	t.Logf("%d sampler/fault pairs", checked)
	if checked < 15 {
		t.Errorf("only %d sampler/fault pairs checked", checked)
	}
}

func TestNewErrors(t *testing.T) {
	boltz := randomBoltzmann(t, 8, 0.5, 1)
	potts := randomPotts(t, 4, 3, 0.5, 1)
	bad := []struct {
		spec string
		m    ebm.Model
	}{
		{"nope", boltz},
		{"gwg-0", boltz},
		{"gwg-9", boltz},
		{"gwg-exact-x", boltz},
		{"gwg-exact", boltz},
		{"bg-2-2", boltz},
		{"bg-9", boltz},   // block larger than the model
		{"hb-3-4", boltz}, // radius beyond the block
		{"hb-10-1", boltz},
		{"rbm-gibbs", boltz},
		{"dmala", potts},
		{"bg-1", potts},
		{"gwg-3", potts},
		{"gwg:tau=-1", boltz},
		{"gwg:tau=0", boltz},
		{"dula:step=NaN", boltz},
		{"dula:step=inf", boltz},
		{"gwg:temp=1", boltz},
		{"gwg:tau", boltz},
		{"gwg:tau=1,tau=2", boltz},
		{"gibbs:tau=1", boltz},
		{"gwg-2.5", boltz},
		{"gwg", nil},
	}
	for _, tc := range bad {
		if s, err := New(tc.spec, tc.m); err == nil {
			t.Errorf("New(%q, %T) = %T, want an error", tc.spec, tc.m, s)
		} else if strings.Contains(err.Error(), "\n") {
			t.Errorf("New(%q): error of several lines: %v", tc.spec, err)
		}
	}
	s := mustNew(t, "gwg", boltz)
	if err := s.Step(rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("Step before Init succeeded")
	}
	for _, x := range [][]float32{nil, make([]float32, 7), {0, 1, 0.5, 0, 0, 0, 0, 0}} {
		if err := s.Init(x); err == nil {
			t.Errorf("Init(%v) succeeded", x)
		}
	}
	ps := mustNew(t, "gibbs", potts)
	if err := ps.Init(make([]float32, 12)); err == nil {
		t.Error("Init accepted a one-hot state with empty blocks")
	}
}

// TestStepAllocatesNothing: after the first steps have sized every buffer,
// a step allocates nothing, for every sampler.
func TestStepAllocatesNothing(t *testing.T) {
	m := testRBM(t, 30, 6, 4)
	x := bernoulliStates(16, 30, rand.New(rand.NewPCG(4, 4)))
	potts := randomPotts(t, 6, 3, 0.5, 1)
	px := make([]float32, 16*18)
	for i := range 16 * 6 {
		px[i*3] = 1
	}
	check := func(name string, model ebm.Model, x []float32) {
		s := mustNew(t, name, model)
		rng := rand.New(rand.NewPCG(4, 5))
		if err := s.Init(x); err != nil {
			t.Fatal(err)
		}
		for range 40 { // through a whole permutation of blocks
			if err := s.Step(rng); err != nil {
				t.Fatal(err)
			}
		}
		if a := testing.AllocsPerRun(50, func() { _ = s.Step(rng) }); a != 0 {
			t.Errorf("%s on %T: %v allocations per step", name, model, a)
		}
	}
	for _, name := range append(Names(), "hb-4-2", "bg-4") {
		check(name, m, x)
	}
	for _, name := range []string{"gwg", "gibbs", "rand-gibbs"} {
		check(name, potts, px)
		check(name, plainModel{potts}, px)
	}
}
