package bench

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/gwg-go/gwg/ebm"
)

func TestRunPotts(t *testing.T) {
	res, err := RunPotts(PottsConfig{Sizes: []int{3, 4}, Sigmas: []float64{0.1}, Samplers: []string{"gwg", "gibbs"},
		Chains: 20, Steps: 300, Block: 25, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 4 {
		t.Fatalf("%d rows, want 4", len(res.Rows))
	}
	for _, row := range res.Rows {
		// Weak coupling: the category frequencies settle near 1/3.
		if !(row.LogMSE < -1) || row.ESSMean < 1 {
			t.Errorf("L=%d %s: log10 MSE %v, ESS %v", row.L, row.Sampler, row.LogMSE, row.ESSMean)
		}
	}
	dir := t.TempDir()
	if err := res.WriteFiles(dir, "potts"); err != nil {
		t.Fatal(err)
	}
	checkCSV(t, filepath.Join(dir, "potts-summary.csv"), 1+4)
	checkPNG(t, filepath.Join(dir, "potts-ess-per-step-sigma0.1.png"))
}

func TestRunFHMM(t *testing.T) {
	model := ebm.DefaultFHMMConfig()
	model.Chains, model.Steps = 3, 8
	res, err := RunFHMM(FHMMConfig{Model: model, Samplers: []string{"gibbs", "gwg"}, Chains: 20, Steps: 2000, RefSweeps: 400, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Curves {
		// On 24 latents both samplers get the marginals to a few percent.
		if end := last(c.LogRMSE); !(end < -1) || end < res.Floor-1 {
			t.Errorf("%s: log10 RMSE %v (floor %v)", c.Sampler, end, res.Floor)
		}
		if math.Abs(last(c.Hamming)-res.TruthHamming) > 0.15 {
			t.Errorf("%s: Hamming error %v, exact posterior's %v", c.Sampler, last(c.Hamming), res.TruthHamming)
		}
	}
	dir := t.TempDir()
	if err := res.WriteFiles(dir, "fhmm"); err != nil {
		t.Fatal(err)
	}
	checkCSV(t, filepath.Join(dir, "fhmm-summary.csv"), 1+2)
	checkPNG(t, filepath.Join(dir, "fhmm-rmse-steps.png"))
}

// TestRunContacts is a small contact-prediction run: the strong synthetic
// contacts must be found by every method.
func TestRunContacts(t *testing.T) {
	if testing.Short() {
		t.Skip("long empirical run: skipped under -short (make test runs it)")
	}
	res, err := RunContacts(ContactsConfig{Sites: 14, States: 3, CouplingSigma: 1.5, Samples: 1000, Sweeps: 100, Seed: 4,
		CacheDir: t.TempDir(), Learn: LearnConfig{Iters: 300, LR: 0.02, Steps: []int{10}}, PLM: PLMConfig{Iters: 100}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.curves() {
		t.Logf("%s: precision %.2f, log10 RMSE %.2f", methodName(c), last(c.Precision), c.Final())
		if p := last(c.Precision); !(p >= 0.5) {
			t.Errorf("%s: precision %v", methodName(c), p)
		}
	}
	dir := t.TempDir()
	if err := res.WriteFiles(dir, "contacts"); err != nil {
		t.Fatal(err)
	}
	checkCSV(t, filepath.Join(dir, "contacts-summary.csv"), 1+3)
	checkPNG(t, filepath.Join(dir, "contacts-precision-seconds.png"))
}
