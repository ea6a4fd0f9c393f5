package cputime

import "testing"

func TestNowAdvances(t *testing.T) {
	t0 := Now()
	x := 0.0
	for i := range 50_000_000 {
		x += float64(i)
	}
	if Now() <= t0 || x == 0 {
		t.Errorf("CPU time did not advance over a busy loop: %v", Now()-t0)
	}
}
