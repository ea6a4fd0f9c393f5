package charts_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/gwg-go/gwg/internal/charts"
)

func ExampleLines() {
	dir, _ := os.MkdirTemp("", "charts")
	defer os.RemoveAll(dir)
	steps := []float64{0, 100, 200, 300}
	err := charts.Lines(filepath.Join(dir, "loss.png"), "training", "iteration", "loss",
		charts.Series{Name: "train", X: steps, Y: []float64{2.0, 1.2, 0.9, 0.8}},
		charts.Series{Name: "valid", X: steps, Y: []float64{2.1, 1.4, 1.1, 1.05}, Dashed: true},
	)
	fmt.Println(err)
	// Output: <nil>
}
