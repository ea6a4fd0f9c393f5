package deep_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/ebm/deep"
	"github.com/gwg-go/gwg/gwg"
	"github.com/gwg-go/gwg/nn"
)

// TestAISOneHotExact estimates log Z of tiny one-hot deep models, an mlp
// and a resnet over a 2×3 image, by AIS from their own categorical base, as
// categorical EBMs are evaluated, and compares it with log Z by
// enumeration of all 3⁶ states.
func TestAISOneHotExact(t *testing.T) {
	const height, width, k = 2, 3, 3
	for _, arch := range []string{"mlp-6x2", "resnet-4x1"} {
		t.Run(arch, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(31, 32))
			c, err := nn.Parse(arch, 1, k)
			if err != nil {
				t.Fatal(err)
			}
			c.Sites, c.Height, c.Side = height*width, height, width
			dom := ebm.Domain{Sites: height * width, Categories: k, OneHot: true}
			// Frequencies of made-up training data, one block per site.
			freq := make([]float32, dom.Width())
			for i := range dom.Sites {
				var sum float32
				for j := range k {
					freq[i*k+j] = rng.Float32()
					sum += freq[i*k+j]
				}
				for j := range k {
					freq[i*k+j] /= sum
				}
			}
			m, err := deep.New(c, ebm.BaseMean(dom, freq), rng, deep.Float64())
			if err != nil {
				t.Fatal(err)
			}
			// Larger weights than the initialisation, so that the net term
			// moves log Z well away from the base's 0.
			for _, p := range m.Params() {
				for i := range p.Data {
					p.Data[i] *= 4
				}
			}
			exact, err := ebm.Enumerate(m)
			if err != nil {
				t.Fatal(err)
			}
			base, err := gwg.NewBase(dom, m.Mu())
			if err != nil {
				t.Fatal(err)
			}
			res, err := gwg.AIS(m, base, gwg.AISOptions{Temperatures: 100, Chains: 500, Repeats: 4}, rng)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("log Ẑ %.4f ± %.4f (exact %.4f), ESS %.0f", res.LogZ, res.StdErr, exact.LogZ(), res.ESS)
			if math.Abs(exact.LogZ()) < 0.5 {
				t.Errorf("exact log Z %.4f: the net barely changes the base, the test is weak", exact.LogZ())
			}
			if math.Abs(res.LogZ-exact.LogZ()) > 4*res.StdErr+0.01 {
				t.Errorf("log Ẑ %.4f ± %.4f, exact %.4f", res.LogZ, res.StdErr, exact.LogZ())
			}
		})
	}
}
