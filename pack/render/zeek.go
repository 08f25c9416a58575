package render

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/huntpack/huntpack/pack"
)

func init() {
	register(Format{Name: "zeek", Doc: "Zeek Intel framework file (Intel::ADDR, Intel::DOMAIN, Intel::URL, Intel::FILE_HASH); one ADDR per IP, its ports in meta.desc", Fn: zeekIntel})
}

// zeekUnsafe reports values that cannot be written as one Zeek intel
// field: the file is tab-separated and line-based, a line starting with
// "#" is a comment, and "-" / "(empty)" are the unset and empty markers.
func zeekUnsafe(s string) bool {
	return s == "" || s == "-" || s == "(empty)" || strings.HasPrefix(s, "#") || strings.ContainsAny(s, "\t\n\r")
}

func zeekMeta(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
	if s == "" {
		return "-"
	}
	return s
}

type zeekRow struct{ indicator, typ, desc, url string }

// zeekIntel writes the Zeek intel file. Zeek matches addresses, not
// address:port pairs, so each IP appears once with the IOC's ports listed
// in meta.desc (the duplicate rows of port-dropping exports are the
// problem this avoids). Values a Zeek intel field cannot hold are listed
// in comments at the top instead of being written broken.
func zeekIntel(p *pack.Pack) ([]Output, error) {
	var rows []zeekRow
	var skipped []string
	byIP := map[string]int{}
	ports := map[string][]int{}
	for _, i := range p.IOCs {
		ind, typ := zeekIndicator(i)
		if typ == "" {
			continue
		}
		if zeekUnsafe(ind) {
			skipped = append(skipped, fmt.Sprintf("%s %q", i.Type, i.Value))
			continue
		}
		if typ == "Intel::ADDR" {
			if i.Port > 0 {
				ports[ind] = append(ports[ind], i.Port)
			}
			if _, ok := byIP[ind]; ok {
				continue
			}
			byIP[ind] = len(rows)
		}
		rows = append(rows, zeekRow{indicator: ind, typ: typ, desc: zeekDesc(p, i), url: zeekMeta(i.Reference)})
	}
	for ip, at := range byIP {
		if ps := ports[ip]; len(ps) > 0 {
			sort.Ints(ps)
			var s []string
			for _, x := range ps {
				s = append(s, strconv.Itoa(x))
			}
			rows[at].desc += "; IOC ports " + strings.Join(s, ",")
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# huntpack %s: %s\n", zeekMeta(p.ID), zeekMeta(p.Title))
	for _, s := range skipped {
		fmt.Fprintf(&b, "# skipped (tab, newline, leading # or marker value): %s\n", strings.NewReplacer("\n", `\n`, "\r", `\r`, "\t", `\t`).Replace(s))
	}
	b.WriteString("#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\n", r.indicator, r.typ, zeekMeta("huntpack:"+p.ID), zeekMeta(r.desc), r.url)
	}
	return []Output{{Path: p.ID + ".intel", Data: []byte(b.String())}}, nil
}

func zeekIndicator(i pack.IOC) (value, typ string) {
	switch pack.KindOf(i.Type) {
	case pack.KindIP:
		return i.Value, "Intel::ADDR"
	case pack.KindDomain:
		return i.Value, "Intel::DOMAIN"
	case pack.KindURL:
		// Zeek's Intel::URL values carry no scheme.
		u := i.Value
		if k := strings.Index(u, "://"); k >= 0 {
			u = u[k+3:]
		}
		return u, "Intel::URL"
	case pack.KindHash:
		return i.Value, "Intel::FILE_HASH"
	}
	return "", ""
}

func zeekDesc(p *pack.Pack, i pack.IOC) string {
	d := strings.TrimSpace(p.Family + " " + i.ThreatType)
	if !i.FirstSeen.IsZero() {
		d += "; first_seen " + i.FirstSeen.UTC().Format("2006-01-02")
	}
	if i.Source != "" {
		d += "; " + i.Source
		if i.SourceID != "" {
			d += " #" + i.SourceID
		}
	}
	return d
}
