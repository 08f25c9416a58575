package render

import (
	"fmt"
	"sort"

	"github.com/huntpack/huntpack/pack"
)

// Output is one rendered file; Path is relative (e.g.
// "sentinel/hunting/ip-commonsecuritylog.yaml").
type Output struct {
	Path string
	Data []byte
}

// Format is one export format.
type Format struct {
	Name string
	Doc  string
	Fn   func(p *pack.Pack) ([]Output, error)
}

var formats = map[string]Format{}

func register(f Format) { formats[f.Name] = f }

func init() {
	register(Format{Name: "readme", Doc: "README.md in the seed pack's layout", Fn: func(p *pack.Pack) ([]Output, error) {
		return []Output{{Path: pack.ReadmeFile, Data: README(p)}}, nil
	}})
}

// FormatNames lists the format names, sorted.
func FormatNames() []string {
	out := make([]string, 0, len(formats))
	for n := range formats {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// LookupFormat returns the format called name.
func LookupFormat(name string) (Format, bool) {
	f, ok := formats[name]
	return f, ok
}

// Render renders p in the named format.
func Render(p *pack.Pack, name string) ([]Output, error) {
	f, ok := formats[name]
	if !ok {
		return nil, fmt.Errorf("unknown format %q (known: %v)", name, FormatNames())
	}
	out, err := f.Fn(p)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return out, nil
}
