// Command hp-parse times huntpack's KQL parser (syntax.Parse) over every
// .kql file of a corpus and prints microseconds per query.
//
//	hp-parse [-corpus ../shared/corpus/kql] [-runs 20] [-cpuprofile parse.prof]
package main

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/huntpack/huntpack/kql/syntax"
)

func main() {
	if err := parse(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "hp-parse:", err)
		os.Exit(2)
	}
}

func parse(args []string) error {
	fl := flag.NewFlagSet("parse", flag.ExitOnError)
	corpus := fl.String("corpus", "../shared/corpus/kql", "folder of .kql files")
	runs := fl.Int("runs", 20, "parse every query this many times")
	cpu := fl.String("cpuprofile", "", "write a CPU profile of the timed parses here")
	fl.Parse(args)
	var srcs []string
	err := filepath.WalkDir(*corpus, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".kql") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		srcs = append(srcs, string(b))
		return nil
	})
	if err != nil {
		return err
	}
	if len(srcs) == 0 {
		return fmt.Errorf("no .kql files under %s", *corpus)
	}
	if *cpu != "" {
		f, err := os.Create(*cpu)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	per := make([]time.Duration, len(srcs))
	var bytes, errs int
	for i, s := range srcs {
		bytes += len(s)
		if _, d := syntax.Parse("q.kql", s); d.HasErrors() {
			errs++
		}
		start := time.Now()
		for r := 0; r < *runs; r++ {
			syntax.Parse("q.kql", s)
		}
		per[i] = time.Since(start) / time.Duration(*runs)
	}
	var total time.Duration
	for _, d := range per {
		total += d
	}
	sorted := slices.Clone(per)
	slices.Sort(sorted)
	q := func(f float64) time.Duration { return sorted[int(f*float64(len(sorted)-1))] }
	fmt.Printf("%d queries (%d bytes, %d with syntax errors), %d runs each\n", len(srcs), bytes, errs, *runs)
	fmt.Printf("mean %.1f µs/query, p50 %.1f µs, p90 %.1f µs, p99 %.1f µs, max %.1f µs; %.0f MB/s\n",
		us(total/time.Duration(len(srcs))), us(q(0.5)), us(q(0.9)), us(q(0.99)), us(sorted[len(sorted)-1]),
		float64(bytes)/total.Seconds()/1e6)
	return nil
}

func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }
