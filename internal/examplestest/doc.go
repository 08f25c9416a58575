// Package examplestest holds cross-checks of the hunt packs under
// examples/ (which is not a Go package). Its tests run the ASIM rewrite
// of the Remcos seed pack (examples/remcos-asim) over the raw Zeek,
// Suricata, Sysmon and Windows DNS debug log versions of the seed's
// sample events, and check that they find the same hits as the seed's
// own queries find in its Log Analytics exports (examples/remcos), both
// with `huntpack query` and with `huntpack hunt`. The package has no
// non-test code.
package examplestest
