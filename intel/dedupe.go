package intel

// Merge folds b into a, both describing the same Key: the earliest
// FirstSeen and latest LastSeen win, the higher Confidence wins, empty
// fields of a are filled from b, and tags, aliases and flags are united.
func Merge(a *Indicator, b *Indicator) {
	if !b.FirstSeen.IsZero() && (a.FirstSeen.IsZero() || b.FirstSeen.Before(a.FirstSeen)) {
		a.FirstSeen = b.FirstSeen
	}
	if b.LastSeen.After(a.LastSeen) {
		a.LastSeen = b.LastSeen
	}
	if b.Confidence > a.Confidence {
		a.Confidence = b.Confidence
	}
	fill(&a.Malware.Name, b.Malware.Name)
	fill(&a.Malware.Malpedia, b.Malware.Malpedia)
	fill(&a.ThreatType, b.ThreatType)
	fill(&a.Reference, b.Reference)
	fill(&a.Reporter, b.Reporter)
	fill(&a.Source, b.Source)
	fill(&a.SourceID, b.SourceID)
	a.Malware.Aliases = CleanTags(append(a.Malware.Aliases, b.Malware.Aliases...))
	a.Tags = CleanTags(append(a.Tags, b.Tags...))
	a.Flags = CleanTags(append(a.Flags, b.Flags...))
}

func fill(dst *string, src string) {
	if *dst == "" {
		*dst = src
	}
}

// Dedupe merges indicators with the same Key, Source and SourceID (see
// Merge), keeping the order of first appearance. It returns the merged
// list and how many duplicates were folded.
func Dedupe(ins []Indicator) ([]Indicator, int) {
	type k struct {
		key      Key
		src, sid string
	}
	idx := make(map[k]int, len(ins))
	out := make([]Indicator, 0, len(ins))
	dups := 0
	for _, in := range ins {
		kk := k{in.Key(), in.Source, in.SourceID}
		if i, ok := idx[kk]; ok {
			Merge(&out[i], &in)
			dups++
			continue
		}
		idx[kk] = len(out)
		out = append(out, in)
	}
	return out, dups
}
