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
	s, ok := schema.LookupFlavour(name, c.flavour)
	if !ok || c.flavour != "" {
		return s, ok
	}
	// Every Log Analytics table also has the standard columns, which the
	// per-table reference pages do not always list.
	out := append(types.Schema(nil), s...)
	for _, f := range standardColumns {
		if out.Index(f.Name) < 0 {
			out = append(out, f)
		}
	}
	return out, true
}

// standardColumns are present in every Log Analytics table
// (learn.microsoft.com/azure/azure-monitor/logs/log-standard-columns).
var standardColumns = []types.Field{
	{Name: "TenantId", Type: types.String}, {Name: "Type", Type: types.String},
	{Name: "TimeGenerated", Type: types.DateTime}, {Name: "SourceSystem", Type: types.String},
	{Name: "_ResourceId", Type: types.String}, {Name: "_SubscriptionId", Type: types.String},
	{Name: "_ItemId", Type: types.String}, {Name: "_IsBillable", Type: types.String},
	{Name: "_BilledSize", Type: types.Real}, {Name: "_TimeReceived", Type: types.DateTime},
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
