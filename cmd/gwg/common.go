package main

import (
	"fmt"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/train"
)

// loadModel reads the checkpoint file and rebuilds its model. Errors name
// the file.
func loadModel(file string) (*ckpt.Checkpoint, ebm.Model, error) {
	c, err := ckpt.Load(file)
	if err != nil {
		return nil, nil, err
	}
	model, err := train.LoadModel(c)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", file, err)
	}
	return c, model, nil
}
