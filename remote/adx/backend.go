package adx

import (
	"context"
	"errors"
	"fmt"

	"github.com/huntpack/huntpack/hunt"
)

// Backend runs hunt queries on an ADX database (implements hunt.Backend).
type Backend struct {
	Client *Client
	// Target is "cluster/database", for reports.
	Target string
}

var _ hunt.Backend = (*Backend)(nil)

// Name implements hunt.Backend.
func (b *Backend) Name() string { return "Azure Data Explorer " + b.Target }

// Run implements hunt.Backend.
func (b *Backend) Run(ctx context.Context, q hunt.Query, text string, w hunt.Window) (*hunt.Output, error) {
	res, err := b.Client.Query(ctx, text, w.From, w.To)
	if err != nil {
		return nil, huntError(err)
	}
	out := &hunt.Output{Batch: res.Batch}
	if res.Partial != "" {
		out.Warnings = append(out.Warnings, "partial result: "+res.Partial)
	}
	return out, nil
}

func huntError(err error) error {
	switch {
	case errors.Is(err, ErrAuth), errors.Is(err, ErrForbidden), errors.Is(err, ErrThrottled):
		return fmt.Errorf("%w: %w", hunt.ErrFatal, err)
	case errors.Is(err, ErrQuery):
		return fmt.Errorf("%w: %w", hunt.ErrQuery, err)
	}
	return err
}
