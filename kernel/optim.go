package kernel

// #include "optim/optim.h"
import "C"

import (
	"fmt"
	"unsafe"

	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/tch"
)

// AdamStep applies fairseq's Adam update to CPU float32 parameters in
// place, one pass over each (csrc/optim):
//
//	m = m + (1-b1)*(g - m)
//	v = v + (1-b2)*(g*g - v)
//	p = p*decay - stepSize * m / (sqrt(v) + eps)
//
// params, grads, m and v are parallel slices of contiguous tensors of equal
// sizes (grads may be non-contiguous). decay is 1 - wd*lr (1 without weight
// decay).
func AdamStep(params, grads, m, v []*ts.Tensor, b1, b2, eps, decay, stepSize float64) error {
	n := len(params)
	if len(grads) != n || len(m) != n || len(v) != n {
		return fmt.Errorf("kernel: Adam: %d parameters, %d gradients, %d and %d moments", n, len(grads), len(m), len(v))
	}
	if n == 0 {
		return nil
	}
	return tch.WithHandles(func(arr *unsafe.Pointer) error {
		ptrs := unsafe.Slice(arr, 4*n)
		return cError(C.nmt_adam_step(&ptrs[0], &ptrs[n], &ptrs[2*n], &ptrs[3*n], C.int64_t(n),
			C.double(b1), C.double(b2), C.double(eps), C.double(decay), C.double(stepSize)))
	}, params, grads, m, v)
}
