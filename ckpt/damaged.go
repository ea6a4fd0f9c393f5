package ckpt

import "errors"

// Damaged reports whether err, from Load or Decode, says that a file's bytes
// are bad (corrupt, truncated, not a checkpoint, inconsistent), as opposed
// to a file that cannot be read or was written by a newer version: an older
// checkpoint may stand in for a damaged one, not for those.
func Damaged(err error) bool {
	for _, e := range []error{ErrCorrupt, ErrTruncated, ErrNotCheckpoint, ErrInvalid} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
