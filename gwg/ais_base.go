package gwg

import (
	"fmt"

	"github.com/gwg-go/gwg/ebm"
)

// NewBase returns the product distribution over dom with the given mean, one
// value per state value (Domain.Width): ebm.Bernoulli for a binary domain,
// ebm.Categorical for a one-hot one. A nil mean gives the uniform distribution.
//
// The closer the base is to the model, the shorter the schedule AIS needs;
// the data mean (squeezed away from 0 and 1 by ebm.BaseMean, or for one-hot
// data the frequencies smoothed by ebm.SmoothFrequencies) is the usual
// choice, and for a deep model its own base, so that only the network term
// is annealed.
func NewBase(dom ebm.Domain, mean []float32) (Base, error) {
	if err := dom.Validate(); err != nil {
		return nil, fmt.Errorf("gwg: base: %w", err)
	}
	if mean == nil {
		mean = make([]float32, dom.Width())
		for k := range mean {
			mean[k] = 1 / float32(dom.Categories)
		}
	}
	if len(mean) != dom.Width() {
		return nil, fmt.Errorf("gwg: base mean has %d values, want %d", len(mean), dom.Width())
	}
	if dom.OneHot {
		c, err := ebm.NewCategorical(dom.Sites, dom.Categories, mean)
		if err != nil {
			return nil, fmt.Errorf("gwg: base: %w", err)
		}
		return c, nil
	}
	b, err := ebm.NewBernoulli(mean)
	if err != nil {
		return nil, fmt.Errorf("gwg: base: %w", err)
	}
	return b, nil
}
