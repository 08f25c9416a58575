// Package reliability holds huntpack's cross-cutting reliability and
// security tests (issue #10): the bad-input corpus in testdata/bad at the
// repository root run through the real entry points, query resource limits
// through the CLI, output-safety property tests for every renderer, and
// store durability under concurrency and a full disk. It has no non-test
// code; SECURITY.md at the repository root says which test proves what.
package reliability
