package syntax

import (
	"testing"
	"time"
)

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
	start := time.Now()
	for i := 0; i < b.N; i++ {
		for _, s := range srcs {
			Parse("bench", s)
		}
	}
	elapsed := time.Since(start)
	b.ReportMetric(float64(elapsed.Microseconds())/float64(b.N*len(srcs)), "us/query")
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
