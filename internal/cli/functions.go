package cli

import (
	"context"

	"github.com/huntpack/huntpack/kql/funcs"
	"github.com/spf13/cobra"
)

func init() { register(90, newFunctionsCmd) }

func newFunctionsCmd(_ context.Context, env Env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "functions [flags] [FILTER]",
		Short: "List the KQL functions the local engine supports",
		Long: `functions lists every scalar and aggregate KQL function of huntpack's embedded
engine with its signature, a one-line description and a link to Microsoft's
documentation page. FILTER keeps functions whose name or alias contains it.

Formats: table (aligned text, the default), json (an array of objects with name,
kind, aliases, signature, doc and url) and md (a Markdown table).`,
		Example: `  huntpack functions
  huntpack functions ipv4
  huntpack functions --format md > docs/functions.md
  huntpack functions --format json make_`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !validFormat(format, "table", "json", "md") {
				return exitf(ExitBadInput, "--format must be table, json or md, not %q", format)
			}
			filter := ""
			if len(args) == 1 {
				filter = args[0]
			}
			entries := funcs.Builtins().Entries(filter)
			if err := funcs.WriteEntries(env.Stdout, entries, format); err != nil {
				return withCode(ExitBackend, err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "output format: table, json or md")
	return cmd
}
