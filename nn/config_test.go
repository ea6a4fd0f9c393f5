package nn

import "testing"

func TestParse(t *testing.T) {
	cases := []struct {
		name         string
		sites, cat   int
		want         Config
		wantErr      bool
		canonicalize string
	}{
		{name: "mlp-256", sites: 784, cat: 2, want: Config{Arch: MLP, Sites: 784, Categories: 2, Width: 256, Depth: 3}},
		{name: "mlp-64x2", sites: 10, cat: 2, want: Config{Arch: MLP, Sites: 10, Categories: 2, Width: 64, Depth: 2}},
		{name: "mlp-8x3", sites: 10, cat: 2, want: Config{Arch: MLP, Sites: 10, Categories: 2, Width: 8, Depth: 3}, canonicalize: "mlp-8"},
		{name: "mlp-16", sites: 5, cat: 4, want: Config{Arch: MLP, Sites: 5, Categories: 4, Proj: DefaultProj, Width: 16, Depth: 3}},
		{name: "resnet-64", sites: 784, cat: 2, want: Config{Arch: ResNet, Sites: 784, Categories: 2, Width: 64, Height: 28, Side: 28, Down: 2, Blocks: 6}},
		{name: "resnet-8x1", sites: 36, cat: 2, want: Config{Arch: ResNet, Sites: 36, Categories: 2, Width: 8, Height: 6, Side: 6, Down: 2, Blocks: 1}},
		{name: "resnet-8", sites: 35, cat: 2, wantErr: true},
		{name: "mlp", sites: 4, cat: 2, wantErr: true},
		{name: "mlp-0", sites: 4, cat: 2, wantErr: true},
		{name: "mlp-8x0", sites: 4, cat: 2, wantErr: true},
		{name: "mlp-8xq", sites: 4, cat: 2, wantErr: true},
		{name: "cnn-8", sites: 4, cat: 2, wantErr: true},
		{name: "mlp-8", sites: 0, cat: 2, wantErr: true},
		{name: "mlp-8", sites: 4, cat: 1, wantErr: true},
	}
	for _, c := range cases {
		got, err := Parse(c.name, c.sites, c.cat)
		if c.wantErr {
			if err == nil {
				t.Errorf("Parse(%q, %d, %d) = %+v, want an error", c.name, c.sites, c.cat, got)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("Parse(%q, %d, %d) = %+v, %v; want %+v", c.name, c.sites, c.cat, got, err, c.want)
			continue
		}
		name := c.name
		if c.canonicalize != "" {
			name = c.canonicalize
		}
		if got.String() != name {
			t.Errorf("%+v.String() = %q, want %q", got, got.String(), name)
		}
		again, err := Parse(got.String(), c.sites, c.cat)
		if err != nil || again != got {
			t.Errorf("Parse(String()) = %+v, %v; want %+v", again, err, got)
		}
	}
}
