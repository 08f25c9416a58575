package check

import "testing"

// FuzzCheck: checking any parsed input never panics and every diagnostic
// span lies inside the source.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"Proc | where FileName == 'x' | project DeviceName",
		"let p = Proc | summarize arg_max(TimeGenerated, *) by DeviceName; p | join (Net) on DeviceName | project RemoteIP",
		"union Proc, Net | extend a = 1 | mv-expand with_itemindex=i x = dynamic([1]) | parse FileName with * 'a' b:long",
		"datatable(a:string)['x'] | lookup (Net) on $left.a == $right.RemoteIP | getschema",
		"let f = (t:(*)) { t | take 1 }; f(Proc) | make-series count() on TimeGenerated step 1h by DeviceName",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		r := Source("fuzz", src, Options{Catalog: testCatalog})
		for _, d := range r.Diags {
			if d.Span.Start < 0 || d.Span.End > len(src) || d.Span.End < d.Span.Start {
				t.Fatalf("diagnostic %q has span %+v outside %d bytes", d.Msg, d.Span, len(src))
			}
		}
	})
}
