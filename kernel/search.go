package kernel

// #include "search/search.h"
import "C"

import (
	"runtime"
	"unsafe"

	"github.com/sugarme/gotch/ts"
)

// RowLogSumExp returns log(sum(exp(x))) of each row of x, a 2-D CPU float32
// tensor, as float32s (csrc/search): x minus its row's value is
// log-softmax(x).
func RowLogSumExp(x *ts.Tensor) ([]float32, error) {
	var out unsafe.Pointer
	err := cError(C.nmt_row_logsumexp(x.Ctensor(), &out))
	runtime.KeepAlive(x)
	if err != nil {
		return nil, err
	}
	t := ts.FromCtensor(out)
	defer t.MustDrop()
	v := make([]float32, t.Numel())
	t.MustCopyData(v, t.Numel())
	return v, nil
}

// RowTopK returns the k largest entries of each row of x, a 2-D CPU float32
// tensor [N, V], largest first, and their column indices, both flattened
// [N*k]; equal values come in column order (csrc/search).
func RowTopK(x *ts.Tensor, k int) ([]float32, []int64, error) {
	var vp, ip unsafe.Pointer
	err := cError(C.nmt_row_topk(x.Ctensor(), C.int64_t(k), &vp, &ip))
	runtime.KeepAlive(x)
	if err != nil {
		return nil, nil, err
	}
	vt, it := ts.FromCtensor(vp), ts.FromCtensor(ip)
	defer vt.MustDrop()
	defer it.MustDrop()
	vals, idx := make([]float32, vt.Numel()), make([]int64, it.Numel())
	vt.MustCopyData(vals, vt.Numel())
	it.MustCopyData(idx, it.Numel())
	return vals, idx, nil
}
