package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/gwg"
	"github.com/gwg-go/gwg/internal/buildinfo"
)

// shardFormat names the layout of a shard file; a merge refuses others.
const shardFormat = "gwg-eval-shard/1"

// shardSpec is a parsed --shard I/N with its --shard-out.
type shardSpec struct {
	index, count int
	out          string
}

func parseShard(spec, out, jsonPath string) (shardSpec, error) {
	i, n, ok := strings.Cut(spec, "/")
	index, err1 := strconv.Atoi(i)
	count, err2 := strconv.Atoi(n)
	switch {
	case spec == "":
		return shardSpec{}, usageError("--shard-out needs --shard I/N")
	case !ok || err1 != nil || err2 != nil || count < 1 || index < 0 || index >= count:
		return shardSpec{}, usageError("--shard %q: want I/N with 0 ≤ I < N, e.g. 0/4", spec)
	case out == "":
		return shardSpec{}, usageError("--shard needs --shard-out FILE")
	case jsonPath != "":
		return shardSpec{}, usageError("--json goes to `gwg eval merge`; a shard writes --shard-out")
	}
	if err := checkWritable("shard-out", out); err != nil {
		return shardSpec{}, err
	}
	return shardSpec{index, count, out}, nil
}

// evalShard is the content of a shard file: the settings of the whole run,
// which a merge repeats, the checkpoint's identity, and the shard's blocks.
type evalShard struct {
	Format           string        `json:"format"`
	Checkpoint       string        `json:"checkpoint"`
	CheckpointSHA256 string        `json:"checkpoint_sha256"`
	Model            string        `json:"model"`
	Settings         evalSettings  `json:"settings"`
	Splits           []string      `json:"splits"`
	Dataset          string        `json:"dataset,omitempty"`
	DataFile         ckpt.DataFile `json:"data_file,omitzero"` // --data, read again by the merge
	RBMCheck         bool          `json:"rbm_check"`
	Shard            int           `json:"shard"`
	Count            int           `json:"count"`
	Seconds          float64       `json:"seconds"`
	Build            ckpt.Build    `json:"build"`
	AIS              *gwg.AISPart  `json:"ais"`
}

// runShard runs the job's shard of the AIS blocks and writes the shard file.
func (j *evalJob) runShard(sh shardSpec, stdout io.Writer) error {
	sum, err := fileSHA256(j.file)
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(j.file)
	if err != nil {
		return err
	}
	blocks, err := gwg.AISBlocks(j.aisOptions(""))
	if err != nil {
		return err
	}
	if sh.count > blocks {
		return usageError("--shard %d/%d: the run has only %d blocks of chains (--repeats %d × ⌈--chains %d / --block %d⌉); use at most %d shards or smaller blocks",
			sh.index, sh.count, blocks, j.s.Repeats, j.s.Chains, j.s.Block, blocks)
	}
	t0 := time.Now()
	rng := rand.New(rand.NewPCG(j.s.Seed, 0))
	part, err := gwg.AISShard(j.model, j.base, j.aisOptions(fmt.Sprintf("AIS shard %d/%d", sh.index, sh.count)), rng, sh.index, sh.count)
	if err != nil {
		return err
	}
	out := evalShard{Format: shardFormat, Checkpoint: abs, CheckpointSHA256: sum, Model: evalModelName(j.c),
		Settings: j.s, Splits: j.splits, Dataset: j.dataset, DataFile: j.data, RBMCheck: j.rbmCheck,
		Shard: sh.index, Count: sh.count, Seconds: time.Since(t0).Seconds(), Build: buildinfo.Current(), AIS: part}
	if err := writeEvalJSON(sh.out, out); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "shard %d/%d: blocks %d–%d of %d (%d chains) in %.1f s, written to %s\n",
		sh.index, sh.count, part.Lo, part.Hi-1, part.Blocks, chainsIn(part), out.Seconds, sh.out)
	return err
}

func chainsIn(p *gwg.AISPart) int {
	n := 0
	for _, w := range p.LogW {
		n += len(w)
	}
	return n
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// runEvalMerge joins the shard files of one run into the report the
// unsharded run prints, bit for bit in every estimate.
func runEvalMerge(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("eval merge", "[flags] SHARD...", stderr)
	path := fs.String("checkpoint", "", "the checkpoint the shards were made from (default: the path they record); its checksum must match")
	dataDir := fs.String("data-dir", "", "data directory (default $GWG_DATA_DIR, else the user cache; dynamic_mnist needs none)")
	jsonPath := fs.String("json", "", "also write the report as JSON to this file")
	quiet := fs.Bool("quiet", false, "no progress for the checks after AIS (RAISE, reverse)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError("give the shard files to merge")
	}
	if *jsonPath != "" {
		if err := checkWritable("json", *jsonPath); err != nil {
			return err
		}
	}
	t0 := time.Now()
	shards, err := readShards(fs.Args())
	if err != nil {
		return err
	}
	first := shards[0]
	file := first.Checkpoint
	if *path != "" {
		if file, err = resolveCheckpoint(*path, stderr); err != nil {
			return err
		}
	}
	sum, err := fileSHA256(file)
	if err != nil {
		return fmt.Errorf("the shards' checkpoint: %w (give --checkpoint where it is here)", err)
	}
	if sum != first.CheckpointSHA256 {
		return fmt.Errorf("%s has SHA-256 %.12s…, the shards were made from a checkpoint with %.12s…", file, sum, first.CheckpointSHA256)
	}
	job := &evalJob{s: first.Settings, splits: first.Splits, dataset: first.Dataset, data: first.DataFile, rbmCheck: first.RBMCheck, stderr: stderr, quiet: *quiet}
	if err := job.load(file); err != nil {
		return err
	}
	rep, data, err := job.start(*dataDir)
	if err != nil {
		return err
	}
	parts := make([]*gwg.AISPart, len(shards))
	for i, s := range shards {
		parts[i] = s.AIS
		rep.AISSeconds += s.Seconds
	}
	rng := rand.New(rand.NewPCG(job.s.Seed, 0))
	res, err := gwg.MergeAIS(parts, rng)
	if err != nil {
		return err
	}
	if err := job.finish(rep, data, res, rng); err != nil {
		return err
	}
	rep.Seconds = time.Since(t0).Seconds() + rep.AISSeconds
	return writeEvalReport(rep, *jsonPath, stdout, t0)
}

// readShards reads shard files and checks that they are one run's shards,
// each exactly once.
func readShards(paths []string) ([]*evalShard, error) {
	var shards []*evalShard
	byIndex := map[int]string{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		s := &evalShard{}
		if err := json.Unmarshal(b, s); err != nil || s.Format != shardFormat || s.AIS == nil {
			return nil, fmt.Errorf("%s is not a gwg eval shard file (%s)", p, shardFormatError(s, err))
		}
		if len(shards) > 0 {
			if why := otherRun(shards[0], s); why != "" {
				return nil, fmt.Errorf("%s belongs to another run than %s: %s", p, paths[0], why)
			}
		}
		if q, ok := byIndex[s.Shard]; ok {
			return nil, fmt.Errorf("shard %d/%d given twice: %s and %s", s.Shard, s.Count, q, p)
		}
		byIndex[s.Shard] = p
		shards = append(shards, s)
	}
	var missing []string
	for i := range shards[0].Count {
		if _, ok := byIndex[i]; !ok {
			missing = append(missing, strconv.Itoa(i))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("shards %s of %d missing (have %d of them)", strings.Join(missing, ", "), shards[0].Count, len(shards))
	}
	return shards, nil
}

func shardFormatError(s *evalShard, err error) string {
	switch {
	case err != nil:
		return err.Error()
	case s.Format != shardFormat:
		return fmt.Sprintf("format %q, want %q", s.Format, shardFormat)
	}
	return "no AIS part"
}

// otherRun says how shard b differs from shard a in what makes a run, or "".
func otherRun(a, b *evalShard) string {
	switch {
	case a.CheckpointSHA256 != b.CheckpointSHA256:
		return fmt.Sprintf("checkpoint %.12s… vs %.12s…", b.CheckpointSHA256, a.CheckpointSHA256)
	case a.Settings != b.Settings:
		return fmt.Sprintf("settings %+v vs %+v", b.Settings, a.Settings)
	case a.Count != b.Count:
		return fmt.Sprintf("cut into %d shards vs %d", b.Count, a.Count)
	case !slices.Equal(a.Splits, b.Splits) || a.Dataset != b.Dataset || a.RBMCheck != b.RBMCheck:
		return "different splits, data set or RBM check"
	case !reflect.DeepEqual(a.AIS.Options, b.AIS.Options) || a.AIS.Seed != b.AIS.Seed:
		return "different AIS settings"
	}
	return ""
}
