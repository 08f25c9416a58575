package check

import (
	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs/schema"
)

// embeddedCatalog serves the schemas embedded in logs/schema.
type embeddedCatalog struct{ flavour string }

// EmbeddedCatalog returns the catalog of tables embedded in huntpack
// (Sentinel / Log Analytics columns, or Defender XDR advanced hunting
// columns with flavour "defenderxdr").
func EmbeddedCatalog(flavour string) Catalog { return embeddedCatalog{flavour} }

func (c embeddedCatalog) Table(name string) (types.Schema, bool) {
	return schema.LookupFlavour(name, c.flavour)
}

func (c embeddedCatalog) Names() []string { return schema.Names() }

// MapCatalog is a Catalog over a fixed map of schemas (for tests and for
// user-supplied schema folders).
type MapCatalog map[string]types.Schema

// Table implements Catalog.
func (m MapCatalog) Table(name string) (types.Schema, bool) {
	s, ok := m[name]
	return s, ok
}

// Names implements Catalog.
func (m MapCatalog) Names() []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
