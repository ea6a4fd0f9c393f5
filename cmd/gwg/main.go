// Command gwg samples, trains and evaluates energy-based models on discrete
// data with Gibbs-with-Gradients. Run "gwg help" for the list of commands.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// command is one subcommand. Each lives in its own file and registers itself
// from an init function, so adding a command never touches this file.
type command struct {
	name    string
	summary string
	// run parses args with its own FlagSet and does the work; it returns
	// errUsage (possibly wrapped) for bad invocations.
	run func(args []string, stdout, stderr io.Writer) error
	// subcommands: the first argument names a subcommand, which errors name
	// too ("gwg data show: …").
	subcommands bool
}

var commands = map[string]command{}

func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("gwg: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

// errUsage marks an error as a usage error: exit code 2 instead of 1.
var errUsage = errors.New("usage error")

// usageErr is a usage error whose message is only its cause: the command
// name in front of it says enough.
type usageErr struct{ msg string }

func (e usageErr) Error() string        { return e.msg }
func (e usageErr) Is(target error) bool { return target == errUsage }

// usageError formats a usage error, one that errors.Is(err, errUsage).
func usageError(format string, args ...any) error {
	return usageErr{fmt.Sprintf(format, args...)}
}

// newFlagSet returns a FlagSet that reports parse errors instead of exiting
// and prints its usage to stderr.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("gwg "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: gwg %s %s\n\nflags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning flag errors into one-line usage errors
// that point to -h, and -h into the usage text and a clean exit. The flag
// package would print the whole usage after every error; here only -h does.
func parseFlags(fs *flag.FlagSet, args []string) error {
	usage, out := fs.Usage, fs.Output()
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.Usage = usage
	fs.SetOutput(out)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.Usage()
		return errHelp
	case err != nil:
		return usageError("%v (see %s -h)", err, fs.Name())
	}
	return nil
}

var errHelp = errors.New("help requested")

// packagePrefixes are the prefixes this module's packages put on their
// errors; after "gwg COMMAND: " they only stack up.
var packagePrefixes = []string{"gwg: ", "train: ", "datasets: ", "ckpt: ", "ebm: ", "nn: ", "bench: ", "charts: "}

// cleanMessage strips the package prefixes at the start of an error message.
func cleanMessage(msg string) string {
	for {
		trimmed := msg
		for _, p := range packagePrefixes {
			trimmed = strings.TrimPrefix(trimmed, p)
		}
		if trimmed == msg {
			return msg
		}
		msg = trimmed
	}
}

// errInterrupted ends a command that stopped cleanly on Ctrl-C or SIGTERM
// and has said so: exit status 130, the shell's for SIGINT, so that
// `gwg train && gwg eval` does not go on with half the work.
var errInterrupted = errors.New("interrupted")

// exitInterrupted is the exit status after errInterrupted.
const exitInterrupted = 130

func usage(w io.Writer) {
	fmt.Fprintln(w, "gwg: Gibbs-with-Gradients sampling, training and evaluation of discrete EBMs")
	fmt.Fprintln(w, "\nusage: gwg <command> [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun \"gwg <command> -h\" for the flags of a command.")
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return 0
	case "-version", "--version":
		args = append([]string{"version"}, args[1:]...)
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "gwg: unknown command %q (see gwg help)\n", args[0])
		return 2
	}
	err := c.run(args[1:], stdout, stderr)
	switch {
	case err == nil, errors.Is(err, errHelp):
		return 0
	case errors.Is(err, errInterrupted):
		return exitInterrupted
	}
	name := c.name
	if c.subcommands && len(args) > 1 && !strings.HasPrefix(args[1], "-") && args[1] != "help" {
		name += " " + args[1]
	}
	fmt.Fprintf(stderr, "gwg %s: %s\n", name, cleanMessage(err.Error()))
	if errors.Is(err, errUsage) {
		return 2
	}
	return 1
}
