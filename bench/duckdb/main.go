// Command duckdb-hunt runs huntpack's benchmark hunts through DuckDB (via
// its Go binding) so bench/run.sh can time a well-known columnar engine on
// exactly the same files and compare hit counts.
//
// It lives in its own Go module so the huntpack module stays pure Go: the
// binding links DuckDB's prebuilt static library with cgo.
//
// Every hunt is written the way a DuckDB user would write it: IOC lists are
// loaded into a temporary table, logs are read with read_csv / read_json with
// type auto-detection, and the result (the same columns the KQL query
// projects) is written to a CSV file with COPY. The number of result rows is
// printed on stdout, as a single integer, so the caller can check it against
// the generator's manifest.
//
// Usage:
//
//	duckdb-hunt -hunt net -data /tmp/huntpack-bench/r10000000-k10000 [-format jsonl] [-iocs ips.txt]
//	duckdb-hunt -hunt dns-suffix -data DIR
//	duckdb-hunt -hunt dns-labels -data DIR
//	duckdb-hunt -hunt summarize -data DIR
//	duckdb-hunt -hunt join -data DIR
//	duckdb-hunt -hunt net -data DIR -print-sql
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2"
)

type options struct {
	hunt     string
	data     string
	format   string
	iocs     string
	out      string
	threads  int
	printSQL bool
	explain  bool
}

func main() {
	var o options
	flag.StringVar(&o.hunt, "hunt", "net", "hunt to run: net, dns-suffix, dns-labels, summarize, join")
	flag.StringVar(&o.data, "data", "", "folder written by /work/shared/tools/gen")
	flag.StringVar(&o.format, "format", "csv", "network log format: csv (CommonSecurityLog.csv), csv.gz (CommonSecurityLog*.csv.gz) or jsonl (CommonSecurityLog.jsonl)")
	flag.StringVar(&o.iocs, "iocs", "", "IOC list to use instead of the folder's ips.txt / domains.txt / ipports.txt")
	flag.StringVar(&o.out, "out", "", "CSV file for the result (default: a temporary file, removed afterwards)")
	flag.IntVar(&o.threads, "threads", 0, "DuckDB threads (0: DuckDB's default, all cores)")
	flag.BoolVar(&o.printSQL, "print-sql", false, "print the SQL statements and exit")
	flag.BoolVar(&o.explain, "explain", false, "run EXPLAIN ANALYZE on the query and print the plan instead of the count")
	flag.Parse()
	n, err := run(context.Background(), o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "duckdb-hunt:", err)
		os.Exit(2)
	}
	if !o.printSQL && !o.explain {
		fmt.Println(n)
	}
}

// sqlString quotes s as a SQL string literal.
func sqlString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// netSource is the FROM expression reading the network log.
func netSource(data, format string) (string, error) {
	switch format {
	case "csv":
		return "read_csv(" + sqlString(filepath.Join(data, "CommonSecurityLog.csv")) + ", header = true)", nil
	case "csv.gz":
		return "read_csv(" + sqlString(filepath.Join(data, "CommonSecurityLog*.csv.gz")) + ", header = true)", nil
	case "jsonl", "json":
		return "read_json(" + sqlString(filepath.Join(data, "CommonSecurityLog.jsonl")) + ", format = 'newline_delimited')", nil
	}
	return "", fmt.Errorf("unknown -format %q (want csv or jsonl)", format)
}

func iocFile(o options, def string) string {
	if o.iocs != "" {
		return o.iocs
	}
	return filepath.Join(o.data, def)
}

func readList(path, col string) string {
	return "read_csv(" + sqlString(path) + ", header = false, delim = '\\t', quote = '', escape = '', columns = {'" + col + "': 'VARCHAR'})"
}

// statements returns the setup statements and the final query for a hunt.
func statements(ctx context.Context, db *sql.DB, o options) (setup []string, query string, err error) {
	dns := "read_csv(" + sqlString(filepath.Join(o.data, "DnsEvents.csv")) + ", header = true)"
	switch o.hunt {
	case "net":
		src, err := netSource(o.data, o.format)
		if err != nil {
			return nil, "", err
		}
		setup = []string{"CREATE TEMP TABLE iocs AS SELECT DISTINCT ip FROM " + readList(iocFile(o, "ips.txt"), "ip")}
		query = `SELECT TimeGenerated, SourceIP, DestinationIP, DestinationPort, DeviceAction, Activity
FROM ` + src + `
WHERE DestinationIP IN (SELECT ip FROM iocs) OR SourceIP IN (SELECT ip FROM iocs)
ORDER BY TimeGenerated DESC`
	case "dns-suffix":
		// General form: every suffix of the (lower-cased) name, semi-joined
		// with the IOC domains. Works for any IOC list.
		setup = []string{"CREATE TEMP TABLE doms AS SELECT DISTINCT lower(d) AS d FROM " + readList(iocFile(o, "domains.txt"), "d")}
		query = `SELECT TimeGenerated, Computer, Name, IPAddresses, QueryType
FROM ` + dns + ` e
WHERE EXISTS (
  SELECT 1
  FROM unnest(list_transform(range(1, len(string_split(lower(e.Name), '.')) + 1),
                             i -> array_to_string(string_split(lower(e.Name), '.')[i:], '.'))) AS t(s)
  WHERE t.s IN (SELECT d FROM doms))
ORDER BY TimeGenerated DESC`
	case "dns-labels":
		// Label-count form: one equality lookup per distinct number of
		// labels among the IOC domains (last k labels of the name).
		setup = []string{"CREATE TEMP TABLE doms AS SELECT DISTINCT lower(d) AS d, len(string_split(lower(d), '.')) AS k FROM " + readList(iocFile(o, "domains.txt"), "d")}
		if o.printSQL {
			return setup, "-- one OR term per distinct label count k:\n-- array_to_string(string_split(lower(Name), '.')[-k:], '.') IN (SELECT d FROM doms WHERE k = <k>)", nil
		}
		for _, s := range setup {
			if _, err := db.ExecContext(ctx, s); err != nil {
				return nil, "", fmt.Errorf("%s: %w", s, err)
			}
		}
		setup = nil
		ks, err := labelCounts(ctx, db)
		if err != nil {
			return nil, "", err
		}
		var terms []string
		for _, k := range ks {
			terms = append(terms, fmt.Sprintf("array_to_string(string_split(lower(Name), '.')[-%d:], '.') IN (SELECT d FROM doms WHERE k = %d)", k, k))
		}
		query = `SELECT TimeGenerated, Computer, Name, IPAddresses, QueryType
FROM ` + dns + `
WHERE ` + strings.Join(terms, "\n   OR ") + `
ORDER BY TimeGenerated DESC`
	case "summarize":
		src, err := netSource(o.data, o.format)
		if err != nil {
			return nil, "", err
		}
		query = `SELECT DestinationIP, time_bucket(INTERVAL '1 hour', TimeGenerated) AS TimeGenerated, count(*) AS count_
FROM ` + src + `
GROUP BY ALL`
	case "join":
		src, err := netSource(o.data, o.format)
		if err != nil {
			return nil, "", err
		}
		setup = []string{`CREATE TEMP TABLE iocs AS
SELECT split_part(v, ':', 1) AS IP, CAST(split_part(v, ':', 2) AS INTEGER) AS Port
FROM ` + readList(iocFile(o, "ipports.txt"), "v")}
		query = `SELECT c.TimeGenerated, c.SourceIP, c.DestinationIP, c.DestinationPort, c.DeviceAction, c.Activity, i.IP, i.Port
FROM ` + src + ` c JOIN iocs i ON c.DestinationIP = i.IP
WHERE c.DestinationPort = i.Port`
	default:
		return nil, "", fmt.Errorf("unknown -hunt %q (want net, dns-suffix, dns-labels, summarize or join)", o.hunt)
	}
	return setup, query, nil
}

func labelCounts(ctx context.Context, db *sql.DB) ([]int, error) {
	rows, err := db.QueryContext(ctx, "SELECT DISTINCT k FROM doms ORDER BY k")
	if err != nil {
		return nil, fmt.Errorf("label counts: %w", err)
	}
	defer rows.Close()
	var ks []int
	for rows.Next() {
		var k int
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("label counts: %w", err)
		}
		ks = append(ks, k)
	}
	return ks, rows.Err()
}

func run(ctx context.Context, o options) (int64, error) {
	if o.data == "" {
		return 0, errors.New("-data is required")
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return 0, fmt.Errorf("open duckdb: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one connection: temp tables are per connection
	if o.threads > 0 {
		if _, err := db.ExecContext(ctx, fmt.Sprintf("SET threads = %d", o.threads)); err != nil {
			return 0, fmt.Errorf("set threads: %w", err)
		}
	}
	setup, query, err := statements(ctx, db, o)
	if err != nil {
		return 0, err
	}
	out := o.out
	if out == "" {
		f, err := os.CreateTemp("", "duckdb-hunt-*.csv")
		if err != nil {
			return 0, err
		}
		out = f.Name()
		f.Close()
		defer os.Remove(out)
	}
	copyStmt := "COPY (\n" + query + "\n) TO " + sqlString(out) + " (HEADER, DELIMITER ',')"
	if o.printSQL {
		for _, s := range setup {
			fmt.Println(s + ";")
		}
		fmt.Println(copyStmt + ";")
		return 0, nil
	}
	for _, s := range setup {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return 0, fmt.Errorf("%s: %w", s, err)
		}
	}
	if o.explain {
		return 0, explain(ctx, db, query)
	}
	res, err := db.ExecContext(ctx, copyStmt)
	if err != nil {
		return 0, fmt.Errorf("query: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("row count: %w", err)
	}
	return n, nil
}

// explain prints DuckDB's EXPLAIN ANALYZE output for query.
func explain(ctx context.Context, db *sql.DB, query string) error {
	rows, err := db.QueryContext(ctx, "EXPLAIN ANALYZE "+query)
	if err != nil {
		return fmt.Errorf("explain: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return fmt.Errorf("explain: %w", err)
		}
		fmt.Println(v)
	}
	return rows.Err()
}
