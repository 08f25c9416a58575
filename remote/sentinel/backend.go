package sentinel

import (
	"context"
	"errors"
	"fmt"

	"github.com/huntpack/huntpack/hunt"
)

// Backend runs hunt queries on a workspace (implements hunt.Backend).
type Backend struct {
	Client    *Client
	Workspace string
}

var _ hunt.Backend = (*Backend)(nil)

// Name implements hunt.Backend.
func (b *Backend) Name() string { return "Sentinel / Log Analytics workspace " + b.Workspace }

// Run implements hunt.Backend: the primary (first) result table is the
// hits; a partial result becomes a warning.
func (b *Backend) Run(ctx context.Context, q hunt.Query, text string, w hunt.Window) (*hunt.Output, error) {
	res, err := b.Client.Query(ctx, text, w.From, w.To)
	if err != nil {
		return nil, huntError(err)
	}
	if len(res.Tables) == 0 {
		return nil, fmt.Errorf("%w: the service returned no table", ErrService)
	}
	out := &hunt.Output{Batch: res.Tables[0].Batch}
	if res.Partial != "" {
		out.Warnings = append(out.Warnings, "partial result: "+res.Partial)
	}
	return out, nil
}

// huntError tags err for the runner: credentials, access and throttling
// stop the run (hunt.ErrFatal); a rejected query is bad input.
func huntError(err error) error {
	switch {
	case errors.Is(err, ErrAuth), errors.Is(err, ErrForbidden), errors.Is(err, ErrThrottled):
		return fmt.Errorf("%w: %w", hunt.ErrFatal, err)
	case errors.Is(err, ErrQuery):
		return fmt.Errorf("%w: %w", hunt.ErrQuery, err)
	}
	return err
}
