package input

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"
	"unicode/utf16"
	"unicode/utf8"
)

// encodeUTF16 writes s as UTF-16 (with a BOM when bom is set).
func encodeUTF16(s string, big, bom bool) []byte {
	var order binary.AppendByteOrder = binary.LittleEndian
	if big {
		order = binary.BigEndian
	}
	var out []byte
	if bom {
		out = order.AppendUint16(out, 0xFEFF)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		out = order.AppendUint16(out, u)
	}
	return out
}

func TestDetectUTF16(t *testing.T) {
	text := "TimeGenerated,Host,Url\n2026-01-01T00:00:00Z,h1,http://a/\n"
	tests := []struct {
		name    string
		in      []byte
		want    Encoding
		wantBOM int
	}{
		{"utf-8", []byte(text), UTF8, 0},
		{"utf-8 bom", append([]byte{0xEF, 0xBB, 0xBF}, text...), UTF8, 0},
		{"le bom", encodeUTF16(text, false, true), UTF16LE, 2},
		{"be bom", encodeUTF16(text, true, true), UTF16BE, 2},
		{"le no bom", encodeUTF16(text, false, false), UTF16LE, 0},
		{"be no bom", encodeUTF16(text, true, false), UTF16BE, 0},
		{"short no bom", encodeUTF16("a,b", false, false), UTF8, 0},
		{"utf-8 with some NULs", []byte("a,b\n1,\x00x\n2,\x00\x00\x00y\n3,z\n4,w\n"), UTF8, 0},
		{"binary zeros", make([]byte, 64), UTF8, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, bom := DetectUTF16(tt.in)
			if enc != tt.want || bom != tt.wantBOM {
				t.Errorf("got %q bom %d, want %q bom %d", enc, bom, tt.want, tt.wantBOM)
			}
		})
	}
}

func TestUTF16Reader(t *testing.T) {
	text := "a,é,😀\r\nline 2 \u20ac\n"
	tests := []struct {
		name string
		in   []byte
		big  bool
		want string
	}{
		{"le", encodeUTF16(text, false, false), false, text},
		{"be", encodeUTF16(text, true, false), true, text},
		{"odd last byte", append(encodeUTF16("ab", false, false), 'c'), false, "ab\uFFFD"},
		{"unpaired high", []byte{0x3D, 0xD8, 'x', 0}, false, "\uFFFDx"},
		{"unpaired low", []byte{0x00, 0xDE, 'x', 0}, false, "\uFFFDx"},
		{"high at eof", []byte{'x', 0, 0x3D, 0xD8}, false, "x\uFFFD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// One byte per read: code units and surrogate pairs cut across reads.
			got, err := io.ReadAll(NewUTF16Reader(iotest.OneByteReader(bytes.NewReader(tt.in)), tt.big))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestOpenUTF16 is gap G2: Open transcodes UTF-16 files (plain or
// compressed) so every reader sees UTF-8 with the same line numbers.
func TestOpenUTF16(t *testing.T) {
	text := "TimeGenerated,Host\n2026-01-01T00:00:00Z,hé\n2026-01-01T00:00:01Z,h2\n"
	gz := func(b []byte) []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(b)
		zw.Close()
		return buf.Bytes()
	}
	tests := []struct {
		name string
		data []byte
		info Info
	}{
		{"utf-8", []byte(text), Info{}},
		{"le bom", encodeUTF16(text, false, true), Info{Encoding: UTF16LE}},
		{"be no bom", encodeUTF16(text, true, false), Info{Encoding: UTF16BE}},
		{"le bom gzip", gz(encodeUTF16(text, false, true)), Info{Gzip, UTF16LE}},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, "f")
			if err := os.WriteFile(p, tt.data, 0o600); err != nil {
				t.Fatal(err)
			}
			rc, info, err := OpenInfo(p)
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			got, err := io.ReadAll(rc)
			if err != nil || string(got) != text || info != tt.info {
				t.Errorf("got %q %+v %v, want %q %+v", got, info, err, text, tt.info)
			}
			head, hinfo, err := HeadInfo(p, 10)
			if err != nil || string(head) != text[:10] || hinfo != tt.info {
				t.Errorf("HeadInfo: %q %+v %v", head, hinfo, err)
			}
		})
	}
}

// FuzzUTF16Reader checks that any input transcodes to valid UTF-8 and that
// valid UTF-16 round-trips, whatever the read sizes.
func FuzzUTF16Reader(f *testing.F) {
	f.Add([]byte("\xff\xfea\x00b\x00"), false)
	f.Add([]byte{0x3D, 0xD8, 0x00, 0xDE}, false)
	f.Add([]byte{0xD8, 0x3D, 0xDE, 0x00, 0x00}, true)
	f.Fuzz(func(t *testing.T, in []byte, big bool) {
		got, err := io.ReadAll(NewUTF16Reader(iotest.HalfReader(bytes.NewReader(in)), big))
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.Valid(got) {
			t.Fatalf("invalid UTF-8 out of %x", in)
		}
		var order binary.ByteOrder = binary.LittleEndian
		if big {
			order = binary.BigEndian
		}
		units := make([]uint16, len(in)/2)
		for i := range units {
			units[i] = order.Uint16(in[2*i:])
		}
		want := string(utf16.Decode(units))
		if len(in)%2 == 1 {
			want += "\uFFFD"
		}
		if string(got) != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	})
}
