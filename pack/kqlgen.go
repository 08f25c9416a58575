package pack

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/huntpack/huntpack/intel"
)

// IOC kinds: which query template an IOC type feeds.
const (
	KindIP     = "ip"     // ip, ip:port
	KindDomain = "domain" // domain
	KindURL    = "url"    // url
	KindHash   = "hash"   // md5_hash, sha1_hash, sha256_hash
)

// KindOf returns the query kind of an IOC type (or an intel alias of
// one), "" if none.
func KindOf(iocType string) string {
	switch canonicalType(iocType) {
	case TypeIPv4, TypeIPv6, TypeIPPort:
		return KindIP
	case TypeDomain:
		return KindDomain
	case TypeURL:
		return KindURL
	case TypeMD5, TypeSHA1, TypeSHA256:
		return KindHash
	}
	return ""
}

// Platforms.
const (
	PlatformSentinel = "sentinel"
	PlatformDefender = "defender"
)

// canonicalType maps intel's aliases to the type names.
func canonicalType(t string) string {
	if it, ok := intel.ParseType(t); ok {
		return string(it)
	}
	return t
}

// ipCol is one IP column and the port column beside it.
type ipCol struct{ IP, Port string }

// hostCol is a column holding a host name (URL false) or a URL whose
// host is compared (URL true).
type hostCol struct {
	Col string
	URL bool
}

// Target is one query template: an IOC kind on one table.
type Target struct {
	// Name is the query id suffix, e.g. "commonsecuritylog".
	Name string
	Kind string
	// Table is the table or ASIM parser name (for the exclusion map).
	Table string
	// Source is the tabular expression the query starts from when it is
	// not just Table (ASIM parser calls with their filter parameters).
	Source   string
	Platform string
	TimeCol  string
	Title    string
	// Describe explains the matching, one line per element.
	Describe []string

	ipCols   []ipCol
	hostCols []hostCol
	urlCols  []string
	hashCols []string // SHA256, SHA1, MD5 present in the table
	project  []string
}

// Targets returns the query templates for a kind, in pack order.
func Targets(kind string) []Target {
	var out []Target
	for _, t := range allTargets {
		if t.Kind == kind {
			out = append(out, t)
		}
	}
	return out
}

var allTargets = []Target{
	{Name: "commonsecuritylog", Kind: KindIP, Table: "CommonSecurityLog", Platform: PlatformSentinel, TimeCol: "TimeGenerated",
		Title:    "IOC IPs as source or destination in firewall/proxy logs (CommonSecurityLog)",
		Describe: []string{"Matches DestinationIP (port DestinationPort) and SourceIP (port SourcePort, i.e. traffic from the IOC)."},
		ipCols:   []ipCol{{"DestinationIP", "DestinationPort"}, {"SourceIP", "SourcePort"}},
		project:  []string{"SourceIP", "SourcePort", "DestinationIP", "DestinationPort", "Protocol", "DeviceVendor", "DeviceProduct", "DeviceAction", "Activity", "SourceUserName", "SourceHostName", "Computer"}},
	{Name: "devicenetworkevents", Kind: KindIP, Table: "DeviceNetworkEvents", Platform: PlatformDefender, TimeCol: "Timestamp",
		Title:    "IOC IPs in endpoint network events (DeviceNetworkEvents)",
		Describe: []string{"Matches RemoteIP (port RemotePort); LocalIP (port LocalPort) catches inbound connections to a device that holds the IOC address."},
		ipCols:   []ipCol{{"RemoteIP", "RemotePort"}, {"LocalIP", "LocalPort"}},
		project:  []string{"DeviceName", "DeviceId", "ReportId", "ActionType", "LocalIP", "LocalPort", "RemoteIP", "RemotePort", "RemoteUrl", "Protocol", "InitiatingProcessFileName", "InitiatingProcessCommandLine", "InitiatingProcessAccountName", "InitiatingProcessParentFileName"}},
	{Name: "imnetworksession", Kind: KindIP, Table: "_Im_NetworkSession", Source: "_Im_NetworkSession(starttime=ago(lookback), ipaddr_has_any_prefix=IOCIPs)", Platform: PlatformSentinel, TimeCol: "TimeGenerated",
		Title:    "IOC IPs in every ASIM-normalised network session source (_Im_NetworkSession)",
		Describe: []string{"Matches DstIpAddr (port DstPortNumber) and SrcIpAddr (port SrcPortNumber) across all sources the ASIM parser unions; hits may repeat those of the CommonSecurityLog and DeviceNetworkEvents queries."},
		ipCols:   []ipCol{{"DstIpAddr", "DstPortNumber"}, {"SrcIpAddr", "SrcPortNumber"}},
		project:  []string{"EventVendor", "EventProduct", "Dvc", "SrcIpAddr", "SrcPortNumber", "DstIpAddr", "DstPortNumber", "NetworkProtocol", "DvcAction", "SrcHostname", "SrcUsername"}},

	{Name: "dnsevents", Kind: KindDomain, Table: "DnsEvents", Platform: PlatformSentinel, TimeCol: "TimeGenerated",
		Title:    "DNS queries for IOC domains and their subdomains (DnsEvents)",
		Describe: []string{"`Name has_any` is the fast term pre-filter; the regex then keeps only the domain itself and its subdomains (not `xsls.in.net` or `sls.in.net.example`)."},
		hostCols: []hostCol{{Col: "Name"}},
		project:  []string{"Computer", "ClientIP", "Name", "QueryType", "IPAddresses", "ResultCode"}},
	{Name: "devicenetworkevents", Kind: KindDomain, Table: "DeviceNetworkEvents", Platform: PlatformDefender, TimeCol: "Timestamp",
		Title:    "Endpoint connections to IOC domains (DeviceNetworkEvents RemoteUrl)",
		Describe: []string{"Compares the host part of RemoteUrl (with or without scheme) to the IOC domains and their subdomains."},
		hostCols: []hostCol{{Col: "RemoteUrl", URL: true}},
		project:  []string{"DeviceName", "DeviceId", "ReportId", "ActionType", "RemoteUrl", "RemoteIP", "RemotePort", "InitiatingProcessFileName", "InitiatingProcessCommandLine", "InitiatingProcessAccountName"}},
	{Name: "imdns", Kind: KindDomain, Table: "_Im_Dns", Source: "_Im_Dns(starttime=ago(lookback), domain_has_any=IOCDomains)", Platform: PlatformSentinel, TimeCol: "TimeGenerated",
		Title:    "DNS queries for IOC domains in every ASIM-normalised DNS source (_Im_Dns)",
		Describe: []string{"Matches DnsQuery against the IOC domains and their subdomains across all sources the ASIM parser unions."},
		hostCols: []hostCol{{Col: "DnsQuery"}},
		project:  []string{"EventVendor", "EventProduct", "Dvc", "SrcIpAddr", "SrcHostname", "DnsQuery", "DnsQueryTypeName", "DnsResponseName", "EventResultDetails"}},
	{Name: "commonsecuritylog", Kind: KindDomain, Table: "CommonSecurityLog", Platform: PlatformSentinel, TimeCol: "TimeGenerated",
		Title:    "IOC domains in firewall/proxy logs (CommonSecurityLog DestinationHostName, RequestURL)",
		Describe: []string{"Matches DestinationHostName, then the host part of RequestURL; only appliances that log host names or URLs (web proxies, NGFW URL filtering) fill them."},
		hostCols: []hostCol{{Col: "DestinationHostName"}, {Col: "RequestURL", URL: true}},
		project:  []string{"SourceIP", "DestinationIP", "DestinationPort", "DestinationHostName", "RequestURL", "DeviceVendor", "DeviceProduct", "DeviceAction", "Activity", "SourceUserName"}},

	{Name: "commonsecuritylog", Kind: KindURL, Table: "CommonSecurityLog", Platform: PlatformSentinel, TimeCol: "TimeGenerated",
		Title:    "IOC URLs in proxy logs (CommonSecurityLog RequestURL)",
		Describe: []string{"URLs compare case-insensitively, with or without scheme and trailing slashes."},
		urlCols:  []string{"RequestURL"},
		project:  []string{"SourceIP", "SourceUserName", "DestinationIP", "DestinationHostName", "RequestURL", "RequestMethod", "DeviceVendor", "DeviceProduct", "DeviceAction", "Activity"}},
	{Name: "devicenetworkevents", Kind: KindURL, Table: "DeviceNetworkEvents", Platform: PlatformDefender, TimeCol: "Timestamp",
		Title:    "Endpoint connections to IOC URLs (DeviceNetworkEvents RemoteUrl)",
		Describe: []string{"URLs compare case-insensitively, with or without scheme and trailing slashes."},
		urlCols:  []string{"RemoteUrl"},
		project:  []string{"DeviceName", "DeviceId", "ReportId", "ActionType", "RemoteUrl", "RemoteIP", "RemotePort", "InitiatingProcessFileName", "InitiatingProcessCommandLine", "InitiatingProcessAccountName"}},
	{Name: "urlclickevents", Kind: KindURL, Table: "UrlClickEvents", Platform: PlatformDefender, TimeCol: "Timestamp",
		Title:    "Clicks on IOC URLs in mail, Teams and Office apps (UrlClickEvents, Defender for Office 365)",
		Describe: []string{"URLs compare case-insensitively, with or without scheme and trailing slashes."},
		urlCols:  []string{"Url"},
		project:  []string{"AccountUpn", "Url", "ActionType", "Workload", "IsClickedThrough", "NetworkMessageId", "IPAddress", "ThreatTypes", "ReportId"}},

	{Name: "devicefileevents", Kind: KindHash, Table: "DeviceFileEvents", Platform: PlatformDefender, TimeCol: "Timestamp",
		Title:    "Files with IOC hashes written or changed on endpoints (DeviceFileEvents)",
		Describe: []string{"Matches SHA256, SHA1 and MD5 case-insensitively."},
		hashCols: []string{"SHA256", "SHA1", "MD5"},
		project:  []string{"DeviceName", "DeviceId", "ReportId", "ActionType", "FileName", "FolderPath", "SHA256", "SHA1", "MD5", "FileOriginUrl", "InitiatingProcessFileName", "InitiatingProcessCommandLine", "InitiatingProcessAccountName"}},
	{Name: "deviceprocessevents", Kind: KindHash, Table: "DeviceProcessEvents", Platform: PlatformDefender, TimeCol: "Timestamp",
		Title:    "Processes started from IOC-hash images (DeviceProcessEvents)",
		Describe: []string{"Matches the started process's SHA256, SHA1 and MD5 case-insensitively."},
		hashCols: []string{"SHA256", "SHA1", "MD5"},
		project:  []string{"DeviceName", "DeviceId", "ReportId", "ActionType", "FileName", "FolderPath", "ProcessCommandLine", "AccountName", "SHA256", "SHA1", "MD5", "InitiatingProcessFileName", "InitiatingProcessCommandLine"}},
}

// genInput is what one query needs.
type genInput struct {
	Target     Target
	Header     []string // comment lines (without //)
	Lookback   string
	IOCs       []IOC
	Exclusions []Exclusion
	// Watchlist, when set, is the alias of a Sentinel watchlist the
	// query reads its IOCs from (IOCs is then unused).
	Watchlist string
}

// Generate renders one query. It returns the KQL and the exclusion
// statuses for the target table.
func generate(in genInput) (string, []ExclusionStatus) {
	var b strings.Builder
	for _, h := range in.Header {
		for _, line := range strings.Split(h, "\n") {
			b.WriteString("// " + commentSafe(line) + "\n")
		}
	}
	fmt.Fprintf(&b, "let %s = %s;\n", LookbackParam, in.Lookback)
	excl, statuses := exclusionLines(in.Target.Table, in.Exclusions)
	switch in.Target.Kind {
	case KindIP:
		genIP(&b, in, excl)
	case KindDomain:
		genDomain(&b, in, excl)
	case KindURL:
		genURL(&b, in, excl)
	case KindHash:
		genHash(&b, in, excl)
	}
	return b.String(), statuses
}

// commentSafe keeps a comment on one line and free of the control
// characters Load refuses (they become U+FFFD).
func commentSafe(s string) string {
	return scrubText(strings.NewReplacer("\r", " ", "\u2028", " ", "\u2029", " ").Replace(s))
}

func source(t Target) string {
	if t.Source != "" {
		return t.Source
	}
	return t.Table
}

// writeDatatable writes `let IOCs = datatable(schema) [rows]` followed
// by the optional pipe lines of then.
func writeDatatable(b *strings.Builder, schema string, rows []string, then ...string) {
	fmt.Fprintf(b, "let IOCs = datatable(%s) [\n", schema)
	for _, r := range rows {
		b.WriteString("    " + r + ",\n")
	}
	b.WriteString("]")
	for _, t := range then {
		b.WriteString("\n    " + t)
	}
	b.WriteString(";\n")
}

func writeTail(b *strings.Builder, t Target, lead []string) {
	cols := append([]string{t.TimeCol}, lead...)
	seen := map[string]bool{}
	for _, c := range cols {
		seen[c] = true
	}
	for _, c := range t.project {
		if !seen[c] {
			cols = append(cols, c)
			seen[c] = true
		}
	}
	b.WriteString("| project " + strings.Join(cols, ", ") + "\n")
	fmt.Fprintf(b, "| order by %s desc\n", t.TimeCol)
}

func ipRow(i IOC) string {
	return fmt.Sprintf("%s, %d, %s", KQLString(i.Value), i.Port, KQLDateTime(i.FirstSeen))
}

func genIP(b *strings.Builder, in genInput, excl []string) {
	t := in.Target
	rows := make([]string, len(in.IOCs))
	var ips []string
	seen := map[string]bool{}
	for k, i := range in.IOCs {
		rows[k] = ipRow(i)
		if !seen[i.Value] {
			seen[i.Value] = true
			ips = append(ips, i.Value)
		}
	}
	if in.Watchlist != "" {
		watchlistIOCs(b, in.Watchlist, []string{TypeIPPort, TypeIPv4, TypeIPv6},
			"IOCIP = tostring(['value']), IOCPort = toint(['port']), IOCFirstSeen = todatetime(['first_seen'])")
		b.WriteString("let IOCIPs = toscalar(IOCs | summarize make_set(IOCIP));\n")
	} else {
		writeDatatable(b, "IOCIP:string, IOCPort:int, IOCFirstSeen:datetime", rows)
		fmt.Fprintf(b, "let IOCIPs = %s;\n", KQLDynamicStrings(ips))
	}
	b.WriteString("let IOCByIPPort = IOCs\n    | where IOCPort > 0\n    | summarize ExactFirstSeen = min(IOCFirstSeen) by IOCIP, IOCPort;\n")
	b.WriteString("let IOCByIP = IOCs\n    | summarize IPFirstSeen = min(IOCFirstSeen), IOCPorts = make_set_if(IOCPort, IOCPort > 0) by IOCIP;\n")
	b.WriteString(source(t) + "\n")
	fmt.Fprintf(b, "| where %s > ago(%s)\n", t.TimeCol, LookbackParam)
	var ors []string
	for _, c := range t.ipCols {
		ors = append(ors, c.IP+" in (IOCIPs)")
	}
	b.WriteString("| where " + strings.Join(ors, " or ") + "\n")
	writeLines(b, excl)
	b.WriteString("| extend MatchedOn = " + caseChain(t.ipCols, func(c ipCol) (string, string) {
		return c.IP + " in (IOCIPs)", strconv.Quote(c.IP)
	}) + "\n")
	b.WriteString("| extend MatchedIP = " + caseChain(t.ipCols, func(c ipCol) (string, string) {
		return "MatchedOn == " + strconv.Quote(c.IP), c.IP
	}) + ",\n")
	b.WriteString("    MatchedPort = toint(" + caseChain(t.ipCols, func(c ipCol) (string, string) {
		return "MatchedOn == " + strconv.Quote(c.IP), c.Port
	}) + ")\n")
	b.WriteString("| join kind=leftouter (IOCByIPPort) on $left.MatchedIP == $right.IOCIP, $left.MatchedPort == $right.IOCPort\n")
	b.WriteString("| join kind=leftouter (IOCByIP) on $left.MatchedIP == $right.IOCIP\n")
	b.WriteString("| extend PortMatch = iff(isnotnull(ExactFirstSeen), \"ip:port\", \"ip only\"),\n")
	b.WriteString("    IOCFirstSeen = iff(isnotnull(ExactFirstSeen), ExactFirstSeen, IPFirstSeen)\n")
	b.WriteString("| extend IOC = iff(PortMatch == \"ip:port\", iff(MatchedIP contains \":\", strcat(\"[\", MatchedIP, \"]:\", MatchedPort), strcat(MatchedIP, \":\", MatchedPort)), MatchedIP)\n")
	writeTail(b, t, []string{"PortMatch", "IOC", "IOCFirstSeen", "IOCPorts", "MatchedOn", "MatchedIP"})
}

// caseChain renders case(c1, v1, c2, v2, ..., last value) over items; a
// single item renders as its value.
func caseChain[T any](items []T, f func(T) (cond, val string)) string {
	if len(items) == 1 {
		_, v := f(items[0])
		return v
	}
	var parts []string
	for k, it := range items {
		c, v := f(it)
		if k == len(items)-1 {
			parts = append(parts, v)
			break
		}
		parts = append(parts, c, v)
	}
	return "case(" + strings.Join(parts, ", ") + ")"
}

func writeLines(b *strings.Builder, lines []string) {
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
}

// hostRegex is the pattern whose group 1 is the host of a URL given with
// or without scheme and user info.
const hostRegex = `^(?:[A-Za-z][A-Za-z0-9+.\-]*://)?(?:[^/?#@]*@)?([^/:?#]+)`

// urlSchemeRegex matches a URL's scheme prefix.
const urlSchemeRegex = `^[A-Za-z][A-Za-z0-9+.\-]*://`

func valueRows(iocs []IOC, value func(IOC) string) ([]string, []string) {
	rows := make([]string, len(iocs))
	vals := make([]string, len(iocs))
	for k, i := range iocs {
		vals[k] = value(i)
		rows[k] = fmt.Sprintf("%s, %s", KQLString(vals[k]), KQLDateTime(i.FirstSeen))
	}
	return rows, vals
}

func genDomain(b *strings.Builder, in genInput, excl []string) {
	t := in.Target
	if in.Watchlist != "" {
		watchlistIOCs(b, in.Watchlist, []string{TypeDomain},
			"IOC = tolower(tostring(['value'])), IOCFirstSeen = todatetime(['first_seen'])")
		b.WriteString("let IOCDomains = toscalar(IOCs | summarize make_set(IOC));\n")
	} else {
		rows, doms := valueRows(in.IOCs, func(i IOC) string { return i.Value })
		writeDatatable(b, "IOC:string, IOCFirstSeen:datetime", rows)
		fmt.Fprintf(b, "let IOCDomains = %s;\n", KQLDynamicStrings(doms))
		// Longer domains first, so the most specific IOC wins at equal start.
		sorted := append([]string(nil), doms...)
		sort.SliceStable(sorted, func(i, j int) bool { return len(sorted[i]) > len(sorted[j]) })
		fmt.Fprintf(b, "let IOCDomainRegex = %s;\n", KQLString(`(?:^|\.)(`+RegexAlternation(sorted)+`)\.?$`))
	}
	b.WriteString(source(t) + "\n")
	fmt.Fprintf(b, "| where %s > ago(%s)\n", t.TimeCol, LookbackParam)
	var ors []string
	for _, c := range t.hostCols {
		ors = append(ors, c.Col+" has_any (IOCDomains)")
	}
	b.WriteString("| where " + strings.Join(ors, " or ") + "\n")
	writeLines(b, excl)
	for k, c := range t.hostCols {
		host := "tolower(" + c.Col + ")"
		if c.URL {
			host = fmt.Sprintf("tolower(extract(%s, 1, %s))", KQLString(hostRegex), c.Col)
		}
		if in.Watchlist != "" {
			watchlistDomainMatch(b, k+1, host)
			continue
		}
		fmt.Fprintf(b, "| extend Match%d = extract(IOCDomainRegex, 1, %s)\n", k+1, host)
	}
	type m struct {
		n   int
		col string
	}
	ms := make([]m, len(t.hostCols))
	for k, c := range t.hostCols {
		ms[k] = m{k + 1, c.Col}
	}
	b.WriteString("| extend IOC = " + caseChain(ms, func(x m) (string, string) {
		return fmt.Sprintf("isnotempty(Match%d)", x.n), fmt.Sprintf("Match%d", x.n)
	}) + ",\n")
	b.WriteString("    MatchedOn = " + caseChain(ms, func(x m) (string, string) {
		return fmt.Sprintf("isnotempty(Match%d)", x.n), strconv.Quote(x.col)
	}) + "\n")
	b.WriteString("| where isnotempty(IOC)\n")
	b.WriteString("| join kind=inner (IOCs) on IOC\n")
	writeTail(b, t, []string{"IOC", "IOCFirstSeen", "MatchedOn"})
}

var urlSchemeRe = regexp.MustCompile(urlSchemeRegex)

// urlHost returns the host of a URL given with or without scheme.
func urlHost(u string) string {
	m := hostRe.FindStringSubmatch(u)
	if m == nil {
		return ""
	}
	return strings.ToLower(m[1])
}

var hostRe = regexp.MustCompile(hostRegex)

// URLKey is the form URLs are compared in: lower case, without scheme
// and without trailing slashes. The generated KQL computes the same key
// on both sides.
func URLKey(u string) string {
	return strings.TrimRight(urlSchemeRe.ReplaceAllString(strings.ToLower(u), ""), "/")
}

func urlKeyKQL(expr string) string {
	return fmt.Sprintf("trim_end(\"/+\", replace_regex(tolower(%s), %s, \"\"))", expr, KQLString(urlSchemeRegex))
}

func genURL(b *strings.Builder, in genInput, excl []string) {
	t := in.Target
	if in.Watchlist != "" {
		watchlistIOCs(b, in.Watchlist, []string{TypeURL},
			"IOC = tostring(['value']), IOCFirstSeen = todatetime(['first_seen'])\n    | extend UrlKey = "+urlKeyKQL("IOC"))
		fmt.Fprintf(b, "let IOCUrlHosts = toscalar(IOCs | extend H = tolower(extract(%s, 1, IOC)) | summarize make_set(H));\n", KQLString(hostRegex))
	} else {
		rows, _ := valueRows(in.IOCs, func(i IOC) string { return i.Value })
		writeDatatable(b, "IOC:string, IOCFirstSeen:datetime", rows, "| extend UrlKey = "+urlKeyKQL("IOC"))
		var hosts []string
		seen := map[string]bool{}
		for _, i := range in.IOCs {
			h := urlHost(i.Value)
			if h == "" {
				h = i.Value
			}
			if !seen[h] {
				seen[h] = true
				hosts = append(hosts, h)
			}
		}
		fmt.Fprintf(b, "let IOCUrlHosts = %s;\n", KQLDynamicStrings(hosts))
	}
	b.WriteString(source(t) + "\n")
	fmt.Fprintf(b, "| where %s > ago(%s)\n", t.TimeCol, LookbackParam)
	var ors []string
	for _, c := range t.urlCols {
		ors = append(ors, c+" has_any (IOCUrlHosts)")
	}
	b.WriteString("| where " + strings.Join(ors, " or ") + "\n")
	writeLines(b, excl)
	col := t.urlCols[0]
	fmt.Fprintf(b, "| extend UrlKey = %s, MatchedOn = %s\n", urlKeyKQL(col), strconv.Quote(col))
	b.WriteString("| join kind=inner (IOCs) on UrlKey\n")
	writeTail(b, t, []string{"IOC", "IOCFirstSeen", "MatchedOn"})
}

func genHash(b *strings.Builder, in genInput, excl []string) {
	t := in.Target
	want := map[string]bool{}
	if in.Watchlist != "" {
		watchlistIOCs(b, in.Watchlist, []string{TypeMD5, TypeSHA1, TypeSHA256},
			"IOC = tolower(tostring(['value'])), IOCFirstSeen = todatetime(['first_seen'])")
		b.WriteString("let IOCHashes = toscalar(IOCs | summarize make_set(IOC));\n")
		for _, c := range t.hashCols {
			want[c] = true // the watchlist may hold any hash type
		}
	} else {
		rows, _ := valueRows(in.IOCs, func(i IOC) string { return strings.ToLower(i.Value) })
		writeDatatable(b, "IOC:string, IOCFirstSeen:datetime", rows)
		var hashes []string
		for _, i := range in.IOCs {
			want[hashColumn(i.Type)] = true
			hashes = append(hashes, strings.ToLower(i.Value))
		}
		fmt.Fprintf(b, "let IOCHashes = %s;\n", KQLDynamicStrings(hashes))
	}
	var cols []string
	for _, c := range t.hashCols {
		if want[c] {
			cols = append(cols, c)
		}
	}
	b.WriteString(source(t) + "\n")
	fmt.Fprintf(b, "| where %s > ago(%s)\n", t.TimeCol, LookbackParam)
	var ors []string
	for _, c := range cols {
		ors = append(ors, c+" in~ (IOCHashes)")
	}
	b.WriteString("| where " + strings.Join(ors, " or ") + "\n")
	writeLines(b, excl)
	b.WriteString("| extend MatchedOn = " + caseChain(cols, func(c string) (string, string) {
		return c + " in~ (IOCHashes)", strconv.Quote(c)
	}) + "\n")
	b.WriteString("| extend IOC = tolower(" + caseChain(cols, func(c string) (string, string) {
		return "MatchedOn == " + strconv.Quote(c), c
	}) + ")\n")
	b.WriteString("| join kind=inner (IOCs) on IOC\n")
	writeTail(b, t, []string{"IOC", "IOCFirstSeen", "MatchedOn"})
}

func hashColumn(iocType string) string {
	switch iocType {
	case TypeMD5:
		return "MD5"
	case TypeSHA1:
		return "SHA1"
	}
	return "SHA256"
}

// exclusionLines renders the exclusions applicable to table as
// `| where not(...)` lines and returns every exclusion's status.
func exclusionLines(table string, excl []Exclusion) ([]string, []ExclusionStatus) {
	var lines []string
	var sts []ExclusionStatus
	for _, e := range excl {
		st := e.Resolve(table)
		sts = append(sts, st)
		if st.Status != StatusApplied {
			continue
		}
		lines = append(lines, "| where not("+ExclusionKQL(e, table)+") // exclusion: "+commentSafe(oneLine(e.ID)))
	}
	return lines, sts
}

func oneLine(s string) string { return strings.ReplaceAll(commentSafe(s), "\n", " ") }

// ExclusionKQL renders the exclusion's conditions on table's columns,
// joined by `and`. Conditions on fields the table lacks are left out; call
// it only for applicable rules (Resolve).
func ExclusionKQL(e Exclusion, table string) string {
	var parts []string
	for _, c := range e.Conditions() {
		col, ok := ColumnFor(table, c.Field)
		if !ok {
			continue
		}
		parts = append(parts, conditionKQL(col, c))
	}
	return strings.Join(parts, " and ")
}

func conditionKQL(col string, c Condition) string {
	switch c.Operator {
	case OpIn:
		return col + " in~ " + KQLStringList(c.Values)
	case OpEquals:
		return col + " =~ " + KQLString(c.Value)
	default: // contains, startswith, endswith, has: same spelling in KQL
		return col + " " + c.Operator + " " + KQLString(c.Value)
	}
}
