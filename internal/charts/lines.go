package charts

import (
	"errors"
	"fmt"
	"github.com/gwg-go/gwg/internal/atomicfile"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Figure size of every line chart, in pixels.
const (
	Width  = 800
	Height = 500
)

// markMax is the most points a series may have for each to be marked with a
// dot: short series (a metric against a handful of sizes) need the marks to
// be read at all, long ones (a metric every few steps) would drown in them.
const markMax = 25

// dpi fixes the pixel size of a figure given its size in points.
const dpi = 96

// Series is one line of a chart: the points (X[i], Y[i]) joined in order.
type Series struct {
	Name string // legend entry; empty leaves the series out of the legend
	X, Y []float64
	// Dashed draws the line dashed, e.g. for a reference level or a floor.
	Dashed bool
}

// palette holds colours that stay distinguishable for the eight or so
// samplers of one benchmark figure (the "tableau 10" hues).
var palette = []color.RGBA{
	{31, 119, 180, 255}, {255, 127, 14, 255}, {44, 160, 44, 255}, {214, 39, 40, 255},
	{148, 103, 189, 255}, {140, 86, 75, 255}, {227, 119, 194, 255}, {127, 127, 127, 255},
	{188, 189, 34, 255}, {23, 190, 207, 255},
}

// Lines draws the series as one line chart (see Panels) and writes it to
// path as a Width×Height PNG.
func Lines(path, title, xlabel, ylabel string, series ...Series) error {
	if len(series) == 0 {
		return errors.New("charts: no series to draw")
	}
	return Panels(path, title, xlabel, Panel{YLabel: ylabel, Series: series})
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// savePNG renders a figure of w×h pixels and writes it to path.
func savePNG(path string, render func(draw.Canvas), w, h int) error {
	pt := func(px int) vg.Length { return vg.Length(px) * vg.Inch / dpi }
	c := vgimg.NewWith(vgimg.UseWH(pt(w), pt(h)), vgimg.UseDPI(dpi))
	render(draw.New(c))
	if err := atomicfile.Write(path, func(w io.Writer) error {
		_, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(w)
		return err
	}); err != nil {
		return fmt.Errorf("charts: %w", err)
	}
	return nil
}
