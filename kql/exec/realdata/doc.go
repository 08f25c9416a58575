// Package realdata holds end-to-end tests of the KQL engine over real log
// samples from the shared corpus, read through the logs catalog. It has
// no code of its own; keeping the tests here means kql/exec's tests do not
// depend on the log readers.
package realdata
