package pack

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// DefaultExclusions returns the false-positive scenarios of the seed pack
// (shared/seeds/000_3f48c35a7067abca.txt) as structured rules. The seed
// wrote them as `process.name != X or process.parent.name != Y`, i.e.
// "keep the row unless it is X started by Y"; each becomes one rule whose
// conditions must all hold. Parent names that are not process names in
// the seed ("task scheduler", "clamav", "elasticsearch", "sqlagent") are
// corrected or dropped, and each Reason says so. They are examples to
// review: every applied rule hides hits.
func DefaultExclusions() []Exclusion {
	return []Exclusion{
		{ID: "scheduled-maintenance-task", Scenario: "Scheduled System Maintenance Task",
			Reason:    `A legitimate scheduled task runs a script that touches an IOC (seed scenario). Task Scheduler starts tasks from svchost.exe (the Schedule service); the seed's parent "task scheduler" is not a process name, so the rule uses svchost.exe.`,
			Condition: Condition{Field: "process.name", Operator: OpEquals, Value: "schtasks.exe"},
			And:       []Condition{{Field: "process.parent.name", Operator: OpEquals, Value: "svchost.exe"}}},
		{ID: "admin-remote-desktop", Scenario: "Admin Performing Remote Desktop Session",
			Reason:    `An administrator's RDP client (mstsc.exe) connects to an address that is also an IOC (seed scenario). "admin_account" is the seed's placeholder: replace it with your administrators' account names, or the rule never matches.`,
			Condition: Condition{Field: "process.name", Operator: OpEquals, Value: "mstsc.exe"},
			And:       []Condition{{Field: "user.name", Operator: OpIn, Values: []string{"admin_account"}}}},
		{ID: "clamav-scan", Scenario: "Antivirus Scan Using ClamAV",
			Reason:    `ClamAV reads or updates files whose hashes or contents overlap Remcos IOCs (seed scenario). The seed's parent "clamav" is not a process name; the rule matches the scanner processes themselves.`,
			Condition: Condition{Field: "process.name", Operator: OpIn, Values: []string{"clamscan.exe", "clamd.exe", "freshclam.exe"}}},
		{ID: "filebeat-log-shipping", Scenario: "Log Management Tool Using Filebeat",
			Reason:    `Filebeat ships logs (which can contain IOC strings) to Elasticsearch (seed scenario). Filebeat runs as a service, not as a child of Elasticsearch as the seed said; the rule matches the filebeat process.`,
			Condition: Condition{Field: "process.name", Operator: OpIn, Values: []string{"filebeat.exe", "filebeat"}}},
		{ID: "sql-agent-backup", Scenario: "Database Backup Job Using SQL Server Agent",
			Reason:    `A SQL Server Agent backup job handles a file or argument matching an IOC (seed scenario). Agent jobs run in SQLAGENT.EXE and the engine in sqlservr.exe; the seed's parent "sqlagent" becomes the process list.`,
			Condition: Condition{Field: "process.name", Operator: OpIn, Values: []string{"sqlagent.exe", "sqlservr.exe"}}},
	}
}

// dataSourceNotes holds the connector and notes per table.
var dataSourceNotes = map[string]DataSource{
	"CommonSecurityLog": {Connector: "Common Event Format (CEF) via AMA",
		Notes: "Firewalls, proxies and NGFWs forwarding CEF. Host names and URLs (DestinationHostName, RequestURL) only come from appliances that log them; few vendors fill SourceProcessName/SourceUserName, so process and user exclusions rarely apply here."},
	"DeviceNetworkEvents": {Connector: "Microsoft Defender XDR (Defender for Endpoint)",
		Notes: "Runs as is in Defender XDR advanced hunting; in Sentinel, stream DeviceNetworkEvents with the Defender XDR connector. The queries use Timestamp, which both places have. Onboarded devices only."},
	"DeviceFileEvents": {Connector: "Microsoft Defender XDR (Defender for Endpoint)",
		Notes: "Advanced hunting or Sentinel with the Defender XDR connector streaming DeviceFileEvents. Hashes are computed for a subset of file events only."},
	"DeviceProcessEvents": {Connector: "Microsoft Defender XDR (Defender for Endpoint)",
		Notes: "Advanced hunting or Sentinel with the Defender XDR connector streaming DeviceProcessEvents."},
	"DnsEvents": {Connector: "Windows DNS Events via AMA (or the legacy DNS connector)",
		Notes: "Only queries seen by Windows DNS servers with the connector. Computer is the DNS server, ClientIP the asking host; resolver chains hide the original client."},
	"_Im_NetworkSession": {Connector: "ASIM Network Session parsers (built into Sentinel)",
		Notes: "Unions every normalised network source in the workspace (firewalls, Defender for Endpoint, Zeek, ...); hits can repeat those of the table-specific queries. The parser is called with starttime=ago(lookback) and ipaddr_has_any_prefix (a prefix pre-filter; the query then compares whole addresses)."},
	"_Im_Dns": {Connector: "ASIM DNS parsers (built into Sentinel)",
		Notes: "Unions every normalised DNS source (Windows DNS, Sysmon DNS, Zeek, Infoblox, ...). The parser is called with starttime=ago(lookback) and domain_has_any."},
	"UrlClickEvents": {Connector: "Microsoft Defender for Office 365 (Safe Links), via Defender XDR",
		Notes: "Safe Links clicks in mail, Teams and Office apps; needs Defender for Office 365 Plan 1 or 2. Runs in advanced hunting, or in Sentinel with the Defender XDR connector."},
}

func dataSources(qs []Query) []DataSource {
	var out []DataSource
	seen := map[string]bool{}
	for _, q := range qs {
		if seen[q.Table] {
			continue
		}
		seen[q.Table] = true
		ds := dataSourceNotes[q.Table]
		ds.Table = q.Table
		out = append(out, ds)
	}
	return out
}

var standardPorts = map[int]bool{80: true, 443: true, 53: true, 8080: true, 8443: true}

// techniques derives ATT&CK techniques from what the IOCs are.
func techniques(iocs []IOC) []Technique {
	var c2, nonStd, delivery, files bool
	for _, i := range iocs {
		switch {
		case i.IsHash():
			files = true
		case i.ThreatType == "payload_delivery" || i.ThreatType == "payload":
			delivery = true
		default:
			c2 = true
		}
		if i.Type == TypeIPPort && i.Port > 0 && !standardPorts[i.Port] {
			nonStd = true
		}
	}
	var out []Technique
	if c2 {
		out = append(out, Technique{ID: "T1071", Name: "Application Layer Protocol", Tactic: "command-and-control"})
	}
	if nonStd {
		out = append(out, Technique{ID: "T1571", Name: "Non-Standard Port", Tactic: "command-and-control"})
	}
	if delivery {
		out = append(out, Technique{ID: "T1105", Name: "Ingress Tool Transfer", Tactic: "command-and-control"})
	}
	if files {
		out = append(out, Technique{ID: "T1204.002", Name: "User Execution: Malicious File", Tactic: "execution"})
	}
	return out
}

func hypothesis(p *Pack, source string) string {
	fam := p.Family
	if fam == "" {
		fam = "the listed"
	}
	first, last := seenRange(p.IOCs)
	var b strings.Builder
	fmt.Fprintf(&b, "Hosts in this environment have talked to %s infrastructure that %s reported", fam, source)
	if !first.IsZero() {
		fmt.Fprintf(&b, " between %s and %s", first.Format("2006-01-02"), last.Format("2006-01-02"))
	}
	fmt.Fprintf(&b, " (%s). ", countSummary(p.CountByType()))
	b.WriteString("If an implant is active, its command-and-control traffic or payload downloads show up in the firewall, proxy, DNS and endpoint logs of the hunt window. ")
	kinds := map[string]bool{}
	for _, i := range p.IOCs {
		kinds[KindOf(i.Type)] = true
	}
	var signs []string
	if kinds[KindIP] {
		signs = append(signs, `an ip:port hit where the port matched too (PortMatch "ip:port") from a workstation or server`)
	}
	if kinds[KindDomain] {
		signs = append(signs, "a DNS lookup of an IOC domain or one of its subdomains")
	}
	if kinds[KindURL] {
		signs = append(signs, "a request for or a click on an IOC URL")
	}
	if kinds[KindHash] {
		signs = append(signs, "a file written or a process started with an IOC hash")
	}
	fmt.Fprintf(&b, "The strongest signs are %s.", joinOr(signs))
	if kinds[KindIP] {
		b.WriteString(` An "ip only" hit on another port (shared hosting, re-used VPS, CDN) needs the process and host context the queries return before it is escalated.`)
	}
	return b.String()
}

func joinOr(s []string) string {
	switch len(s) {
	case 0:
		return "hits on the IOCs"
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

func seenRange(iocs []IOC) (first, last time.Time) {
	for _, i := range iocs {
		if i.FirstSeen.IsZero() {
			continue
		}
		if first.IsZero() || i.FirstSeen.Before(first) {
			first = i.FirstSeen
		}
		if i.FirstSeen.After(last) {
			last = i.FirstSeen
		}
	}
	return first.UTC(), last.UTC()
}

// countSummary renders "286 ip:port, 12 domain" in a stable order.
func countSummary(m map[string]int) string {
	order := []string{TypeIPPort, TypeIPv4, TypeIPv6, TypeDomain, TypeURL, TypeSHA256, TypeSHA1, TypeMD5}
	var parts []string
	for _, t := range order {
		if m[t] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", m[t], t))
		}
	}
	var rest []string
	for t := range m {
		if !contains(order, t) {
			rest = append(rest, t)
		}
	}
	sort.Strings(rest)
	for _, t := range rest {
		parts = append(parts, fmt.Sprintf("%d %s", m[t], t))
	}
	return strings.Join(parts, ", ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func references(iocs []IOC) []string {
	var out []string
	seen := map[string]bool{}
	for _, i := range iocs {
		if strings.EqualFold(i.Source, "threatfox") && !seen["threatfox"] {
			seen["threatfox"] = true
			out = append(out, "https://threatfox.abuse.ch/")
		}
	}
	out = append(out, "https://learn.microsoft.com/azure/sentinel/normalization-about-parsers")
	return out
}
