// Command hp-prof profiles huntpack's KQL engine on benchmark data, for
// bench/run.sh and the engine and reader engineers.
//
// It lives in its own module (replacing github.com/huntpack/huntpack with
// the working tree) so profiling code never ships in the huntpack binary.
//
//	hp-prof -logs DIR -f hunt.kql [-cpuprofile cpu.prof] [-memprofile mem.prof] [-runs 1]
//
// It runs the query the way `huntpack query` does (logs.Open over DIR, then
// exec.RunString) and prints the result row count, the time and the
// engine's scan statistics. The parser benchmark is in ./parse.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/huntpack/huntpack/kql/exec"
	"github.com/huntpack/huntpack/logs"
)

func main() {
	if err := hunt(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "hp-prof:", err)
		os.Exit(2)
	}
}

func hunt(args []string) error {
	fl := flag.NewFlagSet("hunt", flag.ExitOnError)
	dir := fl.String("logs", "", "log folder")
	file := fl.String("f", "", "KQL file")
	cpu := fl.String("cpuprofile", "", "write a CPU profile here")
	mem := fl.String("memprofile", "", "write a heap (alloc) profile here")
	runs := fl.Int("runs", 1, "run the query this many times (profile covers all)")
	fl.Parse(args)
	if *dir == "" || *file == "" {
		return fmt.Errorf("hunt needs -logs and -f")
	}
	src, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	if *mem != "" {
		runtime.MemProfileRate = 64 << 10
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
	for i := 0; i < *runs; i++ {
		start := time.Now()
		cat, err := logs.Open(logs.OpenOptions{Dirs: []string{*dir}})
		if err != nil {
			return fmt.Errorf("open %s: %w", *dir, err)
		}
		res, err := exec.RunString(context.Background(), *file, string(src), exec.Options{Catalog: cat})
		if err != nil {
			return fmt.Errorf("run %s: %w", *file, err)
		}
		rows := 0
		for _, t := range res.Tables {
			if t.Batch != nil {
				rows += t.Batch.Len
			}
		}
		fmt.Printf("run %d: %d rows in %v; scanned %d files, %d bytes, %d rows, %d malformed\n",
			i+1, rows, time.Since(start).Round(time.Millisecond), res.Stats.Files, res.Stats.Bytes, res.Stats.RowsScanned, res.Stats.Malformed)
	}
	if *mem != "" {
		f, err := os.Create(*mem)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			return err
		}
	}
	return nil
}
