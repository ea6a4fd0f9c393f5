package main

import (
	"testing"

	"github.com/gwg-go/gwg/train"
)

func TestETASuffix(t *testing.T) {
	tests := []struct {
		iter  int
		sec   float64
		iters int
		want  string
	}{
		{100, 0.25, 5000, "  ETA 20m25s"},
		{5000, 0.25, 5000, ""},
		{10, 0, 100, ""},
	}
	for _, tt := range tests {
		got := etaSuffix(train.Record{Iter: tt.iter, SecPerIter: tt.sec}, tt.iters)
		if got != tt.want {
			t.Errorf("etaSuffix(iter %d, %gs/it, of %d) = %q, want %q", tt.iter, tt.sec, tt.iters, got, tt.want)
		}
	}
}
