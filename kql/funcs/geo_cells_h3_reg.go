package funcs

// Registration of the H3 functions, shared by the cgo build (working
// implementations in geo_cells_h3.go) and the !cgo build (a plan-time
// error, geo_cells_h3_nocgo.go).

import (
	"errors"

	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
	"github.com/huntpack/huntpack/kql/types"
)

// gcErrH3NoCgo is the planning error of the H3 functions in a build
// without cgo.
var gcErrH3NoCgo = errors.New("H3 functions need a cgo build: huntpack was built with CGO_ENABLED=0, rebuild it with cgo (a C compiler) to use H3 cells")

// gcH3Spec describes one H3 function.
type gcH3Spec struct {
	name, sig, doc string
	minArgs        int
	maxArgs        int
	result         types.Type
	kinds          string
}

var gcH3Specs = []gcH3Spec{
	{"geo_point_to_h3cell", "geo_point_to_h3cell(longitude: real, latitude: real [, resolution: int = 6]): string",
		"H3 cell token of a location at resolution 0..15; empty for invalid coordinates or resolution.", 2, 3, types.String, "nnn"},
	{"geo_h3cell_level", "geo_h3cell_level(h3cell: string): int",
		"Resolution (0..15) of an H3 cell; null for an invalid token.", 1, 1, types.Int, "s"},
	{"geo_h3cell_parent", "geo_h3cell_parent(h3cell: string [, resolution: int]): string",
		"Parent H3 cell at a lower resolution (default: one level up); empty when invalid.", 1, 2, types.String, "sn"},
	{"geo_h3cell_children", "geo_h3cell_children(h3cell: string [, resolution: int]): dynamic",
		"Children H3 cells at a finer resolution (default: one level down, at most 5 levels); null when invalid.", 1, 2, types.Dynamic, "sn"},
	{"geo_h3cell_neighbors", "geo_h3cell_neighbors(h3cell: string): dynamic",
		"The H3 cells around a cell (6, or 5 for a pentagon); null for an invalid token.", 1, 1, types.Dynamic, "s"},
	{"geo_h3cell_rings", "geo_h3cell_rings(h3cell: string, distance: int): dynamic",
		"Rings of H3 cells around a cell up to a distance 0..142, the cell itself first; null when invalid.", 2, 2, types.Dynamic, "sn"},
	{"geo_h3cell_to_central_point", "geo_h3cell_to_central_point(h3cell: string): dynamic",
		"Center of an H3 cell as a GeoJSON point; null for an invalid token.", 1, 1, types.Dynamic, "s"},
	{"geo_h3cell_to_polygon", "geo_h3cell_to_polygon(h3cell: string): dynamic",
		"H3 cell as a GeoJSON polygon; null for an invalid token.", 1, 1, types.Dynamic, "s"},
	{"geo_polygon_to_h3cells", "geo_polygon_to_h3cells(polygon: dynamic [, resolution: int = 6 [, radius: real = 0]]): dynamic",
		"H3 cells whose centers lie in a GeoJSON polygon or multipolygon (buffered by radius meters); null when invalid or over 61680 cells.", 1, 3, types.Dynamic, "dnn"},
}

// gcRegisterH3 registers the H3 functions with the given implementations
// (nil: the build has no H3, every call fails at plan time).
func gcRegisterH3(r *Registry, evals map[string]EvalFunc) {
	for _, s := range gcH3Specs {
		check := gcResult(s.name, s.result, s.kinds)
		res := func(a []types.Type) (types.Type, error) {
			t, err := check(a)
			if err == nil && !gcH3Available {
				err = gcErrH3NoCgo
			}
			return t, err
		}
		eval := evals[s.name]
		if eval == nil {
			t := s.result
			eval = func(*Context, []types.Value) types.Value { return nullOf(t) }
		}
		scalar(r, s.name, s.sig, s.doc, s.minArgs, s.maxArgs, res, eval)
	}
}

// gcRingsDistanceM is the geodesic distance in meters from a location to
// the nearest edge of the rings.
func gcRingsDistanceM(rings [][][2]float64, lng, lat float64) float64 {
	p := s2.PointFromLatLng(s2.LatLngFromDegrees(lat, lng))
	best := s1.InfChordAngle()
	for _, r := range rings {
		for i := range r {
			a, b := r[i], r[(i+1)%len(r)]
			pa := s2.PointFromLatLng(s2.LatLngFromDegrees(a[1], a[0]))
			pb := s2.PointFromLatLng(s2.LatLngFromDegrees(b[1], b[0]))
			best, _ = s2.UpdateMinDistance(p, pa, pb, best)
		}
	}
	return best.Angle().Radians() * gcEarthRadiusM
}
