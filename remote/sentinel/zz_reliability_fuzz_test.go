package sentinel

import "testing"

// FuzzDecodeExact (issue #10): a Log Analytics response body (possibly
// truncated or from a hostile proxy) is an error, never a panic.
func FuzzDecodeExact(f *testing.F) {
	f.Add([]byte(`{"tables":[{"name":"PrimaryResult","columns":[{"name":"a","type":"long"},{"name":"b","type":"string"}],"rows":[[1,"x"],[null,"y"]]}]}`))
	f.Add([]byte(`{"tables":[{"name":"T","columns":[{"name":"d","type":"dynamic"},{"name":"t","type":"datetime"}],"rows":[["{\"a\":1}","2026-01-01T00:00:00Z"]]}],"error":{"code":"PartialError","message":"m"}}`))
	f.Add([]byte(`{"tables":[{"name":"T","columns":[{"name":"a","type":"long"}],"rows":[[1,2,3]]}]}`))
	f.Add([]byte(`{"tables":[{"name":"T","columns":[{"name":"a","type":"real"}],"rows":[["NaN"],[1e999]]}]}`))
	f.Add([]byte(`{"tables":[{"name":"T","columns":[{"name":"a","type":"long"}],"rows":[[1]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		decodeExact(data)
	})
}
