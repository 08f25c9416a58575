// Package logs is huntpack's table catalog over local log files. Open
// binds files in directories to tables by name (`<Table>.csv`,
// `<Table>_<anything>.jsonl.gz`, ...) or by explicit --table NAME=GLOB,
// recognises raw logs (CEF, Zeek, Sysmon, Suricata EVE, Windows DNS
// debug logs) by their content and maps them to the tables Sentinel's
// connectors fill (CommonSecurityLog, ASimNetworkSessionLogs,
// ASimDnsActivityLogs), types columns from the embedded Sentinel /
// Defender / ASIM schemas (logs/schema) or by inference, and serves the
// ASIM table functions _Im_NetworkSession and _Im_Dns.
//
// Reading rules (see README.md in this directory for the full list):
//   - A known table's schema columns that a file lacks are present and
//     null (Kusto exports include every column; queries on known columns
//     must bind). Extra file columns are appended with inferred types.
//   - Unknown tables get inferred types: long, real, datetime, bool or
//     dynamic when every sampled non-empty value parses as that type,
//     otherwise string. Types are inferred from the first
//     OpenOptions.InferRows records of each file (default 1000).
//   - A value that does not convert to its column's type is null and
//     reported as a warning with file and line (an error with Strict).
//   - A record that cannot be read (wrong field count, JSON syntax error,
//     too long) is skipped and reported with file and line, counted in
//     ScanStats.Malformed; the rest of the file is still read.
package logs
