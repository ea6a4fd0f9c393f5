package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/datasets"
	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/nn"
)

// KindDeep is the ckpt.ModelSpec kind of the deep energy models.
const KindDeep = "deep"

// modelStream is the second word of the PCG seed of a model's initial
// weights, apart from the trainer's stream.
const modelStream = 0x6d6f64656c // "model"

// NewDeep builds the deep model called arch ("mlp-256", "resnet-64", …; see
// nn.Parse) for binary 28×28 images, over the base distribution of the data
// mean squeezed as the paper does (ebm.BaseMean), with weights drawn from
// seed.
func NewDeep(arch string, dataMean []float32, seed uint64) (*ebm.Deep, error) {
	c, err := nn.Parse(arch, datasets.Dim, 2)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	dom := ebm.Domain{Sites: datasets.Dim, Categories: 2}
	m, err := ebm.NewDeep(c, ebm.BaseMean(dom, dataMean), rand.New(rand.NewPCG(seed, modelStream)))
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	return m, nil
}

// DeepSpec describes the net of a deep model for a checkpoint.
func DeepSpec(c nn.Config) ckpt.ModelSpec {
	return ckpt.ModelSpec{Kind: KindDeep, Arch: c.String(), Ints: map[string]int{
		"sites": c.Sites, "categories": c.Categories, "proj": c.Proj,
		"width": c.Width, "depth": c.Depth,
		"height": c.Height, "side": c.Side, "down": c.Down, "blocks": c.Blocks,
	}}
}

// DeepConfig reads back the net configuration that DeepSpec stored.
func DeepConfig(s ckpt.ModelSpec) (nn.Config, error) {
	if s.Kind != KindDeep {
		return nn.Config{}, fmt.Errorf("train: checkpoint holds a %q model, not a deep one", s.Kind)
	}
	i := s.Ints
	c := nn.Config{Arch: archKind(s.Arch), Sites: i["sites"], Categories: i["categories"], Proj: i["proj"],
		Width: i["width"], Depth: i["depth"], Height: i["height"], Side: i["side"], Down: i["down"], Blocks: i["blocks"]}
	if err := c.Validate(); err != nil {
		return nn.Config{}, fmt.Errorf("train: checkpoint model %q: %w", s.Arch, err)
	}
	return c, nil
}

// archKind is the family of an architecture name: "mlp" of "mlp-256".
func archKind(name string) string {
	for i, r := range name {
		if r == '-' {
			return name[:i]
		}
	}
	return name
}

// LoadDeep rebuilds the deep model of a checkpoint with its EMA weights
// (ema true, what sampling and evaluation use) or its current weights.
func LoadDeep(c *ckpt.Checkpoint, ema bool) (*ebm.Deep, error) {
	cfg, err := DeepConfig(c.Model)
	if err != nil {
		return nil, err
	}
	// The initial weights are overwritten; any seed does.
	m, err := ebm.NewDeep(cfg, c.BaseMean, rand.New(rand.NewPCG(0, modelStream)))
	if err != nil {
		return nil, fmt.Errorf("train: checkpoint model: %w", err)
	}
	src := c.Params
	if ema && len(c.EMA) > 0 {
		src = c.EMA
	}
	if err := importTensors(m.Params(), src); err != nil {
		return nil, err
	}
	return m, nil
}

func importTensors(params []*ebm.Param, ts []ckpt.Tensor) error {
	if len(ts) != len(params) {
		return fmt.Errorf("train: checkpoint has %d parameter tensors, the model %d", len(ts), len(params))
	}
	for i, p := range params {
		if ts[i].Name != p.Name || !slices.Equal(ts[i].Shape, p.Shape) {
			return fmt.Errorf("train: checkpoint parameter %d is %s%v, the model's %s%v", i, ts[i].Name, ts[i].Shape, p.Name, p.Shape)
		}
	}
	for i, p := range params {
		copy(p.Data, ts[i].Data)
	}
	return nil
}

func tensors(params []*ebm.Param, data [][]float32) []ckpt.Tensor {
	ts := make([]ckpt.Tensor, len(params))
	for i, p := range params {
		ts[i] = ckpt.Tensor{Name: p.Name, Shape: slices.Clone(p.Shape), Data: data[i]}
	}
	return ts
}

func tensorData(ts []ckpt.Tensor) [][]float32 {
	out := make([][]float32, len(ts))
	for i := range ts {
		out[i] = ts[i].Data
	}
	return out
}

// savedConfig is what a checkpoint's opaque training configuration holds:
// the settings and the rollbacks spent, each of which cut the learning rate.
type savedConfig struct {
	Config    Config    `msgpack:"config"`
	Rollbacks int       `msgpack:"rollbacks"`
	Window    LogWindow `msgpack:"log_window"`
}

var metricColumns = []string{"iter", "sec_per_iter", "lr", "f_data", "f_samples", "accept", "hops", "valid_ll"}

// ToCheckpoint turns a snapshot of a run training model into a checkpoint.
func ToCheckpoint(s *Snapshot, model *ebm.Deep, note string) (*ckpt.Checkpoint, error) {
	params := model.Params()
	buf, err := ckpt.PackBits(s.Buffer, model.Domain().Width())
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	ts := &ckpt.TrainState{
		Iteration: s.Iter,
		Adam:      ckpt.Adam{Step: s.AdamSteps, M: tensors(params, s.AdamM), V: tensors(params, s.AdamV)},
		Buffer:    buf,
		RNG:       s.RNG,
		Metrics:   ckpt.Metrics{Columns: metricColumns},
	}
	if err := ts.SetConfig(savedConfig{Config: s.Config, Rollbacks: s.Rollbacks, Window: s.Window}); err != nil {
		return nil, err
	}
	for _, r := range s.Metrics {
		ts.Metrics.Rows = append(ts.Metrics.Rows, []float64{float64(r.Iter), r.SecPerIter, r.LR,
			r.FData, r.FSamples, r.Accept, r.Hops, r.ValidLL})
	}
	if !math.IsNaN(s.BestValid) {
		ts.Best = &ckpt.Best{Iteration: s.BestIter, LogLik: s.BestValid}
	}
	return &ckpt.Checkpoint{
		Model:    DeepSpec(model.Config()),
		Params:   tensors(params, s.Params),
		EMA:      tensors(params, s.EMA),
		BaseMean: model.Mu(),
		Dataset:  s.Config.Dataset,
		Train:    ts,
		Created:  time.Now().UTC(),
		Note:     note,
	}, nil
}

// FromCheckpoint reads back the snapshot that ToCheckpoint stored.
func FromCheckpoint(c *ckpt.Checkpoint) (*Snapshot, error) {
	ts := c.Train
	if ts == nil {
		return nil, fmt.Errorf("train: checkpoint holds no training state")
	}
	var sc savedConfig
	if err := ts.DecodeConfig(&sc); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if len(c.EMA) != len(c.Params) || len(ts.Adam.M) != len(c.Params) {
		return nil, fmt.Errorf("train: checkpoint lacks EMA weights or optimizer moments")
	}
	if !slices.Equal(ts.Metrics.Columns, metricColumns) {
		return nil, fmt.Errorf("train: checkpoint metrics have columns %v, want %v", ts.Metrics.Columns, metricColumns)
	}
	s := &Snapshot{
		Config: sc.Config, Rollbacks: sc.Rollbacks, Window: sc.Window, Iter: ts.Iteration,
		Params: tensorData(c.Params), EMA: tensorData(c.EMA),
		AdamSteps: ts.Adam.Step, AdamM: tensorData(ts.Adam.M), AdamV: tensorData(ts.Adam.V),
		Buffer: make([]float32, ts.Buffer.Rows*ts.Buffer.Width), RNG: ts.RNG,
		BestValid: math.NaN(),
	}
	if err := ckpt.UnpackBits(s.Buffer, ts.Buffer); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	for _, row := range ts.Metrics.Rows {
		s.Metrics = append(s.Metrics, Record{Iter: int(row[0]), SecPerIter: row[1], LR: row[2],
			FData: row[3], FSamples: row[4], Accept: row[5], Hops: row[6], ValidLL: row[7]})
	}
	if ts.Best != nil {
		s.BestIter, s.BestValid = ts.Best.Iteration, ts.Best.LogLik
	}
	return s, nil
}
