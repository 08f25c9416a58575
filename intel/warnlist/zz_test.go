package warnlist
import ("fmt";"os";"testing";"time";"github.com/huntpack/huntpack/intel";"github.com/huntpack/huntpack/intel/feed")
func TestZZ(t *testing.T){
 t0:=time.Now()
 s, err := LoadEmbedded(); if err != nil { t.Fatal(err) }
 fmt.Println("load", time.Since(t0), len(s.Lists))
 data,_ := os.ReadFile("/work/shared/data/intel/threatfox_export_recent_2026-07-24.json")
 res, _ := feed.ParseBytes(data, "x", "")
 t0=time.Now()
 cnt := map[string]int{}
 for i := range res.Indicators { in := &res.Indicators[i]; for _, f := range s.Explain(in) { cnt[string(in.Type)+" "+f.Action+" "+f.List]++ ; if f.Action!="lower-confidence" && cnt[string(in.Type)+" "+f.Action+" "+f.List] < 3 {fmt.Println(in.Value, f)} } }
 fmt.Println("check", time.Since(t0))
 for k, v := range cnt { fmt.Println(k, v) }
 for _, v := range []string{"sls.in.net","quantum-auth.pages.dev","x.duckdns.org","www.google.com","google.com","8.8.8.8","10.1.2.3"} {
   in := intel.Indicator{Value: v}; intel.Normalize(&in); fmt.Println(v, s.Explain(&in))
 }
}
