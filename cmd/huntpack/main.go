// Command huntpack turns threat intel into hunt packs and runs them over
// local log files or remote Sentinel / Azure Data Explorer workspaces.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/huntpack/huntpack/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Run(ctx, os.Args[1:], cli.Env{
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		Getenv: os.Getenv,

		StderrIsTerminal: isTerminal(os.Stderr),
	})
	stop()
	os.Exit(code)
}

// isTerminal reports whether f is a character device (a terminal), which
// turns on the progress bar.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
