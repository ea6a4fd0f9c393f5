package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/datasets"
)

// ErrInterrupted is returned by Run when its context was cancelled; the
// iteration in progress was finished and a checkpoint saved.
var ErrInterrupted = errors.New("train: interrupted")

// RunOptions says where Run writes and whom it tells.
type RunOptions struct {
	// Dir receives the checkpoints (ckpt-ITER.gwg, best.gwg), metrics.csv,
	// the curves and the sample grids.
	Dir string
	// Save writes a checkpoint of s to path, atomically.
	Save func(path string, s *Snapshot) error
	// Validate, when set, returns the validation log-likelihood of the
	// EMA weights; Run calls it every Config.ValidEvery iterations and keeps
	// the best checkpoint as best.gwg.
	Validate func(t *Trainer) (float64, error)
	OnRecord func(Record)     // after each log record
	OnIter   func(iter int)   // after each completed iteration
	OnEvent  func(msg string) // checkpoints written, rollbacks
	Now      func() time.Time // the clock of the s/iter column; time.Now when nil
}

// MetricsName is the file name of the metrics log in a run's folder: CSV
// with a header line, one row per log record.
const MetricsName = "metrics.csv"

// Run trains until Config.Iters iterations are done or ctx is cancelled,
// writing checkpoints, metrics, curves and sample grids into o.Dir.
//
// The divergence guard: when a step fails with ErrDiverged, Run restores the
// state of the last checkpoint it wrote (or the state it started from) and
// multiplies the learning rate by Config.RollbackFactor for good, at most
// Config.MaxRollbacks times; after that it stops with an error naming the
// last good checkpoint. Checkpoints are only written from healthy states, so
// a good checkpoint is never replaced by a bad one.
func (t *Trainer) Run(ctx context.Context, o RunOptions) error {
	if o.Save == nil {
		return errors.New("train: Run without a checkpoint writer")
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	event := func(format string, args ...any) {
		if o.OnEvent != nil {
			o.OnEvent(fmt.Sprintf(format, args...))
		}
	}
	switch unlock, err := lockRunDir(o.Dir); {
	case errors.Is(err, errors.ErrUnsupported):
	case err != nil:
		return err
	default:
		defer unlock()
		n, size, err := removeStaleTemps(o.Dir)
		if err != nil {
			return err
		}
		if n > 0 {
			event("removed %d stale temporary files (%.1f MB) that an interrupted write left in %s", n, float64(size)/1e6, o.Dir)
		}
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	good, err := t.Snapshot()
	if err != nil {
		return err
	}
	goodPath := ""
	if p, err := ckpt.Latest(o.Dir); err == nil && p != "" {
		goodPath = p
	}
	save := func() error {
		s, err := t.Snapshot()
		if err != nil {
			return err
		}
		path := ckpt.PeriodicPath(o.Dir, t.iter)
		if err := o.Save(path, s); err != nil {
			return fmt.Errorf("train: checkpoint: %w", err)
		}
		good, goodPath = s, path
		if err := t.prune(o.Dir); err != nil {
			return err
		}
		event("checkpoint %s", path)
		return nil
	}
	metricsPath := filepath.Join(o.Dir, MetricsName)
	mlog, err := createMetricsLog(metricsPath, t.metrics)
	if err != nil {
		return err
	}
	defer func() { mlog.Close() }()
	t.win.restart(now())
	cfg := &t.cfg
	// rollback handles a diverged step: back to the last good state with a
	// smaller learning rate, or a final error once the retries are spent.
	rollback := func(cause error) error {
		if t.rollbacks >= cfg.MaxRollbacks {
			where := "none, the run diverged before its first checkpoint"
			if goodPath != "" {
				where = fmt.Sprintf("%s (iteration %d)", goodPath, good.Iter)
			}
			return fmt.Errorf("%w; stopped after %d rollbacks; last good checkpoint: %s", cause, t.rollbacks, where)
		}
		rollbacks := t.rollbacks + 1
		if err := t.Restore(good); err != nil {
			return err
		}
		t.rollbacks = rollbacks
		t.win.restart(now())
		// The log forgets the undone iterations too.
		mlog.Close()
		if mlog, err = createMetricsLog(metricsPath, t.metrics); err != nil {
			return err
		}
		event("%v; rolled back to iteration %d with learning rate %.3g (rollback %d of %d)",
			cause, t.iter, t.peakLR(), rollbacks, cfg.MaxRollbacks)
		return nil
	}
	for t.iter < cfg.Iters {
		if ctx.Err() != nil {
			if err := t.healthy(); err != nil {
				return fmt.Errorf("%w at iteration %d, whose state is bad (%v); last good checkpoint %s", ErrInterrupted, t.iter, err, goodPath)
			}
			if err := save(); err != nil {
				return err
			}
			return fmt.Errorf("%w at iteration %d; checkpoint %s", ErrInterrupted, t.iter, goodPath)
		}
		_, err := t.Step()
		last := t.iter == cfg.Iters
		checkpoint := err == nil && ((cfg.CheckpointEvery > 0 && t.iter%cfg.CheckpointEvery == 0) || last)
		if checkpoint {
			// Huge but finite weights after the last update show only at the
			// next evaluation: look before they can become a checkpoint.
			if herr := t.healthy(); herr != nil {
				err = fmt.Errorf("train: state after iteration %d: %v: %w", t.iter, herr, ErrDiverged)
			}
		}
		if errors.Is(err, ErrDiverged) {
			if err := rollback(err); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		if o.OnIter != nil {
			o.OnIter(t.iter)
		}
		if t.iter%cfg.LogEvery == 0 || last {
			r := t.win.record(t.iter, now())
			t.metrics = append(t.metrics, r)
			if o.OnRecord != nil {
				o.OnRecord(r)
			}
			if err := mlog.append(r); err != nil {
				return err
			}
		}
		if cfg.SampleEvery > 0 && (t.iter%cfg.SampleEvery == 0 || last) {
			if err := t.writeSamples(o.Dir, fmt.Sprintf("samples-%08d.png", t.iter)); err != nil {
				return err
			}
			if err := PlotCurves(o.Dir, t.metrics); err != nil {
				return err
			}
		}
		if o.Validate != nil && cfg.ValidEvery > 0 && (t.iter%cfg.ValidEvery == 0 || last) {
			if err := t.validate(o); err != nil {
				return err
			}
		}
		if checkpoint {
			if err := save(); err != nil {
				return err
			}
		}
	}
	return PlotCurves(o.Dir, t.metrics)
}

// validate measures the validation log-likelihood, records it, and writes
// best.gwg when it is the best so far.
func (t *Trainer) validate(o RunOptions) error {
	ll, err := o.Validate(t)
	if err != nil {
		return fmt.Errorf("train: validation at iteration %d: %w", t.iter, err)
	}
	if n := len(t.metrics); n > 0 && t.metrics[n-1].Iter == t.iter {
		t.metrics[n-1].ValidLL = ll
	} else {
		t.metrics = append(t.metrics, Record{Iter: t.iter, ValidLL: ll, FData: math.NaN(), FSamples: math.NaN()})
	}
	if !finite(ll) || (!math.IsNaN(t.bestValid) && ll <= t.bestValid) {
		return nil
	}
	t.bestValid, t.bestIter = ll, t.iter
	if err := t.healthy(); err != nil {
		return nil // never keep a bad state as the best
	}
	s, err := t.Snapshot()
	if err != nil {
		return err
	}
	if err := o.Save(filepath.Join(o.Dir, ckpt.BestName), s); err != nil {
		return fmt.Errorf("train: best checkpoint: %w", err)
	}
	return nil
}

// healthy reports a non-finite weight, average or chain value, or a model
// that, evaluated afresh on the last batches, gives non-finite f or a gap
// between data and samples beyond Config.MaxGap.
func (t *Trainer) healthy() error {
	for k, p := range t.params {
		if i := nonFinite(p.Data); i >= 0 {
			return fmt.Errorf("parameter %s[%d] = %g", p.Name, i, p.Data[i])
		}
		if i := nonFinite(t.ema.Avg[k]); i >= 0 {
			return fmt.Errorf("EMA of %s[%d] = %g", p.Name, i, t.ema.Avg[k][i])
		}
	}
	if i := nonFinite(t.buf.Data()); i >= 0 {
		return fmt.Errorf("buffer value %d = %g", i, t.buf.Data()[i])
	}
	if t.iter == 0 {
		return nil // nothing evaluated yet; the initial state is good by definition
	}
	f := make([]float64, t.cfg.Batch)
	mean := func(x []float32) (float64, error) {
		if err := t.model.LogProb(f, x); err != nil {
			return 0, err
		}
		var s float64
		for _, v := range f {
			s += v
		}
		return s / float64(len(f)), nil
	}
	fd, err := mean(t.dataX)
	if err != nil {
		return err
	}
	fs, err := mean(t.chainX)
	if err != nil {
		return err
	}
	if !finite(fd) || !finite(fs) || math.Abs(fd-fs) > t.cfg.MaxGap {
		return fmt.Errorf("mean f(data) = %.4g, mean f(samples) = %.4g with the new weights", fd, fs)
	}
	return nil
}

// prune deletes the oldest periodic checkpoints beyond Config.Keep.
func (t *Trainer) prune(dir string) error {
	paths, err := ckpt.Periodic(dir)
	if err != nil {
		return err
	}
	for len(paths) > t.cfg.Keep {
		if err := os.Remove(paths[0]); err != nil {
			return fmt.Errorf("train: pruning checkpoints: %w", err)
		}
		paths = paths[1:]
	}
	return nil
}

// writeSamples draws the chains of the last iteration, at most 100.
func (t *Trainer) writeSamples(dir, name string) error {
	return writeGrid(filepath.Join(dir, name), t.chainX, min(t.cfg.Batch, 100), t.data.Shape)
}

// writeGrid draws n chains of data of shape sh as a PNG grid.
func writeGrid(path string, x []float32, n int, sh datasets.Shape) error {
	if err := datasets.WriteExamplesPNG(path, x, n, sh); err != nil {
		return fmt.Errorf("train: sample grid: %w", err)
	}
	return nil
}
