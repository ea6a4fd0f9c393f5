package deep

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gwg-go/gwg/nn"
)

// plainNet evaluates a Deep model's net for one chain in plain Go, reading
// the parameters by name: an independent implementation of the architectures
// to compare the graphs with.
type plainNet struct {
	c nn.Config
	p map[string][]float64
}

func newPlainNet(d *Model) *plainNet {
	pn := &plainNet{c: d.Config(), p: map[string][]float64{}}
	for _, p := range d.Params() {
		v := make([]float64, len(p.Data))
		for i, x := range p.Data {
			v[i] = float64(x)
		}
		pn.p[p.Name] = v
	}
	return pn
}

// dense maps in (length n) through the [n, m] weights and bias of name.
func (pn *plainNet) dense(name string, in []float64) []float64 {
	w, b := pn.p[name+".w"], pn.p[name+".b"]
	m := len(b)
	out := append([]float64(nil), b...)
	for i, v := range in {
		for j := range m {
			out[j] += v * w[i*m+j]
		}
	}
	return out
}

func swish(v []float64) []float64 {
	for i, x := range v {
		v[i] = x / (1 + math.Exp(-x))
	}
	return v
}

// features returns the input features of one chain: the states themselves,
// or for one-hot inputs the projection of every site, site-major.
func (pn *plainNet) features(x []float32) []float64 {
	c := pn.c
	if c.Categories == 2 {
		h := make([]float64, len(x))
		for i, v := range x {
			h[i] = float64(v)
		}
		return h
	}
	var h []float64
	for s := range c.Sites {
		site := make([]float64, c.Categories)
		for k := range site {
			site[k] = float64(x[s*c.Categories+k])
		}
		h = append(h, pn.dense("proj", site)...)
	}
	return h
}

func (pn *plainNet) eval(x []float32) float64 {
	h := pn.features(x)
	switch pn.c.Arch {
	case nn.MLP:
		for i := range pn.c.Depth {
			h = swish(pn.dense(fmt.Sprintf("fc%d", i), h))
		}
	case nn.ResNet:
		h = pn.resnet(h)
	}
	return pn.dense("out", h)[0]
}

// plainBase is Σᵢ log Base(xᵢ; μᵢ) written out for one chain.
func plainBase(d *Model, x []float32) float64 {
	s := 0.0
	for i, m := range d.Mu() {
		p, v := float64(m), float64(x[i])
		if d.Domain().OneHot {
			s += v * math.Log(p)
		} else {
			s += v*math.Log(p) + (1-v)*math.Log(1-p)
		}
	}
	return s
}

func TestDeepMatchesPlainGo(t *testing.T) {
	for _, tc := range testNets {
		t.Run(tc.name, func(t *testing.T) {
			d := newTestDeep(t, tc.arch, tc.sites, tc.cat, 12)
			pn := newPlainNet(d)
			rng := rand.New(rand.NewPCG(13, 13))
			const n = 4
			w := d.Domain().Width()
			x := deepStates(rng, n, d.Domain())
			f := make([]float64, n)
			if err := d.LogProb(f, x); err != nil {
				t.Fatal(err)
			}
			for i := range n {
				xi := x[i*w : (i+1)*w]
				want := pn.eval(xi) + plainBase(d, xi)
				if math.Abs(f[i]-want) > 1e-4*(1+math.Abs(want)) {
					t.Errorf("f[%d] = %v, plain Go gives %v", i, f[i], want)
				}
			}
		})
	}
}

// image is one sample's feature map, channel-major.
type image struct {
	c, h, w int
	v       []float64
}

func (im image) at(c, y, x int) float64 {
	if y < 0 || y >= im.h || x < 0 || x >= im.w {
		return 0
	}
	return im.v[(c*im.h+y)*im.w+x]
}

// conv is a k×k convolution with zero padding, weights [out, in·k·k].
func (pn *plainNet) conv(name string, in image, k, stride, pad int) image {
	w, b := pn.p[name+".w"], pn.p[name+".b"]
	out := image{c: len(b), h: (in.h+2*pad-k)/stride + 1, w: (in.w+2*pad-k)/stride + 1}
	out.v = make([]float64, out.c*out.h*out.w)
	for o := range out.c {
		for y := range out.h {
			for x := range out.w {
				s := b[o]
				for c := range in.c {
					for ky := range k {
						for kx := range k {
							s += w[((o*in.c+c)*k+ky)*k+kx] * in.at(c, y*stride-pad+ky, x*stride-pad+kx)
						}
					}
				}
				out.v[(o*out.h+y)*out.w+x] = s
			}
		}
	}
	return out
}

func (pn *plainNet) resnet(h []float64) []float64 {
	c := pn.c
	f := len(h) / c.Sites
	im := image{c: f, h: c.Height, w: c.Side, v: make([]float64, len(h))}
	for s := range c.Sites {
		for k := range f {
			im.v[k*c.Sites+s] = h[s*f+k]
		}
	}
	im = pn.conv("stem", im, 3, 1, 1)
	for i := range c.Down + c.Blocks {
		name, stride := fmt.Sprintf("block%d", i), 1
		if i < c.Down {
			stride = 2
		}
		y := pn.conv(name+".conv1", im, 3, stride, 1)
		swish(y.v)
		y = pn.conv(name+".conv2", y, 3, 1, 1)
		short := im
		if stride != 1 {
			short = pn.conv(name+".short", im, 1, stride, 0)
		}
		for j := range y.v {
			y.v[j] += short.v[j]
		}
		swish(y.v)
		im = y
	}
	pooled := make([]float64, im.c)
	for ch := range im.c {
		for _, v := range im.v[ch*im.h*im.w:][:im.h*im.w] {
			pooled[ch] += v / float64(im.h*im.w)
		}
	}
	return pooled
}
