package ckpt

import "fmt"

// Codes is a replay buffer of one-hot chains stored compactly: Rows chains
// of Width sites, each site's category in one byte (so Categories ≤ 256),
// rather than the Rows × Width·Categories bits of Bits.
type Codes struct {
	Rows       int    `msgpack:"rows"`
	Width      int    `msgpack:"width"`
	Categories int    `msgpack:"categories"`
	Data       []byte `msgpack:"data"`
}

// MaxCodeCategories is the most categories a byte code holds.
const MaxCodeCategories = 256

// IsZero reports whether c holds no buffer (and is left out of the file).
func (c Codes) IsZero() bool {
	return c.Rows == 0 && c.Width == 0 && c.Categories == 0 && len(c.Data) == 0
}

// check reports whether Data holds Rows·Width codes below Categories.
func (c *Codes) check() error {
	switch {
	case c.IsZero():
		return nil
	case c.Rows < 0 || c.Width < 0:
		return fmt.Errorf("%d×%d codes: negative size", c.Rows, c.Width)
	case c.Categories < 2 || c.Categories > MaxCodeCategories:
		return fmt.Errorf("codes of %d categories, want 2 to %d", c.Categories, MaxCodeCategories)
	case c.Width > 0 && c.Rows > maxInt/c.Width:
		return fmt.Errorf("%d×%d codes: size overflows", c.Rows, c.Width)
	case len(c.Data) != c.Rows*c.Width:
		return fmt.Errorf("%d×%d codes, have %d bytes", c.Rows, c.Width, len(c.Data))
	}
	for i, v := range c.Data {
		if int(v) >= c.Categories {
			return fmt.Errorf("code %d (row %d, site %d) is %d, not below %d categories", i, i/c.Width, i%c.Width, v, c.Categories)
		}
	}
	return nil
}
