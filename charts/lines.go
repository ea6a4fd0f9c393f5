package charts

import (
	"errors"
	"fmt"
	"github.com/gwg-go/gwg/internal/atomicfile"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
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

// Lines draws the series as a line chart and writes it to path as a
// Width×Height PNG. Solid series of at most 25 points get a dot at every
// point.
// Points with a non-finite coordinate (log of zero, a
// diverged loss) are left out rather than failing the whole figure.
func Lines(path, title, xlabel, ylabel string, series ...Series) error {
	if len(series) == 0 {
		return errors.New("charts: no series to draw")
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	p.Legend.XOffs = -vg.Points(8)
	p.Legend.YOffs = -vg.Points(4)
	p.Legend.Padding = vg.Points(2)
	for i, s := range series {
		if len(s.X) != len(s.Y) {
			return fmt.Errorf("charts: series %q has %d x and %d y values", s.Name, len(s.X), len(s.Y))
		}
		pts := make(plotter.XYs, 0, len(s.X))
		for j := range s.X {
			if isFinite(s.X[j]) && isFinite(s.Y[j]) {
				pts = append(pts, plotter.XY{X: s.X[j], Y: s.Y[j]})
			}
		}
		if len(pts) == 0 {
			continue
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return fmt.Errorf("charts: series %q: %w", s.Name, err)
		}
		c := palette[i%len(palette)]
		l.Color = c
		l.Width = vg.Points(1.5)
		if s.Dashed {
			l.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
		}
		p.Add(l)
		thumbs := []plot.Thumbnailer{l}
		if len(pts) <= markMax && !s.Dashed {
			sc, err := plotter.NewScatter(pts)
			if err != nil {
				return fmt.Errorf("charts: series %q: %w", s.Name, err)
			}
			sc.Color = c
			sc.Shape = draw.CircleGlyph{}
			sc.Radius = vg.Points(3)
			p.Add(sc)
			thumbs = append(thumbs, sc)
		}
		if s.Name != "" {
			p.Legend.Add(s.Name, thumbs...)
		}
	}
	return savePNG(path, func(c draw.Canvas) { p.Draw(c) }, Width, Height)
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
