// Package hunt runs a hunt pack on a backend (the embedded KQL engine over
// local log files, Sentinel / Log Analytics, or Azure Data Explorer),
// applies the pack's false-positive exclusions and turns the rows the
// queries return into findings: one Finding per IOC with its hits, first
// and last hit, hosts, users, tables, queries, port match, hits before the
// IOC's first_seen, and capped evidence rows, plus one "ip only" Finding
// per IP of ip:port IOCs that was seen on another port.
//
// # Attribution
//
// Every row a query returns is a hit of that query, and is credited to
// exactly one finding, or counted as unattributed; so the findings' hits
// plus the unattributed hits add up to the total.
//
// A row with an "IOC" column (as the queries of generated packs emit) is
// credited to the IOC that column names: "ip:port" (or a domain, URL or
// hash) credits exactly that IOC. A bare IP there that is not itself an
// IOC but the IP of ip:port IOCs (the queries' PortMatch "ip only": the
// IP matched, no IOC has that port) is one hit of the "ip only" finding
// of that IP (Indicator.Type TypeIPOnly, Value the IP, IOCPorts the ports
// of the pack's IOCs on it), never a hit of each of those IOCs. The
// column the row matched on is the one its "MatchedOn" cell names.
//
// Other rows (hand-written queries) are matched cell by cell against the
// IOCs the query hunts for (Query.IOCs; for hand-written queries, the
// IOCs whose value appears in the query text), or, if it matches none of
// those, against every IOC of the pack: an IP or ip:port IOC matches a
// cell equal to the IP (cells are also split on list separators, so
// "1.2.3.4, 5.6.7.8" and "1.2.3.4:80" match 1.2.3.4); a domain matches
// with KQL has semantics (term-bounded and case-insensitive, so
// www.evil.net has evil.net but xevil.net does not); a URL matches a cell
// containing it (case-insensitive); a hash matches a cell equal to it
// (case-insensitive). For ip:port IOCs the port is checked inline
// ("1.2.3.4:80") or in the column that pairs with the matching IP column
// (DestinationIP → DestinationPort, RemoteIP → RemotePort, DstIpAddr →
// DstPortNumber, id.resp_h → id.resp_p, dest_ip → dest_port, ...). The
// row is credited to the first IOC that matched outright: an ip:port IOC
// only when its port matched (Evidence.Port "match"), any other IOC when
// its value matched. When only the IP of ip:port IOCs matched (port
// "mismatch", or "unknown": no port in the row), the row is one hit of
// that IP's "ip only" finding, however many IOCs share the IP. A row
// matching no IOC is unattributed and stays listed under its query.
//
// Totals.IOCsHit counts IOCs honestly: the ip:port IOCs with an exact hit
// (IOCsExact), the other IOCs with hits, and, once per IP, the IPs with
// "ip only" hits none of whose ip:port IOCs had an exact hit
// (IOCsIPOnly); it is never more than the number of IOCs.
//
// # Exclusions
//
// A query line that applies a false-positive exclusion (a pipeline stage
// "| where not(...)" or "| where ... !in ..." tagged with its scenario, see
// Exclusion) is never allowed to hide hits silently. For a query with
// exclusion lines the runner runs, besides the query itself, the query
// with every exclusion line removed (all candidate hits) and, for each
// scenario, the query with only that scenario's lines kept. The hits a
// scenario suppresses are the candidates minus the rows that survive its
// lines alone; the total suppressed is the candidates minus the rows the
// full query returns (a hit two scenarios both exclude counts once in the
// total and once for each scenario). Suppressed rows are attributed to
// IOCs like hits, so every finding carries its own suppressed count. The
// per-scenario runs are skipped when nothing was suppressed (every
// scenario removed 0) or the query has a single scenario (it removed all).
package hunt
