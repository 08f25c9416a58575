//go:build race

package reliability

// raceSlowdown scales time budgets under the race detector.
func raceSlowdown() float64 { return 8 }
