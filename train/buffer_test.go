package train

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/gwg-go/gwg/ebm"
)

// TestCodeBuffer checks that a code buffer gives back one-hot rows exactly
// as they went in, through Fill, Scatter, Gather and Rows, while storing one
// byte per site.
func TestCodeBuffer(t *testing.T) {
	const rows, sites, k = 5, 3, 4
	b, err := NewCodeBuffer(rows, sites, k)
	if err != nil {
		t.Fatal(err)
	}
	if b.Width() != sites*k || b.Len() != rows || b.Categories() != k || len(b.Codes()) != rows*sites || b.Data() != nil {
		t.Fatalf("width %d, len %d, categories %d, %d codes, data %v", b.Width(), b.Len(), b.Categories(), len(b.Codes()), b.Data())
	}
	probs := []float32{0.1, 0.2, 0.3, 0.4, 1, 0, 0, 0, 0, 0, 0.5, 0.5}
	base, err := ebm.NewCategorical(sites, k, probs)
	if err != nil {
		t.Fatal(err)
	}
	// Filling the buffer draws the same states as one Sample of all rows.
	if err := b.Fill(base.Sample, rand.New(rand.NewPCG(1, 2))); err != nil {
		t.Fatal(err)
	}
	want := make([]float32, rows*sites*k)
	if err := base.Sample(want, rand.New(rand.NewPCG(1, 2))); err != nil {
		t.Fatal(err)
	}
	got := make([]float32, len(want))
	b.Rows(got, rows)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Rows after Fill = %v, want %v", got, want)
	}
	// A batch sampled afresh goes in and comes back unchanged.
	batch := make([]float32, 2*sites*k)
	if err := base.Sample(batch, rand.New(rand.NewPCG(3, 4))); err != nil {
		t.Fatal(err)
	}
	idx := []int{4, 1}
	b.Scatter(idx, batch)
	back := make([]float32, len(batch))
	b.Gather(back, idx)
	if !reflect.DeepEqual(back, batch) {
		t.Fatalf("Gather after Scatter = %v, want %v", back, batch)
	}
	// Untouched rows keep their states.
	b.Rows(got, rows)
	for _, i := range []int{0, 2, 3} {
		w := sites * k
		if !reflect.DeepEqual(got[i*w:(i+1)*w], want[i*w:(i+1)*w]) {
			t.Errorf("row %d changed by a Scatter to rows %v", i, idx)
		}
	}
	for _, bad := range [][3]int{{0, 3, 4}, {2, 0, 4}, {2, 3, 1}, {2, 3, 257}} {
		if _, err := NewCodeBuffer(bad[0], bad[1], bad[2]); err == nil {
			t.Errorf("NewCodeBuffer%v: no error", bad)
		}
	}
}
