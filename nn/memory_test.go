package nn

import (
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"
)

func TestNumParamsAndTrainingBytes(t *testing.T) {
	for _, tt := range []struct {
		name       string
		params     int64
		minB, maxB int64
	}{
		// 784·64 + 64 + 64·64 + 64 + 64 + 1 + … : the demo's mlp-64.
		{"mlp-64", 784*64 + 64 + 2*(64*64+64) + 64 + 1, 1 << 20, 64 << 20},
		{"mlp-64x100000", 784*64 + 64 + 99999*(64*64+64) + 64 + 1, 24 << 30, 1 << 40},
	} {
		c, err := Parse(tt.name, 784, 2)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.NumParams(); got != tt.params {
			t.Errorf("%s: NumParams = %d, want %d", tt.name, got, tt.params)
		}
		if b := c.TrainingBytes(100); b < tt.minB || b > tt.maxB {
			t.Errorf("%s: TrainingBytes(100) = %d, want within [%d, %d]", tt.name, b, tt.minB, tt.maxB)
		}
	}
	// The estimate agrees with the net that New builds.
	c, _ := Parse("resnet-16x2", 784, 2)
	n, err := New(c, tensor.Float32, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	var count int64
	for _, p := range n.Params() {
		count += int64(p.Value.Shape().TotalSize())
	}
	if count != c.NumParams() {
		t.Errorf("resnet-16x2: NumParams = %d, the built net has %d", c.NumParams(), count)
	}
}
