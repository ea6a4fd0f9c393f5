package datasets

import (
	"math"
	"path/filepath"
	"strings"
	"testing"
)

func TestGridErrors(t *testing.T) {
	nan := testImages(1)
	nan[5] = float32(math.NaN())
	for _, tc := range []struct {
		images        []float32
		n, rows, cols int
		want          string
	}{
		{testImages(1), 0, Side, Side, "must be positive"},
		{testImages(1), 2, Side, Side, "needs 1568 values"},
		{nan, 1, Side, Side, "NaN"},
	} {
		if _, err := GridImage(tc.images, tc.n, tc.rows, tc.cols); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want %q", err, tc.want)
		}
	}
	if err := WriteGridPNG(filepath.Join(t.TempDir(), "no", "such", "dir.png"), testImages(1), 1, Side, Side); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}
