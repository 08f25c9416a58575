// Package schema embeds the column schemas of the Sentinel, Defender XDR and
// ASIM tables huntpack knows (CommonSecurityLog, DnsEvents, Syslog, the
// Device* tables, UrlClickEvents, ASimNetworkSessionLogs,
// ASimDnsActivityLogs) and the CEF
// extension-key to CommonSecurityLog column map. The data files under
// data/ are copies of the project's research schemas; data/README.md names
// their sources.
package schema

import (
	"embed"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/huntpack/huntpack/kql/types"
)

//go:embed data/*.tsv
var files embed.FS

// FlavourDefenderXDR selects the Defender XDR advanced-hunting variant of a
// table (Timestamp instead of TimeGenerated, AdditionalFields as string).
const FlavourDefenderXDR = "defenderxdr"

const cefMapFile = "cef-key-to-CommonSecurityLog.tsv"

type catalog struct {
	tables  map[string]types.Schema // key: "Name" or "Name.flavour"
	names   []string
	cef     map[string]string
	loadErr error
}

var (
	once sync.Once
	cat  catalog
)

func load() *catalog {
	once.Do(func() { cat = parseAll() })
	if cat.loadErr != nil {
		// The files are embedded and tested; a failure is a build defect.
		panic(cat.loadErr)
	}
	return &cat
}

func parseAll() catalog {
	c := catalog{tables: map[string]types.Schema{}}
	ents, err := files.ReadDir("data")
	if err != nil {
		return catalog{loadErr: err}
	}
	for _, e := range ents {
		name := e.Name()
		b, err := files.ReadFile("data/" + name)
		if err != nil {
			return catalog{loadErr: err}
		}
		if name == cefMapFile {
			if c.cef, err = parseCEFMap(string(b)); err != nil {
				return catalog{loadErr: fmt.Errorf("schema %s: %w", name, err)}
			}
			continue
		}
		key := strings.TrimSuffix(name, ".tsv")
		s, err := ParseTSV(string(b))
		if err != nil {
			return catalog{loadErr: fmt.Errorf("schema %s: %w", name, err)}
		}
		c.tables[key] = s
		if !strings.Contains(key, ".") {
			c.names = append(c.names, key)
		}
	}
	sort.Strings(c.names)
	return c
}

// ParseTSV parses a schema file: one `column<TAB>type` line per column.
// Blank lines are ignored; an unknown type is an error naming the line.
func ParseTSV(text string) (types.Schema, error) {
	var s types.Schema
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		name, typ, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("line %d: want column<TAB>type, got %q", i+1, line)
		}
		t, ok := types.ParseType(typ)
		if !ok {
			return nil, fmt.Errorf("line %d: unknown type %q", i+1, typ)
		}
		s = append(s, types.Field{Name: name, Type: t})
	}
	return s, nil
}

func parseCEFMap(text string) (map[string]string, error) {
	m := map[string]string{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if i == 0 || line == "" {
			continue // header
		}
		k, col, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("line %d: want key<TAB>column", i+1)
		}
		if strings.HasPrefix(col, "(") || strings.HasPrefix(k, "(") {
			continue // "(not stored ...)" and "(any other key)" notes
		}
		m[k] = col
	}
	return m, nil
}

// Lookup returns the schema of a known table (Sentinel / Log Analytics
// flavour). The returned slice is a copy the caller may modify.
func Lookup(name string) (types.Schema, bool) {
	return LookupFlavour(name, "")
}

// LookupFlavour returns the schema of table name in a flavour: "" for the
// Sentinel / Log Analytics columns, FlavourDefenderXDR ("defenderxdr") for
// Defender XDR advanced hunting. A flavour without its own schema falls
// back to the default one.
func LookupFlavour(name, flavour string) (types.Schema, bool) {
	c := load()
	if flavour != "" {
		if s, ok := c.tables[name+"."+flavour]; ok {
			return append(types.Schema(nil), s...), true
		}
	}
	s, ok := c.tables[name]
	if !ok {
		return nil, false
	}
	return append(types.Schema(nil), s...), true
}

// Names lists the known tables, sorted.
func Names() []string {
	return append([]string(nil), load().names...)
}

// CEFKeyMap returns a copy of the CEF key to CommonSecurityLog column map:
// header fields by their spec names ("Device Vendor", "Name", "Severity",
// ...) and extension keys ("src", "dpt", "cs1Label", ...). Keys not in the
// map belong in AdditionalExtensions.
func CEFKeyMap() map[string]string {
	c := load()
	m := make(map[string]string, len(c.cef))
	for k, v := range c.cef {
		m[k] = v
	}
	return m
}

// CEFColumn returns the CommonSecurityLog column for a CEF key.
func CEFColumn(key string) (string, bool) {
	col, ok := load().cef[key]
	return col, ok
}
