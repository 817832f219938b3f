package transformer

import (
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/kernel"
)

// SetInitialCap sets the first capacity of m's caches (0: from the
// source; tests set a small one so that they exercise growth).
func SetInitialCap(m *Model, n int64) { m.initialCap = n }

// FirstCap exposes firstCap.
func FirstCap(srcLen, maxLen int64) int64 { return firstCap(0, srcLen, maxLen) }

// AttendOne is attendOne with group 1 and scale 1 through the CPU kernel
// (fused) or as multiply-and-sum.
func AttendOne(q, keys, vals, mask *ts.Tensor, fused bool) *ts.Tensor {
	if fused {
		return mustAttend(q, keys, vals, kernel.Attend{Mask: mask})
	}
	return attendOps(q, keys, vals, mask, 1)
}

// SetPackWeights turns the packing of m's decoder weights for decoding
// on (the default) or off.
func SetPackWeights(m *Model, on bool) { m.noPack = !on }
