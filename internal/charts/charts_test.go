package charts

import (
	"github.com/gwg-go/gwg/datasets/datasetstest"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLinesWritesPNGOfFixedSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mmd.png")
	if p := os.Getenv("CHARTS_KEEP"); p != "" {
		path = p
	}
	x := []float64{0, 10, 20, 30}
	err := Lines(path, "log MMD", "steps", "log10 MMD",
		Series{Name: "gwg", X: x, Y: []float64{-1, -1.5, -2, -2.2}},
		Series{Name: "gibbs", X: x, Y: []float64{-1, -1.1, math.Inf(-1), -1.3}},
		Series{Name: "floor", X: []float64{0, 30}, Y: []float64{-2.8, -2.8}, Dashed: true},
	)
	if err != nil {
		t.Fatal(err)
	}
	b := datasetstest.ReadPNG(t, path).Bounds()
	if b.Dx() != Width || b.Dy() != Height {
		t.Errorf("figure is %d×%d pixels, want %d×%d", b.Dx(), b.Dy(), Width, Height)
	}
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".chart-*")); len(m) != 0 {
		t.Errorf("temporary files left behind: %v", m)
	}
}

func TestLinesErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name   string
		path   string
		series []Series
		want   string
	}{
		{"none", filepath.Join(dir, "a.png"), nil, "no series"},
		{"ragged", filepath.Join(dir, "b.png"), []Series{{Name: "s", X: []float64{1, 2}, Y: []float64{1}}}, "2 x and 1 y"},
		{"no dir", filepath.Join(dir, "missing", "c.png"), []Series{{X: []float64{1}, Y: []float64{1}}}, "charts:"},
	}
	for _, tt := range tests {
		err := Lines(tt.path, "", "", "", tt.series...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
}
