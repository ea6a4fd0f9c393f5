// Package atomicfile writes files so that a reader sees either the old file
// or the complete new one, never a partial write, even across a crash.
//
// The data go to a hidden temporary file in the destination's folder (so the
// final rename stays within one file system), which is made an ordinary
// 0644 file, synced to disk and renamed over the destination; the folder is
// then synced so that the rename itself is durable. On any error the
// temporary file is removed and a file already at the destination is left
// as it was.
package atomicfile
