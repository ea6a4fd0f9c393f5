package ckpt

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// A run folder holds the periodic checkpoints of a training run, named by
// iteration (PeriodicPath), and the checkpoint of its best validation score
// (BestName).
const (
	// Ext is the file extension of checkpoints.
	Ext = ".gwg"
	// BestName is the file name of the checkpoint with the best validation
	// log-likelihood in a run folder.
	BestName = "best" + Ext
)

// PeriodicPath is the periodic checkpoint of iteration iter in dir.
func PeriodicPath(dir string, iter int) string {
	return filepath.Join(dir, fmt.Sprintf("ckpt-%08d%s", iter, Ext))
}

// Periodic lists the periodic checkpoints in dir, oldest first. A missing
// dir has none.
func Periodic(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ckpt: listing checkpoints: %w", err)
	}
	type numbered struct {
		path string
		iter int
	}
	var found []numbered
	for _, e := range entries {
		num, ok := strings.CutPrefix(e.Name(), "ckpt-")
		num, ok2 := strings.CutSuffix(num, Ext)
		if it, err := strconv.Atoi(num); ok && ok2 && err == nil && it >= 0 && !e.IsDir() {
			found = append(found, numbered{filepath.Join(dir, e.Name()), it})
		}
	}
	slices.SortFunc(found, func(a, b numbered) int { return a.iter - b.iter })
	paths := make([]string, len(found))
	for i, f := range found {
		paths[i] = f.path
	}
	return paths, nil
}

// Latest returns the newest periodic checkpoint in dir, or "" if there is none.
func Latest(dir string) (string, error) {
	paths, err := Periodic(dir)
	if err != nil || len(paths) == 0 {
		return "", err
	}
	return paths[len(paths)-1], nil
}
