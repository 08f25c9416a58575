package csv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs/record"
)

// parserSeeds are inputs that exercise every parser path.
var parserSeeds = []string{
	"a,b\n1,2\n",
	"a\n\"x\ny\"\n",
	"\"\"\"\",\r\n",
	"a,\"b\"c,d\n",
	"\ufeffx [UTC]\n1/1/2020\n",
	"a,b\n\"x,\"\"y\"\"\",2\r\n3,4",
	"a,b\nh9,\"open\n1,2\n3,4\n",
	"a,b\n\"x\"\"\n",
	"a,b\n1,\"2\"\r",
	"a,\"b\"\"\"\"\",\"\",\n",
	"a,b\n\n\n1,2\n",
	"x\xff,\"\xfe\"\n",
}

// dump renders every record, line and error the parser returns.
func dump(p *Parser) string {
	var b strings.Builder
	for i := 0; i < 10000; i++ {
		rec, line, err := p.Read()
		if err == io.EOF {
			fmt.Fprintf(&b, "EOF at %d\n", p.Line())
			return b.String()
		}
		fmt.Fprintf(&b, "%d %q err=%v\n", line, rec, err)
	}
	return b.String() + "no EOF\n"
}

func TestParserUnterminatedQuote(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // records joined by "\n", fields by "|"; ! marks an unterminated quote at a line
	}{
		{"at eof", "a,b\n1,2\nh9,\"open\n3,4\n5,6\n", "a|b\n1|2\n!3\n3|4\n5|6"},
		{"at eof no newline", "a,b\nh9,\"open", "a|b\n!2"},
		{"only line", "\"open\n", "!1"},
		{"closed later", "a,b\nh9,\"x\n3,4\nq,\"y\"\n", "a|b\nh9|x\n3,4\nq,y\""},
		{"doubled quote at end", "a,b\n\"x\"\"", "a|b\n!2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := NewParser(strings.NewReader(tc.in))
			var got []string
			for {
				rec, line, err := p.Read()
				if err == io.EOF {
					break
				}
				if errors.Is(err, ErrUnterminatedQuote) {
					got = append(got, fmt.Sprintf("!%d", line))
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				var parts []string
				for _, f := range rec {
					parts = append(parts, string(f))
				}
				got = append(got, strings.Join(parts, "|"))
			}
			if g := strings.Join(got, "\n"); g != tc.want {
				t.Errorf("got %q, want %q", g, tc.want)
			}
		})
	}
}

// TestSourceUnclosedQuote is gap G4: a quote opened and never closed must
// not swallow the following rows. The bad line is reported at its line
// and the rows after it are read.
func TestSourceUnclosedQuote(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // per record: line, then ok or the error's first word
	}{
		{"eof in quotes",
			"T,Host,Url,Port\n1,h0,u,80\n2,h1,u,81\n3,h9,\"http://open,81\n4,h0,u,80\n5,h1,u,81\n",
			"2 ok|3 ok|4 quoted|5 ok|6 ok"},
		{"closed by a later quote",
			"T,Host,Url,Port\n1,h9,\"open,81\n2,h0,u,80\n3,h1,\"x\",81\n4,h2,u,82\n",
			"2 record|3 ok|4 ok|5 ok"},
		{"valid multi-line record",
			"T,Host,Url,Port\n1,h9,\"two\nlines\",81\n2,h0,u,80\n",
			"2 ok|4 ok"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewSource(io.NopCloser(strings.NewReader(tc.in)))
			if err != nil {
				t.Fatal(err)
			}
			fields := make([][]byte, len(s.Columns()))
			var got []string
			for {
				line, err := s.Next(fields)
				if err == io.EOF {
					break
				}
				var re *record.Error
				switch {
				case err == nil:
					got = append(got, fmt.Sprintf("%d ok", line))
				case errors.As(err, &re):
					got = append(got, fmt.Sprintf("%d %s", re.Line, strings.Fields(re.Msg)[0]))
				default:
					t.Fatal(err)
				}
			}
			if g := strings.Join(got, "|"); g != tc.want {
				t.Errorf("got %q, want %q", g, tc.want)
			}
		})
	}
}

func TestParserOverLimit(t *testing.T) {
	long := strings.Repeat("x", MaxRecord+10)
	for _, tc := range []struct {
		name, in, want string
	}{
		{"long line", "a,b\n" + long + "\n1,2\n", "a|b\n!too 2\n1|2"},
		{"long quoted field", "a,b\n\"" + long + "\n1,2\n", "a|b\n!quote 2\n1|2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := NewParser(strings.NewReader(tc.in))
			var got []string
			for {
				rec, line, err := p.Read()
				if err == io.EOF {
					break
				}
				switch {
				case errors.Is(err, ErrRecordTooLong):
					got = append(got, fmt.Sprintf("!too %d", line))
				case errors.Is(err, ErrUnterminatedQuote):
					got = append(got, fmt.Sprintf("!quote %d", line))
				case err != nil:
					t.Fatal(err)
				default:
					var parts []string
					for _, f := range rec {
						parts = append(parts, string(f))
					}
					got = append(got, strings.Join(parts, "|"))
				}
			}
			if g := strings.Join(got, "\n"); g != tc.want {
				t.Errorf("got %q, want %q", g, tc.want)
			}
		})
	}
}

func TestParserChunked(t *testing.T) {
	for i, s := range parserSeeds {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			whole := dump(NewParser(strings.NewReader(s)))
			for name, r := range map[string]io.Reader{
				"one byte": iotest.OneByteReader(strings.NewReader(s)),
				"half":     iotest.HalfReader(strings.NewReader(s)),
			} {
				if got := dump(NewParser(r)); got != whole {
					t.Errorf("%s: got\n%s\nwant\n%s", name, got, whole)
				}
			}
		})
	}
}

// genCSV makes n rows shaped like gen's CommonSecurityLog export.
func genCSV(n int) string {
	var b strings.Builder
	b.WriteString("TimeGenerated,DeviceVendor,DeviceProduct,Activity,SourceIP,SourcePort,DestinationIP,DestinationPort,Protocol,DeviceAction,SentBytes,ReceivedBytes\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "2026-11-%02dT%02d:%02d:%02d.123Z,Palo Alto Networks,PAN-OS,TRAFFIC,10.%d.%d.%d,%d,%d.%d.%d.%d,443,TCP,allow,%d,%d\n",
			1+i%28, i%24, i%60, i%60, i%256, (i/256)%256, i%200, 1024+i%60000, 1+i%223, i%256, (i/7)%256, i%250, i*3%100000, i*7%100000)
	}
	return b.String()
}

func TestPreFilter(t *testing.T) {
	in := genCSV(1000) +
		"2026-11-01T00:00:00Z,V,P,A,10.0.0.1,1,203.0.113.9,80,TCP,allow,1,2\n" + // wanted, line 1002
		"short,row\n" + // wrong field count: still reported, line 1003
		"2026-11-01T00:00:00Z,V,P,A,10.0.0.1,1,203.0.113.\xff,80,TCP,allow,1,2\n" // invalid UTF-8 in a filter field: kept, line 1004
	s, err := NewSource(io.NopCloser(strings.NewReader(in)))
	if err != nil {
		t.Fatal(err)
	}
	s.Need([]bool{true, false, false, false, true, false, true, true, false, false, false, false})
	var stats types.ScanStats
	var calls int
	f := &types.RawFilter{Columns: []string{"DestinationIP", "NoSuchColumn"}, Keep: func(fs [][]byte) bool {
		calls++
		if fs[1] != nil {
			t.Errorf("absent column got %q", fs[1])
		}
		return string(fs[0]) == "203.0.113.9"
	}}
	s.PreFilter(context.Background(), f, &stats)
	fields := make([][]byte, 12)
	var got []string
	for {
		clear(fields)
		line, err := s.Next(fields)
		if err == io.EOF {
			break
		}
		if err != nil {
			got = append(got, fmt.Sprintf("%d err", line))
			continue
		}
		got = append(got, fmt.Sprintf("%d %s %s %s skipped=%v", line, fields[0], fields[6], fields[7], fields[1] == nil))
	}
	want := "1002 2026-11-01T00:00:00Z 203.0.113.9 80 skipped=true|1003 err|1004 err"
	if g := strings.Join(got, "|"); g != want {
		t.Errorf("got %q\nwant %q", g, want)
	}
	if stats.Rows != 1000 {
		t.Errorf("stats.Rows = %d, want the 1000 rejected rows", stats.Rows)
	}
	if calls != 1003 {
		t.Errorf("filter called %d times, want 1003", calls)
	}
}

func TestPreFilterCancelled(t *testing.T) {
	s, err := NewSource(io.NopCloser(strings.NewReader(genCSV(3 * filterBatch))))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s.PreFilter(ctx, &types.RawFilter{Columns: []string{"SourceIP"}, Keep: func([][]byte) bool { return false }}, nil)
	if _, err := s.Next(make([][]byte, 12)); err != io.EOF {
		t.Fatalf("cancelled scan: got %v, want io.EOF", err)
	}
	if s.p.Line() >= int64(3*filterBatch) {
		t.Errorf("read to line %d after cancel", s.p.Line())
	}
}

// BenchmarkParser reads a gen-like export: 0 allocs per row is the goal
// (the ns/op and allocs/op are per 10,000 rows).
func BenchmarkParser(b *testing.B) {
	in := genCSV(10000)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		p := NewParser(strings.NewReader(in))
		for {
			if _, _, err := p.Read(); err == io.EOF {
				break
			}
		}
	}
}

// BenchmarkParserQuoted reads the same rows with every field quoted (as
// some exporters write them).
func BenchmarkParserQuoted(b *testing.B) {
	var q strings.Builder
	for _, line := range strings.SplitAfter(genCSV(10000), "\n") {
		if line == "" {
			continue
		}
		fs := strings.Split(strings.TrimSuffix(line, "\n"), ",")
		q.WriteString("\"" + strings.Join(fs, "\",\"") + "\"\n")
	}
	in := q.String()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		p := NewParser(strings.NewReader(in))
		for {
			if _, _, err := p.Read(); err == io.EOF {
				break
			}
		}
	}
}

// BenchmarkSourcePreFilter is the network hunt's shape: a pre-filter on
// two IP columns that rejects almost every row.
func BenchmarkSourcePreFilter(b *testing.B) {
	in := genCSV(10000)
	set := map[string]bool{"203.0.113.9": true}
	f := &types.RawFilter{Columns: []string{"DestinationIP", "SourceIP"}, Keep: func(fs [][]byte) bool {
		return set[string(fs[0])] || set[string(fs[1])]
	}}
	need := []bool{true, false, false, true, true, true, true, true, false, true, false, false}
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		s, err := NewSource(io.NopCloser(strings.NewReader(in)))
		if err != nil {
			b.Fatal(err)
		}
		s.Need(need)
		s.PreFilter(context.Background(), f, nil)
		fields := make([][]byte, 12)
		for {
			if _, err := s.Next(fields); err == io.EOF {
				break
			}
		}
	}
}

// FuzzPreFilter checks the pre-filter against filtering afterwards: every
// record the plain source returns and the filter keeps is returned the
// same by the pre-filtering source, and it returns no record the plain
// source does not.
func FuzzPreFilter(f *testing.F) {
	f.Add("xa,1,2\nxb,1,2\n\"xa\",\"1\"\"\",2\n")
	for _, s := range parserSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, rows string) {
		body := "a,b,c\n" + rows // distinct column names
		keep := func(fs [][]byte) bool { return strings.Contains(string(fs[0]), "a") || string(fs[1]) == "1" }
		read := func(pre bool) map[string]bool {
			s, err := NewSource(io.NopCloser(strings.NewReader(body)))
			if err != nil {
				return nil
			}
			n := len(s.Columns())
			if n < 3 {
				return nil
			}
			s.Need([]bool{true, false, true})
			if pre {
				s.PreFilter(context.Background(), &types.RawFilter{Columns: []string{s.cols[0].Name, s.cols[1].Name}, Keep: keep}, nil)
			}
			out := map[string]bool{}
			fields := make([][]byte, n)
			for i := 0; i < 10000; i++ {
				clear(fields)
				line, err := s.Next(fields)
				if err == io.EOF {
					return out
				}
				var re *record.Error
				if err != nil && !(errors.As(err, &re) && re.Keep) {
					continue
				}
				if !pre {
					s.p.keep = nil
				}
				out[fmt.Sprintf("%d %q", line, fields)] = true
			}
			return out
		}
		plain, filtered := read(false), read(true)
		if plain == nil {
			return
		}
		for rec := range filtered {
			if !plain[rec] {
				t.Fatalf("pre-filtered source returned %s, which the plain source did not", rec)
			}
		}
		// Check the records the filter keeps, using the filter fields the
		// plain source read (column 1 is not needed: read it again).
		s, _ := NewSource(io.NopCloser(strings.NewReader(body)))
		fields := make([][]byte, len(s.Columns()))
		for i := 0; i < 10000; i++ {
			clear(fields)
			line, err := s.Next(fields)
			if err == io.EOF {
				break
			}
			var re *record.Error
			if err != nil && !(errors.As(err, &re) && re.Keep) {
				continue
			}
			if keep(fields) {
				kept := append([][]byte{fields[0], nil}, fields[2:]...)
				if rec := fmt.Sprintf("%d %q", line, kept); !filtered[rec] {
					t.Fatalf("record %s kept by the filter is missing from the pre-filtered source", rec)
				}
			}
		}
	})
}

func TestCountByte(t *testing.T) {
	for n := 0; n < 150; n++ {
		b := []byte(strings.Repeat(",a\xac-,,", n)[:n])
		if got, want := countByte(b, ','), strings.Count(string(b), ","); got != want {
			t.Fatalf("countByte(%q) = %d, want %d", b, got, want)
		}
		// In a buffer whose bytes past b are separators too (read as part
		// of the last word, they must not count).
		buf := []byte(strings.Repeat(",", n+16))
		copy(buf, b)
		for _, s := range [][]byte{buf[:n], buf[:n:n], buf[: n : n+3]} {
			if got, want := countByte(s, ','), strings.Count(string(b), ","); got != want {
				t.Fatalf("countByte(%q) (cap %d) = %d, want %d", s, cap(s), got, want)
			}
		}
	}
}

// tsDNSCSV makes n rows shaped like gen's DnsEvents export.
func tsDNSCSV(n int) string {
	var b strings.Builder
	b.WriteString("TimeGenerated,Computer,ClientIP,Name,QueryType,IPAddresses\n")
	names := []string{"portal.azure.com", "mail.apple.com", "www.dropbox.com", "kaloxe.biz", "cdn.lomiyosta.io", "v10.events.data.microsoft.com"}
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "2025-06-01T00:%02d:%02d.%03dZ,WS-%d.corp.contoso.com,10.6.%d.%d,%s,%s,%d.%d.%d.%d;%d.%d.%d.%d\n",
			i%60, (i/60)%60, i%1000, 1000+i%9000, i%256, (i/256)%256, names[i%len(names)], []string{"A", "AAAA", "SRV", "TXT"}[i%4],
			1+i%223, i%256, (i/7)%256, 1+i%250, 1+i%97, i%211, i%256, 1+i%200)
	}
	return b.String()
}

// BenchmarkSourcePreFilterDNS is the DNS hunt's shape: a pre-filter on
// the fourth of six columns that rejects almost every row.
func BenchmarkSourcePreFilterDNS(b *testing.B) {
	in := tsDNSCSV(10000)
	f := &types.RawFilter{Columns: []string{"Name"}, Keep: func(fs [][]byte) bool {
		return string(fs[0]) == "evil.example"
	}}
	need := []bool{true, true, false, true, true, true}
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		s, err := NewSource(io.NopCloser(strings.NewReader(in)))
		if err != nil {
			b.Fatal(err)
		}
		s.Need(need)
		s.PreFilter(context.Background(), f, nil)
		fields := make([][]byte, 6)
		for {
			if _, err := s.Next(fields); err == io.EOF {
				break
			}
		}
	}
}
