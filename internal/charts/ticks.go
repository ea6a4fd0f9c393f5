package charts

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// ticks labels 5 to 12 round values of an axis and puts an unlabelled tick
// between each two; gonum's default ticker labels as few as three.
type ticks struct{}

// minTicks is the fewest labelled ticks an axis gets.
const minTicks = 5

func (ticks) Ticks(min, max float64) []plot.Tick {
	if !(max > min) {
		return []plot.Tick{{Value: min, Label: format(min, 1)}}
	}
	// The largest round step (1, 2, 2.5 or 5 times a power of ten) that
	// still labels minTicks values.
	mag := math.Pow(10, math.Floor(math.Log10((max-min)/minTicks))+1)
	var step float64
	for _, m := range []float64{10, 5, 2.5, 2, 1, 0.5, 0.25, 0.2, 0.1} {
		step = m * mag / 10
		if math.Floor(max/step+1e-9)-math.Ceil(min/step-1e-9)+1 >= minTicks {
			break
		}
	}
	var out []plot.Tick
	first := math.Ceil(min/step-1e-9) * step
	for i := 0; ; i++ {
		v := first + float64(i)*step
		if v > max+step*1e-9 {
			break
		}
		if half := v - step/2; half >= min {
			out = append(out, plot.Tick{Value: half})
		}
		out = append(out, plot.Tick{Value: v, Label: format(v, step)})
	}
	return out
}

// format writes v with as many decimals as the step needs; exponents for
// very large or small values.
func format(v, step float64) string {
	if math.Abs(v) < step*1e-9 {
		v = 0
	}
	a := math.Abs(v)
	if a != 0 && (a >= 1e6 || a < 1e-3) {
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	dec := max(0, int(math.Ceil(-math.Log10(step)-1e-9)))
	if s := step * math.Pow(10, float64(dec)); math.Abs(s-math.Round(s)) > 1e-6 {
		dec++ // 2.5, 0.25, …
	}
	return strconv.FormatFloat(v, 'f', dec, 64)
}
