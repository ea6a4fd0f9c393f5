package main

import (
	"bytes"
	"strings"
	"testing"
)

// runCase is a command line and what run must make of it.
type runCase struct {
	args []string
	code int    // exit code
	out  string // substring of stdout+stderr
}

// checkRuns runs every case and checks its exit code and output, and that a
// failure (exit 1) is explained in one line.
func checkRuns(t *testing.T, cases []runCase) {
	t.Helper()
	for _, tt := range cases {
		var out, errb bytes.Buffer
		code := run(tt.args, &out, &errb)
		if code != tt.code {
			t.Errorf("run(%q) = %d, want %d (stderr %q)", tt.args, code, tt.code, errb.String())
		}
		if all := out.String() + errb.String(); !strings.Contains(all, tt.out) {
			t.Errorf("run(%q) printed %q, want it to contain %q", tt.args, all, tt.out)
		}
		if tt.code == 1 && strings.Count(strings.TrimSpace(errb.String()), "\n") != 0 {
			t.Errorf("run(%q): failure message is not one line: %q", tt.args, errb.String())
		}
	}
}

func TestRunExitCodes(t *testing.T) {
	checkRuns(t, []runCase{
		{nil, 2, "usage: gwg"},
		{[]string{"help"}, 0, "commands:"},
		{[]string{"no-such-command"}, 2, `unknown command "no-such-command"`},
		{[]string{"version"}, 0, "gwg "},
		{[]string{"version", "-h"}, 0, "usage: gwg version"},
		{[]string{"version", "--bogus"}, 2, "flag provided but not defined"},
	})
}
