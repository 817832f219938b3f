package kernel

// #include "loss/loss.h"
import "C"

import (
	"runtime"
	"unsafe"

	"github.com/sugarme/gotch/ts"
)

// LabelSmoothedCE is fairseq's label-smoothed cross-entropy summed over the
// rows whose target is not pad, computed by one autograd op (csrc/loss)
// instead of a chain of libtorch ops: logits [..., V] float32 on the CPU,
// target the matching int64 indices. It returns the loss (differentiable,
// in nats) and the nll (not differentiable), both scalars in the current
// scope. See train.LabelSmoothedCE for the formula; results agree with
// libtorch's ops to float rounding.
func LabelSmoothedCE(logits, target *ts.Tensor, eps float64, pad int64) (loss, nll *ts.Tensor, err error) {
	var l, n unsafe.Pointer
	err = cError(C.nmt_label_smoothed_ce(logits.Ctensor(), target.Ctensor(), C.double(eps), C.int64_t(pad), &l, &n))
	runtime.KeepAlive(logits)
	runtime.KeepAlive(target)
	if err != nil {
		return nil, nil, err
	}
	return ts.FromCtensor(l), ts.FromCtensor(n), nil
}
