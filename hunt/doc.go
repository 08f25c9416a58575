// Package hunt runs a hunt pack on a backend (the embedded KQL engine over
// local log files, Sentinel / Log Analytics, or Azure Data Explorer),
// applies the pack's false-positive exclusions and turns the rows the
// queries return into findings: one Finding per IOC with its hits, first
// and last hit, hosts, users, tables, queries, port match, hits before the
// IOC's first_seen, and capped evidence rows.
//
// # Attribution
//
// Every row a query returns is a hit of that query. A hit is attributed to
// the IOCs the query hunts for (Query.IOCs; for hand-written queries, the
// IOCs whose value appears in the query text), or, if it matches none of
// those, to any IOC of the pack, by matching the row's values: an IP or ip:port IOC
// matches a cell equal to the IP (cells are also split on list separators,
// so "1.2.3.4, 5.6.7.8" and "1.2.3.4:80" match 1.2.3.4); a domain matches
// with KQL has semantics (term-bounded and case-insensitive, so
// www.evil.net has evil.net but xevil.net does not); a URL matches a cell
// containing it (case-insensitive); a hash matches a cell equal to it
// (case-insensitive). For ip:port IOCs the port is checked in the column
// that pairs with the matching IP column (DestinationIP → DestinationPort,
// RemoteIP → RemotePort, DstIpAddr → DstPortNumber, id.resp_h → id.resp_p,
// dest_ip → dest_port, ...): the hit records "match", "mismatch" or
// "unknown" (no port column in the row). A row matching no IOC is counted
// as unattributed and stays listed under its query.
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
