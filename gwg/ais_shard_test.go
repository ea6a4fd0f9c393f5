package gwg

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestAISShardsMergeToAIS runs one AIS run whole and cut into every number
// of shards, and checks that the merged results equal the whole run's bit
// for bit; then that missing, repeated and foreign parts are refused.
func TestAISShardsMergeToAIS(t *testing.T) {
	m := testRBM(t, 12, 4, 5)
	base, err := NewBase(m.Domain(), nil)
	if err != nil {
		t.Fatal(err)
	}
	// 2 repeats of 7 chains in blocks of 3: 3 uneven blocks per repeat.
	opts := AISOptions{Temperatures: 30, Chains: 7, Repeats: 2, Block: 3}
	const seed = 11
	want, err := AIS(m, base, opts, rand.New(rand.NewPCG(seed, 0)))
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := AISBlocks(opts)
	if err != nil || blocks != 6 {
		t.Fatalf("AISBlocks = %d, %v; want 6", blocks, err)
	}
	shards := func(n int) []*AISPart {
		var parts []*AISPart
		for i := range n {
			p, err := AISShard(m, base, opts, rand.New(rand.NewPCG(seed, 0)), i, n)
			if err != nil {
				t.Fatal(err)
			}
			parts = append(parts, p)
		}
		return parts
	}
	for n := 1; n <= blocks; n++ {
		parts := shards(n)
		// Any order of the parts.
		parts[0], parts[n-1] = parts[n-1], parts[0]
		got, err := MergeAIS(parts, rand.New(rand.NewPCG(seed, 0)))
		if err != nil {
			t.Fatalf("%d shards: %v", n, err)
		}
		if got.LogZ != want.LogZ || got.StdErr != want.StdErr || got.BootstrapStdErr != want.BootstrapStdErr ||
			got.ESS != want.ESS || !equalFloats(got.LogW, want.LogW) || !equalFloats(got.RepeatLogZ, want.RepeatLogZ) {
			t.Errorf("%d shards: log Ẑ %v ± %v (repeats %v), whole run %v ± %v (repeats %v)",
				n, got.LogZ, got.StdErr, got.RepeatLogZ, want.LogZ, want.StdErr, want.RepeatLogZ)
		}
		if got.Evals != want.Evals || got.GradEvals != want.GradEvals || len(got.Samples) != len(want.Samples) {
			t.Errorf("%d shards: evaluations %d/%d and %d sample values, whole run %d/%d and %d",
				n, got.Evals, got.GradEvals, len(got.Samples), want.Evals, want.GradEvals, len(want.Samples))
		}
	}

	three := shards(3)
	other, err := AISShard(m, base, opts, rand.New(rand.NewPCG(seed+1, 0)), 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	longer := opts
	longer.Temperatures++
	otherOpts, err := AISShard(m, base, longer, rand.New(rand.NewPCG(seed, 0)), 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		name  string
		parts []*AISPart
		seed  uint64
		want  string
	}{
		{"missing middle", []*AISPart{three[0], three[2]}, seed, "blocks 2–3 of 6 missing"},
		{"missing end", three[:2], seed, "blocks 4–5 of 6 missing"},
		{"twice", []*AISPart{three[0], three[1], three[1], three[2]}, seed, "given twice"},
		{"overlapping shard counts", []*AISPart{three[0], shards(2)[0], three[2]}, seed, "blocks 0–1 given twice"},
		{"other seed", []*AISPart{three[0], other, three[2]}, seed, "different runs"},
		{"other settings", []*AISPart{three[0], otherOpts, three[2]}, seed, "different runs"},
		{"merged with another seed", three, seed + 1, "stream seed"},
		{"none", nil, seed, "no parts"},
	}
	for _, c := range bad {
		_, err := MergeAIS(c.parts, rand.New(rand.NewPCG(c.seed, 0)))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", c.name, err, c.want)
		}
	}
	for _, in := range [][2]int{{-1, 2}, {2, 2}, {0, 0}, {0, 7}} {
		if _, err := AISShard(m, base, opts, rand.New(rand.NewPCG(seed, 0)), in[0], in[1]); err == nil {
			t.Errorf("shard %d/%d of 6 blocks: no error", in[0], in[1])
		}
	}
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
