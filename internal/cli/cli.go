// Package cli implements huntpack's subcommands. Each subcommand turns its
// flags into an options struct and calls one library function; this package
// owns exit codes and nothing else of substance.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/spf13/cobra"
)

// Exit codes, documented in --help and the README.
const (
	ExitOK       = 0 // ran
	ExitFindings = 1 // ran and found hits with --fail-on-findings (or check found errors)
	ExitBadInput = 2 // bad input or usage
	ExitBackend  = 3 // backend failure
)

// Env is what the CLI gets from the process: streams, environment and clock.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads an environment variable; nil means none are set.
	Getenv func(string) string
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// StderrIsTerminal enables progress bars.
	StderrIsTerminal bool
}

func (e Env) getenv(k string) string {
	if e.Getenv == nil {
		return ""
	}
	return e.Getenv(k)
}

func (e Env) now() time.Time {
	if e.Now == nil {
		return time.Now()
	}
	return e.Now()
}

// ExitError carries an exit code through cobra. Its message, if any, has
// already been printed when Msg is empty.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// exitf returns an ExitError with a formatted message.
func exitf(code int, format string, args ...any) error {
	return &ExitError{Code: code, Err: fmt.Errorf(format, args...)}
}

// withCode wraps err (which is printed as is) with an exit code.
func withCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &ExitError{Code: code, Err: err}
}

// registry of subcommand constructors; each file of this package adds its
// commands in an init function, so subcommands can be built independently.
type commandFactory struct {
	order int
	make  func(ctx context.Context, env Env) *cobra.Command
}

var factories []commandFactory

func register(order int, f func(ctx context.Context, env Env) *cobra.Command) {
	factories = append(factories, commandFactory{order, f})
}

// NewRoot builds the root command with every registered subcommand.
func NewRoot(ctx context.Context, env Env) *cobra.Command {
	root := &cobra.Command{
		Use:   "huntpack",
		Short: "Turn threat intel into hunt packs and run them over your logs",
		Long: `huntpack turns IOC feeds (ThreatFox, URLhaus, Feodo, MISP, STIX 2.1, plain lists)
into hunt packs: a hypothesis, a defanged IOC table, KQL queries per Sentinel/Defender
table and false-positive exclusions. It runs them locally with an embedded KQL engine
over exported or raw log files, or remotely on Sentinel / Log Analytics or Azure Data
Explorer.

Exit codes:
  0  ran
  1  ran and found hits with --fail-on-findings (check: a file has errors)
  2  bad input or usage
  3  backend failure`,
		Example:       "  huntpack hunt examples/remcos\n  huntpack query --logs ./logs 'CommonSecurityLog | take 10'",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	fs := append([]commandFactory(nil), factories...)
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].order < fs[j].order })
	for _, f := range fs {
		root.AddCommand(f.make(ctx, env))
	}
	return root
}

// Run executes huntpack with args and returns the process exit code.
func Run(ctx context.Context, args []string, env Env) int {
	root := NewRoot(ctx, env)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if ee.Err != nil && ee.Err.Error() != "" {
			fmt.Fprintf(env.Stderr, "huntpack: %v\n", ee.Err)
		}
		return ee.Code
	}
	// cobra's own errors: unknown command or flag, bad arguments.
	fmt.Fprintf(env.Stderr, "huntpack: %v\n", err)
	return ExitBadInput
}
