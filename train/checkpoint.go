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
	"github.com/gwg-go/gwg/internal/buildinfo"
)

// modelStream is the second word of the PCG seed of a model's initial
// weights, apart from the trainer's stream.
const modelStream = 0x6d6f64656c // "model"

// NewModel makes the model of the architecture called arch ("mlp-256",
// "resnet-64", …; any family registered with ebm.RegisterArch) for the
// training split of set, over the base distribution of its mean, with
// weights drawn from seed. The model must be ebm.Storable.
func NewModel(arch string, set *datasets.Set, seed uint64) (Model, error) {
	sh := set.Train.Shape
	in := ebm.Input{Domain: Domain(sh), Height: sh.Height, Width: sh.Width, DataMean: set.Mean()}
	m, err := ebm.NewTrainable(arch, in, rand.New(rand.NewPCG(seed, modelStream)))
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	sm, ok := m.(Model)
	if !ok {
		return nil, fmt.Errorf("train: a %s model cannot be stored in checkpoints", arch)
	}
	return sm, nil
}

// Model is a model that training fits and checkpoints hold.
type Model interface {
	ebm.Trainable
	ebm.Storable
	// Mu returns the parameters of the model's base distribution.
	Mu() []float32
}

// Domain is the state space of models of data of shape sh: one 0/1 value
// per site for binary data, a one-hot block per site otherwise.
func Domain(sh datasets.Shape) ebm.Domain {
	return ebm.Domain{Sites: sh.Sites(), Categories: sh.Categories, OneHot: !sh.Binary()}
}

// CheckpointShape is sh as a checkpoint stores it.
func CheckpointShape(sh datasets.Shape) ckpt.Shape {
	return ckpt.Shape{Height: sh.Height, Width: sh.Width, Categories: sh.Categories}
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

// ToCheckpoint turns a snapshot of a run training model on data of shape
// into a checkpoint.
func ToCheckpoint(s *Snapshot, model Model, shape datasets.Shape, note string) (*ckpt.Checkpoint, error) {
	params := model.Params()
	spec, err := model.Spec()
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	ts := &ckpt.TrainState{
		Iteration: s.Iter,
		Adam:      ckpt.Adam{Step: s.AdamSteps, M: ebm.Tensors(params, s.AdamM), V: ebm.Tensors(params, s.AdamV)},
		RNG:       s.RNG,
		Metrics:   ckpt.Metrics{Columns: metricColumns},
	}
	if dom := model.Domain(); s.Codes != nil {
		ts.Codes = ckpt.Codes{Rows: len(s.Codes) / dom.Sites, Width: dom.Sites, Categories: dom.Categories, Data: slices.Clone(s.Codes)}
	} else if ts.Buffer, err = ckpt.PackBits(s.Buffer, dom.Width()); err != nil {
		return nil, fmt.Errorf("train: %w", err)
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
		Model:    spec,
		Params:   ebm.Tensors(params, s.Params),
		EMA:      ebm.Tensors(params, s.EMA),
		BaseMean: model.Mu(),
		Dataset:  s.Config.Dataset,
		DataFile: s.Config.Data,
		Shape:    CheckpointShape(shape),
		Train:    ts,
		Created:  time.Now().UTC(),
		Note:     note,
		Build:    buildinfo.Record(),
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
	if !ts.Codes.IsZero() {
		s.Buffer, s.Codes = nil, slices.Clone(ts.Codes.Data)
	} else if err := ckpt.UnpackBits(s.Buffer, ts.Buffer); err != nil {
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
