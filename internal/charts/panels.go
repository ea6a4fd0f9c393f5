package charts

import (
	"errors"
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// PanelHeight is the height in pixels that each panel after the first adds
// to a figure.
const PanelHeight = 300

// Panel is one chart of a figure: its own y axis, shared x axis.
type Panel struct {
	YLabel string
	Series []Series
}

// Panels draws panels stacked over one x axis, so that quantities of
// different scales (an acceptance rate and a count of sites) each get an
// axis that shows them, and writes the figure to path as a PNG of Width ×
// (Height + (n−1)·PanelHeight) pixels. Each panel's legend sits to the right
// of its data, never on it; every axis labels 5 to 10 round values. Points
// with a non-finite coordinate are left out; solid series of at most 25
// points get a dot at every point.
func Panels(path, title, xlabel string, panels ...Panel) error {
	frames, err := buildPanels(title, xlabel, panels)
	if err != nil {
		return err
	}
	return savePNG(path, func(c draw.Canvas) {
		for _, f := range placePanels(c, frames) {
			f.plot.Draw(f.canvas)
			f.key.Draw(draw.Crop(c, f.legend.Min.X-c.Min.X, f.legend.Max.X-c.Max.X, f.legend.Min.Y-c.Min.Y, f.legend.Max.Y-c.Max.Y))
		}
	}, Width, Height+(len(panels)-1)*PanelHeight)
}

// frame is where one panel goes on the figure.
type frame struct {
	plot   *plot.Plot
	key    plot.Legend
	canvas draw.Canvas  // the panel's tile, axes included
	data   vg.Rectangle // its data area
	legend vg.Rectangle // its legend's column
}

// legendGap separates a legend from the data area to its left.
const legendGap = 8

// layoutPanels builds the panels' plots and places them on a w×h pixel
// figure.
func layoutPanels(title, xlabel string, panels []Panel, w, h int) ([]frame, error) {
	frames, err := buildPanels(title, xlabel, panels)
	if err != nil {
		return nil, err
	}
	pt := func(px int) vg.Length { return vg.Length(px) * vg.Inch / dpi }
	return placePanels(draw.New(vgimg.NewWith(vgimg.UseWH(pt(w), pt(h)), vgimg.UseDPI(dpi))), frames), nil
}

// buildPanels makes the plots of the panels over a common x range.
func buildPanels(title, xlabel string, panels []Panel) ([]frame, error) {
	if len(panels) == 0 {
		return nil, errors.New("charts: no series to draw")
	}
	frames := make([]frame, len(panels))
	xmin, xmax := 0.0, 0.0
	first := true
	for i, pn := range panels {
		p, key, err := buildPanel(pn)
		if err != nil {
			return nil, err
		}
		p.Y.Label.Text = pn.YLabel
		if i == 0 {
			p.Title.Text = title
		}
		if i == len(panels)-1 {
			p.X.Label.Text = xlabel
		}
		if p.X.Min <= p.X.Max {
			if first || p.X.Min < xmin {
				xmin = p.X.Min
			}
			if first || p.X.Max > xmax {
				xmax = p.X.Max
			}
			first = false
		}
		frames[i] = frame{plot: p, key: key}
	}
	for i := range frames {
		frames[i].plot.X.Min, frames[i].plot.X.Max = xmin, xmax
	}
	return frames, nil
}

// placePanels lays the frames out on c: data areas of equal size, aligned,
// with a column for the legends on the right.
func placePanels(c draw.Canvas, frames []frame) []frame {
	var legendW vg.Length
	for i := range frames {
		legendW = max(legendW, frames[i].key.Rectangle(c).Size().X)
	}
	if legendW > 0 {
		legendW += 2 * vg.Points(legendGap)
	}
	plots := make([][]*plot.Plot, len(frames))
	for i := range frames {
		plots[i] = []*plot.Plot{frames[i].plot}
	}
	tiles := draw.Tiles{Rows: len(frames), Cols: 1, PadY: vg.Points(6), PadTop: vg.Points(4), PadBottom: vg.Points(4), PadLeft: vg.Points(4)}
	canvases := plot.Align(plots, tiles, draw.Crop(c, 0, -legendW, 0, 0))
	for i := range frames {
		f := &frames[i]
		f.canvas = canvases[i][0]
		f.data = f.plot.DataCanvas(f.canvas).Rectangle
		f.legend = vg.Rectangle{
			Min: vg.Point{X: c.Max.X - legendW + vg.Points(legendGap), Y: f.data.Min.Y},
			Max: vg.Point{X: c.Max.X, Y: f.data.Max.Y},
		}
	}
	return frames
}

// buildPanel makes the plot of one panel and the legend of its named series.
func buildPanel(pn Panel) (*plot.Plot, plot.Legend, error) {
	p := plot.New()
	p.Add(plotter.NewGrid())
	p.X.Tick.Marker = ticks{}
	p.Y.Tick.Marker = ticks{}
	key := plot.NewLegend()
	key.Top, key.Left = true, true
	key.Padding = vg.Points(2)
	if len(pn.Series) == 0 {
		return nil, key, errors.New("charts: no series to draw")
	}
	for i, s := range pn.Series {
		if len(s.X) != len(s.Y) {
			return nil, key, fmt.Errorf("charts: series %q has %d x and %d y values", s.Name, len(s.X), len(s.Y))
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
			return nil, key, fmt.Errorf("charts: series %q: %w", s.Name, err)
		}
		col := palette[i%len(palette)]
		l.Color = col
		l.Width = vg.Points(1.5)
		if s.Dashed {
			l.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
		}
		p.Add(l)
		thumbs := []plot.Thumbnailer{l}
		if len(pts) <= markMax && !s.Dashed {
			sc, err := plotter.NewScatter(pts)
			if err != nil {
				return nil, key, fmt.Errorf("charts: series %q: %w", s.Name, err)
			}
			sc.Color = col
			sc.Shape = draw.CircleGlyph{}
			sc.Radius = vg.Points(3)
			p.Add(sc)
			thumbs = append(thumbs, sc)
		}
		if s.Name != "" {
			key.Add(s.Name, thumbs...)
		}
	}
	return p, key, nil
}
