package nn

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// resnet applies the residual net to h, binary sites [B, Sites] or
// projected one-hot ones [B, Proj, Height, Side], and returns the pooled
// [B, Width] features.
func (b *builder) resnet(h *G.Node) *G.Node {
	c := b.net.config
	if c.features() == 1 {
		h = b.reshape(h, b.batch, 1, c.Height, c.Side)
	}
	h = b.conv(h, "stem", 3, 1, 1)
	for i := range c.Down + c.Blocks {
		name, stride := fmt.Sprintf("block%d", i), 1
		if i < c.Down {
			stride = 2
		}
		y := b.conv(b.swish(b.conv(h, name+".conv1", 3, stride, 1)), name+".conv2", 3, 1, 1)
		if stride != 1 {
			h = b.conv(h, name+".short", 1, stride, 0)
		}
		if b.err == nil {
			h = b.keep(G.Add(y, h))
		}
		h = b.swish(h)
	}
	return b.meanPool(h)
}

// meanPool averages [B, C, H, W] over the positions. It reduces the last axis
// of a [B, C, H·W] view: Gorgonia v0.9.18 differentiates a mean over the
// trailing axes of a 4-D tensor wrongly.
func (b *builder) meanPool(h *G.Node) *G.Node {
	if b.err != nil {
		return nil
	}
	s := h.Shape()
	h = b.reshape(h, s[0], s[1], s[2]*s[3])
	if b.err != nil {
		return nil
	}
	return b.keep(G.Mean(h, 2))
}

// conv is a k×k convolution with the given stride and zero padding, plus a
// bias per output channel, of x in NCHW layout.
func (b *builder) conv(x *G.Node, name string, k, stride, pad int) *G.Node {
	w, bias := b.param(name+".w"), b.param(name+".b")
	if b.err != nil {
		return nil
	}
	g, err := newGeom(x.Shape(), w.Shape()[0], k, stride, pad)
	if err != nil {
		b.err = fmt.Errorf("%s: %w", name, err)
		return nil
	}
	if w.Shape()[1] != g.patch() {
		b.err = fmt.Errorf("%s: weights %v do not fit %d input channels", name, w.Shape(), g.Cin)
		return nil
	}
	op := &convOp{newOpBase("conv", tensor.Shape{g.B, g.Cout, g.Ho, g.Wo}, x, w, bias), g, b.sc}
	return b.keep(G.ApplyOp(op, x, w, bias))
}
