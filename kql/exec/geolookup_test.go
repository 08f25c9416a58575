package exec

import (
	"strings"
	"testing"
)

const geoLookupSetup = `let polygons = datatable(name:string, polygon:dynamic)
[
    "NY", dynamic({"type":"Polygon", "coordinates":[[[-73.97375470114766,40.74300078124614],[-73.98653921014294,40.75486501361894],[-73.99910622331991,40.74112695466084],[-73.97375470114766,40.74300078124614]]]}),
    "Paris", dynamic({"type":"Polygon","coordinates":[[[2.57564669886321,48.769567764921334],[2.420098611499384,49.05163394896812],[2.1016783119165723,48.80113794475062],[2.57564669886321,48.769567764921334]]]}),
    "broken", dynamic({"type":"Polygon"}),
];
let roads = datatable(road_name:string, road:dynamic)
[
    "5th", dynamic({"type":"LineString","coordinates":[[-73.97291864770574,40.76428551254824],[-73.99708638113894,40.73145135821781]]}),
];
let locations = datatable(place:string, lng:real, lat:real)
[
    "Empire", -73.98567337898565, 40.74842629977377,
    "Eiffel", 2.294489426068907, 48.858263476169185,
    "Liberty", -74.04462223203123, 40.689195627512674,
    "Grand Central", -73.97713140725149, 40.752730320824895,
    "nowhere", real(null), 1.0,
];
`

func TestGeoLookupPlugins(t *testing.T) {
	tests := []struct{ name, q, want string }{
		{"polygon matches only", `locations | evaluate geo_polygon_lookup(polygons, polygon, lng, lat) | order by place asc`,
			"place|lng|lat|name\nEiffel|2.294489426068907|48.858263476169185|Paris\nEmpire|-73.98567337898565|40.74842629977377|NY"},
		{"polygon radius and unmatched", `locations | evaluate geo_polygon_lookup(polygons, polygon, lng, lat, radius = 7000, return_unmatched = true) | project place, name | order by place asc`,
			"place|name\nEiffel|Paris\nEmpire|NY\nGrand Central|NY\nLiberty|NY\nnowhere|"},
		{"polygon with key", `locations | where place == "Empire" | evaluate geo_polygon_lookup(polygons, polygon, lng, lat, return_lookup_key = true) | project name, t = tostring(polygon.type)`,
			"name|t\nNY|Polygon"},
		{"line within 100 m", `locations | evaluate geo_line_lookup(roads, road, lng, lat, 100) | project place, road_name`,
			"place|road_name\nEmpire|5th"},
		{"line within 350 m, positional flags", `locations | evaluate geo_line_lookup(roads, road, lng, lat, 350, true) | project place, road_name | order by place asc`,
			"place|road_name\nEiffel|\nEmpire|5th\nGrand Central|5th\nLiberty|\nnowhere|"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := runQ(t, MemCatalog{}, geoLookupSetup+tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := render(res.Tables[0].Batch); got != tc.want {
				t.Fatalf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestGeoLookupErrors(t *testing.T) {
	for _, q := range []string{
		`locations | evaluate geo_line_lookup(roads, road, lng, lat)`,
		`locations | evaluate geo_polygon_lookup(polygons, polygon, lng)`,
		`locations | evaluate geo_polygon_lookup(polygons, polygon, lng, lat, radius = -1)`,
		`locations | evaluate geo_polygon_lookup(polygons, polygon, lng, lat, colour = 1)`,
		`locations | evaluate geo_polygon_lookup(polygons, polygon, lng, lat, 5, radius = 1)`,
	} {
		if _, err := runQ(t, MemCatalog{}, geoLookupSetup+q); err == nil {
			t.Errorf("%s: no error", q[strings.LastIndex(q, "evaluate"):])
		}
	}
}
