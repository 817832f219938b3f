package transformer

// SetInitialCap sets the caches' first capacity (so tests exercise their
// growth) and returns a function that restores it.
func SetInitialCap(n int64) (restore func()) {
	old := initialCap
	initialCap = n
	return func() { initialCap = old }
}
