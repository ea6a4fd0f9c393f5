package nn

import (
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestGorgoniaRuns guards against the start-up panic that Go 1.26 triggers in old
// go4.org/unsafe/assume-no-moving-gc versions pulled in by gorgonia: if it came back,
// this test binary would not even start.
func TestGorgoniaRuns(t *testing.T) {
	g := G.NewGraph()
	a := G.NewMatrix(g, tensor.Float32, G.WithShape(2, 2), G.WithName("a"),
		G.WithValue(tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]float32{1, 2, 3, 4}))))
	s, err := G.Sum(G.Must(G.HadamardProd(a, a)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := G.Grad(s, a); err != nil {
		t.Fatal(err)
	}
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	if got := s.Value().Data().(float32); got != 30 {
		t.Fatalf("sum of squares = %v, want 30", got)
	}
	ga, _ := a.Grad()
	want := []float32{2, 4, 6, 8}
	for i, v := range ga.Data().([]float32) {
		if v != want[i] {
			t.Fatalf("grad[%d] = %v, want %v", i, v, want[i])
		}
	}
}
