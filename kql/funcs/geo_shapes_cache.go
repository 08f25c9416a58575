package funcs

import (
	"reflect"
	"sync"

	"github.com/huntpack/huntpack/kql/types"
)

// A query like `where geo_point_in_polygon(lng, lat, dynamic({...}))`
// passes the same polygon object for every row. Parsed polygons are
// cached by the identity of that object: an entry holds the object
// itself, so its address cannot be reused while the entry lives.
// Dynamic payloads are never mutated once built.

const gsCacheSize = 64

type gsCacheEntry struct {
	obj   map[string]any
	polys []gsPoly
	ok    bool
}

var gsCache = struct {
	sync.Mutex
	m map[uintptr]gsCacheEntry
}{m: map[uintptr]gsCacheEntry{}}

// gsPolygonArgCached is gsPolygonArg with the identity cache.
func gsPolygonArgCached(v types.Value) ([]gsPoly, bool) {
	m, isMap := v.D.(map[string]any)
	if v.T != types.Dynamic || !isMap {
		return gsPolygonArg(v)
	}
	key := reflect.ValueOf(m).Pointer()
	gsCache.Lock()
	e, hit := gsCache.m[key]
	gsCache.Unlock()
	if hit && reflect.ValueOf(e.obj).Pointer() == key {
		return e.polys, e.ok
	}
	polys, ok := gsPolygonArg(v)
	gsCache.Lock()
	if len(gsCache.m) >= gsCacheSize {
		clear(gsCache.m)
	}
	gsCache.m[key] = gsCacheEntry{obj: m, polys: polys, ok: ok}
	gsCache.Unlock()
	return polys, ok
}
