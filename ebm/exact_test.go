package ebm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func TestExactStateIndexRoundTrip(t *testing.T) {
	for _, dom := range []Domain{
		{Sites: 5, Categories: 2},
		{Sites: 3, Categories: 3, OneHot: true},
		{Sites: 2, Categories: 4, OneHot: true},
	} {
		t.Run(fmt.Sprintf("%+v", dom), func(t *testing.T) {
			e, err := Enumerate(uniform{dom})
			if err != nil {
				t.Fatal(err)
			}
			want := int(math.Pow(float64(dom.Categories), float64(dom.Sites)))
			if e.Len() != want {
				t.Fatalf("Len = %d, want %d", e.Len(), want)
			}
			x := make([]float32, dom.Width())
			all := e.States()
			seen := make(map[string]bool)
			for k := range e.Len() {
				e.State(x, k)
				if fmt.Sprint(x) != fmt.Sprint(all[k*len(x):(k+1)*len(x)]) {
					t.Fatalf("States row %d = %v, State = %v", k, all[k*len(x):(k+1)*len(x)], x)
				}
				got, err := e.Index(x)
				if err != nil || got != k {
					t.Fatalf("Index(State(%d)) = %d, %v", k, got, err)
				}
				seen[fmt.Sprint(x)] = true
			}
			if len(seen) != e.Len() {
				t.Fatalf("%d distinct states, want %d", len(seen), e.Len())
			}
			if !near(e.LogZ(), float64(dom.Sites)*math.Log(float64(dom.Categories)), 1e-12) {
				t.Errorf("log Z of the uniform model = %v", e.LogZ())
			}
		})
	}
}

func TestExactDocumentedOrder(t *testing.T) {
	e, err := Enumerate(uniform{Domain{Sites: 3, Categories: 2}})
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, 3)
	e.State(x, 5)
	if x[0] != 1 || x[1] != 0 || x[2] != 1 {
		t.Errorf("binary state 5 = %v, want [1 0 1]", x)
	}
	e, err = Enumerate(uniform{Domain{Sites: 2, Categories: 3, OneHot: true}})
	if err != nil {
		t.Fatal(err)
	}
	x = make([]float32, 6)
	e.State(x, 7) // 7 = 1 + 2·3: site 0 category 1, site 1 category 2
	if want := []float32{0, 1, 0, 0, 0, 1}; fmt.Sprint(x) != fmt.Sprint(want) {
		t.Errorf("one-hot state 7 = %v, want %v", x, want)
	}
}

func TestExactErrors(t *testing.T) {
	if _, err := Enumerate(uniform{Domain{Sites: 21, Categories: 2}}); err == nil {
		t.Error("Enumerate accepted 2^21 states")
	}
	if _, err := Enumerate(uniform{Domain{Sites: 13, Categories: 3, OneHot: true}}); err == nil {
		t.Error("Enumerate accepted 3^13 states")
	}
	if _, err := Enumerate(uniform{Domain{Sites: 0, Categories: 2}}); err == nil {
		t.Error("Enumerate accepted an empty domain")
	}
	bin, _ := Enumerate(uniform{Domain{Sites: 2, Categories: 2}})
	cat, _ := Enumerate(uniform{Domain{Sites: 2, Categories: 3, OneHot: true}})
	for _, tc := range []struct {
		e *Exact
		x []float32
	}{
		{bin, []float32{0, 1, 1}},
		{bin, []float32{0, 0.5}},
		{cat, []float32{1, 0, 0, 0, 0, 0}},
		{cat, []float32{1, 1, 0, 0, 0, 1}},
		{cat, []float32{1, 0, 0, 0, 0.5, 0.5}},
	} {
		if _, err := tc.e.Index(tc.x); err == nil {
			t.Errorf("Index(%v) returned no error", tc.x)
		}
	}
}

// TestExactMatchesBruteForce normalises a Boltzmann machine by hand.
func TestExactMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	m, err := NewRandomBoltzmann(6, 0.7, rng)
	if err != nil {
		t.Fatal(err)
	}
	e, err := Enumerate(m)
	if err != nil {
		t.Fatal(err)
	}
	var z float64
	f := make([]float64, 64)
	for k := range 64 {
		x := make([]float64, 6)
		for i := range 6 {
			x[i] = float64(k >> i & 1)
		}
		f[k] = boltzmannRef(m)(x)
		z += math.Exp(f[k])
	}
	if !near(e.LogZ(), math.Log(z), 1e-9) {
		t.Fatalf("log Z = %v, brute force %v", e.LogZ(), math.Log(z))
	}
	var total float64
	for k, p := range e.Probs() {
		total += p
		if !near(e.LogProbs()[k], f[k]-math.Log(z), 1e-9) {
			t.Fatalf("state %d: log π = %v, want %v", k, e.LogProbs()[k], f[k]-math.Log(z))
		}
	}
	if math.Abs(total-1) > 1e-12 {
		t.Errorf("probabilities sum to %v", total)
	}
}

// uniform is the model with f ≡ 0 on any domain.
type uniform struct{ dom Domain }

func (u uniform) Domain() Domain { return u.dom }

func (u uniform) LogProb(f []float64, x []float32) error { return u.LogProbGrad(f, nil, x) }

func (u uniform) LogProbGrad(f []float64, grad []float32, x []float32) error {
	if _, err := CheckBatch(u.dom, f, grad, x); err != nil {
		return err
	}
	clear(f)
	clear(grad)
	return nil
}
