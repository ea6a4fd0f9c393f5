package charts

import (
	"path/filepath"
	"testing"

	"gonum.org/v1/plot/vg"

	"github.com/gwg-go/gwg/datasets/datasetstest"
)

// TestTicksLabelEnough: every axis gets between 5 and 12 labelled ticks,
// distinct and inside the range (gonum's default labels as few as three).
func TestTicksLabelEnough(t *testing.T) {
	for _, r := range [][2]float64{{0, 1500}, {50, 1500}, {0.988, 0.9965}, {-230, -95}, {1, 100000}, {-2.8, -1}, {0, 5e-5}, {3, 3}} {
		var labels []string
		seen := map[string]bool{}
		for _, tk := range (ticks{}).Ticks(r[0], r[1]) {
			if tk.Label == "" {
				continue
			}
			if tk.Value < r[0]-1e-9 || tk.Value > r[1]+1e-9 || seen[tk.Label] {
				t.Errorf("range %v: tick %v %q outside or repeated", r, tk.Value, tk.Label)
			}
			seen[tk.Label] = true
			labels = append(labels, tk.Label)
		}
		if (r[0] != r[1] && (len(labels) < 5 || len(labels) > 12)) || (r[0] == r[1] && len(labels) != 1) {
			t.Errorf("range %v: labels %q", r, labels)
		}
	}
}

// TestLegendOutsideTheData: the legend sits beside the data area, never on
// it, and panels of different scales share the x axis.
func TestLegendOutsideTheData(t *testing.T) {
	x := []float64{0, 500, 1000, 1500}
	panels := []Panel{
		{YLabel: "acceptance", Series: []Series{{Name: "acceptance", X: x, Y: []float64{1, 0.99, 0.98, 0.985}}}},
		{YLabel: "sites changed", Series: []Series{{Name: "hops", X: x, Y: []float64{1, 3, 5, 4}}}},
	}
	fr, err := layoutPanels("sampler", "iteration", panels, Width, 2*Height)
	if err != nil {
		t.Fatal(err)
	}
	if len(fr) != 2 {
		t.Fatalf("%d frames for 2 panels", len(fr))
	}
	for i, f := range fr {
		if f.legend.Size().X <= 0 {
			t.Errorf("panel %d: no legend", i)
		}
		if f.legend.Min.X < f.data.Max.X-vg.Points(0.5) {
			t.Errorf("panel %d: legend %v overlaps the data area %v", i, f.legend, f.data)
		}
	}
	if fr[0].data.Min.X != fr[1].data.Min.X || fr[0].data.Max.X != fr[1].data.Max.X {
		t.Errorf("the panels' data areas are not aligned: %v, %v", fr[0].data, fr[1].data)
	}
	path := filepath.Join(t.TempDir(), "p.png")
	if err := Panels(path, "sampler", "iteration", panels...); err != nil {
		t.Fatal(err)
	}
	if b := datasetstest.ReadPNG(t, path).Bounds(); b.Dx() != Width || b.Dy() != PanelHeight*2+Height-PanelHeight {
		t.Errorf("two panels: %v", b)
	}
}
