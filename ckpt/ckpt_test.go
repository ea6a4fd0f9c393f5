package ckpt

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	for _, tt := range []struct {
		name   string
		mutate func(c *Checkpoint)
		want   string
	}{
		{"no kind", func(c *Checkpoint) { c.Model.Kind = "" }, "model kind is empty"},
		{"data longer than shape", func(c *Checkpoint) { c.Params[0].Data = append(c.Params[0].Data, 1) }, "has 85 values, want 84"},
		{"data shorter than shape", func(c *Checkpoint) { c.Params[1].Shape = []int{8} }, `"fc0.b" of shape [8] has 7 values, want 8`},
		{"scalar without value", func(c *Checkpoint) { c.Params[4].Data = nil }, "has 0 values, want 1"},
		{"negative dimension", func(c *Checkpoint) { c.Params[0].Shape = []int{-12, -7} }, "invalid shape [-12 -7]"},
		{"overflowing shape", func(c *Checkpoint) { c.Params[0].Shape = []int{1 << 40, 1 << 40} }, "invalid shape"},
		{"unnamed parameter", func(c *Checkpoint) { c.Params[2].Name = "" }, "parameter 2 has no name"},
		{"repeated name", func(c *Checkpoint) { c.Params[3].Name = "fc0.b" }, `"fc0.b" appears twice`},
		{"EMA missing a tensor", func(c *Checkpoint) { c.EMA = c.EMA[:4] }, "EMA has 4 tensors, the parameters 5"},
		{"EMA renamed", func(c *Checkpoint) { c.EMA[0].Name = "w" }, `EMA tensor 0 is "w"`},
		{"EMA reshaped", func(c *Checkpoint) { c.EMA[0].Shape = []int{7, 12} }, "[7 12], the parameter is"},
		{"EMA data", func(c *Checkpoint) { c.EMA[3].Data = nil }, "EMA \"fc1.b\""},
		{"negative iteration", func(c *Checkpoint) { c.Train.Iteration = -1 }, "iteration -1"},
		{"negative step", func(c *Checkpoint) { c.Train.Adam.Step = -1 }, "step -1"},
		{"first moment only", func(c *Checkpoint) { c.Train.Adam.V = nil }, "5 first and 0 second"},
		{"moment reshaped", func(c *Checkpoint) { c.Train.Adam.V[2].Shape = []int{21} }, "Adam second moment tensor 2"},
		{"moment data", func(c *Checkpoint) { c.Train.Adam.M[2].Data = c.Train.Adam.M[2].Data[1:] }, "Adam first moment \"fc1.w\""},
		{"buffer bytes", func(c *Checkpoint) { c.Train.Buffer.Rows++ }, "38×12 bits need 57 bytes, have 56"},
		{"buffer negative", func(c *Checkpoint) { c.Train.Buffer.Width = -12 }, "negative size"},
		{"buffer padding", func(c *Checkpoint) { c.Train.Buffer.Data[55] |= 0x80 }, "unused bits"},
		{"codes out of range", func(c *Checkpoint) {
			c.Train.Buffer = Bits{}
			c.Train.Codes = Codes{Rows: 2, Width: 3, Categories: 4, Data: []byte{0, 1, 2, 3, 4, 0}}
		}, "code 4 (row 1, site 1) is 4"},
		{"codes length", func(c *Checkpoint) {
			c.Train.Buffer = Bits{}
			c.Train.Codes = Codes{Rows: 2, Width: 3, Categories: 4, Data: []byte{0, 1, 2, 3}}
		}, "2×3 codes, have 4 bytes"},
		{"codes categories", func(c *Checkpoint) {
			c.Train.Buffer = Bits{}
			c.Train.Codes = Codes{Rows: 1, Width: 1, Categories: 300, Data: []byte{0}}
		}, "codes of 300 categories"},
		{"bits and codes", func(c *Checkpoint) {
			c.Train.Codes = Codes{Rows: 1, Width: 2, Categories: 3, Data: []byte{0, 2}}
		}, "both as bits and as codes"},
		{"metrics row", func(c *Checkpoint) { c.Train.Metrics.Rows[1] = c.Train.Metrics.Rows[1][:3] }, "row 1 has 3 values for 4 columns"},
		{"metrics column", func(c *Checkpoint) { c.Train.Metrics.Columns[2] = "iter" }, `"iter" is empty or repeated`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := fullCheckpoint(t, 1)
			tt.mutate(c)
			err := c.Validate()
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate: %v, want ErrInvalid containing %q", err, tt.want)
			}
			// The same checkpoint written without validation is refused on
			// load with the same message.
			loadBoth(t, "", frame(mustMarshal(t, c)), ErrInvalid, tt.want)
		})
	}
}

func TestSize(t *testing.T) {
	for _, tt := range []struct {
		shape []int
		want  int
	}{
		{nil, 1}, {[]int{0}, 0}, {[]int{3, 0, 5}, 0}, {[]int{2, 3, 4}, 24},
		{[]int{-1}, -1}, {[]int{0, -1}, -1}, {[]int{math.MaxInt, 2}, -1}, {[]int{1 << 32, 1 << 31}, -1},
	} {
		if got := (&Tensor{Shape: tt.shape}).Size(); got != tt.want {
			t.Errorf("Size of %v = %d, want %d", tt.shape, got, tt.want)
		}
	}
}

func TestNumParams(t *testing.T) {
	if got := fullCheckpoint(t, 1).NumParams(); got != 84+7+21+3+1 {
		t.Errorf("NumParams = %d, want 116", got)
	}
}

func TestConfig(t *testing.T) {
	type config struct {
		LR      float64 `msgpack:"lr"`
		Steps   int     `msgpack:"steps"`
		Sampler string  `msgpack:"sampler"`
	}
	want := config{LR: 1e-4, Steps: 40, Sampler: "gwg"}
	var s TrainState
	if err := s.DecodeConfig(&config{}); err == nil {
		t.Error("DecodeConfig without a configuration succeeded")
	}
	if err := s.SetConfig(want); err != nil {
		t.Fatal(err)
	}
	var got config
	if err := s.DecodeConfig(&got); err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("config %+v, want %+v", got, want)
	}
	var m map[string]any
	if err := s.DecodeConfig(&m); err != nil || m["sampler"] != "gwg" {
		t.Errorf("config as a map: %v, %v", m, err)
	}
	s.Config = s.Config[:len(s.Config)-1]
	if err := s.DecodeConfig(&got); err == nil {
		t.Error("DecodeConfig of a cut configuration succeeded")
	}
	if err := s.SetConfig(func() {}); err == nil {
		t.Error("SetConfig of a func succeeded")
	}
}

func TestPackBits(t *testing.T) {
	x := []float32{1, 0, 0, 0, 0, 0, 0, 0, 0, 1}
	b, err := PackBits(x, 5)
	if err != nil {
		t.Fatal(err)
	}
	want := Bits{Rows: 2, Width: 5, Data: []byte{0x01, 0x02}}
	if !reflect.DeepEqual(b, want) {
		t.Errorf("PackBits = %+v, want %+v", b, want)
	}
	got := make([]float32, len(x))
	if err := UnpackBits(got, b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, x) {
		t.Errorf("UnpackBits = %v, want %v", got, x)
	}
}

func TestPackBitsRoundTrip(t *testing.T) {
	for _, shape := range [][2]int{{0, 3}, {1, 1}, {3, 7}, {8, 8}, {13, 784}} {
		rows, width := shape[0], shape[1]
		x := make([]float32, rows*width)
		for i := range x {
			x[i] = float32((i * i / 3) % 2)
		}
		b, err := PackBits(x, width)
		if err != nil {
			t.Fatal(err)
		}
		if b.Rows != rows || b.Width != width || len(b.Data) != (rows*width+7)/8 {
			t.Errorf("%d×%d: packed as %d×%d in %d bytes", rows, width, b.Rows, b.Width, len(b.Data))
		}
		got := make([]float32, len(x))
		if err := UnpackBits(got, b); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, x) {
			t.Errorf("%d×%d: round trip differs", rows, width)
		}
	}
}

func TestPackBitsErrors(t *testing.T) {
	for _, tt := range []struct {
		x     []float32
		width int
		want  string
	}{
		{[]float32{0, 1}, 0, "width 0"},
		{[]float32{0, 1, 1}, 2, "3 values are not whole rows of 2"},
		{[]float32{0, 1, 0.5, 1}, 2, "value 2 (row 1, column 0) is 0.5"},
		{[]float32{float32(math.NaN())}, 1, "is NaN"},
	} {
		if _, err := PackBits(tt.x, tt.width); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("PackBits(%v, %d): %v, want %q", tt.x, tt.width, err, tt.want)
		}
	}
	b := Bits{Rows: 2, Width: 5, Data: []byte{1, 2}}
	if err := UnpackBits(make([]float32, 9), b); err == nil {
		t.Error("UnpackBits into a short slice succeeded")
	}
	b.Data[1] = 0x80
	if err := UnpackBits(make([]float32, 10), b); err == nil {
		t.Error("UnpackBits with set padding bits succeeded")
	}
}
