package train

import (
	"fmt"
	"os"
	"strings"

	"github.com/gwg-go/gwg/ckpt"
)

// ResumePoint is where a run folder's training continues: its newest
// checkpoint that validates.
type ResumePoint struct {
	Snapshot *Snapshot
	Path     string
	// Build is the numeric build that wrote the checkpoint; nil for files
	// from before builds were recorded.
	Build *ckpt.Build
	// Skipped are the newer checkpoints that did not validate, newest first,
	// each moved aside for inspection.
	Skipped []Skipped
}

// Skipped is a damaged checkpoint that a resume passed over.
type Skipped struct {
	Path   string // where it was
	KeptAs string // where it is now
	Err    error  // why it was skipped
}

func (s Skipped) String() string {
	why := strings.TrimPrefix(s.Err.Error(), "ckpt: "+s.Path+": ") // the path is said once
	return fmt.Sprintf("skipped %s (%s); kept as %s", s.Path, why, s.KeptAs)
}

// BadSuffix is appended to the name of a damaged checkpoint that a resume
// skipped, which takes it out of the run's checkpoints but keeps it.
const BadSuffix = ".bad"

// ResumeFrom finds the newest checkpoint of the run in dir that loads and
// validates. Checkpoints that are corrupt, truncated or inconsistent (a
// crash, a full disk, a flipped bit) are renamed with BadSuffix and passed
// over; any other error — an unreadable file, a checkpoint of a newer gwg —
// stops the search, since an older checkpoint would silently lose work. It
// returns nil when dir holds no usable checkpoint and skipped none.
func ResumeFrom(dir string) (*ResumePoint, error) {
	paths, err := ckpt.Periodic(dir)
	if err != nil {
		return nil, err
	}
	var skipped []Skipped
	for i := len(paths) - 1; i >= 0; i-- {
		s, build, err := loadSnapshot(paths[i])
		if err == nil {
			return &ResumePoint{Snapshot: s, Path: paths[i], Build: build, Skipped: skipped}, nil
		}
		if !ckpt.Damaged(err) {
			return nil, err
		}
		kept, rerr := moveAside(paths[i])
		if rerr != nil {
			return nil, fmt.Errorf("%w; moving it aside: %v", err, rerr)
		}
		skipped = append(skipped, Skipped{Path: paths[i], KeptAs: kept, Err: err})
	}
	if len(skipped) > 0 {
		return nil, fmt.Errorf("train: no checkpoint in %s validates (%d damaged, moved aside as *%s); start anew in another folder or restore one", dir, len(skipped), BadSuffix)
	}
	return nil, nil
}

func loadSnapshot(path string) (*Snapshot, *ckpt.Build, error) {
	c, err := ckpt.Load(path)
	if err != nil {
		return nil, nil, err
	}
	s, err := FromCheckpoint(c)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, c.Build, nil
}

// moveAside renames path to path.bad (path.bad2, … if taken).
func moveAside(path string) (string, error) {
	for n := 1; ; n++ {
		to := path + BadSuffix
		if n > 1 {
			to = fmt.Sprintf("%s%d", to, n)
		}
		if _, err := os.Lstat(to); err == nil {
			continue
		}
		return to, os.Rename(path, to)
	}
}
