#!/bin/sh
# Regenerates this example pack from the real ThreatFox export.
# Run from the repository root: sh examples/remcos-threatfox/build.sh
# Needs the shared data at ../shared (or set HUNTPACK_SHARED).
set -eu
shared=${HUNTPACK_SHARED:-../shared}
db=$(mktemp -d)/intel.db
go run ./cmd/huntpack intel import --db "$db" "$shared/data/intel/threatfox_export_recent_2026-07-24.json"
go run ./cmd/huntpack pack build --db "$db" --family Remcos -o examples/remcos-threatfox \
  --format sentinel-hunting,sentinel-rule,arm,defender,stix,csv,zeek,suricata,sigma,splunk,esql \
  --description 'Built from the real ThreatFox "recent" JSON export of 2026-07-24 (shared/data/intel/threatfox_export_recent_2026-07-24.json: 286 Remcos ip:port IOCs) by build.sh in this folder. The logs folder holds example exports with hits on real IOCs (exact ip:port, ip only, traffic from a C2 port) and rows that must not hit (a neighbour address, excluded filebeat and admin RDP traffic, an event older than the window). Run: huntpack hunt examples/remcos-threatfox --from 2026-07-12 --to 2026-07-26. Rendered deployment formats are under export; export/watchlist holds the watchlist variant (one query per table reading the IOCs with _GetWatchlist, no size limit). This export lists no Remcos URLs or domains: the URL queries (CommonSecurityLog, DeviceNetworkEvents, UrlClickEvents) are in the companion pack ../remcos-urlhaus, built from the URLs URLhaus tags RemcosRAT.'
rm -r "$(dirname "$db")"
