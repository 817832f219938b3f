package transformer

import "github.com/sugarme/gotch/ts"

// SetInitialCap sets the caches' first capacity (0: from the source; tests
// set a small one so that they exercise growth) and returns a function that
// restores it.
func SetInitialCap(n int64) (restore func()) {
	old := initialCap
	initialCap = n
	return func() { initialCap = old }
}

// FirstCap exposes firstCap.
func FirstCap(srcLen, maxLen int64) int64 { return firstCap(srcLen, maxLen) }

// AttendOne exposes attendOne, through the CPU kernel or as
// multiply-and-sum.
func AttendOne(q, keys, vals, mask *ts.Tensor, fused bool) *ts.Tensor {
	old := fusedAttend
	fusedAttend = fused
	defer func() { fusedAttend = old }()
	return attendOne(q, keys, vals, mask, 1, 1)
}

// SetPackWeights turns the packing of the decoder's weights on or off and
// returns a function that restores it.
func SetPackWeights(on bool) (restore func()) {
	old := packWeights
	packWeights = on
	return func() { packWeights = old }
}
