package ckpt

import (
	"reflect"
	"testing"
)

func TestModelSpecConfig(t *testing.T) {
	type config struct {
		Arch  string  `msgpack:"arch"`
		Width int     `msgpack:"width"`
		Depth int     `msgpack:"depth,omitempty"`
		Rate  float64 `msgpack:"rate"`
		Seed  uint64  `msgpack:"seed"`
	}
	in := config{Arch: "mlp", Width: 64, Rate: 0.5, Seed: 7}
	s := ModelSpec{Kind: "deep", Ints: map[string]int{"other": 1}}
	if err := s.SetConfig(in); err != nil {
		t.Fatal(err)
	}
	want := ModelSpec{Kind: "deep", Ints: map[string]int{"other": 1, "width": 64, "seed": 7},
		Floats: map[string]float64{"rate": 0.5}, Strings: map[string]string{"arch": "mlp"}}
	if !reflect.DeepEqual(s, want) {
		t.Fatalf("SetConfig gave %+v, want %+v", s, want)
	}
	var out config
	if err := s.DecodeConfig(&out); err != nil {
		t.Fatal(err)
	}
	if out != in {
		t.Errorf("DecodeConfig gave %+v, want %+v", out, in)
	}
	if err := s.SetConfig(struct {
		L []int `msgpack:"l"`
	}{[]int{1}}); err == nil {
		t.Error("SetConfig accepted a slice field")
	}
	if err := s.SetConfig(3); err == nil {
		t.Error("SetConfig accepted an int")
	}
}
