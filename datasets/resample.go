package datasets

import (
	"math"

	"golang.org/x/image/draw"
)

// resampler shrinks square binary images with the separable filter of an
// x/image/draw Kernel, with the weights x/image/draw's Scale uses (kernel
// support widened by the shrink factor, weights normalised to sum to 1).
// x/image/draw's own Scale gives the same result up to its 8-bit output (a
// test checks this), but it visits every source pixel with four float64
// channels, about 230 µs per 105×105 Omniglot image on an idle core. Here
// each ink pixel scatters its few weights instead, and blank rows are
// skipped, which makes loading Omniglot several times faster.
type resampler struct {
	dst, src int
	// to[s] lists the output indices that source index s contributes to,
	// with their normalised weights (the transposed weight table).
	to [][]tap
}

type tap struct {
	o int
	w float32
}

func newResampler(k *draw.Kernel, dst, src int) *resampler {
	r := &resampler{dst: dst, src: src, to: make([][]tap, src)}
	scale := float64(src) / float64(dst)
	half, argScale := k.Support, 1.0
	if scale > 1 {
		half *= scale
		argScale = 1 / scale
	}
	for o := range dst {
		center := (float64(o)+0.5)*scale - 0.5
		lo := max(int(math.Floor(center-half)), 0)
		hi := min(int(math.Ceil(center+half)), src)
		w := make([]float64, hi-lo)
		total := 0.0
		for s := lo; s < hi; s++ {
			if t := math.Abs((center - float64(s)) * argScale); t < k.Support {
				w[s-lo] = k.At(t)
				total += w[s-lo]
			}
		}
		for i, v := range w {
			if v != 0 {
				r.to[lo+i] = append(r.to[lo+i], tap{o, float32(v / total)})
			}
		}
	}
	return r
}

// scaleMask writes the dst×dst shrink of the src×src image whose pixel k is
// ink (1) if mask[k] != 0 and paper (0) otherwise into out, clamped to
// [0, 1]. tmp must hold src×dst values.
func (r *resampler) scaleMask(out []float32, mask []byte, tmp []float32) {
	d, s := r.dst, r.src
	var blank [256]bool // blank rows of tmp; src ≤ 256 for the sizes used here
	for row := range s {
		t := tmp[row*d : (row+1)*d]
		clear(t)
		blank[row] = true
		for c, m := range mask[row*s : (row+1)*s] {
			if m == 0 {
				continue
			}
			blank[row] = false
			for _, p := range r.to[c] {
				t[p.o] += p.w
			}
		}
	}
	clear(out[:d*d])
	for row := range s {
		if blank[row] {
			continue
		}
		t := tmp[row*d : (row+1)*d]
		for _, p := range r.to[row] {
			o := out[p.o*d : (p.o+1)*d]
			for c, v := range t {
				o[c] += p.w * v
			}
		}
	}
	for k, v := range out[:d*d] {
		out[k] = min(max(v, 0), 1)
	}
}
