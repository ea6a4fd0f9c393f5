package charts

import (
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func decodePNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s is not a valid PNG: %v", path, err)
	}
	return img
}

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
	b := decodePNG(t, path).Bounds()
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

func TestImageGridLayout(t *testing.T) {
	// Three 2×3 images, two per row, scaled 2×: the grid is 2 images wide and
	// 2 high, each cell 3·2 + 1 wide and 2·2 + 1 high, plus the outer gutter.
	pix := make([]float32, 3*6)
	pix[0] = 1    // image 0, top-left pixel white
	pix[6+5] = 2  // image 1, bottom-right pixel, clipped to white
	pix[12] = 0.5 // image 2, top-left pixel mid gray
	path := filepath.Join(t.TempDir(), "grid.png")
	if err := ImageGrid(path, pix, Grid{Rows: 2, Cols: 3, Columns: 2, Scale: 2}); err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, path)
	if b := img.Bounds(); b.Dx() != 2*7+1 || b.Dy() != 2*5+1 {
		t.Fatalf("grid is %d×%d, want 15×11", b.Dx(), b.Dy())
	}
	gray := func(x, y int) uint32 { r, _, _, _ := img.At(x, y).RGBA(); return r >> 8 }
	checks := []struct {
		x, y int
		want uint32
	}{
		{0, 0, 128},              // gutter
		{1, 1, 255}, {2, 2, 255}, // image 0 pixel (0,0), scaled
		{3, 1, 0},           // image 0 pixel (0,1)
		{8 + 5, 1 + 3, 255}, // image 1 pixel (1,2)
		{1, 6, 128},         // image 2 pixel (0,0): 0.5 → 128
		{8, 6, 128},         // empty fourth cell stays gutter gray
	}
	for _, c := range checks {
		if g := gray(c.x, c.y); g != c.want {
			t.Errorf("pixel (%d,%d) = %d, want %d", c.x, c.y, g, c.want)
		}
	}
}

func TestImageGridErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "g.png")
	if err := ImageGrid(path, make([]float32, 5), Grid{Rows: 2, Cols: 2, Columns: 1}); err == nil {
		t.Error("5 values accepted as 2×2 images")
	}
	if err := ImageGrid(path, make([]float32, 4), Grid{Rows: 2, Cols: 2}); err == nil {
		t.Error("zero columns accepted")
	}
}
