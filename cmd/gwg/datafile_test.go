package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/datasets/datasetstest"
)

// npyBytes is a .npy file of one-byte codes of the given shape, "(N, D)".
func npyBytes(shape string, data []byte) []byte {
	h := fmt.Sprintf("{'descr': '|u1', 'fortran_order': False, 'shape': %s, }", shape)
	h += strings.Repeat(" ", 63-(10+len(h))%64) + "\n"
	b := append([]byte("\x93NUMPY\x01\x00"), byte(len(h)), byte(len(h)>>8))
	return append(append(b, h...), data...)
}

// writeNPZ writes arrays (name → .npy bytes) as an uncompressed .npz, as
// numpy.savez does.
func writeNPZ(t *testing.T, path string, arrays map[string][]byte) {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for _, name := range []string{"train", "valid", "test"} {
		a, ok := arrays[name]
		if !ok {
			continue
		}
		w, err := z.CreateHeader(&zip.FileHeader{Name: name + ".npy", Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(a)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// grayCodes returns n images of h×w codes in 0..k-1: a ramp across the
// columns shifted by the image's index, so every level occurs.
func grayCodes(n, h, w, k int) []byte {
	out := make([]byte, 0, n*h*w)
	for i := range n {
		for r := range h {
			for c := range w {
				out = append(out, byte((c+r*(i%2)+i)%k))
			}
		}
	}
	return out
}

// gwgRun runs a command line and fails the test unless it exits with code.
func gwgRun(t *testing.T, code int, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if got := run(args, &out, &errb); got != code {
		t.Fatalf("gwg %q: exit %d, want %d\nstdout %s\nstderr %s", args, got, code, out.String(), errb.String())
	}
	return out.String() + errb.String()
}

// TestUserFileEndToEnd: a user's .npz of K = 5 gray levels trains, resumes,
// samples a gray-level grid of its own H × W and evaluates in bits per
// dimension next to its base distribution, all from the CLI; the
// checkpoint records the file, so that eval and resume read the same splits.
func TestUserFileEndToEnd(t *testing.T) {
	const n, nTest, h, w, k = 30, 10, 3, 4, 5
	dir := t.TempDir()
	data := filepath.Join(dir, "codes.npz")
	testCodes := grayCodes(nTest, h, w, k)
	writeNPZ(t, data, map[string][]byte{
		"train": npyBytes(fmt.Sprintf("(%d, %d, %d)", n, h, w), grayCodes(n, h, w, k)),
		"test":  npyBytes(fmt.Sprintf("(%d, %d, %d)", nTest, h, w), testCodes),
	})
	runDir := filepath.Join(dir, "run")
	tiny := []string{"train", "--model", "mlp-8x1", "--steps", "2", "--batch", "10", "--buffer", "20",
		"--log-every", "2", "--sample-every", "2", "--checkpoint-every", "2", "--valid-every", "0",
		"--no-progress", "--out", runDir}
	out := gwgRun(t, 0, append(tiny, "--data", data, "--valid-size", "5", "--split-seed", "3", "--iters", "2")...)
	if !strings.Contains(out, "training mlp-8x1 on codes.npz") {
		t.Errorf("train printed %q", out)
	}
	c, err := ckpt.Load(filepath.Join(runDir, "ckpt-00000002.gwg"))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := fileSHA256(data)
	if err != nil {
		t.Fatal(err)
	}
	if want := (ckpt.DataFile{Path: data, SHA256: sum, Valid: 5, Seed: 3}); c.DataFile != want {
		t.Errorf("checkpoint records %+v, want %+v", c.DataFile, want)
	}
	if want := (ckpt.Shape{Height: h, Width: w, Categories: k}); c.Shape != want || len(c.BaseMean) != h*w*k {
		t.Errorf("checkpoint shape %+v with %d base values, want %+v and %d", c.Shape, len(c.BaseMean), want, h*w*k)
	}

	if out := gwgRun(t, 0, "inspect", runDir); !strings.Contains(out, "data file") || !strings.Contains(out, data+" (SHA-256 "+sum[:12]) {
		t.Errorf("inspect printed %q", out)
	}
	// Resumed without --data, the run reads its own file; with it, the same
	// bytes under another name are fine, other bytes or splits are not.
	out = gwgRun(t, 0, "train", "--out", runDir, "--iters", "4", "--no-progress")
	if !strings.Contains(out, "at iteration 2 of 4") {
		t.Errorf("resume printed %q", out)
	}
	moved := filepath.Join(dir, "moved.npz")
	raw, _ := os.ReadFile(data)
	os.WriteFile(moved, raw, 0o644)
	other := filepath.Join(dir, "other.npz")
	writeNPZ(t, other, map[string][]byte{"train": npyBytes("(30, 3, 4)", grayCodes(30, 3, 4, 4))})
	out = gwgRun(t, 0, "train", "--out", runDir, "--data", moved, "--iters", "6", "--no-progress")
	if !strings.Contains(out, "at iteration 4 of 6") {
		t.Errorf("resume from the moved file printed %q", out)
	}
	checkRuns(t, []runCase{
		{[]string{"train", "--out", runDir, "--data", other, "--iters", "8"}, 2, "and " + other + " is another file"},
		{[]string{"train", "--out", runDir, "--data", moved, "--split-seed", "4", "--iters", "8"}, 2, "other --split-seed"},
		{[]string{"train", "--out", runDir, "--dataset", "caltech", "--iters", "8"}, 2, "other --dataset"},
	})

	// Samples: a gray-level grid of 6 images of 3×4 (3 across, 2 down) and
	// one byte per site.
	png, npy := filepath.Join(dir, "s.png"), filepath.Join(dir, "s.npy")
	gwgRun(t, 0, "sample", "--checkpoint", runDir, "--chains", "6", "--steps", "2", "--out", png, "--raw", npy)
	img := datasetstest.ReadPNG(t, png)
	if b := img.Bounds(); b.Dx() != 3*(w+1)+1 || b.Dy() != 2*(h+1)+1 {
		t.Errorf("grid is %v", b)
	}
	gray := false
	for y := 1; y <= h; y++ {
		for x := 1; x <= w; x++ {
			if v := color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y; v != 0 && v != 255 {
				gray = true
			}
		}
	}
	if !gray {
		t.Error("the first sample has no gray level between black and white")
	}
	rawOut, err := os.ReadFile(npy)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(rawOut[:128], []byte("(6, 12)")) || len(rawOut) < 6*h*w {
		t.Fatalf("raw samples: %d bytes, header %q", len(rawOut), rawOut[:min(len(rawOut), 80)])
	}
	for _, b := range rawOut[len(rawOut)-6*h*w:] {
		if b >= k {
			t.Fatalf("raw sample holds code %d, want < %d", b, k)
		}
	}

	// Evaluation: the recorded file (where the run last found it) and
	// splits (5 valid examples, as trained), bits per dimension, and the base distribution's exact
	// log-likelihood, checked here by hand.
	js := filepath.Join(dir, "e.json")
	out = gwgRun(t, 0, "eval", "--checkpoint", runDir, "--temperatures", "20", "--chains", "10", "--repeats", "2", "--quiet", "--json", js)
	for _, want := range []string{"split (moved.npz)", "bits/dim", "base bits/dim", "\ndata ", moved} {
		if !strings.Contains(out, want) {
			t.Errorf("eval printed %q, want %q in it", out, want)
		}
	}
	rep := readEvalJSON(t, js)
	if rep.Dims != h*w || rep.Categories != k || rep.DataFile != moved || len(rep.Splits) != 2 || rep.Splits[0].N != 5 || rep.Splits[1].N != nTest {
		t.Fatalf("report: dims %d, K %d, file %q, splits %+v", rep.Dims, rep.Categories, rep.DataFile, rep.Splits)
	}
	c, err = ckpt.Load(filepath.Join(runDir, "ckpt-00000006.gwg"))
	if err != nil {
		t.Fatal(err)
	}
	var baseLL float64
	for i, code := range testCodes {
		baseLL += math.Log(float64(c.BaseMean[i%(h*w)*k+int(code)]))
	}
	baseLL /= nTest
	te := rep.Splits[1]
	if te.BaseLogLikelihood == nil || math.Abs(*te.BaseLogLikelihood-baseLL) > 1e-4 {
		t.Errorf("base log-likelihood %v, want %.6f", te.BaseLogLikelihood, baseLL)
	}
	if d := te.BitsPerDim + te.LogLikelihood/(h*w*math.Ln2); math.Abs(d) > 1e-9 || te.BitsPerDimStdErr <= 0 {
		t.Errorf("bits/dim %v ± %v for log-likelihood %v", te.BitsPerDim, te.BitsPerDimStdErr, te.LogLikelihood)
	}
	if d := *te.BaseBitsPerDim + baseLL/(h*w*math.Ln2); math.Abs(d) > 1e-5 {
		t.Errorf("base bits/dim %v for %v", *te.BaseBitsPerDim, baseLL)
	}
	// The same bytes elsewhere give the same splits (the reading options
	// are the checkpoint's) and the same numbers.
	rep2 := runEvalJSON(t, "--checkpoint", runDir, "--data", data, "--temperatures", "20", "--chains", "10", "--repeats", "2")
	if rep2.Splits[0].N != 5 || rep2.Splits[1].LogLikelihood != te.LogLikelihood {
		t.Errorf("eval of the moved file: %+v, want %+v", rep2.Splits, rep.Splits)
	}
	// A sharded evaluation on --data: the merge reads that file again.
	shard, merged := filepath.Join(dir, "s0.json"), filepath.Join(dir, "m.json")
	gwgRun(t, 0, "eval", "--checkpoint", runDir, "--data", data, "--temperatures", "20", "--chains", "10", "--repeats", "2", "--quiet", "--shard", "0/1", "--shard-out", shard)
	gwgRun(t, 0, "eval", "merge", "--quiet", "--json", merged, shard)
	if rep3 := readEvalJSON(t, merged); rep3.DataFile != data || rep3.Splits[1].LogLikelihood != te.LogLikelihood {
		t.Errorf("merged shard: file %q, splits %+v; want %q, %+v", rep3.DataFile, rep3.Splits, data, rep.Splits)
	}
	// A changed file is refused rather than read with other splits.
	writeNPZ(t, moved, map[string][]byte{"train": npyBytes("(30, 3, 4)", grayCodes(30, 3, 4, 4))})
	checkRuns(t, []runCase{
		{[]string{"eval", "--checkpoint", runDir, "--temperatures", "20", "--quiet"}, 1, "which has changed since"},
		{[]string{"train", "--out", runDir, "--iters", "8"}, 1, "which has changed since"},
	})
}

// TestBinaryUserFile: a file of two categories trains on the binary path
// (one value per site, a Bernoulli base) and evaluates beside its base.
func TestBinaryUserFile(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "bits.npy")
	writeNPY(t, data, "(40, 6)", grayCodes(40, 1, 6, 2))
	runDir := filepath.Join(dir, "run")
	gwgRun(t, 0, "train", "--data", data, "--model", "mlp-8x1", "--steps", "2", "--batch", "10", "--buffer", "20",
		"--iters", "2", "--log-every", "2", "--sample-every", "0", "--valid-every", "0", "--no-progress", "--out", runDir)
	c, err := ckpt.Load(filepath.Join(runDir, "ckpt-00000002.gwg"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.BaseMean) != 6 || c.Shape.Categories != 2 || c.Train.Buffer.Width != 6 || !c.Train.Codes.IsZero() {
		t.Errorf("binary file: %d base values, shape %+v, buffer %d bits wide, codes %v", len(c.BaseMean), c.Shape, c.Train.Buffer.Width, !c.Train.Codes.IsZero())
	}
	rep := runEvalJSON(t, "--checkpoint", runDir, "--temperatures", "20", "--chains", "10", "--repeats", "2")
	if len(rep.Splits) != 2 || !(rep.Splits[0].BitsPerDim > 0) || rep.Splits[0].BaseLogLikelihood == nil {
		t.Errorf("binary report splits %+v", rep.Splits)
	}
}

// TestBadUserFiles: whatever is wrong with a user's file is said in one
// line; data problems exit 1, misused flags 2.
func TestBadUserFiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.npy")
	writeNPY(t, good, "(20, 2, 3)", grayCodes(20, 2, 3, 5))
	nan := filepath.Join(dir, "nan.npy")
	b := npyBytes("(2, 2)", nil)
	b = bytes.Replace(b, []byte("|u1"), []byte("<f4"), 1)
	for _, v := range []float32{0, 1, float32(math.NaN()), 2} {
		u := math.Float32bits(v)
		b = append(b, byte(u), byte(u>>8), byte(u>>16), byte(u>>24))
	}
	os.WriteFile(nan, b, 0o644)
	short := filepath.Join(dir, "short.npy")
	os.WriteFile(short, npyBytes("(20, 6)", make([]byte, 50)), 0o644)
	notZip := filepath.Join(dir, "bad.npz")
	os.WriteFile(notZip, []byte("not a zip file"), 0o644)
	csv := filepath.Join(dir, "codes.csv")
	os.WriteFile(csv, []byte("1,2\n"), 0o644)
	run := filepath.Join(dir, "run")
	train := func(args ...string) []string {
		return append([]string{"train", "--model", "mlp-8x1", "--iters", "1", "--out", run, "--no-progress"}, args...)
	}
	checkRuns(t, []runCase{
		{train("--data", filepath.Join(dir, "missing.npz")), 1, "missing.npz: no such file"},
		{train("--data", dir), 1, "is a directory"},
		{train("--data", nan), 1, "value NaN is not an integer code"},
		{train("--data", short), 1, "want"},
		{train("--data", notZip), 1, "bad.npz"},
		{train("--data", csv), 1, `extension ".csv"`},
		{train("--data", good, "--categories", "4"), 1, "code 4 is out of range for 4 categories"},
		{train("--data", good, "--categories", "1"), 1, "1 categories"},
		{train("--data", good, "--valid-size", "1.5"), 1, "split size 1.5"},
		{train("--data", good, "--dataset", "caltech"), 2, "give --dataset or --data, not both"},
		{train("--split-seed", "2"), 2, "--split-seed applies only with --data"},
		{[]string{"eval", "--checkpoint", good, "--categories", "3"}, 2, "--categories applies only with --data"},
	})
	if _, err := os.Stat(run); err == nil {
		entries, _ := os.ReadDir(run)
		if len(entries) > 1 { // the lock file at most
			t.Errorf("a refused run left %d files in its folder", len(entries))
		}
	}
}

// TestFreyFacesEndToEnd trains, samples and evaluates a small one-hot net
// on the real Frey Faces (560 sites of 256 levels) from the CLI.
func TestFreyFacesEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("a categorical run on the real data set")
	}
	data := datasetstest.DataDir(t)
	dir := t.TempDir()
	runDir := filepath.Join(dir, "run")
	gwgRun(t, 0, "train", "--dataset", "freyfaces", "--data-dir", data, "--model", "mlp-8x1", "--steps", "2", "--batch", "10",
		"--buffer", "20", "--iters", "2", "--log-every", "1", "--sample-every", "0", "--valid-every", "0", "--no-progress", "--out", runDir)
	png := filepath.Join(dir, "s.png")
	gwgRun(t, 0, "sample", "--checkpoint", runDir, "--chains", "4", "--steps", "2", "--out", png)
	// 4 faces of 28 rows × 20 columns: 2 across, 2 down.
	if b := datasetstest.ReadPNG(t, png).Bounds(); b.Dx() != 2*21+1 || b.Dy() != 2*29+1 {
		t.Errorf("grid is %v", b)
	}
	rep := runEvalJSON(t, "--checkpoint", runDir, "--data-dir", data, "--splits", "test", "--temperatures", "3", "--chains", "4", "--repeats", "2")
	te := rep.Splits[0]
	// Two iterations leave the model at its base: the test split's
	// independent-pixel log-likelihood, about 6.21 bits/dim.
	if rep.Dims != 560 || rep.Categories != 256 || te.N != 200 || te.BaseBitsPerDim == nil ||
		math.Abs(*te.BaseBitsPerDim-6.21) > 0.01 || math.Abs(te.BitsPerDim-*te.BaseBitsPerDim) > 0.05 {
		t.Errorf("report: dims %d, K %d, test %+v", rep.Dims, rep.Categories, te)
	}
}
