//go:build !unix

package train

import "errors"

// lockRunDir cannot lock on this system: the run does not clean temporary
// files, since a live run might own them.
func lockRunDir(dir string) (unlock func(), err error) {
	return nil, errors.ErrUnsupported
}
