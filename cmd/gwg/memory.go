package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/gwg-go/gwg/datasets"
	"github.com/gwg-go/gwg/nn"
)

// availableMemory returns the bytes this process can still allocate, or
// false when the system does not say; tests replace it.
var availableMemory = systemAvailableMemory

// checkTrainMemory refuses a net whose training cannot fit in the available
// memory, before it is built: an mlp-64x100000 would otherwise grow until
// the kernel kills it minutes later.
func checkTrainMemory(model string, shape datasets.Shape, batch int) error {
	c, err := nn.Parse(model, shape.Sites(), shape.Categories)
	if err != nil {
		return nil // not a net of package nn; the model's own checks apply
	}
	need := c.TrainingBytes(batch)
	avail, ok := availableMemory()
	if !ok || need <= avail {
		return nil
	}
	return fmt.Errorf("--model %s has %s parameters and needs at least %s of memory to train with batch %d; %s are available: choose a smaller model",
		model, grouped(c.NumParams()), gibibytes(need), batch, gibibytes(avail))
}

func gibibytes(n int64) string {
	return strconv.FormatFloat(float64(n)/(1<<30), 'f', 1, 64) + " GiB"
}

// systemAvailableMemory is Linux's MemAvailable, or the room left under the
// cgroup's memory limit when that is smaller.
func systemAvailableMemory() (int64, bool) {
	avail, ok := memAvailable()
	if limit, err := readInt("/sys/fs/cgroup/memory.max"); err == nil {
		if used, err := readInt("/sys/fs/cgroup/memory.current"); err == nil && (!ok || limit-used < avail) {
			avail, ok = limit-used, true
		}
	}
	return avail, ok
}

func memAvailable() (int64, bool) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemAvailable:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}

// readInt reads a file holding one integer ("max" is not one).
func readInt(path string) (int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
}
