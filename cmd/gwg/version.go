package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
)

func init() {
	register(command{name: "version", summary: "print the version and build settings (also gwg --version)", run: runVersion})
}

func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", "", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var mod string
	settings := map[string]string{}
	if bi, ok := debug.ReadBuildInfo(); ok {
		mod = bi.Main.Version
		for _, s := range bi.Settings {
			settings[s.Key] = s.Value
		}
	}
	fmt.Fprintf(stdout, "gwg %s %s %s/%s\n", versionString(mod, settings), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

// versionString is the module version, "(devel)" when there is none, and
// the VCS revision, its time and whether the tree was modified, which go
// build stamps into binaries built from a checkout.
func versionString(mod string, settings map[string]string) string {
	if mod == "" {
		mod = "(devel)"
	}
	var vcs []string
	if rev := settings["vcs.revision"]; rev != "" {
		vcs = append(vcs, "revision "+rev[:min(len(rev), 12)])
	}
	if t := settings["vcs.time"]; t != "" {
		vcs = append(vcs, t)
	}
	if settings["vcs.modified"] == "true" {
		vcs = append(vcs, "modified")
	}
	if len(vcs) == 0 {
		return mod
	}
	return mod + " (" + strings.Join(vcs, ", ") + ")"
}
