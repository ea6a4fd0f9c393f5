package datasets

import (
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteGridPNG(t *testing.T) {
	path := filepath.Join(t.TempDir(), "grid.png")
	im := testImages(5) // top rows all ink
	if err := WriteGridPNG(path, im, 5, Side, Side); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	// 5 images: 3 across, 2 down, 1-pixel separators.
	if b := img.Bounds(); b.Dx() != 3*29+1 || b.Dy() != 2*29+1 {
		t.Fatalf("grid is %v, want 88×59", b)
	}
	gray := func(x, y int) uint32 { r, _, _, _ := img.At(x, y).RGBA(); return r >> 8 }
	for _, c := range []struct {
		x, y int
		want uint32
	}{
		{0, 0, 128},             // separator
		{1, 1, 0},               // image 0, pixel (0, 0): ink is black
		{1 + 29, 1, 0},          // image 1, top row
		{2, 1 + 27, 255},        // image 0, pixel (27, 1): (27*28+1) % 7 != 0, paper is white
		{1 + 2*29, 1 + 29, 255}, // the empty sixth cell stays white
	} {
		if got := gray(c.x, c.y); got != c.want {
			t.Errorf("pixel (%d, %d) = %d, want %d", c.x, c.y, got, c.want)
		}
	}
	// No temporary file is left behind.
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Errorf("directory holds %d entries, want only grid.png", len(ents))
	}
}

func TestGridErrors(t *testing.T) {
	nan := testImages(1)
	nan[5] = float32(math.NaN())
	for _, tc := range []struct {
		images        []float32
		n, rows, cols int
		want          string
	}{
		{testImages(1), 0, Side, Side, "must be positive"},
		{testImages(1), 2, Side, Side, "needs 1568 values"},
		{nan, 1, Side, Side, "NaN"},
	} {
		if _, err := GridImage(tc.images, tc.n, tc.rows, tc.cols); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want %q", err, tc.want)
		}
	}
	if err := WriteGridPNG(filepath.Join(t.TempDir(), "no", "such", "dir.png"), testImages(1), 1, Side, Side); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}
