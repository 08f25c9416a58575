package pack

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/huntpack/huntpack/logs/schema"
)

// schemaTable names the embedded schema that holds a mapped table's
// columns (ASIM parsers read the ASIM tables).
var schemaTable = map[string]string{
	"_Im_NetworkSession": "ASimNetworkSessionLogs", "_ASim_NetworkSession": "ASimNetworkSessionLogs",
	"_Im_Dns": "ASimDnsActivityLogs", "_ASim_Dns": "ASimDnsActivityLogs",
}

// TestColumnMapsMatchSchemas checks every neutral-field mapping against
// the embedded table schemas (Sentinel and Defender XDR flavours).
func TestColumnMapsMatchSchemas(t *testing.T) {
	for _, table := range MappedTables() {
		name := table
		if s, ok := schemaTable[table]; ok {
			name = s
		}
		for _, fl := range []string{"", schema.FlavourDefenderXDR} {
			s, ok := schema.LookupFlavour(name, fl)
			if !ok {
				t.Fatalf("no schema for %s", name)
			}
			cols := map[string]bool{}
			for _, f := range s {
				cols[f.Name] = true
			}
			for _, field := range Fields() {
				if col, ok := ColumnFor(table, field); ok && !cols[col] {
					t.Errorf("%s (%s flavour %q): %s maps to %s, not a column", table, name, fl, field, col)
				}
			}
		}
	}
}

func TestExclusionResolveAndKQL(t *testing.T) {
	e := Exclusion{ID: "sched", Scenario: "s", Condition: Condition{Field: "process.name", Operator: OpEquals, Value: "schtasks.exe"},
		And: []Condition{{Field: "process.parent.name", Operator: OpIn, Values: []string{"svchost.exe", `a"b`}}}}
	tests := []struct {
		table string
		want  ExclusionStatus
		kql   string
	}{
		{"DeviceNetworkEvents", ExclusionStatus{ID: "sched", Status: StatusApplied, Columns: []string{"InitiatingProcessFileName", "InitiatingProcessParentFileName"}},
			`InitiatingProcessFileName =~ "schtasks.exe" and InitiatingProcessParentFileName in~ ("svchost.exe", "a\"b")`},
		{"DeviceProcessEvents", ExclusionStatus{ID: "sched", Status: StatusApplied, Columns: []string{"FileName", "InitiatingProcessFileName"}},
			`FileName =~ "schtasks.exe" and InitiatingProcessFileName in~ ("svchost.exe", "a\"b")`},
		{"CommonSecurityLog", ExclusionStatus{ID: "sched", Status: StatusNotApplicable, Missing: []string{"process.parent.name"}}, ""},
		{"DnsEvents", ExclusionStatus{ID: "sched", Status: StatusNotApplicable, Missing: []string{"process.name", "process.parent.name"}}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.table, func(t *testing.T) {
			if d := cmp.Diff(tc.want, e.Resolve(tc.table)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
			if tc.kql != "" {
				if got := ExclusionKQL(e, tc.table); got != tc.kql {
					t.Errorf("KQL %s\nwant %s", got, tc.kql)
				}
			}
		})
	}
}
