package pack

import (
	"fmt"
	"sort"
	"strings"
)

// Exclusion is one structured false-positive rule: rows for which the
// condition holds (Field Operator Value, and every And condition) are
// benign and removed. Fields use a neutral vocabulary (see Fields), mapped
// per table to real columns by ColumnFor; a rule whose fields a table
// lacks is recorded as not applicable to that query (ExclusionStatus),
// never silently dropped.
//
// In pack.yaml:
//
//	exclusions:
//	  - id: sccm-agent
//	    scenario: Software distribution agent
//	    reason: The ConfigMgr client polls many hosts ...
//	    field: process.name
//	    operator: in
//	    values: [ccmexec.exe, ccmsetup.exe]
//	    and:
//	      - {field: user.name, operator: equals, value: system}
type Exclusion struct {
	ID        string `yaml:"id"`
	Scenario  string `yaml:"scenario"`
	Reason    string `yaml:"reason,omitempty"`
	Condition `yaml:",inline"`
	// And lists further conditions that must all hold as well.
	And []Condition `yaml:"and,omitempty"`
}

// Condition is one test of an exclusion.
type Condition struct {
	// Field is a neutral field name (process.name, user.name, ...).
	Field string `yaml:"field"`
	// Operator is one of the Op* constants.
	Operator string `yaml:"operator"`
	// Value is the operand of single-value operators.
	Value string `yaml:"value,omitempty"`
	// Values is the operand of OpIn.
	Values []string `yaml:"values,omitempty"`
}

// Exclusion operators. String comparisons are case-insensitive, as process
// and account names are on Windows; KQL renders them as =~, in~,
// contains, startswith, endswith, has.
const (
	OpEquals     = "equals"
	OpIn         = "in"
	OpContains   = "contains"
	OpStartsWith = "startswith"
	OpEndsWith   = "endswith"
	OpHas        = "has"
)

// Operators lists the exclusion operators.
var Operators = []string{OpEquals, OpIn, OpContains, OpStartsWith, OpEndsWith, OpHas}

// Conditions returns the rule's conditions: its own, then And.
func (e Exclusion) Conditions() []Condition {
	return append([]Condition{e.Condition}, e.And...)
}

// Validate checks the rule's fields and operators.
func (e Exclusion) Validate() error {
	if e.ID == "" {
		return fmt.Errorf("exclusion %q: empty id", e.Scenario)
	}
	for _, c := range e.Conditions() {
		if err := c.validate(); err != nil {
			return fmt.Errorf("exclusion %s: %w", e.ID, err)
		}
	}
	return nil
}

func (c Condition) validate() error {
	if _, ok := fieldDocs[c.Field]; !ok {
		return fmt.Errorf("unknown field %q (known: %s)", c.Field, strings.Join(Fields(), ", "))
	}
	switch c.Operator {
	case OpIn:
		if len(c.Values) == 0 {
			return fmt.Errorf("field %s: operator in needs values", c.Field)
		}
	case OpEquals, OpContains, OpStartsWith, OpEndsWith, OpHas:
		if c.Value == "" {
			return fmt.Errorf("field %s: operator %s needs a value", c.Field, c.Operator)
		}
	default:
		return fmt.Errorf("field %s: unknown operator %q (known: %s)", c.Field, c.Operator, strings.Join(Operators, ", "))
	}
	return nil
}

// Exclusion statuses recorded per query.
const (
	StatusApplied       = "applied"
	StatusNotApplicable = "not_applicable"
)

// ExclusionStatus says what became of one pack exclusion in one query.
type ExclusionStatus struct {
	// ID is the Exclusion.ID.
	ID string `yaml:"id"`
	// Status is StatusApplied (rendered into the KQL as `| where not(...)`)
	// or StatusNotApplicable (the table lacks a field).
	Status string `yaml:"status"`
	// Columns are the table columns the rule's fields mapped to (applied).
	Columns []string `yaml:"columns,omitempty"`
	// Missing are the neutral fields the table has no column for.
	Missing []string `yaml:"missing,omitempty"`
}

// fieldDocs is the neutral field vocabulary with a one-line meaning each.
var fieldDocs = map[string]string{
	"process.name":         "file name of the process that made the connection / did the action",
	"process.path":         "folder path of that process",
	"process.command_line": "command line of that process",
	"process.sha256":       "SHA256 of that process image",
	"process.parent.name":  "file name of its parent process",
	"user.name":            "account name the process ran as / the user",
	"user.domain":          "domain of that account",
	"user.upn":             "user principal name",
	"host.name":            "the reporting device / computer",
	"source.ip":            "source (local) IP address",
	"source.port":          "source (local) port",
	"destination.ip":       "destination (remote) IP address",
	"destination.port":     "destination (remote) port",
	"destination.domain":   "destination host name / queried DNS name",
	"url.original":         "full URL",
	"file.name":            "file name (file events)",
	"file.path":            "file folder path (file events)",
	"device.vendor":        "vendor of the appliance that logged the event (CEF)",
	"device.product":       "product of the appliance that logged the event (CEF)",
}

// Fields lists the neutral field vocabulary, sorted.
func Fields() []string {
	out := make([]string, 0, len(fieldDocs))
	for f := range fieldDocs {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// FieldDoc returns the meaning of a neutral field.
func FieldDoc(field string) string { return fieldDocs[field] }

// Per-table column maps. Every column was checked against the table's
// schema (logs/schema; TestColumnMapsMatchSchemas keeps them honest).
var (
	mdeNetwork = map[string]string{
		"process.name": "InitiatingProcessFileName", "process.path": "InitiatingProcessFolderPath",
		"process.command_line": "InitiatingProcessCommandLine", "process.sha256": "InitiatingProcessSHA256",
		"process.parent.name": "InitiatingProcessParentFileName", "user.name": "InitiatingProcessAccountName",
		"user.domain": "InitiatingProcessAccountDomain", "user.upn": "InitiatingProcessAccountUpn",
		"host.name": "DeviceName", "source.ip": "LocalIP", "source.port": "LocalPort",
		"destination.ip": "RemoteIP", "destination.port": "RemotePort", "destination.domain": "RemoteUrl",
		"url.original": "RemoteUrl",
	}
	mdeFile = map[string]string{
		"process.name": "InitiatingProcessFileName", "process.path": "InitiatingProcessFolderPath",
		"process.command_line": "InitiatingProcessCommandLine", "process.sha256": "InitiatingProcessSHA256",
		"process.parent.name": "InitiatingProcessParentFileName", "user.name": "InitiatingProcessAccountName",
		"user.domain": "InitiatingProcessAccountDomain", "user.upn": "InitiatingProcessAccountUpn",
		"host.name": "DeviceName", "file.name": "FileName", "file.path": "FolderPath",
		"url.original": "FileOriginUrl",
	}
	// In DeviceProcessEvents the row's process is the one created: its
	// parent is the initiating process.
	mdeProcess = map[string]string{
		"process.name": "FileName", "process.path": "FolderPath", "process.command_line": "ProcessCommandLine",
		"process.sha256": "SHA256", "process.parent.name": "InitiatingProcessFileName",
		"user.name": "AccountName", "user.domain": "AccountDomain", "user.upn": "AccountUpn",
		"host.name": "DeviceName", "file.name": "FileName", "file.path": "FolderPath",
	}
	cef = map[string]string{
		"process.name": "SourceProcessName", "user.name": "SourceUserName", "host.name": "SourceHostName",
		"source.ip": "SourceIP", "source.port": "SourcePort", "destination.ip": "DestinationIP",
		"destination.port": "DestinationPort", "destination.domain": "DestinationHostName",
		"url.original": "RequestURL", "file.name": "FileName", "file.path": "FilePath",
		"device.vendor": "DeviceVendor", "device.product": "DeviceProduct",
	}
	dnsEvents = map[string]string{
		"host.name": "Computer", "source.ip": "ClientIP", "destination.domain": "Name",
	}
	asimNetwork = map[string]string{
		"user.name": "SrcUsername", "host.name": "SrcHostname", "source.ip": "SrcIpAddr",
		"source.port": "SrcPortNumber", "destination.ip": "DstIpAddr", "destination.port": "DstPortNumber",
		"destination.domain": "DstFQDN", "device.vendor": "EventVendor", "device.product": "EventProduct",
	}
	asimDNS = map[string]string{
		"process.name": "SrcProcessName", "user.name": "SrcUsername", "host.name": "SrcHostname",
		"source.ip": "SrcIpAddr", "destination.ip": "DstIpAddr", "destination.domain": "DnsQuery",
		"device.vendor": "EventVendor", "device.product": "EventProduct",
	}
	urlClick = map[string]string{
		"user.upn": "AccountUpn", "url.original": "Url", "source.ip": "IPAddress",
	}
)

// tableFields maps a table (or ASIM parser) to its field→column map.
var tableFields = map[string]map[string]string{
	"DeviceNetworkEvents":    mdeNetwork,
	"DeviceFileEvents":       mdeFile,
	"DeviceProcessEvents":    mdeProcess,
	"CommonSecurityLog":      cef,
	"DnsEvents":              dnsEvents,
	"_Im_NetworkSession":     asimNetwork,
	"_ASim_NetworkSession":   asimNetwork,
	"ASimNetworkSessionLogs": asimNetwork,
	"_Im_Dns":                asimDNS,
	"_ASim_Dns":              asimDNS,
	"ASimDnsActivityLogs":    asimDNS,
	"UrlClickEvents":         urlClick,
}

// ColumnFor returns the column of table that holds the neutral field.
func ColumnFor(table, field string) (string, bool) {
	col, ok := tableFields[table][field]
	return col, ok
}

// MappedTables lists the tables ColumnFor knows, sorted.
func MappedTables() []string {
	out := make([]string, 0, len(tableFields))
	for t := range tableFields {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Resolve maps every condition of e to table's columns. It returns the
// status for a query on that table: applied with the columns, or not
// applicable with the fields the table lacks.
func (e Exclusion) Resolve(table string) ExclusionStatus {
	st := ExclusionStatus{ID: e.ID}
	for _, c := range e.Conditions() {
		col, ok := ColumnFor(table, c.Field)
		if !ok {
			st.Missing = append(st.Missing, c.Field)
			continue
		}
		st.Columns = append(st.Columns, col)
	}
	if len(st.Missing) > 0 {
		st.Status = StatusNotApplicable
		st.Columns = nil
	} else {
		st.Status = StatusApplied
	}
	return st
}
