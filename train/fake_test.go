package train

import (
	"errors"
	"math"
	"math/rand/v2"

	"github.com/gwg-go/gwg/datasets"
	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/gwg"
)

// fieldModel is f(x) = Σᵢ bᵢxᵢ, the smallest trainable model: its PCD
// gradient is mean(samples) − mean(data) per site, so tests can follow
// training by hand.
type fieldModel struct {
	b *ebm.Param
}

func newFieldModel(d int) *fieldModel {
	return &fieldModel{b: &ebm.Param{Name: "b", Shape: []int{d}, Data: make([]float32, d), Grad: make([]float32, d)}}
}

func (m *fieldModel) Domain() ebm.Domain { return ebm.Domain{Sites: len(m.b.Data), Categories: 2} }

func (m *fieldModel) LogProb(f []float64, x []float32) error { return m.LogProbGrad(f, nil, x) }

func (m *fieldModel) LogProbGrad(f []float64, grad []float32, x []float32) error {
	n, err := ebm.CheckBatch(m.Domain(), f, grad, x)
	if err != nil {
		return err
	}
	d := len(m.b.Data)
	for c := range n {
		var s float64
		for i, v := range x[c*d : (c+1)*d] {
			s += float64(m.b.Data[i] * v)
		}
		f[c] = s
		if grad != nil {
			copy(grad[c*d:(c+1)*d], m.b.Data)
		}
	}
	return nil
}

func (m *fieldModel) Params() []*ebm.Param { return []*ebm.Param{m.b} }

func (m *fieldModel) ContrastiveGrad(data, samples []float32, l2 float64) (float64, float64, error) {
	d := len(m.b.Data)
	fd := make([]float64, len(data)/d)
	fs := make([]float64, len(samples)/d)
	if err := m.LogProb(fd, data); err != nil {
		return 0, 0, err
	}
	if err := m.LogProb(fs, samples); err != nil {
		return 0, 0, err
	}
	mean := func(f []float64) float64 {
		var s float64
		for _, v := range f {
			s += v
		}
		return s / float64(len(f))
	}
	md, ms := mean(fd), mean(fs)
	for i := range m.b.Grad {
		var g float64
		for c := range fs {
			g += float64(samples[c*d+i]) * (1 + 2*l2*fs[c]) / float64(len(fs))
		}
		for c := range fd {
			g -= float64(data[c*d+i]) * (1 - 2*l2*fd[c]) / float64(len(fd))
		}
		m.b.Grad[i] = float32(g)
	}
	return md, ms, nil
}

// exactSampler redraws every site from its conditional, sigmoid(bᵢ): an exact
// sampler of fieldModel, using the random source like a real one. It fails
// on a non-finite field as the real samplers do.
type exactSampler struct {
	m     *fieldModel
	x     []float32
	stats gwg.Stats
}

func (s *exactSampler) Init(x []float32) error {
	s.x = append(s.x[:0], x...)
	return nil
}

func (s *exactSampler) Step(rng *rand.Rand) error {
	d := len(s.m.b.Data)
	for k := range s.x {
		b := float64(s.m.b.Data[k%d])
		if math.IsNaN(b) || math.IsInf(b, 0) {
			return errors.New("non-finite field")
		}
		v := float32(0)
		if rng.Float64() < 1/(1+math.Exp(-b)) {
			v = 1
		}
		if v != s.x[k] {
			s.stats.Hops++
		}
		s.x[k] = v
	}
	n := int64(len(s.x) / d)
	s.stats.Steps++
	s.stats.Transitions += n
	s.stats.Accepted += n
	return nil
}

func (s *exactSampler) State() []float32 { return s.x }
func (s *exactSampler) Stats() gwg.Stats { return s.stats }

func exactFactory(m ebm.Model) (gwg.Sampler, error) {
	return &exactSampler{m: m.(*fieldModel)}, nil
}

// probSplit is a dynamically binarised split of n images whose pixel j is
// on with probability 0.9 in the top third and in a random fifth of the
// rest, 0.1 elsewhere: clear ink and paper, like digits.
func probSplit(n int, seed uint64) *datasets.Split {
	r := rand.New(rand.NewPCG(seed, 0))
	s := &datasets.Split{Dataset: "test", Name: "train", N: n, Shape: datasets.ImageShape, Dynamic: true,
		Images: make([]float32, n*datasets.Dim)}
	for k := range s.Images {
		s.Images[k] = 0.1
		if j := k % datasets.Dim; j < datasets.Dim/3 || r.Float32() < 0.2 {
			s.Images[k] = 0.9
		}
	}
	return s
}
