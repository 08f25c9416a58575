module github.com/huntpack/huntpack/bench/prof

go 1.26.8

require github.com/huntpack/huntpack v0.0.0

require github.com/klauspost/compress v1.18.3 // indirect

replace github.com/huntpack/huntpack => ../..
