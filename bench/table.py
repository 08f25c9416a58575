#!/usr/bin/env python3
"""Turn bench/out/results.tsv (written by bench/run.sh) into a Markdown table
and a target check. Usage: table.py results.tsv DATE MACHINE"""

import csv
import sys

# Reference numbers from issue #9 (same kind of machine, DuckDB version not
# stated), shown next to our own measurements.
ISSUE = {
    ("net", "duckdb", "csv"): 3.28,
    ("net", "duckdb", "jsonl"): 3.16,
    ("net", "gawk", "csv"): 8.8,
    ("dns", "duckdb (every-suffix join)", "csv"): 29.7,
    ("dns", "duckdb (label joins)", "csv"): 12.2,
    ("dns", "mawk", "csv"): 12.2,
}


def num(s):
    try:
        return float(s)
    except ValueError:
        return None


def fmt(x):
    if x is None:
        return "-"
    return f"{x:.3f}" if x < 10 else f"{x:.2f}"


def main():
    path, date, machine = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    hp = {}
    for r in rows:
        if r["tool"] == "huntpack" and r["check"] == "ok":
            hp[(r["hunt"], r["input"])] = float(r["median_s"])
    print(f"Benchmark {date} - {machine}\n")
    print("| hunt | tool | input | median s | runs | CPU s | load | rows/s | MB/s | peak RSS MB | hits (check) | huntpack/peer | issue #9 s |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|")
    for r in rows:
        med = num(r["median_s"])
        rows_n, nbytes = int(r["rows"]), int(r["bytes"])
        rps = f"{rows_n / med / 1e6:.1f}M" if med else "-"
        mbs = f"{nbytes / med / 1e6:.0f}" if med else "-"
        rss = f"{int(r['peak_rss_kb']) / 1024:.0f}" if r["peak_rss_kb"].isdigit() else "-"
        ratio = ""
        base = hp.get((r["hunt"], r["input"]))
        if r["tool"] != "huntpack" and base and med:
            ratio = f"{base / med:.2f}"
        check = r["got"] if r["check"] == "ok" else f"**{r['got']}: {r['check']}**"
        ref = ISSUE.get((r["hunt"], r["tool"], r["input"]), "") if rows_n == 10_000_000 else ""
        tool = r["tool"].replace("|", "\\|")
        print(f"| {r['hunt']} | {tool} | {r['input']} | {fmt(med)} | {r['runs']} | {r.get('cpu_s') or '-'} | {r.get('load') or '-'} | {rps} | {mbs} | {rss} | {check} | {ratio} | {ref} |")
    print()
    print("huntpack/peer < 1 means huntpack is faster (0.5 = twice as fast). "
          "MB/s counts uncompressed input bytes; rows/s counts input rows. "
          "CPU s is user+system time (mean over the timed runs); load is the 1-minute load "
          "average when the command started (2 cores: above 2 the timings are inflated by other work).\n")
    targets(rows)


def med(rows, hunt, tool, inp, field="median_s"):
    for r in rows:
        if r["hunt"] == hunt and r["tool"] == tool and r["input"] == inp and r["check"] == "ok":
            return num(r.get(field) or "")
    return None


def targets(rows):
    print("| target | measured | met? |")
    print("|---|---|---|")

    def ratio_target(name, hunt, peer, inp, want):
        a, b = med(rows, hunt, "huntpack", inp), med(rows, hunt, peer, inp)
        ref = ISSUE.get((hunt, peer, inp)) if any(r["rows"] == "10000000" for r in rows) else None
        refs = ""
        if ref and a:
            refs = f" (vs issue #9's {ref} s: {ref / a:.2f}x)"
        if a is None or b is None:
            print(f"| {name} | not measured (huntpack {a}, {peer} {b}) | ? |")
            return
        x = b / a
        ca, cb = med(rows, hunt, "huntpack", inp, "cpu_s"), med(rows, hunt, peer, inp, "cpu_s")
        cpu = f"; CPU {ca:.2f} s vs {cb:.2f} s" if ca and cb else ""
        print(f"| {name} | huntpack {a:.2f} s vs {b:.2f} s here = {x:.2f}x{refs}{cpu} | {'yes' if x >= want else 'NO'} |")

    ratio_target("network hunt >= 2x DuckDB (CSV)", "net", "duckdb", "csv", 2)
    ratio_target("network hunt >= 2x DuckDB (JSONL)", "net", "duckdb", "jsonl", 2)
    ratio_target("DNS has_any >= 4x DuckDB every-suffix join", "dns", "duckdb (every-suffix join)", "csv", 4)
    ratio_target("summarize by DestinationIP, 1h >= DuckDB", "summarize", "duckdb", "csv", 1)
    ratio_target("join with IOC table >= DuckDB", "join", "duckdb", "csv", 1)
    a, b = med(rows, "net-ioc1000000", "huntpack", "csv"), med(rows, "net-ioc10", "huntpack", "csv")
    if a and b:
        print(f"| 1,000,000 IOCs <= 1.2x 10 IOCs | {a:.2f} s vs {b:.2f} s = {a / b:.2f}x | {'yes' if a <= 1.2 * b else 'NO'} |")
    else:
        print("| 1,000,000 IOCs <= 1.2x 10 IOCs | not measured | ? |")
    worst = None
    for r in rows:
        if r["tool"] == "huntpack" and r["hunt"] in ("net", "dns") and r["peak_rss_kb"].isdigit():
            kb = int(r["peak_rss_kb"])
            if worst is None or kb > worst[0]:
                worst = (kb, r["hunt"], r["input"], r["rows"])
    if worst:
        mb = worst[0] / 1024
        print(f"| peak RSS <= 300 MB, streaming hunts | max {mb:.0f} MB ({worst[1]}, {worst[2]}, {worst[3]} rows) | {'yes' if mb <= 300 else 'NO'} |")
    raw = med(rows, "net", "huntpack", "csv")
    for r in rows:
        if r["tool"] == "huntpack" and r["input"].startswith("csv.gz") and r["check"] == "ok" and raw:
            t = float(r["median_s"])
            print(f"| gzip ({r['input']}) rate vs raw | {int(r['bytes']) / t / 1e6:.0f} MB/s vs {int(r['bytes']) / raw / 1e6:.0f} MB/s raw ({t / raw:.2f}x the time) | report |")


if __name__ == "__main__":
    main()
