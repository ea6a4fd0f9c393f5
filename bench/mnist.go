package bench

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"time"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/datasets"
	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/internal/chains"
	"github.com/gwg-go/gwg/train"
)

// MNISTRBMConfig says where the MNIST RBM of the benchmark comes from.
type MNISTRBMConfig struct {
	// Path of an RBM checkpoint: loaded when it exists, otherwise written
	// after training. Empty means train and do not save.
	Path    string
	DataDir string // folder of the static MNIST files (see datasets.Open)
	Hidden  int    // hidden units (500)
	CD      train.CDConfig
	Seed    uint64
	// Progress, when set, is called after every CD update.
	Progress func(done, total int)
}

// MNISTRBM describes the RBM the benchmark ran on.
type MNISTRBM struct {
	Model    *ebm.RBM
	InitMean []float32      // pixel means clamped to [0.01, 0.99]: the chains' initial distribution
	Shape    datasets.Shape // of the images the RBM models
	Loaded   bool           // read from the checkpoint rather than trained
	Epochs   []train.CDEpoch
	TrainSec float64
	// TestRecon is the reconstruction error on the static MNIST test split
	// (see train.ReconstructionError); TestRecon0 is that of the untrained
	// initial model, for scale. Both are zero for a loaded model.
	TestRecon, TestRecon0 float64
}

// LoadOrTrainMNISTRBM returns the RBM of cfg.Path if that file exists, and
// otherwise fits one to the static MNIST training split with CD, as the
// reference does (784 × 500, CD-10, Adam 1e-3, batch 100, one epoch, b_v at
// the logits of the pixel means), and saves it to cfg.Path.
func LoadOrTrainMNISTRBM(cfg MNISTRBMConfig) (*MNISTRBM, error) {
	if cfg.Path != "" {
		c, err := ckpt.Load(cfg.Path)
		switch {
		case err == nil:
			m, err := ebm.Load(c, false)
			if err != nil {
				return nil, fmt.Errorf("bench: %s: %w", cfg.Path, err)
			}
			rbm, ok := m.(*ebm.RBM)
			if !ok || len(c.BaseMean) != rbm.D {
				return nil, fmt.Errorf("bench: %s: want an RBM with the mean of its initial chains, have a %s model", cfg.Path, c.Model.Kind)
			}
			return &MNISTRBM{Model: rbm, InitMean: c.BaseMean, Shape: chains.Shape(c, rbm.Domain()), Loaded: true}, nil
		case !errors.Is(err, fs.ErrNotExist):
			return nil, err
		}
	}
	set, err := datasets.Open("static_mnist", cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("bench: MNIST RBM: %w", err)
	}
	hidden := cfg.Hidden
	if hidden == 0 {
		hidden = 500
	}
	d := set.Train.Shape.Sites()
	m, err := ebm.NewRBM(d, hidden)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x726d62))
	mean, err := train.InitRBMFromData(m, train.PixelMeans(set.Train.Images, d), rng)
	if err != nil {
		return nil, err
	}
	r := &MNISTRBM{Model: m, InitMean: mean, Shape: set.Train.Shape}
	if r.TestRecon0, err = train.ReconstructionError(m, set.Test.Images, rng); err != nil {
		return nil, err
	}
	start := time.Now()
	if r.Epochs, err = train.TrainCD(m, set.Train.Images, cfg.CD, rng, cfg.Progress); err != nil {
		return nil, fmt.Errorf("bench: MNIST RBM: %w", err)
	}
	r.TrainSec = time.Since(start).Seconds()
	if r.TestRecon, err = train.ReconstructionError(m, set.Test.Images, rng); err != nil {
		return nil, err
	}
	if cfg.Path != "" {
		cd := cfg.CD.Defaults()
		note := fmt.Sprintf("gwg bench rbm: CD-%d, %d epochs, lr %g, batch %d, seed %d",
			cd.K, cd.Epochs, cd.LR, cd.Batch, cfg.Seed)
		c, err := ebm.NewCheckpoint(m, mean, "static_mnist", train.CheckpointShape(set.Train.Shape), note)
		if err != nil {
			return nil, err
		}
		if err := ckpt.Save(cfg.Path, c); err != nil {
			return nil, err
		}
	}
	return r, nil
}
