//go:build unix

package train

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockRunDir takes the folder's lock, which a run holds while it writes
// there, so that two runs never interleave their files and a starting run
// knows that temporary files it finds are stale. The kernel drops the lock
// of a killed process.
func lockRunDir(dir string) (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(dir, lockName), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("train: %s is in use by another running gwg train", dir)
		}
		return nil, fmt.Errorf("train: locking %s: %w", dir, err)
	}
	return func() { f.Close() }, nil
}
