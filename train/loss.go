package train

import (
	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/kernel"
)

// LabelSmoothedCE is fairseq's label_smoothed_nll_loss with reduce=True:
//
//	nll    = -lprobs[target]             (pad positions masked to 0)
//	smooth = -sum_v lprobs[v]            (pad positions masked to 0)
//	eps_i  = eps / (V - 1)
//	loss   = (1 - eps - eps_i) * sum nll + eps_i * sum smooth
//
// logits: [B, T, V] float; target: [B, T] int64. It returns the summed
// loss (a scalar with a graph, to call Backward on) and the summed nll
// (detached). Both are in nats and summed over tokens; divide by the
// number of target tokens (and ln 2) to report them, as fairseq does.
// The tensors belong to the current scope.
//
// CPU float logits go through one kernel (kernel.LabelSmoothedCE: one
// read of the logits and one write of their gradient, against about nine
// passes for libtorch's ops); other devices and dtypes through libtorch's
// ops (labelSmoothedCEOps).
func LabelSmoothedCE(logits, target *ts.Tensor, eps float64, pad int64) (loss, nll *ts.Tensor) {
	if logits.DType() == gotch.Float && target.DType() == gotch.Int64 &&
		!logits.MustDevice().IsCuda() && !target.MustDevice().IsCuda() {
		loss, nll, err := kernel.LabelSmoothedCE(logits, target, eps, pad)
		if err != nil {
			panic(err)
		}
		return loss, nll
	}
	return labelSmoothedCEOps(logits, target, eps, pad)
}

// labelSmoothedCEOps is LabelSmoothedCE through libtorch's ops, on any
// device and dtype (tests compare it with the kernel).
func labelSmoothedCEOps(logits, target *ts.Tensor, eps float64, pad int64) (loss, nll *ts.Tensor) {
	var sc scalars
	defer sc.drop()
	size := logits.MustSize()
	v := size[len(size)-1]
	lprobs := logits.MustLogSoftmax(-1, gotch.Float, false).MustView([]int64{-1, v}, true)
	tgt := target.MustView([]int64{-1, 1}, false)
	padMask := tgt.MustEq(sc.i(pad), false) // [N,1]
	nllTok := lprobs.MustGather(1, tgt, false, false).MustNeg(true)
	nllTok = nllTok.MustMaskedFill(padMask, sc.f(0), true)
	nllSum := nllTok.MustSum(gotch.Float, true)
	if eps == 0 {
		return nllSum, nllSum.MustDetach(false)
	}
	smooth := lprobs.MustSumDimIntlist([]int64{-1}, true, gotch.Float, false).MustNeg(true)
	smooth = smooth.MustMaskedFill(padMask, sc.f(0), true)
	smoothSum := smooth.MustSum(gotch.Float, true)
	epsI := eps / float64(v-1)
	a := nllSum.MustMulScalar(sc.f(1-eps-epsI), false)
	b := smoothSum.MustMulScalar(sc.f(epsI), true)
	loss = a.MustAdd(b, true)
	b.MustDrop()
	return loss, nllSum.MustDetach(false)
}
