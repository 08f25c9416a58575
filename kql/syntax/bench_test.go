package syntax

import (
	"syscall"
	"testing"
	"time"
)

// cpuTime returns the user+system CPU time used by the process so far; on a
// shared machine it measures the parser better than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkParseCorpus parses every corpus query once per iteration and
// reports the mean time per query (us/query).
func BenchmarkParseCorpus(b *testing.B) {
	cases := loadCorpus(b)
	srcs := make([]string, 0, len(cases))
	bytes := 0
	for _, c := range cases {
		srcs = append(srcs, c.src)
		bytes += len(c.src)
	}
	b.SetBytes(int64(bytes))
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	for i := 0; i < b.N; i++ {
		for _, s := range srcs {
			Parse("bench", s)
		}
	}
	elapsed, cpu := time.Since(start), cpuTime()-cpu0
	n := float64(b.N * len(srcs))
	b.ReportMetric(float64(elapsed.Microseconds())/n, "us/query")
	// CPU time includes the garbage collector's work on other threads.
	b.ReportMetric(float64(cpu.Microseconds())/n, "cpu-us/query")
}

// BenchmarkLexCorpus measures the lexer alone.
func BenchmarkLexCorpus(b *testing.B) {
	cases := loadCorpus(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, c := range cases {
			Lex(c.src)
		}
	}
}
