package decode

// SetFusedSearch turns the CPU searches' logit path (logitModel) on or off
// and returns a function that restores the setting.
func SetFusedSearch(on bool) (restore func()) {
	old := fusedSearch
	fusedSearch = on
	return func() { fusedSearch = old }
}
