package nn

import (
	"fmt"
	"strconv"
	"strings"
)

// Architectures understood by Config.
const (
	MLP    = "mlp"
	ResNet = "resnet"
)

// Config describes a net completely: two nets with equal Configs have
// parameters of the same names and shapes. It is a plain struct of strings
// and ints so that a checkpoint can store it as is.
type Config struct {
	Arch string `msgpack:"arch"`

	// Input: D sites, each binary (Categories == 2, one 0/1 value per site)
	// or categorical (Categories == K > 2, a one-hot block of K values per
	// site that a projection shared by all sites maps to Proj features).
	Sites      int `msgpack:"sites"`
	Categories int `msgpack:"categories"`
	Proj       int `msgpack:"proj,omitempty"`

	// Width is the number of hidden units (mlp) or channels (resnet).
	Width int `msgpack:"width"`
	// Depth is the number of hidden layers of an mlp.
	Depth int `msgpack:"depth,omitempty"`

	// A resnet views the D sites as a Height×Side image (Height·Side = D),
	// applies Down residual blocks of stride 2, then Blocks of stride 1.
	Height int `msgpack:"height,omitempty"`
	Side   int `msgpack:"side,omitempty"`
	Down   int `msgpack:"down,omitempty"`
	Blocks int `msgpack:"blocks,omitempty"`
}

// DefaultProj is the number of features per site of a categorical input.
const DefaultProj = 4

// Parse reads an architecture name and fills in the input size: "mlp-256"
// and "resnet-64" are the nets of the paper (three hidden layers of 256
// units; two stride-2 and six stride-1 blocks of 64 channels); "mlp-WxL" is
// an mlp of L hidden layers of W units and "resnet-WxB" a resnet of width W
// with two stride-2 and B stride-1 blocks. A resnet needs a square number of
// sites unless Height and Side are set afterwards.
func Parse(name string, sites, categories int) (Config, error) {
	arch, size, ok := strings.Cut(name, "-")
	if !ok {
		return Config{}, fmt.Errorf("nn: architecture %q: want mlp-W, mlp-WxL, resnet-W or resnet-WxB", name)
	}
	ws, ls, hasL := strings.Cut(size, "x")
	w, err := strconv.Atoi(ws)
	if err != nil || w <= 0 {
		return Config{}, fmt.Errorf("nn: architecture %q: bad width %q", name, ws)
	}
	l := -1
	if hasL {
		if l, err = strconv.Atoi(ls); err != nil || l < 0 {
			return Config{}, fmt.Errorf("nn: architecture %q: bad count %q", name, ls)
		}
	}
	c := Config{Arch: arch, Sites: sites, Categories: categories, Width: w}
	if categories > 2 {
		c.Proj = DefaultProj
	}
	switch arch {
	case MLP:
		c.Depth = 3
		if l >= 0 {
			c.Depth = l
		}
	case ResNet:
		c.Down, c.Blocks = 2, 6
		if l >= 0 {
			c.Blocks = l
		}
		s := isqrt(sites)
		c.Height, c.Side = s, s
	default:
		return Config{}, fmt.Errorf("nn: architecture %q: unknown kind %q", name, arch)
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

func isqrt(n int) int {
	s := 0
	for (s+1)*(s+1) <= n {
		s++
	}
	return s
}

// String is the architecture's name as Parse reads it (without input size).
func (c Config) String() string {
	switch c.Arch {
	case MLP:
		if c.Depth == 3 {
			return fmt.Sprintf("mlp-%d", c.Width)
		}
		return fmt.Sprintf("mlp-%dx%d", c.Width, c.Depth)
	case ResNet:
		if c.Down == 2 && c.Blocks == 6 {
			return fmt.Sprintf("resnet-%d", c.Width)
		}
		return fmt.Sprintf("resnet-%dx%d", c.Width, c.Blocks)
	}
	return c.Arch
}

// InputWidth is the number of values per sample the net reads: Sites for
// binary inputs, Sites·Categories for one-hot ones.
func (c Config) InputWidth() int {
	if c.Categories > 2 {
		return c.Sites * c.Categories
	}
	return c.Sites
}

// features is the number of input features per site after the projection.
func (c Config) features() int {
	if c.Categories > 2 {
		return c.Proj
	}
	return 1
}

// Validate reports whether the configuration describes a net that can be built.
func (c Config) Validate() error {
	switch {
	case c.Sites <= 0:
		return fmt.Errorf("nn: %v: %d sites", c, c.Sites)
	case c.Categories < 2:
		return fmt.Errorf("nn: %v: %d categories", c, c.Categories)
	case c.Categories > 2 && c.Proj <= 0:
		return fmt.Errorf("nn: %v: categorical input needs a projection size, got %d", c, c.Proj)
	case c.Width <= 0:
		return fmt.Errorf("nn: %v: width %d", c, c.Width)
	}
	switch c.Arch {
	case MLP:
		if c.Depth < 1 {
			return fmt.Errorf("nn: %v: depth %d, want at least one hidden layer", c, c.Depth)
		}
	case ResNet:
		switch {
		case c.Height <= 0 || c.Side <= 0 || c.Height*c.Side != c.Sites:
			return fmt.Errorf("nn: %v: %d sites do not form a %d×%d image", c, c.Sites, c.Height, c.Side)
		case c.Down < 0 || c.Blocks < 0:
			return fmt.Errorf("nn: %v: negative block count", c)
		}
	default:
		return fmt.Errorf("nn: unknown architecture %q", c.Arch)
	}
	return nil
}
