package train

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/datasets"
	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/gwg"
	"github.com/gwg-go/gwg/internal/chains"
)

// Job is a training run of a model bound to its folder: what
// `gwg train` runs, fresh or resumed from the folder's latest checkpoint.
type Job struct {
	Trainer *Trainer
	Model   Model
	Data    *datasets.Set
	Dir     string
	Note    string // stored in every checkpoint, by convention the command line

	ema Model // a second model holding the EMA weights, made on first use
}

// NewJob builds the model and the trainer of cfg on set, the data set cfg
// names, and, when resume is not nil, restores it (resume.Config is replaced
// by cfg, so that a caller can extend a run).
func NewJob(cfg Config, set *datasets.Set, dir, note string, resume *Snapshot) (*Job, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if set.Name != cfg.Dataset {
		return nil, fmt.Errorf("train: run is on %s, the data is %s", cfg.Dataset, set.Name)
	}
	model, err := NewModel(cfg.Model, set, cfg.Seed)
	if err != nil {
		return nil, err
	}
	if cfg.ProjInit == ProjLevels {
		// Before the trainer copies the weights into the EMA; a resumed
		// run then overwrites both with its own.
		if err := initProjLevels(model); err != nil {
			return nil, err
		}
	}
	t, err := New(cfg, model, set.Train, model.Mu(), func(m ebm.Model) (gwg.Sampler, error) {
		return gwg.New(cfg.Sampler, m)
	})
	if err != nil {
		return nil, err
	}
	if resume != nil {
		s := *resume
		s.Config = cfg
		if err := t.Restore(&s); err != nil {
			return nil, err
		}
	}
	return &Job{Trainer: t, Model: model, Data: set, Dir: dir, Note: note}, nil
}

// Save writes a checkpoint of s, a snapshot of the job's trainer, to path.
func (j *Job) Save(path string, s *Snapshot) error {
	c, err := ToCheckpoint(s, j.Model, j.Data.Train.Shape, j.Note)
	if err != nil {
		return err
	}
	return ckpt.Save(path, c)
}

// Run trains into the job's folder; o.Dir and o.Save are filled in, and
// o.Validate, unless set, estimates the validation log-likelihood by AIS.
func (j *Job) Run(ctx context.Context, o RunOptions) error {
	o.Dir, o.Save = j.Dir, j.Save
	if o.Validate == nil {
		o.Validate = j.ValidLogLik
	}
	return j.Trainer.Run(ctx, o)
}

// emaModel returns a model holding the current EMA weights.
func (j *Job) emaModel() (Model, error) {
	if j.ema == nil {
		cfg := j.Trainer.Config()
		m, err := NewModel(cfg.Model, j.Data, cfg.Seed)
		if err != nil {
			return nil, err
		}
		j.ema = m
	}
	if err := j.Trainer.EMA().CopyTo(j.ema.Params()); err != nil {
		return nil, err
	}
	return j.ema, nil
}

// ValidLogLik estimates the mean log-likelihood of the validation split
// under the EMA weights: mean f minus an AIS estimate of log Z with
// Config.ValidAISSteps temperatures and Config.ValidAISChains chains, as the
// paper selects its models. Its random source depends on the seed and the
// iteration only, so validating does not disturb the training stream.
func (j *Job) ValidLogLik(t *Trainer) (float64, error) {
	cfg := t.Config()
	m, err := j.emaModel()
	if err != nil {
		return 0, err
	}
	base, err := gwg.NewBase(m.Domain(), m.Mu())
	if err != nil {
		return 0, err
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, validStream^uint64(t.Iter())))
	res, err := gwg.AIS(m, base, gwg.AISOptions{Temperatures: cfg.ValidAISSteps, Chains: cfg.ValidAISChains,
		Sampler: cfg.Sampler, Bootstrap: -1}, rng)
	if err != nil {
		return 0, err
	}
	meanF, err := chains.MeanLogProb(m, j.Data.Valid, 500)
	if err != nil {
		return 0, err
	}
	return res.LogLikelihood(meanF), nil
}

// validStream keeps the validation's random stream apart from training's.
const validStream = 0x76616c6964 // "valid"

// EMASamples writes a grid of n chains drawn with the EMA weights to path:
// the first n chains of the buffer advanced by steps more sampler steps.
func (j *Job) EMASamples(path string, n, steps int) error {
	cfg := j.Trainer.Config()
	m, err := j.emaModel()
	if err != nil {
		return err
	}
	n = min(n, j.Trainer.Buffer().Len())
	start := make([]float32, n*m.Domain().Width())
	j.Trainer.Buffer().Rows(start, n)
	rng := rand.New(rand.NewPCG(cfg.Seed, uint64(j.Trainer.Iter())))
	x, _, err := chains.Run(m, cfg.Sampler, start, steps, rng)
	if err != nil {
		return err
	}
	return writeGrid(filepath.Clean(path), x, n, j.Data.Train.Shape)
}
