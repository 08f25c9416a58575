//go:build !race

package reliability

func raceSlowdown() float64 { return 1 }
