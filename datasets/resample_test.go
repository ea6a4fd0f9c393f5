package datasets

import (
	"image"
	"math"
	"math/rand/v2"
	"testing"

	"golang.org/x/image/draw"
)

// TestResamplerMatchesXImage compares the resampler with x/image/draw's
// Scale on random binary images: they must agree up to Scale's 8-bit output.
func TestResamplerMatchesXImage(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	r := newResampler(draw.CatmullRom, Side, omniSide)
	src := image.NewGray(image.Rect(0, 0, omniSide, omniSide))
	dst := image.NewGray(image.Rect(0, 0, Side, Side))
	in := make([]byte, omniPixels)
	out := make([]float32, Dim)
	tmp := make([]float32, omniSide*Side)
	worst := 0.0
	for trial := range 20 {
		// Blobs of ink, like pen strokes, plus salt noise in half the trials.
		for k := range in {
			row, col := k/omniSide, k%omniSide
			ink := (row/(7+trial)+col/(5+trial))%3 == 0 || (trial%2 == 0 && rng.IntN(10) == 0)
			in[k], src.Pix[k] = 0, 0
			if ink {
				in[k], src.Pix[k] = 1, 255
			}
		}
		draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
		r.scaleMask(out, in, tmp)
		for k, v := range out {
			worst = max(worst, math.Abs(float64(v)-float64(dst.Pix[k])/255))
		}
	}
	if worst > 1.01/255 {
		t.Errorf("largest difference from x/image/draw %.5f, want at most 1/255", worst)
	}
}

func BenchmarkResampleOmniglot(b *testing.B) {
	r := newResampler(draw.CatmullRom, Side, omniSide)
	in := make([]byte, omniPixels)
	for k := range in {
		if (k/omniSide+k%omniSide)%9 < 2 {
			in[k] = 1
		}
	}
	out := make([]float32, Dim)
	tmp := make([]float32, omniSide*Side)
	b.ReportAllocs()
	for b.Loop() {
		r.scaleMask(out, in, tmp)
	}
}

func BenchmarkXImageScaleOmniglot(b *testing.B) {
	src := image.NewGray(image.Rect(0, 0, omniSide, omniSide))
	for k := range src.Pix {
		if (k/omniSide+k%omniSide)%9 < 2 {
			src.Pix[k] = 255
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, Side, Side))
	s := draw.CatmullRom.NewScaler(Side, Side, omniSide, omniSide)
	b.ReportAllocs()
	for b.Loop() {
		s.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
	}
}
