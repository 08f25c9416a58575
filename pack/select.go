package pack

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/huntpack/huntpack/intel"
	"github.com/huntpack/huntpack/intel/store"
)

// Querier is the part of the intel store the builder reads
// (*store.Store implements it). Get fills a record's sightings, where the
// per-feed provenance (source, source id) lives.
type Querier interface {
	Query(ctx context.Context, f store.Filter) ([]store.Record, error)
	Get(ctx context.Context, k intel.Key, now time.Time) (store.Record, bool, error)
}

// SelectOptions chooses indicators from the store.
type SelectOptions struct {
	// Family matches the malware name, Malpedia id or an alias.
	Family string
	// Since keeps indicators seen within this span before Now (0 = all);
	// SinceText is how the user wrote it ("30d"), recorded in the pack.
	Since     time.Duration
	SinceText string
	// MinConfidence keeps indicators with at least this confidence.
	MinConfidence int
	// Types keeps only these types (intel names or aliases); empty = all.
	Types []string
	// Source keeps indicators with a sighting from this feed.
	Source string
	// Tag keeps indicators carrying this tag (case-insensitive), e.g.
	// URLhaus's "RemcosRAT" on URLs that name no family.
	Tag string
	// Now is the reference time for Since.
	Now time.Time
	// StorePath is the store's path; its base name is recorded in the
	// pack's selection (informational, and no local path leaks into packs).
	StorePath string
}

// ErrBadSelection marks a selection Select cannot run (bad type name).
var ErrBadSelection = errors.New("bad IOC selection")

// Selected is what Select found.
type Selected struct {
	IOCs []IOC
	// Pruned are indicators the warning lists excluded as false positives;
	// Build lists them in Pack.Skipped so nothing disappears silently.
	Pruned    []SkippedIOC
	Selection *Selection
}

// Select reads the indicators matching opts from the store, converted to
// pack IOCs, plus the ones warning-list pruning excluded.
func Select(ctx context.Context, q Querier, opts SelectOptions) (*Selected, error) {
	f, err := filterFor(opts)
	if err != nil {
		return nil, err
	}
	recs, err := q.Query(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("select IOCs: %w", err)
	}
	out := &Selected{Selection: selectionFor(opts, f)}
	for _, r := range recs {
		ioc, err := withProvenance(ctx, q, r, opts)
		if err != nil {
			return nil, err
		}
		out.IOCs = append(out.IOCs, ioc)
	}
	f.IncludeExcluded = true
	all, err := q.Query(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("select pruned IOCs: %w", err)
	}
	for _, r := range all {
		if d, ok := r.Excluded(); ok {
			out.Pruned = append(out.Pruned, SkippedIOC{Type: string(r.Type), Value: r.Value,
				Reason: fmt.Sprintf("excluded by warning list %s: %s", d.List, d.Reason)})
		}
	}
	return out, nil
}

func filterFor(o SelectOptions) (store.Filter, error) {
	f := store.Filter{Family: o.Family, MinConfidence: o.MinConfidence, Source: o.Source, Tag: o.Tag, Now: o.Now}
	if o.Since > 0 {
		f.Since = o.Now.Add(-o.Since)
	}
	for _, t := range o.Types {
		for _, part := range strings.Split(t, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			it, ok := intel.ParseType(part)
			if !ok {
				return f, fmt.Errorf("%w: unknown IOC type %q (known: %s)", ErrBadSelection, part, typeNames())
			}
			f.Types = append(f.Types, it)
		}
	}
	return f, nil
}

func typeNames() string {
	var s []string
	for _, t := range intel.Types {
		s = append(s, string(t))
	}
	return strings.Join(s, ", ")
}

func selectionFor(o SelectOptions, f store.Filter) *Selection {
	s := &Selection{Family: o.Family, Since: o.SinceText, From: f.Since.UTC(), MinConfidence: o.MinConfidence, Tag: o.Tag, Store: filepath.Base(o.StorePath)}
	if f.Since.IsZero() {
		s.From = time.Time{}
	}
	for _, t := range f.Types {
		s.Types = append(s.Types, string(t))
	}
	if o.Source != "" {
		s.Sources = []string{o.Source}
	}
	return s
}

// withProvenance converts r and fills Source and SourceID from its
// sightings: the one from opts.Source if set, else the earliest.
func withProvenance(ctx context.Context, q Querier, r store.Record, opts SelectOptions) (IOC, error) {
	ioc := FromIndicator(r.Indicator)
	full, ok, err := q.Get(ctx, r.Key(), opts.Now)
	if err != nil {
		return ioc, fmt.Errorf("select IOCs: %s: %w", r.Key(), err)
	}
	if !ok || len(full.Sightings) == 0 {
		return ioc, nil
	}
	pick := full.Sightings[0]
	for _, s := range full.Sightings {
		if opts.Source != "" && strings.EqualFold(s.Source, opts.Source) {
			pick = s
			break
		}
	}
	ioc.Source, ioc.SourceID = pick.Source, pick.SourceID
	if ioc.Reference == "" {
		ioc.Reference = pick.Reference
	}
	return ioc, nil
}
