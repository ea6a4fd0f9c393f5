package train

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gwg-go/gwg/ckpt"
)

// lockName is the file a running trainer holds locked in its folder.
const lockName = ".lock"

// tempPatterns are the names of the files a run writes through temporary
// files (internal/atomicfile: ".NAME.RANDOM.tmp"), as filepath.Match
// patterns of NAME.
var tempPatterns = []string{"ckpt-*" + ckpt.Ext, ckpt.BestName, "samples-*.png", "curves-*.png", "ema-samples.png"}

// removeStaleTemps deletes the temporary files a killed run left in dir
// (kill -9 during a write), and returns how many and their bytes. Only
// names the run's own writers make qualify; the caller holds the folder's
// lock, so no live writer of the run owns them.
func removeStaleTemps(dir string) (n int, bytes int64, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, 0, fmt.Errorf("train: %w", err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || !isRunTemp(e.Name()) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // gone meanwhile
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
			return n, bytes, fmt.Errorf("train: removing a stale temporary file: %w", err)
		}
		n++
		bytes += info.Size()
	}
	return n, bytes, nil
}

// isRunTemp reports whether name is a temporary file of one of the run's
// own outputs: "." + NAME + "." + random digits + ".tmp".
func isRunTemp(name string) bool {
	rest, ok := strings.CutPrefix(name, ".")
	if !ok {
		return false
	}
	rest, ok = strings.CutSuffix(rest, ".tmp")
	i := strings.LastIndexByte(rest, '.')
	if !ok || i < 0 || i == len(rest)-1 || strings.Trim(rest[i+1:], "0123456789") != "" {
		return false
	}
	for _, p := range tempPatterns {
		if m, _ := filepath.Match(p, rest[:i]); m {
			return true
		}
	}
	return false
}
