package datasets_test

import (
	"path/filepath"
	"testing"

	"github.com/gwg-go/gwg/datasets"
	"github.com/gwg-go/gwg/datasets/datasetstest"
)

func TestWriteGridPNG(t *testing.T) {
	path := filepath.Join(t.TempDir(), "grid.png")
	im := datasets.TestImages(5) // top rows all ink
	if err := datasets.WriteGridPNG(path, im, 5, datasets.Side, datasets.Side); err != nil {
		t.Fatal(err)
	}
	img := datasetstest.ReadPNG(t, path)
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
}

func TestWriteCodesGridPNG(t *testing.T) {
	path := filepath.Join(t.TempDir(), "codes.png")
	// Two 1×3 examples of 5 categories.
	if err := datasets.WriteCodesGridPNG(path, []uint16{0, 2, 4, 4, 1, 0}, 5, 2, 1, 3); err != nil {
		t.Fatal(err)
	}
	img := datasetstest.ReadPNG(t, path)
	gray := func(x, y int) uint32 { r, _, _, _ := img.At(x, y).RGBA(); return r >> 8 }
	// 2 across: example 0 at x 1..3, example 1 at x 5..7, row y = 1.
	for x, want := range map[int]uint32{1: 0, 2: 128, 3: 255, 5: 255, 6: 64, 7: 0} {
		if got := gray(x, 1); got != want {
			t.Errorf("pixel x=%d: gray %d, want %d", x, got, want)
		}
	}
	if err := datasets.WriteCodesGridPNG(path, []uint16{0, 1}, 5, 2, 1, 3); err == nil {
		t.Error("too few codes: no error")
	}
}

// TestWriteExamplesPNG draws one-hot examples of a 1×3 categorical shape as
// gray levels: category 0 black, K−1 white.
func TestWriteExamplesPNG(t *testing.T) {
	path := filepath.Join(t.TempDir(), "grid.png")
	sh := datasets.Shape{Height: 1, Width: 3, Categories: 3}
	x := make([]float32, 3*3)
	datasets.OneHot(x, []uint16{0, 1, 2}, 3)
	if err := datasets.WriteExamplesPNG(path, x, 1, sh); err != nil {
		t.Fatal(err)
	}
	img := datasetstest.ReadPNG(t, path)
	if b := img.Bounds(); b.Dx() != 5 || b.Dy() != 3 {
		t.Fatalf("grid is %v, want 5×3", b)
	}
	for c, want := range []uint32{0, 128, 255} {
		if r, _, _, _ := img.At(1+c, 1).RGBA(); r>>8 != want {
			t.Errorf("site %d drawn %d, want %d", c, r>>8, want)
		}
	}
	x[4] = 0 // site 1 has no category
	if err := datasets.WriteExamplesPNG(path, x, 1, sh); err == nil {
		t.Error("a block that is not one-hot was drawn")
	}
}
