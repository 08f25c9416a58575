#!/usr/bin/env bash
# bench/run.sh - time huntpack's IOC hunts against DuckDB, gawk/mawk, ripgrep
# and wc -l on synthetic logs from /work/shared/tools/gen, check every tool's
# hit count against the generator's manifest, and print a Markdown table.
#
# Usage (from anywhere):
#   bench/run.sh                      # 10M rows, 10k IOCs, 3 runs each
#   QUICK=1 bench/run.sh              # 1M rows, 1 run: smoke test
#   ROWS=1000000 RUNS=5 bench/run.sh
#   SECTIONS="net dns" TOOLS="huntpack duckdb" bench/run.sh
#
# Options (environment):
#   ROWS      rows per log (default 10000000; QUICK=1: 1000000)
#   IOCS      IOC IPs and IOC domains (default 10000)
#   RUNS      timed runs per command, hyperfine median (default 3; QUICK=1: 1).
#             Every command also runs once more first, under /usr/bin/time -v,
#             to check its hit count and measure its peak RSS.
#   DATA      data root outside the repo (default /tmp/huntpack-bench)
#   SECTIONS  any of: net dns summarize join scale gz big
#             (default: all but big; big = 100M rows for peak RSS)
#   TOOLS     any of: huntpack duckdb gawk mawk rg wc (default: all)
#   BIG_COPIES  files in the 100M-row view (default 10)
#   GZ_PARTS  gzip members for the parallel-gzip view (default 8)
#   HUNTPACK  use this huntpack binary instead of building ./cmd/huntpack
#   PROFILE   1: also CPU-profile the net and dns hunts in-process
#             (bench/prof) and time the parser; see bench/out/prof-*.txt
#   FRESH     1: forget earlier results for this ROWS/IOCS (default: a run
#             replaces the rows of the commands it ran and keeps the others,
#             so TOOLS=huntpack after a full run still compares with peers)
#
# Results go to bench/out/ (gitignored): the KQL files, each tool's output,
# hyperfine JSON, results.tsv and table.md. The table also goes to stdout.
# Exit status: 0 if every count matched, 1 if any tool returned a wrong count
# (a fast wrong answer must fail loudly), 2 on setup errors.
set -euo pipefail

QUICK=${QUICK:-0}
if [[ $QUICK == 1 ]]; then
	ROWS=${ROWS:-1000000}
	RUNS=${RUNS:-1}
else
	ROWS=${ROWS:-10000000}
	RUNS=${RUNS:-3}
fi
IOCS=${IOCS:-10000}
DATA=${DATA:-/tmp/huntpack-bench}
SECTIONS=${SECTIONS:-net dns summarize join scale gz}
TOOLS=${TOOLS:-huntpack duckdb gawk mawk rg wc}
BIG_COPIES=${BIG_COPIES:-10}
GZ_PARTS=${GZ_PARTS:-8}

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${HUNTPACK_SHARED:-$REPO/../shared}
OUT=$REPO/bench/out
BIN=${BIN:-/tmp}

log() { printf '%s bench: %s\n' "$(date +%T)" "$*" >&2; }
die() {
	log "error: $*"
	exit 2
}
has() { [[ " $2 " == *" $1 "* ]]; }
want_tool() { has "$1" "$TOOLS"; }
want() { has "$1" "$SECTIONS"; }

# ---------- tools ----------

ensure_tools() {
	local missing=()
	command -v hyperfine >/dev/null || missing+=(hyperfine)
	command -v gawk >/dev/null || missing+=(gawk)
	command -v mawk >/dev/null || missing+=(mawk)
	command -v rg >/dev/null || missing+=(ripgrep)
	[[ -x /usr/bin/time ]] || missing+=(time)
	command -v pigz >/dev/null || missing+=(pigz)
	command -v python3 >/dev/null || missing+=(python3)
	if ((${#missing[@]})); then
		log "installing ${missing[*]} with apt-get"
		if [[ $(id -u) == 0 ]]; then
			apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null ||
				log "apt-get failed; continuing without ${missing[*]}"
		else
			log "not root: install ${missing[*]} yourself"
		fi
	fi
	[[ -x /usr/bin/time ]] || die "/usr/bin/time (Debian package 'time') is required for peak RSS"
	command -v python3 >/dev/null || die "python3 is required to build the table"
}

build_gen() {
	[[ -d $SHARED/tools/gen ]] || die "generator not found at $SHARED/tools/gen (set HUNTPACK_SHARED)"
	(cd "$SHARED/tools/gen" && go build -o "$BIN/gen" .) || die "building the generator failed"
}

# gen_data DIR ROWS K: generate unless DIR already holds a manifest for the
# same rows, k and seed (gen is deterministic, so that is the same data).
gen_data() {
	local dir=$1 rows=$2 k=$3
	if [[ -f $dir/manifest.json ]] &&
		[[ $(mf "$dir" net_rows) == "$rows" && $(mf "$dir" k) == "$k" && $(mf "$dir" seed) == 42 ]]; then
		log "data in $dir is current (manifest matches), not regenerating"
		return
	fi
	log "generating $rows rows, $k IOCs into $dir"
	rm -rf "$dir"
	mkdir -p "$dir"
	"$BIN/gen" -out "$dir" -rows "$rows" -k "$k" -seed 42 >"$dir.gen.log" || die "gen failed, see $dir.gen.log"
}

# mf DIR KEY: a top-level value from DIR/manifest.json.
mf() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]+"/manifest.json"))[sys.argv[2]])' "$1" "$2"; }

# view DIR NAME FILE...: a folder holding hard links to FILEs, so the log
# reader sees exactly the tables we mean (names decide tables).
view() {
	local dir=$1 name=$2
	shift 2
	rm -rf "${dir:?}/$name"
	mkdir -p "$dir/$name"
	local f
	for f in "$@"; do ln "$f" "$dir/$name/" 2>/dev/null || cp "$f" "$dir/$name/"; done
}

build_huntpack() {
	HP=${HUNTPACK:-$BIN/huntpack}
	if [[ -z ${HUNTPACK:-} ]]; then
		if ! (cd "$REPO" && go build -o "$HP" ./cmd/huntpack) 2>"$OUT/huntpack-build.log"; then
			log "huntpack does not build (see $OUT/huntpack-build.log): skipping huntpack"
			TOOLS=${TOOLS//huntpack/}
			return
		fi
	fi
	# Smoke test: the query command must exist and answer a tiny query.
	local small=$DATA/tiny
	if [[ ! -f $small/CommonSecurityLog.csv ]]; then
		mkdir -p "$small"
		head -1001 "$D/CommonSecurityLog.csv" >"$small/CommonSecurityLog.csv"
	fi
	local got
	if ! got=$("$HP" query --logs "$small" --format csv 'CommonSecurityLog | count' 2>"$OUT/huntpack-smoke.log"); then
		log "huntpack query fails on a 1000-row CSV (see $OUT/huntpack-smoke.log): skipping huntpack"
		TOOLS=${TOOLS//huntpack/}
		return
	fi
	log "huntpack smoke test: $(echo "$got" | tr '\n' ' ')"
}

build_duckdb() {
	DUCK=$BIN/huntpack-duckdb-hunt
	if ! (cd "$REPO/bench/duckdb" && go build -o "$DUCK" .) 2>"$OUT/duckdb-build.log"; then
		log "bench/duckdb does not build (see $OUT/duckdb-build.log): skipping DuckDB"
		TOOLS=${TOOLS//duckdb/}
	fi
}

# ---------- KQL ----------

# kql_list FILE: the lines of FILE as KQL string literals, comma separated,
# eight to a line. IOC values come from gen and are plain IPs/domains, but
# escape quotes and backslashes anyway.
kql_list() {
	awk 'BEGIN { n = 0 }
	NF { gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); printf "%s\"%s\"", (n ? (n % 8 ? ", " : ",\n    ") : "    "), $0; n++ }
	END { printf "\n" }' "$1"
}

write_kql() {
	local dir=$1 kdir=$2
	mkdir -p "$kdir"
	{
		echo "// Hunt for network connections to known malicious IPs"
		echo "// Source: ThreatFox-like feed from tools/gen ($(wc -l <"$dir/ips.txt") IOC IPs)"
		echo "let malicious_ips = dynamic(["
		kql_list "$dir/ips.txt"
		echo "]);"
		echo "CommonSecurityLog"
		echo "| where DestinationIP in (malicious_ips) or SourceIP in (malicious_ips)"
		echo "| project TimeGenerated, SourceIP, DestinationIP, DestinationPort, DeviceAction, Activity"
		echo "| order by TimeGenerated desc"
	} >"$kdir/net.kql"
	{
		echo "// Hunt for DNS queries to known malicious domains"
		echo "// Source: ThreatFox-like feed from tools/gen ($(wc -l <"$dir/domains.txt") IOC domains)"
		echo "let malicious_domains = dynamic(["
		kql_list "$dir/domains.txt"
		echo "]);"
		echo "DnsEvents"
		echo "| where Name has_any (malicious_domains)"
		echo "| project TimeGenerated, Computer, Name, IPAddresses, QueryType"
		echo "| order by TimeGenerated desc"
	} >"$kdir/dns.kql"
	{
		echo "// Connections per destination and hour"
		echo "CommonSecurityLog"
		echo "| summarize count() by DestinationIP, bin(TimeGenerated, 1h)"
	} >"$kdir/summarize.kql"
	{
		echo "// Join the firewall log with an ip:port IOC table"
		echo "let IOCs = datatable(IP: string, Port: int) ["
		awk -F: 'NF == 2 { printf "%s\"%s\", %d", (n++ ? ",\n    " : "    "), $1, $2 } END { printf "\n" }' "$dir/ipports.txt"
		echo "];"
		echo "CommonSecurityLog"
		echo "| join kind=inner (IOCs) on \$left.DestinationIP == \$right.IP"
		echo "| where DestinationPort == Port"
		echo "| project TimeGenerated, SourceIP, DestinationIP, DestinationPort, DeviceAction, Activity, IP, Port"
	} >"$kdir/join.kql"
}

# many_ips FILE N OUT: FILE's IPs plus N-|FILE| addresses from 240.0.0.0/4
# (reserved, never written by gen), spread by a multiplicative hash so they
# do not form one dense range. The hit count stays that of FILE.
many_ips() {
	local have
	have=$(wc -l <"$1")
	{
		cat "$1"
		awk -v n=$(($2 - have)) 'BEGIN {
			for (i = 0; i < n; i++) {
				x = (i * 2654435761) % 268435456
				printf "%d.%d.%d.%d\n", 240 + int(x / 16777216), int(x / 65536) % 256, int(x / 256) % 256, x % 256
			}
		}'
	} >"$3"
	local distinct
	distinct=$(sort -u "$3" | wc -l)
	[[ $distinct == "$2" ]] || die "many_ips: wanted $2 distinct IPs, got $distinct"
}

# ---------- cases ----------

# A case is one command to time. Fields (tab separated in $CASES):
# id hunt tool input bytes rows expected countmode
# countmode: lines (result lines), csvh (result lines minus a header),
# int (the command's stdout is the count).
CASES=$OUT/cases.tsv

add_case() { # id hunt tool input bytes rows expected countmode cmd
	local id=$1
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" >>"$CASES"
	printf '%s\n' "$9" >"$OUT/cmd/$id.sh"
}

size() { stat -c %s "$@" | awk '{ s += $1 } END { print s }'; }

hp_cmd() { # kql logdir out
	printf '%q query --logs %q --format csv -f %q > %q' "$HP" "$2" "$1" "$3"
}

plan_cases() {
	local R=$OUT/res K=$OUT/kql
	local csv=$D/CommonSecurityLog.csv jsonl=$D/CommonSecurityLog.jsonl dns=$D/DnsEvents.csv
	local nrows exp
	nrows=$(mf "$D" net_rows)
	# the net hunt in awk (also used by the scale section)
	local awknet='NR == FNR { ioc[$1]; next } FNR > 1 && (($6 in ioc) || ($8 in ioc)) { print $1 "," $6 "," $8 "," $9 "," $4 "," $5 }'
	if want net; then
		exp=$(mf "$D" net_ip_hit_rows)
		local awkcsv='NR == FNR { ioc[$1]; next } ($6 in ioc) || ($8 in ioc)'
		local awkjson='NR == FNR { ioc[$1]; next } { s = $0; sub(/.*"SourceIP":"/, "", s); sub(/".*/, "", s); d = $0; sub(/.*"DestinationIP":"/, "", d); sub(/".*/, "", d) } (s in ioc) || (d in ioc)'
		local inp f b lines
		for inp in csv jsonl; do
			f=$csv lines=$((nrows + 1))
			[[ $inp == jsonl ]] && f=$jsonl lines=$nrows
			b=$(size "$f")
			want_tool huntpack && add_case "net-$inp-huntpack" net huntpack "$inp" "$b" "$nrows" "$exp" csvh "$(hp_cmd "$K/net.kql" "$D/v-$inp" "$R/net-$inp-huntpack.csv")"
			want_tool duckdb && add_case "net-$inp-duckdb" net duckdb "$inp" "$b" "$nrows" "$exp" int "$DUCK -hunt net -format $inp -data $D -out $R/net-$inp-duckdb.csv"
			if [[ $inp == csv ]]; then
				want_tool gawk && add_case "net-csv-gawk" net gawk csv "$b" "$nrows" "$exp" lines "LC_ALL=C gawk -F, '$awknet' $D/ips.txt $f > $R/net-csv-gawk.out"
				want_tool mawk && add_case "net-csv-mawk" net mawk csv "$b" "$nrows" "$exp" lines "mawk -F, '$awknet' $D/ips.txt $f > $R/net-csv-mawk.out"
			fi
			# ripgrep finds candidate lines (substring matches: 10.1.2.3 also
			# hits 110.1.2.34); mawk keeps the exact ones so the count checks.
			local chk=$awkcsv
			[[ $inp == jsonl ]] && chk=$awkjson
			want_tool rg && add_case "net-$inp-rg" net "rg -F -f, then mawk" "$inp" "$b" "$nrows" "$exp" lines "rg -N -F -f $D/ips.txt $f | mawk -F, '$chk' $D/ips.txt - > $R/net-$inp-rg.out"
			want_tool wc && add_case "net-$inp-wc" net "wc -l" "$inp" "$b" "$nrows" "$lines" int "wc -l < $f"
		done
	fi
	if want dns; then
		exp=$(mf "$D" dns_hit_rows)
		local b
		b=$(size "$dns")
		local awkdns='NR == FNR { d[tolower($1)]; next } FNR > 1 { n = tolower($4); for (;;) { if (n in d) { print $1 "," $2 "," $4 "," $6 "," $5; break } i = index(n, "."); if (!i) break; n = substr(n, i + 1) } }'
		want_tool huntpack && add_case "dns-csv-huntpack" dns huntpack csv "$b" "$nrows" "$exp" csvh "$(hp_cmd "$K/dns.kql" "$D/v-csv" "$R/dns-csv-huntpack.csv")"
		want_tool duckdb && add_case "dns-csv-duckdb-suffix" dns "duckdb (every-suffix join)" csv "$b" "$nrows" "$exp" int "$DUCK -hunt dns-suffix -data $D -out $R/dns-csv-duckdb-suffix.csv"
		want_tool duckdb && add_case "dns-csv-duckdb-labels" dns "duckdb (label joins)" csv "$b" "$nrows" "$exp" int "$DUCK -hunt dns-labels -data $D -out $R/dns-csv-duckdb-labels.csv"
		want_tool gawk && add_case "dns-csv-gawk" dns gawk csv "$b" "$nrows" "$exp" lines "LC_ALL=C gawk -F, '$awkdns' $D/domains.txt $dns > $R/dns-csv-gawk.out"
		want_tool mawk && add_case "dns-csv-mawk" dns mawk csv "$b" "$nrows" "$exp" lines "mawk -F, '$awkdns' $D/domains.txt $dns > $R/dns-csv-mawk.out"
		local awkdnschk='NR == FNR { d[tolower($1)]; next } { n = tolower($4); for (;;) { if (n in d) { print; break } i = index(n, "."); if (!i) break; n = substr(n, i + 1) } }'
		want_tool rg && add_case "dns-csv-rg" dns "rg -F -f, then mawk" csv "$b" "$nrows" "$exp" lines "rg -N -F -f $D/domains.txt $dns | mawk -F, '$awkdnschk' $D/domains.txt - > $R/dns-csv-rg.out"
		want_tool wc && add_case "dns-csv-wc" dns "wc -l" csv "$b" "$nrows" "$((nrows + 1))" int "wc -l < $dns"
	fi
	if want summarize; then
		local b
		b=$(size "$csv")
		# No manifest answer: the group count must agree between tools and
		# the counts must add up to the row count (checked in verify).
		want_tool duckdb && add_case "summarize-csv-duckdb" summarize duckdb csv "$b" "$nrows" "sum=$nrows" int "$DUCK -hunt summarize -data $D -out $R/summarize-csv-duckdb.csv"
		want_tool huntpack && add_case "summarize-csv-huntpack" summarize huntpack csv "$b" "$nrows" "sum=$nrows" csvh "$(hp_cmd "$K/summarize.kql" "$D/v-csv" "$R/summarize-csv-huntpack.csv")"
	fi
	if want join; then
		exp=$(mf "$D" net_dst_ipport_hit_rows)
		local b
		b=$(size "$csv")
		want_tool huntpack && add_case "join-csv-huntpack" join huntpack csv "$b" "$nrows" "$exp" csvh "$(hp_cmd "$K/join.kql" "$D/v-csv" "$R/join-csv-huntpack.csv")"
		want_tool duckdb && add_case "join-csv-duckdb" join duckdb csv "$b" "$nrows" "$exp" int "$DUCK -hunt join -data $D -out $R/join-csv-duckdb.csv"
	fi
	if want scale; then
		# Same 10-IOC data set, hunted with its 10 IOCs and with 1,000,000.
		exp=$(mf "$D10" net_ip_hit_rows)
		local b
		b=$(size "$D10/CommonSecurityLog.csv")
		for n in 10 1000000; do
			local ips=$D10/ips.txt
			[[ $n == 10 ]] || ips=$D10/ips-$n.txt
			want_tool huntpack && add_case "net-ioc$n-huntpack" "net-ioc$n" huntpack csv "$b" "$nrows" "$exp" csvh "$(hp_cmd "$OUT/kql-ioc$n/net.kql" "$D10/v-csv" "$R/net-ioc$n-huntpack.csv")"
			want_tool duckdb && add_case "net-ioc$n-duckdb" "net-ioc$n" duckdb csv "$b" "$nrows" "$exp" int "$DUCK -hunt net -data $D10 -iocs $ips -out $R/net-ioc$n-duckdb.csv"
			want_tool mawk && add_case "net-ioc$n-mawk" "net-ioc$n" mawk csv "$b" "$nrows" "$exp" lines "mawk -F, '$awknet' $ips $D10/CommonSecurityLog.csv > $R/net-ioc$n-mawk.out"
		done
	fi
	if want gz; then
		exp=$(mf "$D" net_ip_hit_rows)
		local graw b1 bn
		graw=$(size "$csv")
		b1=$(size "$D/v-gz1/"*.gz)
		bn=$(size "$D/v-gz$GZ_PARTS/"*.gz)
		# bytes column: uncompressed bytes, so MB/s compares with the raw run
		want_tool huntpack && add_case "net-gz1-huntpack" net "huntpack" "csv.gz x1 ($((b1 / 1000000)) MB)" "$graw" "$nrows" "$exp" csvh "$(hp_cmd "$K/net.kql" "$D/v-gz1" "$R/net-gz1-huntpack.csv")"
		want_tool huntpack && add_case "net-gz$GZ_PARTS-huntpack" net "huntpack" "csv.gz x$GZ_PARTS ($((bn / 1000000)) MB)" "$graw" "$nrows" "$exp" csvh "$(hp_cmd "$K/net.kql" "$D/v-gz$GZ_PARTS" "$R/net-gz$GZ_PARTS-huntpack.csv")"
		want_tool duckdb && add_case "net-gz1-duckdb" net duckdb "csv.gz x1 ($((b1 / 1000000)) MB)" "$graw" "$nrows" "$exp" int "$DUCK -hunt net -data $D/v-gz1 -format csv.gz -iocs $D/ips.txt -out $R/net-gz1-duckdb.csv"
		want_tool wc && add_case "net-gz1-zcat" net "zcat | wc -l" "csv.gz x1" "$graw" "$nrows" "$((nrows + 1))" int "zcat $D/v-gz1/*.gz | wc -l"
		want_tool wc && add_case "net-gz$GZ_PARTS-pigz" net "pigz -dc (${GZ_PARTS} files, 2 at a time) | wc -l" "csv.gz x$GZ_PARTS" "$graw" "$nrows" "$((nrows + GZ_PARTS))" int "ls $D/v-gz$GZ_PARTS/*.gz | xargs -P 2 -n 1 pigz -dc | wc -l"
	fi
	if want big; then
		local big=$((nrows * BIG_COPIES)) b
		exp=$(($(mf "$D" net_ip_hit_rows) * BIG_COPIES))
		b=$(($(size "$csv") * BIG_COPIES))
		want_tool huntpack && add_case "net-big-huntpack" net huntpack "csv x$BIG_COPIES" "$b" "$big" "$exp" csvh "$(hp_cmd "$K/net.kql" "$D/v-big" "$R/net-big-huntpack.csv")"
		want_tool huntpack && add_case "dns-big-huntpack" dns huntpack "csv x$BIG_COPIES" "$(($(size "$dns") * BIG_COPIES))" "$big" "$(($(mf "$D" dns_hit_rows) * BIG_COPIES))" csvh "$(hp_cmd "$K/dns.kql" "$D/v-big" "$R/dns-big-huntpack.csv")"
		want_tool wc && add_case "net-big-wc" net "cat | wc -l" "csv x$BIG_COPIES" "$b" "$big" "$((big + BIG_COPIES))" int "cat $D/v-big/CommonSecurityLog_*.csv | wc -l"
	fi
	return 0
}

# ---------- run ----------

# count ID MODE: the hit count of a finished case.
count() {
	local id=$1 mode=$2 res
	case $mode in
	int) tr -d ' \n' <"$OUT/res/$id.stdout" ;;
	lines)
		res=$(ls "$OUT/res/$id".out)
		wc -l <"$res" | tr -d ' '
		;;
	csvh)
		res=$OUT/res/$id.csv
		local n
		n=$(wc -l <"$res" | tr -d ' ')
		echo $((n > 0 ? n - 1 : 0))
		;;
	esac
}

# verify ID EXPECTED GOT: "ok" or a loud reason.
verify() {
	local id=$1 exp=$2 got=$3
	if [[ $exp == sum=* ]]; then
		local want=${exp#sum=} f sum
		f=$OUT/res/$id.csv
		sum=$(awk -F, 'NR > 1 { s += $NF } END { printf "%d", s }' "$f")
		if [[ $sum != "$want" ]]; then
			echo "WRONG: counts add up to $sum, want $want"
			return
		fi
		if [[ -n ${SUMMARIZE_GROUPS:-} && $got != "$SUMMARIZE_GROUPS" ]]; then
			echo "WRONG: $got groups, DuckDB has $SUMMARIZE_GROUPS"
			return
		fi
		SUMMARIZE_GROUPS=$got
		echo ok
		return
	fi
	if [[ $got == "$exp" ]]; then echo ok; else echo "WRONG: $got rows, want $exp"; fi
}

run_cases() {
	local RESULTS=$OUT/results.new.tsv
	printf 'id\thunt\ttool\tinput\tbytes\trows\texpected\tgot\tcheck\tmedian_s\tmin_s\tmax_s\truns\tpeak_rss_kb\tcpu_s\tload\n' >"$RESULTS"
	local id hunt tool input bytes rows exp mode
	while IFS=$'\t' read -r id hunt tool input bytes rows exp mode; do
		local cmd="bash $OUT/cmd/$id.sh"
		log "$id: check run"
		local st=0 load
		load=$(cut -d' ' -f1 /proc/loadavg)
		/usr/bin/time -f '%e %M %U %S' -o "$OUT/res/$id.time" bash "$OUT/cmd/$id.sh" >"$OUT/res/$id.stdout" 2>"$OUT/res/$id.stderr" || st=$?
		local wall rss usr sys got chk cpu
		read -r wall rss usr sys < <(tail -1 "$OUT/res/$id.time")
		cpu=$(awk -v u="$usr" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
		if ((st != 0)); then
			got=error
			chk="FAILED: exit $st ($(head -c 200 "$OUT/res/$id.stderr" | tr '\n\t' '  '))"
		else
			got=$(count "$id" "$mode")
			chk=$(verify "$id" "$exp" "$got")
		fi
		[[ $chk == ok ]] || log "$id: $chk"
		local med=$wall mn=$wall mx=$wall n=1
		if [[ $chk == ok && $RUNS -gt 1 ]]; then
			hyperfine --style none --runs "$RUNS" --export-json "$OUT/res/$id.hyperfine.json" "$cmd" >/dev/null 2>"$OUT/res/$id.hyperfine.log" || true
			if [[ -s $OUT/res/$id.hyperfine.json ]]; then
				read -r med mn mx n cpu < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print(r["median"], r["min"], r["max"], len(r["times"]), round(r["user"] + r["system"], 2))' "$OUT/res/$id.hyperfine.json")
			fi
		fi
		log "$id: ${med}s, peak RSS ${rss} KB, count $got ($chk)"
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$hunt" "$tool" "$input" "$bytes" "$rows" "$exp" "$got" "$chk" "$med" "$mn" "$mx" "$n" "$rss" "$cpu" "$load" >>"$RESULTS"
	done <"$CASES"
	# Merge into the results for this data set: a rerun of some tools (say
	# TOOLS=huntpack) replaces their rows and keeps the peers' rows.
	python3 - "$RESULTS" "$OUT/results-r$ROWS-k$IOCS.tsv" <<-'EOF'
		import csv, os, sys
		new, acc = sys.argv[1], sys.argv[2]
		rows = list(csv.DictReader(open(new), delimiter="\t"))
		ids = {r["id"] for r in rows}
		old = list(csv.DictReader(open(acc), delimiter="\t")) if os.path.exists(acc) and os.environ.get("FRESH") != "1" else []
		order = [r["id"] for r in old] + [r["id"] for r in rows if r["id"] not in {o["id"] for o in old}]
		byid = {r["id"]: r for r in old}
		byid.update({r["id"]: r for r in rows})
		fields = list(rows[0].keys()) if rows else list(old[0].keys())
		with open(acc, "w", newline="") as f:
		    w = csv.DictWriter(f, fields, delimiter="\t", lineterminator="\n")
		    w.writeheader()
		    for i in order:
		        w.writerow(byid[i])
	EOF
	cp "$OUT/results-r$ROWS-k$IOCS.tsv" "$OUT/results.tsv"
}

# ---------- profiles ----------

# profile: CPU profiles of the engine (bench/prof, in-process logs.Open +
# exec.RunString) for the network and DNS hunts, plus the parser benchmark.
# Top functions go to bench/out/prof-*.txt.
profile() {
	# bench/prof replaces the huntpack module with this tree, so its go.sum
	# must follow the tree's dependencies: tidy it first.
	if ! (cd "$REPO/bench/prof" && go mod tidy && go build -o "$BIN/hp-prof" . && go build -o "$BIN/hp-parse" ./parse) 2>"$OUT/prof-build.log"; then
		log "bench/prof does not build (see $OUT/prof-build.log): no profiles"
		return 0
	fi
	local h dir
	for h in net dns; do
		dir=$D/v-csv
		log "profiling the $h hunt"
		if "$BIN/hp-prof" -logs "$dir" -f "$OUT/kql/$h.kql" -cpuprofile "$OUT/prof-$h.cpu" >"$OUT/prof-$h.log" 2>&1; then
			go tool pprof -top -nodecount=25 "$BIN/hp-prof" "$OUT/prof-$h.cpu" >"$OUT/prof-$h.txt" 2>/dev/null
			go tool pprof -top -cum -nodecount=25 "$BIN/hp-prof" "$OUT/prof-$h.cpu" >"$OUT/prof-$h-cum.txt" 2>/dev/null
			cat "$OUT/prof-$h.log" >&2
		else
			log "profiling $h failed: $(tail -3 "$OUT/prof-$h.log")"
		fi
	done
	"$BIN/hp-parse" -corpus "$SHARED/corpus/kql" -runs 20 >"$OUT/prof-parse.txt" 2>&1 || true
	cat "$OUT/prof-parse.txt" >&2
}

# ---------- main ----------

main() {
	command -v go >/dev/null || die "go is required"
	mkdir -p "$OUT"/{cmd,res,kql}
	rm -f "$OUT"/cmd/*.sh "$OUT"/res/* "$CASES"
	ensure_tools
	build_gen
	D=$DATA/r$ROWS-k$IOCS
	gen_data "$D" "$ROWS" "$IOCS"
	view "$D" v-csv "$D/CommonSecurityLog.csv" "$D/DnsEvents.csv"
	view "$D" v-jsonl "$D/CommonSecurityLog.jsonl"
	if want scale; then
		D10=$DATA/r$ROWS-k10
		gen_data "$D10" "$ROWS" 10
		view "$D10" v-csv "$D10/CommonSecurityLog.csv"
		[[ -f $D10/ips-1000000.txt ]] || many_ips "$D10/ips.txt" 1000000 "$D10/ips-1000000.txt"
	fi
	if want gz; then
		if [[ ! -f $D/v-gz1/CommonSecurityLog.csv.gz ]]; then
			log "gzip: one file"
			mkdir -p "$D/v-gz1"
			pigz -6 -c "$D/CommonSecurityLog.csv" >"$D/v-gz1/CommonSecurityLog.csv.gz.tmp"
			mv "$D/v-gz1/CommonSecurityLog.csv.gz.tmp" "$D/v-gz1/CommonSecurityLog.csv.gz"
		fi
		if [[ ! -f $D/v-gz$GZ_PARTS/done ]]; then
			log "gzip: $GZ_PARTS files"
			rm -rf "$D/v-gz$GZ_PARTS"
			mkdir -p "$D/v-gz$GZ_PARTS"
			local per=$(((ROWS + GZ_PARTS - 1) / GZ_PARTS)) p
			tail -n +2 "$D/CommonSecurityLog.csv" | split -d -a 2 -l "$per" - "$D/v-gz$GZ_PARTS/part"
			for p in "$D/v-gz$GZ_PARTS"/part*; do
				{ head -1 "$D/CommonSecurityLog.csv"; cat "$p"; } | pigz -6 -c >"$D/v-gz$GZ_PARTS/CommonSecurityLog_${p##*part}.csv.gz"
				rm "$p"
			done
			touch "$D/v-gz$GZ_PARTS/done"
		fi
	fi
	if want big; then
		rm -rf "$D/v-big"
		mkdir -p "$D/v-big"
		local i
		for ((i = 1; i <= BIG_COPIES; i++)); do
			ln "$D/CommonSecurityLog.csv" "$D/v-big/$(printf 'CommonSecurityLog_%02d.csv' "$i")"
			ln "$D/DnsEvents.csv" "$D/v-big/$(printf 'DnsEvents_%02d.csv' "$i")"
		done
	fi
	if want_tool huntpack; then build_huntpack; fi
	if want_tool duckdb; then build_duckdb; fi
	write_kql "$D" "$OUT/kql"
	if want scale; then
		write_kql "$D10" "$OUT/kql-ioc10"
		local tmp
		tmp=$(mktemp -d)
		cp "$D10/ips-1000000.txt" "$tmp/ips.txt"
		cp "$D10"/{domains.txt,ipports.txt} "$tmp/"
		write_kql "$tmp" "$OUT/kql-ioc1000000"
		rm -rf "$tmp"
	fi
	# warm the page cache
	cat "$D"/*.csv "$D"/*.jsonl >/dev/null
	plan_cases
	run_cases
	if [[ ${PROFILE:-0} == 1 ]]; then profile; fi
	python3 "$REPO/bench/table.py" "$OUT/results.tsv" "$(date -u +%FT%TZ)" "$(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr), rows=$ROWS iocs=$IOCS runs=$RUNS" | tee "$OUT/table.md"
	if awk -F'\t' 'NR > 1 && $9 != "ok" { bad = 1 } END { exit !bad }' "$OUT/results.tsv"; then
		log "SOME COUNTS ARE WRONG OR COMMANDS FAILED: see the check column"
		exit 1
	fi
}

main "$@"
