package train

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/datasets"
	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/gwg"
)

// Config is everything that defines a training run. It is stored in every
// checkpoint, so a resumed run continues with the settings it started with.
type Config struct {
	Dataset string `msgpack:"dataset" json:"dataset"`
	// Data is the user's file of codes the run trains on; zero for the
	// built-in data set named by Dataset (then the file's base name).
	Data    ckpt.DataFile `msgpack:"data_file,omitempty" json:"data_file,omitzero"`
	Model   string        `msgpack:"model" json:"model"`     // architecture name, e.g. "mlp-256"
	Sampler string        `msgpack:"sampler" json:"sampler"` // sampler name, e.g. "gwg"
	Steps   int           `msgpack:"steps" json:"steps"`     // K, sampler steps per iteration
	Iters   int           `msgpack:"iters" json:"iters"`     // total iterations
	Batch   int           `msgpack:"batch" json:"batch"`     // data and chain batch size
	Seed    uint64        `msgpack:"seed" json:"seed"`

	BufferSize int     `msgpack:"buffer_size" json:"buffer_size"`
	BufferInit string  `msgpack:"buffer_init" json:"buffer_init"` // "base", "data" or "uniform"
	ReinitFreq float64 `msgpack:"reinit_freq" json:"reinit_freq"` // chance a drawn chain restarts

	// ProjInit is how a categorical model's one-hot projection starts:
	// empty for random, as the reference, or ProjLevels.
	ProjInit string `msgpack:"proj_init,omitempty" json:"proj_init,omitempty"`

	LR       float64 `msgpack:"lr" json:"lr"`
	Warmup   int     `msgpack:"warmup" json:"warmup"` // iterations of linear warm-up
	L2       float64 `msgpack:"l2" json:"l2"`         // weight of the L2 penalty on f values
	EMADecay float64 `msgpack:"ema_decay" json:"ema_decay"`

	LogEvery        int `msgpack:"log_every" json:"log_every"`
	SampleEvery     int `msgpack:"sample_every" json:"sample_every"`         // PNG grid of buffer rows; 0 = never
	CheckpointEvery int `msgpack:"checkpoint_every" json:"checkpoint_every"` // 0 = only at the end
	Keep            int `msgpack:"keep" json:"keep"`                         // periodic checkpoints kept on disk
	ValidEvery      int `msgpack:"valid_every" json:"valid_every"`           // validation log-likelihood; 0 = never
	ValidAISSteps   int `msgpack:"valid_ais_steps" json:"valid_ais_steps"`
	ValidAISChains  int `msgpack:"valid_ais_chains" json:"valid_ais_chains"`

	// Divergence guard: a non-finite value or |mean f(data) − mean f(samples)|
	// above MaxGap rolls back to the last good state with the learning rate
	// multiplied by RollbackFactor, at most MaxRollbacks times per run.
	MaxGap         float64 `msgpack:"max_gap" json:"max_gap"`
	MaxRollbacks   int     `msgpack:"max_rollbacks" json:"max_rollbacks"`
	RollbackFactor float64 `msgpack:"rollback_factor" json:"rollback_factor"`
}

// Buffer initialisations.
const (
	InitBase    = "base"    // the base distribution of the data mean (Bernoulli(μ) for binary data), as the paper
	InitData    = "data"    // random training images
	InitUniform = "uniform" // every value of every site equally likely
)

// Paper returns the settings of Grathwohl et al. (2021) for their deep EBMs
// (gwg-spec §4): Adam at 1e-4 warmed up over 10,000 iterations, 50,000
// iterations of batch 100, a buffer of 10,000 chains from the base
// distribution, EMA 0.999, validation every 5,000 iterations. K is not stated
// in the paper's code; 40 is what its successors use.
func Paper(dataset, model string) Config {
	return Config{
		Dataset: dataset, Model: model, Sampler: "gwg",
		Steps: 40, Iters: 50000, Batch: 100, Seed: 1,
		BufferSize: 10000, BufferInit: InitBase,
		LR: 1e-4, Warmup: 10000, EMADecay: 0.999,
		LogEvery: 10, SampleEvery: 1000, CheckpointEvery: 1000, Keep: 3,
		ValidEvery: 5000, ValidAISSteps: 10000, ValidAISChains: 100,
		MaxGap: 1e4, MaxRollbacks: 3, RollbackFactor: 0.5,
	}
}

// Demo returns a small, fast setting that reaches digit-like (if speckled)
// samples on dynamic MNIST in a few minutes on two cores: a 784-64-64-64-1
// MLP, 1,500 iterations of K = 20 GWG steps on a buffer of 1,000 chains,
// Adam at 1e-3. Measured here: 82 s of CPU time in all. Longer training,
// K = 40, a wider net, lr 3e-4 or DMALA gave no clearly cleaner samples at
// this budget.
func Demo(dataset string) Config {
	c := Paper(dataset, "mlp-64")
	c.Steps, c.Iters, c.Batch = 20, 1500, 100
	c.BufferSize, c.BufferInit = 1000, InitBase
	c.LR, c.Warmup, c.EMADecay = 1e-3, 100, 0.99
	c.LogEvery, c.SampleEvery, c.CheckpointEvery = 50, 250, 250
	c.ValidEvery = 0
	return c
}

var presets = map[string]func(dataset, model string) Config{
	"paper": Paper,
	"demo":  func(dataset, _ string) Config { return Demo(dataset) },
}

// Preset returns the named preset ("paper" or "demo") for a data set and
// model; the demo preset picks its own small model.
func Preset(name, dataset, model string) (Config, error) {
	p, ok := presets[name]
	if !ok {
		return Config{}, fmt.Errorf("train: unknown preset %q (have %s)", name, strings.Join(PresetNames(), ", "))
	}
	return p(dataset, model), nil
}

// PresetNames lists the presets.
func PresetNames() []string {
	var names []string
	for n := range presets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// samplerCheckSites is the size of the model that Validate tries the
// sampler on: more sites than any block or Hamming-ball sampler asks for.
const samplerCheckSites = 64

// Validate reports the first setting that cannot work.
func (c *Config) Validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	check(c.Dataset != "", "no data set")
	check(c.Model != "", "no model")
	check(c.Sampler != "", "no sampler")
	check(c.Steps > 0, "sampler steps %d, want > 0", c.Steps)
	check(c.Iters > 0, "iterations %d, want > 0", c.Iters)
	check(c.Batch > 0, "batch %d, want > 0", c.Batch)
	check(c.BufferSize >= c.Batch, "buffer of %d chains is smaller than the batch %d", c.BufferSize, c.Batch)
	check(c.BufferInit == InitBase || c.BufferInit == InitData || c.BufferInit == InitUniform,
		"buffer initialisation %q, want %s, %s or %s", c.BufferInit, InitBase, InitData, InitUniform)
	check(c.ProjInit == "" || c.ProjInit == ProjLevels, "projection initialisation %q, want %s or none (random)", c.ProjInit, ProjLevels)
	check(c.ReinitFreq >= 0 && c.ReinitFreq <= 1, "re-initialisation frequency %g outside [0, 1]", c.ReinitFreq)
	check(c.LR > 0 && !math.IsInf(c.LR, 0), "learning rate %g, want > 0", c.LR)
	check(c.Warmup >= 0, "warm-up %d, want ≥ 0", c.Warmup)
	check(c.L2 >= 0, "L2 weight %g, want ≥ 0", c.L2)
	check(c.EMADecay >= 0 && c.EMADecay < 1, "EMA decay %g outside [0, 1)", c.EMADecay)
	check(c.LogEvery > 0, "log interval %d, want > 0", c.LogEvery)
	check(c.SampleEvery >= 0 && c.CheckpointEvery >= 0 && c.ValidEvery >= 0, "negative interval")
	check(c.Keep > 0, "keep %d checkpoints, want > 0", c.Keep)
	check(c.ValidEvery == 0 || (c.ValidAISSteps > 1 && c.ValidAISChains > 0),
		"validation needs AIS steps > 1 and chains > 0")
	check(c.MaxGap > 0, "divergence gap %g, want > 0", c.MaxGap)
	check(c.MaxRollbacks >= 0, "rollbacks %d, want ≥ 0", c.MaxRollbacks)
	check(c.RollbackFactor > 0 && c.RollbackFactor < 1, "rollback factor %g outside (0, 1)", c.RollbackFactor)
	if c.Dataset != "" && c.Data.IsZero() && !slices.Contains(datasets.Names(), c.Dataset) {
		check(false, "unknown data set %q (have %s)", c.Dataset, strings.Join(datasets.Names(), ", "))
	}
	if c.Model != "" {
		if err := ebm.CheckArch(c.Model); err != nil {
			errs = append(errs, err)
		}
	}
	if c.Sampler != "" {
		// Samplers are checked by name against a small model of the kind
		// trained here: binary, with gradients.
		base, _ := ebm.NewBernoulli(make([]float32, samplerCheckSites))
		if _, err := gwg.New(c.Sampler, base); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("train: bad config: %w", errors.Join(errs...))
	}
	return nil
}
