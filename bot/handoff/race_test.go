//go:build race

package handoff

// raceEnabled: the race detector slows the brute-force references ten
// times, so the oracle tests sample the data sets more thinly.
const raceEnabled = true
