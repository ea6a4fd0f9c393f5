package datasetstest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMissingDataDir runs TestHelperDataDir in a child process with the data
// directory unset: it must skip normally and fail when CI=true.
func TestMissingDataDir(t *testing.T) {
	if os.Getenv("GWG_HELPER") == "1" {
		t.Skip("helper process")
	}
	for _, tc := range []struct {
		ci, dir string
		fail    bool
		want    string
	}{
		{"", "", false, "SKIP"},
		{"false", t.TempDir() + "/absent", false, "is not a directory"},
		{"true", "", true, "in CI the real-data tests must run"},
		{"true", t.TempDir(), false, "PASS"},
		{"true", "datasets", false, "PASS"}, // relative to the module root, not to this folder
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperDataDir$", "-test.v")
		cmd.Env = append(os.Environ(), "GWG_HELPER=1", "CI="+tc.ci, "GWG_DATA_DIR="+tc.dir)
		out, err := cmd.CombinedOutput()
		if failed := err != nil; failed != tc.fail || !strings.Contains(string(out), tc.want) {
			t.Errorf("CI=%q GWG_DATA_DIR=%q: failed %v, output:\n%s\nwant failed %v and %q", tc.ci, tc.dir, failed, out, tc.fail, tc.want)
		}
	}
}

func TestHelperDataDir(t *testing.T) {
	if os.Getenv("GWG_HELPER") != "1" {
		t.Skip("run by TestMissingDataDir")
	}
	DataDir(t)
}
