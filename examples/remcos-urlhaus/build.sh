#!/bin/sh
# Regenerates this example pack from the real URLhaus dump: the URLs that
# URLhaus tags RemcosRAT (URLhaus names no malware family, it tags).
# Run from the repository root: sh examples/remcos-urlhaus/build.sh
# Needs the shared data at ../shared (or set HUNTPACK_SHARED).
set -eu
shared=${HUNTPACK_SHARED:-../shared}
db=$(mktemp -d)/intel.db
go run ./cmd/huntpack intel import --db "$db" "$shared/data/intel/urlhaus_csv_online_2025-04-21_nobanner.csv"
go run ./cmd/huntpack pack build --db "$db" --tag RemcosRAT --source urlhaus --id remcos-urlhaus \
  --title 'Remcos payload URLs (URLhaus, tag RemcosRAT)' -o examples/remcos-urlhaus --force \
  --format sentinel-hunting,defender,csv,stix \
  --description 'Built from the real URLhaus "online" CSV dump of 2025-04-21 (shared/data/intel/urlhaus_csv_online_2025-04-21_nobanner.csv: the 76 URLs tagged RemcosRAT) by build.sh in this folder. The companion of ../remcos-threatfox (ThreatFox ip:port IOCs): URL IOCs go to CommonSecurityLog RequestURL, DeviceNetworkEvents RemoteUrl and UrlClickEvents (Safe Links clicks in mail, Teams and Office). The logs folder holds example exports with hits on real IOCs (a clicked mail link, the same URL without scheme and with a trailing slash, a proxy request) and rows that must not hit (another path on the same host, a click older than the window). Run: huntpack hunt examples/remcos-urlhaus --from 2025-04-10 --to 2025-04-24. Rendered deployment formats are under export.'
rm -r "$(dirname "$db")"
