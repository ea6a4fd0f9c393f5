package datasets

import (
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"slices"

	"github.com/gwg-go/gwg/internal/atomicfile"
)

// GridImage lays out n images of rows×cols values in [0, 1] as one gray
// picture: ceil(sqrt(n)) images across, separated and framed by 1-pixel gray
// lines. Value 1 (ink, object) is drawn black on white. Values outside [0, 1]
// are clamped; NaN is an error.
func GridImage(images []float32, n, rows, cols int) (*image.Gray, error) {
	if n < 1 || rows < 1 || cols < 1 {
		return nil, fmt.Errorf("datasets: grid of %d images of %d×%d: sizes must be positive", n, rows, cols)
	}
	if len(images) < n*rows*cols {
		return nil, fmt.Errorf("datasets: grid of %d images of %d×%d needs %d values, have %d", n, rows, cols, n*rows*cols, len(images))
	}
	across := int(math.Ceil(math.Sqrt(float64(n))))
	down := (n + across - 1) / across
	const sep = 1
	img := image.NewGray(image.Rect(0, 0, across*(cols+sep)+sep, down*(rows+sep)+sep))
	for i := range img.Pix {
		img.Pix[i] = 128
	}
	for k := range n {
		x0, y0 := sep+(k%across)*(cols+sep), sep+(k/across)*(rows+sep)
		for r := range rows {
			for c := range cols {
				v := images[(k*rows+r)*cols+c]
				if v != v {
					return nil, fmt.Errorf("datasets: grid: image %d pixel (%d, %d) is NaN", k, r, c)
				}
				v = min(max(v, 0), 1)
				img.Pix[(y0+r)*img.Stride+x0+c] = uint8(math.Round(float64(1-v) * 255))
			}
		}
	}
	// Cells after the last image stay white so they are not taken for ink.
	for k := n; k < across*down; k++ {
		x0, y0 := sep+(k%across)*(cols+sep), sep+(k/across)*(rows+sep)
		for r := range rows {
			row := img.Pix[(y0+r)*img.Stride+x0:]
			for c := range cols {
				row[c] = 255
			}
		}
	}
	return img, nil
}

// WriteGridPNG writes n images of rows×cols values in [0, 1] as one PNG grid
// (see GridImage) to path, atomically: a reader sees the old file or the
// complete new one.
func WriteGridPNG(path string, images []float32, n, rows, cols int) error {
	img, err := GridImage(images, n, rows, cols)
	if err != nil {
		return err
	}
	err = atomicfile.Write(path, func(w io.Writer) error { return png.Encode(w, img) })
	if err != nil {
		return fmt.Errorf("datasets: writing %s: %w", path, err)
	}
	return nil
}

// WriteCodesGridPNG writes n categorical examples of rows×cols codes in
// [0, k) as one PNG grid of gray levels (layout as GridImage): code c is
// drawn at brightness c/(k−1), so 0 is black and k−1 white.
func WriteCodesGridPNG(path string, codes []uint16, k, n, rows, cols int) error {
	if k < 2 || n < 0 || rows < 0 || cols < 0 || len(codes) < n*rows*cols {
		return fmt.Errorf("datasets: grid of %d examples of %d×%d codes in [0, %d) from %d codes", n, rows, cols, k, len(codes))
	}
	ink := make([]float32, n*rows*cols)
	for i, c := range codes[:len(ink)] {
		ink[i] = 1 - float32(c)/float32(k-1)
	}
	return WriteGridPNG(path, ink, n, rows, cols)
}

// WriteExamplesPNG writes n examples of shape sh, as a model reads them
// (sh.ModelWidth() values each, see Split.Batch), as one PNG grid of
// sh.Height × sh.Width pictures: binary examples as WriteGridPNG draws
// images, one-hot ones as WriteCodesGridPNG draws their codes. A block that
// is not one-hot is an error.
func WriteExamplesPNG(path string, x []float32, n int, sh Shape) error {
	if sh.Binary() {
		return WriteGridPNG(path, x, n, sh.Height, sh.Width)
	}
	d, k := sh.Sites(), sh.Categories
	if n < 1 || k < 2 || len(x) < n*d*k {
		return fmt.Errorf("datasets: grid of %d examples of %d sites × %d categories from %d values", n, d, k, len(x))
	}
	codes := make([]uint16, n*d)
	for i := range codes {
		c := slices.Index(x[i*k:(i+1)*k], 1)
		if c < 0 {
			return fmt.Errorf("datasets: grid: example %d site %d is not one-hot", i/d, i%d)
		}
		codes[i] = uint16(c)
	}
	return WriteCodesGridPNG(path, codes, k, n, sh.Height, sh.Width)
}
