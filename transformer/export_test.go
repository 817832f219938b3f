package transformer

// SetInitialCap sets the caches' first capacity (so tests exercise their
// growth) and returns a function that restores it.
func SetInitialCap(n int64) (restore func()) {
	old := initialCap
	initialCap = n
	return func() { initialCap = old }
}

// SetPositionalCPU selects the CPU's slab layout (true, the default) or the
// caches CUDA uses, and returns a function that restores the choice.
func SetPositionalCPU(on bool) (restore func()) {
	old := positionalCPU
	positionalCPU = on
	return func() { positionalCPU = old }
}
