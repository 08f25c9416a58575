package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestEveryCommandHasHelpAndExample walks the command tree: every command a
// user can run has a short description and an example in its --help.
func TestEveryCommandHasHelpAndExample(t *testing.T) {
	root := NewRoot(context.Background(), Env{})
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.Hidden || sub.Name() == "help" || sub.Name() == "completion" {
				continue
			}
			path := sub.CommandPath()
			if sub.Short == "" {
				t.Errorf("%s: no short description", path)
			}
			if sub.Runnable() && strings.TrimSpace(sub.Example) == "" {
				t.Errorf("%s: --help has no example", path)
			}
			walk(sub)
		}
	}
	walk(root)
}

func TestHelpExitsZero(t *testing.T) {
	code, out, _ := runCLI(t, "", "query", "--help")
	if code != ExitOK || !strings.Contains(out, "Examples:") {
		t.Errorf("query --help: exit %d, output:\n%s", code, out)
	}
}
