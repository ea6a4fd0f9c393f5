package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRunExitCodes(t *testing.T) {
	tests := []struct {
		args []string
		code int
		out  string // substring of stdout+stderr
	}{
		{nil, 2, "usage: gwg"},
		{[]string{"help"}, 0, "commands:"},
		{[]string{"no-such-command"}, 2, `unknown command "no-such-command"`},
		{[]string{"version"}, 0, "gwg "},
		{[]string{"version", "-h"}, 0, "usage: gwg version"},
		{[]string{"version", "--bogus"}, 2, "flag provided but not defined"},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		code := run(tt.args, &out, &errb)
		if code != tt.code {
			t.Errorf("run(%q) = %d, want %d (stderr %q)", tt.args, code, tt.code, errb.String())
		}
		if all := out.String() + errb.String(); !strings.Contains(all, tt.out) {
			t.Errorf("run(%q) printed %q, want it to contain %q", tt.args, all, tt.out)
		}
	}
}
