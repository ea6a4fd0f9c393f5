package main

import (
	"fmt"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/ebm"
	_ "github.com/gwg-go/gwg/ebm/deep" // deep models load from checkpoints and train by name
)

// loadModel reads the checkpoint file and rebuilds its model with its EMA
// weights. Errors name the file.
func loadModel(file string) (*ckpt.Checkpoint, ebm.Model, error) {
	c, err := ckpt.Load(file)
	if err != nil {
		return nil, nil, err
	}
	model, err := ebm.Load(c, true)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", file, err)
	}
	return c, model, nil
}
