package exec
import ("testing";"fmt")
func TestDbg(t *testing.T) {
	for _, q := range []string{`range x from 1 to 100 step 1 | summarize percentiles(x, 5.0), percentile(x, 5.0), percentiles(x, 5)`, `print 1`} {
{
   let high = toscalar(T | summarize percentiles(x, upPercentile));
   let low = toscalar(T | summarize percentiles(x, lowPercentile));
   print low, high
};
range x from 1 to 100 step 1
| invoke f(5, 99)`, `let f = (T:(x: long), lowPercentile:double, upPercentile:double)
{
   T | summarize percentiles(x, upPercentile)
};
range x from 1 to 100 step 1
| invoke f(5, 99)`} {
	res, err := runQ(t, nil, q)
	if err != nil { t.Fatal(err) }
	fmt.Println(render(res.Tables[0].Batch))
	}
}
