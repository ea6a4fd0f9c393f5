package charts

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
)

// Grid describes how ImageGrid lays out a batch of images.
type Grid struct {
	Rows, Cols int // image size in pixels
	Columns    int // images per row of the grid
	Scale      int // each pixel becomes a Scale×Scale block; 0 means 1
}

// ImageGrid writes n = len(pix)/(g.Rows·g.Cols) gray images, each row-major
// with values in [0, 1] (1 = white ink on black, as MNIST), as one PNG grid
// with a one-pixel gray gutter between images. Values outside [0, 1] are
// clipped, so Bernoulli means and binary samples both draw as intended.
func ImageGrid(path string, pix []float32, g Grid) error {
	size := g.Rows * g.Cols
	switch {
	case g.Rows <= 0 || g.Cols <= 0 || g.Columns <= 0 || g.Scale < 0:
		return fmt.Errorf("charts: bad grid %+v", g)
	case len(pix) == 0 || len(pix)%size != 0:
		return fmt.Errorf("charts: %d pixel values are not a whole number of %d×%d images", len(pix), g.Rows, g.Cols)
	}
	scale := max(g.Scale, 1)
	n := len(pix) / size
	cols := min(g.Columns, n)
	rows := (n + cols - 1) / cols
	const gutter = 1
	cw, ch := g.Cols*scale+gutter, g.Rows*scale+gutter
	img := image.NewGray(image.Rect(0, 0, cols*cw+gutter, rows*ch+gutter))
	for i := range img.Pix {
		img.Pix[i] = 128
	}
	for k := range n {
		x0, y0 := gutter+(k%cols)*cw, gutter+(k/cols)*ch
		for r := range g.Rows {
			for c := range g.Cols {
				v := color.Gray{Y: uint8(255*min(max(pix[k*size+r*g.Cols+c], 0), 1) + 0.5)}
				for dy := range scale {
					for dx := range scale {
						img.SetGray(x0+c*scale+dx, y0+r*scale+dy, v)
					}
				}
			}
		}
	}
	return writeFile(path, func(w io.Writer) error { return png.Encode(w, img) })
}
