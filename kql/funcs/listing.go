package funcs

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// Entry describes one registered function for listings (`huntpack
// functions`, the README's support table).
type Entry struct {
	Name    string   `json:"name"`
	Kind    string   `json:"kind"` // "scalar" or "aggregate"
	Aliases []string `json:"aliases,omitempty"`
	Sig     string   `json:"signature"`
	Doc     string   `json:"doc"`
	URL     string   `json:"url"`
}

// docPages maps functions whose Microsoft page does not follow the
// <name>-function / <name>-aggregation-function pattern (checked against
// the page names of the dataexplorer-docs snapshot in the shared corpus).
var docPages = map[string]string{
	"cursor_current":                     "cursor-current",
	"dayofmonth":                         "day-of-month-function",
	"dayofweek":                          "day-of-week-function",
	"dayofyear":                          "day-of-year-function",
	"hourofday":                          "hour-of-day-function",
	"extractjson":                        "extract-json-function",
	"parse_urlquery":                     "parse-url-query-function",
	"percentile":                         "percentiles-aggregation-function",
	"percentiles_array":                  "percentiles-aggregation-function",
	"percentilew":                        "percentilesw-aggregation-function",
	"percentilesw_array":                 "percentilesw-aggregation-function",
	"percentiles_array_tdigest":          "percentile-array-tdigest-function",
	"gzip_compress_to_base64_string":     "gzip-base64-compress",
	"gzip_decompress_from_base64_string": "gzip-base64-decompress",
	"zlib_compress_to_base64_string":     "zlib-base64-compress-function",
	"zlib_decompress_from_base64_string": "zlib-base64-decompress-function",
	"replace":                            "replace-regex-function",
}

// DocURL returns the Microsoft documentation page of a function.
func DocURL(name, kind string) string {
	if p, ok := docPages[name]; ok {
		return "https://learn.microsoft.com/kusto/query/" + p
	}
	slug := strings.ReplaceAll(name, "_", "-")
	if kind == "aggregate" {
		return "https://learn.microsoft.com/kusto/query/" + slug + "-aggregation-function"
	}
	return "https://learn.microsoft.com/kusto/query/" + slug + "-function"
}

// Entries lists the registry's functions sorted by name (scalars before
// aggregates of the same name). A non-empty filter keeps names that
// contain it (case-insensitive), aliases included.
func (r *Registry) Entries(filter string) []Entry {
	var out []Entry
	keep := func(name string, aliases []string) bool {
		if filter == "" {
			return true
		}
		f := strings.ToLower(filter)
		for _, n := range append([]string{name}, aliases...) {
			if strings.Contains(strings.ToLower(n), f) {
				return true
			}
		}
		return false
	}
	for _, n := range r.ScalarNames() {
		f := r.scalars[n]
		if keep(n, f.Aliases) {
			out = append(out, Entry{Name: n, Kind: "scalar", Aliases: sortedCopy(f.Aliases), Sig: f.Sig, Doc: f.Doc, URL: DocURL(n, "scalar")})
		}
	}
	for _, n := range r.AggregateNames() {
		f := r.aggregates[n]
		if keep(n, f.Aliases) {
			out = append(out, Entry{Name: n, Kind: "aggregate", Aliases: sortedCopy(f.Aliases), Sig: f.Sig, Doc: f.Doc, URL: DocURL(n, "aggregate")})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Kind > out[j].Kind
	})
	return out
}

func sortedCopy(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// WriteEntries renders entries as "table" (aligned text), "json" (an
// array) or "md" (a Markdown table with escaped cells and doc links).
func WriteEntries(w io.Writer, entries []Entry, format string) error {
	switch format {
	case "table":
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tKIND\tSIGNATURE\tDESCRIPTION")
		for _, e := range entries {
			doc := e.Doc
			if len(e.Aliases) > 0 {
				doc += " (aliases: " + strings.Join(e.Aliases, ", ") + ")"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.Name, e.Kind, e.Sig, doc)
		}
		return tw.Flush()
	case "json":
		if entries == nil {
			entries = []Entry{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(entries)
	case "md":
		if _, err := fmt.Fprintln(w, "| Function | Kind | Signature | Description |\n|---|---|---|---|"); err != nil {
			return err
		}
		for _, e := range entries {
			doc := mdCell(e.Doc)
			if len(e.Aliases) > 0 {
				doc += " Aliases: " + mdCell(strings.Join(e.Aliases, ", ")) + "."
			}
			if _, err := fmt.Fprintf(w, "| [%s](%s) | %s | `%s` | %s |\n", mdCell(e.Name), e.URL, e.Kind, mdCode(e.Sig), doc); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("unknown format %q (want table, json or md)", format)
}

// mdCell escapes text for a Markdown table cell.
func mdCell(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`", "<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`, "\n", " ")
	return r.Replace(s)
}

// mdCode escapes text inside a code span in a table cell.
func mdCode(s string) string {
	return strings.NewReplacer("|", `\|`, "`", "'", "\n", " ").Replace(s)
}
