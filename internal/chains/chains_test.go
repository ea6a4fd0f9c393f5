package chains

import (
	"math/rand/v2"
	"testing"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/datasets"
	"github.com/gwg-go/gwg/ebm"
)

func TestShape(t *testing.T) {
	for _, tc := range []struct {
		stored ckpt.Shape
		dom    ebm.Domain
		want   datasets.Shape
	}{
		{ckpt.Shape{Height: 2, Width: 3, Categories: 4}, ebm.Domain{Sites: 6, Categories: 4, OneHot: true}, datasets.Shape{Height: 2, Width: 3, Categories: 4}},
		{ckpt.Shape{}, ebm.Domain{Sites: 784, Categories: 2}, datasets.ImageShape},
		{ckpt.Shape{}, ebm.Domain{Sites: 10, Categories: 2}, datasets.Shape{Height: 1, Width: 10, Categories: 2}},
	} {
		if got := Shape(&ckpt.Checkpoint{Shape: tc.stored}, tc.dom); got != tc.want {
			t.Errorf("Shape(%+v, %+v) = %+v, want %+v", tc.stored, tc.dom, got, tc.want)
		}
	}
}

// TestStartFromBase draws one-hot chains from a categorical base mean and
// binary ones from a Bernoulli one.
func TestStartFromBase(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	oneHot := ebm.Domain{Sites: 2, Categories: 3, OneHot: true}
	c := &ckpt.Checkpoint{BaseMean: []float32{0.2, 0.3, 0.5, 1, 0, 0}}
	x, err := Start(c, oneHot, 50, FromBase, rng)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(x); i += 3 {
		if x[i]+x[i+1]+x[i+2] != 1 {
			t.Fatalf("chain %d site %d is not one-hot: %v", i/6, i/3%2, x[i:i+3])
		}
	}
	if _, err := Start(c, ebm.Domain{Sites: 5, Categories: 2}, 5, FromBase, rng); err == nil {
		t.Error("a base mean of 6 values accepted for 5 sites")
	}
	if _, err := Start(c, oneHot, 5, FromBuffer, rng); err == nil {
		t.Error("chains from a buffer the checkpoint does not have")
	}
}
