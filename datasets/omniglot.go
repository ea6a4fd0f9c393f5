package datasets

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"

	"codeberg.org/sbinet/npyio/npz"
	"golang.org/x/image/draw"
)

// Omniglot layout: every character has 20 drawers' images of 105×105.
const (
	omniSide         = 105
	omniPixels       = omniSide * omniSide
	omniDrawers      = 20
	omniTrainDrawers = 15
	omniValid        = 1345
	// Characters of the background and evaluation files.
	omniBackground = 964
	omniEvaluation = 659
)

var omniglotFiles = []string{"images_background.npz", "images_evaluation.npz"}

// omniShrink downscales 105×105 to 28×28 with Catmull-Rom, which, widened
// by the scale factor, averages (antialiases) rather than samples.
var omniShrink = newResampler(draw.CatmullRom, Side, omniSide)

// openOmniglot loads the two .npz files from dir. chars gives the required
// character count of each file (0: any). Images are ordered by character (in
// Omniglot's id order) then drawer. Drawers 1–15 form the training pool,
// which is shuffled with a fixed seed before its last holdout images become
// the validation split, as the reference code does; drawers 16–20 are the test
// split. Training stays gray (dynamic); validation and test are binarised once
// with fixed seeds.
func openOmniglot(dir string, chars [2]int, holdout int) (*Set, error) {
	var pool, test []float32
	for i, name := range omniglotFiles {
		imgs, c, err := readOmniglotNPZ(filepath.Join(dir, name), chars[i])
		if err != nil {
			return nil, err
		}
		for ch := range c {
			at := ch * omniDrawers * Dim
			pool = append(pool, imgs[at:at+omniTrainDrawers*Dim]...)
			test = append(test, imgs[at+omniTrainDrawers*Dim:at+omniDrawers*Dim]...)
		}
	}
	n := len(pool) / Dim
	if holdout >= n {
		return nil, fmt.Errorf("datasets: omniglot: %d training images, cannot hold out %d", n, holdout)
	}
	perm := rand.New(rand.NewPCG(seedOmniglotShuffle, 0)).Perm(n)
	shuffled := make([]float32, len(pool))
	for i, p := range perm {
		copy(shuffled[i*Dim:(i+1)*Dim], pool[p*Dim:(p+1)*Dim])
	}
	return grayscaleSet("omniglot", shuffled, holdout, test, seedOmniglotValid, seedOmniglotTest), nil
}

// readOmniglotNPZ reads one Omniglot .npz file and returns its images
// downscaled to 28×28 with ink = 1, character-major, and the character count.
func readOmniglotNPZ(path string, wantChars int) (images []float32, chars int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("datasets: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, 0, fmt.Errorf("datasets: %w", err)
	}
	images, chars, err = parseOmniglotNPZ(f, st.Size())
	if err == nil && wantChars > 0 && chars != wantChars {
		err = fmt.Errorf("%d characters, want %d", chars, wantChars)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("datasets: reading %s: %w", path, err)
	}
	return images, chars, nil
}

// parseOmniglotNPZ reads an Omniglot .npz: images.npy, bool (C, 20, 105, 105)
// with True = paper, and labels.npy, int64 (C, 20) holding the character's
// index 0..C-1, which confirms the order of the character axis.
func parseOmniglotNPZ(r io.ReaderAt, size int64) (images []float32, chars int, err error) {
	zr, err := npz.NewReader(r, size)
	if err != nil {
		return nil, 0, err
	}
	lr, lshape, err := openNPY(zr, "labels.npy", "<i8")
	if err != nil {
		return nil, 0, err
	}
	defer lr.Close()
	if len(lshape) != 2 || lshape[0] < 1 || lshape[1] != omniDrawers {
		return nil, 0, fmt.Errorf("labels.npy: shape %v, want (C, %d)", lshape, omniDrawers)
	}
	chars = lshape[0]
	if chars > 1<<16 {
		return nil, 0, fmt.Errorf("labels.npy: %d characters, too many", chars)
	}
	labels, err := readExactly(lr, chars*omniDrawers*8, "labels.npy")
	if err != nil {
		return nil, 0, err
	}
	for k := range chars * omniDrawers {
		if v := int64(binary.LittleEndian.Uint64(labels[8*k:])); v != int64(k/omniDrawers) {
			return nil, 0, fmt.Errorf("labels.npy: label[%d, %d] = %d, want %d (characters out of order)", k/omniDrawers, k%omniDrawers, v, k/omniDrawers)
		}
	}

	ir, ishape, err := openNPY(zr, "images.npy", "|b1")
	if err != nil {
		return nil, 0, err
	}
	defer ir.Close()
	if !slices.Equal(ishape, []int{chars, omniDrawers, omniSide, omniSide}) {
		return nil, 0, fmt.Errorf("images.npy: shape %v, want (%d, %d, %d, %d)", ishape, chars, omniDrawers, omniSide, omniSide)
	}
	images = make([]float32, chars*omniDrawers*Dim)
	if err := downscaleOmniglot(ir, images, chars); err != nil {
		return nil, 0, fmt.Errorf("images.npy: %w", err)
	}
	if err := expectEOF(ir, "images.npy"); err != nil {
		return nil, 0, err
	}
	return images, chars, nil
}

// downscaleOmniglot reads chars×20 bool images of 105×105 from r and writes
// them to out, 28×28 each, with ink = 1. Reading (inflating) is sequential;
// the downscaling runs in parallel, one character at a time per worker.
func downscaleOmniglot(r io.Reader, out []float32, chars int) error {
	type job struct {
		ch  int
		raw []byte
	}
	jobs := make(chan job)
	pool := sync.Pool{New: func() any { return make([]byte, omniDrawers*omniPixels) }}
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			ink := make([]byte, omniPixels)
			tmp := make([]float32, omniSide*Side)
			for j := range jobs {
				for d := range omniDrawers {
					// Paper (true) becomes 0 and ink 1. Like NumPy, any
					// nonzero byte is true: these files, made from PIL
					// bitmaps, store true as 0xff.
					for k, v := range j.raw[d*omniPixels : (d+1)*omniPixels] {
						ink[k] = 0
						if v == 0 {
							ink[k] = 1
						}
					}
					i := j.ch*omniDrawers + d
					omniShrink.scaleMask(out[i*Dim:(i+1)*Dim], ink, tmp)
				}
				pool.Put(j.raw)
			}
		})
	}
	var err error
	for ch := range chars {
		raw := pool.Get().([]byte)
		if _, err = io.ReadFull(r, raw); err != nil {
			err = fmt.Errorf("character %d: %w", ch, noEOF(err))
			break
		}
		jobs <- job{ch, raw}
	}
	close(jobs)
	wg.Wait()
	return err
}

// openNPY opens the array key of an .npz and reads its .npy header. It
// returns the reader positioned at the array data and the shape, after
// checking the dtype, that the order is C and that no dimension exceeds
// 1<<20.
func openNPY(zr *npz.Reader, key, dtype string) (_ io.ReadCloser, shape []int, err error) {
	rc, err := zr.Open(key)
	if err != nil {
		return nil, nil, err
	}
	h, err := readNPYHeader(rc)
	if err == nil && (h.dtype != dtype || h.fortran) {
		err = fmt.Errorf("dtype %s, Fortran order %v; want %q in C order", h.dtype, h.fortran, dtype)
	}
	for _, d := range h.shape {
		if err == nil && d > 1<<20 {
			err = fmt.Errorf("bad shape %v", h.shape)
		}
	}
	if err != nil {
		rc.Close()
		return nil, nil, fmt.Errorf("%s: %w", key, err)
	}
	return rc, h.shape, nil
}

// readExactly reads n bytes from r and checks that nothing follows.
func readExactly(r io.Reader, n int, what string) ([]byte, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("%s: data: %w", what, noEOF(err))
	}
	return b, expectEOF(r, what)
}

// expectEOF checks that r is at its end; reading to it also makes archive/zip
// verify the entry's CRC-32.
func expectEOF(r io.Reader, what string) error {
	extra, err := io.Copy(io.Discard, r)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if extra != 0 {
		return fmt.Errorf("%s: %d bytes after the data", what, extra)
	}
	return nil
}
