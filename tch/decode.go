package tch

// #include <stdlib.h>
// #include "nmt_api.h"
import "C"

import (
	"errors"
	"unsafe"

	"github.com/sugarme/gotch/ts"
)

// RowLogSumExp returns log(sum(exp(x))) of each row of x, a 2-D CPU float32
// tensor, as float32s (csrc/nmt_decode.cpp): x minus its row's value is
// log-softmax(x).
func RowLogSumExp(x *ts.Tensor) ([]float32, error) {
	var out unsafe.Pointer
	if msg := C.nmt_row_logsumexp(x.Ctensor(), &out); msg != nil {
		defer C.free(unsafe.Pointer(msg))
		return nil, errors.New(C.GoString(msg))
	}
	t := ts.FromCtensor(out)
	defer t.MustDrop()
	v := make([]float32, t.Numel())
	t.MustCopyData(v, t.Numel())
	return v, nil
}

// RowTopK returns the k largest entries of each row of x, a 2-D CPU float32
// tensor [N, V], largest first, and their column indices, both flattened
// [N*k]; equal values come in column order (csrc/nmt_decode.cpp).
func RowTopK(x *ts.Tensor, k int) ([]float32, []int64, error) {
	var vp, ip unsafe.Pointer
	if msg := C.nmt_row_topk(x.Ctensor(), C.int64_t(k), &vp, &ip); msg != nil {
		defer C.free(unsafe.Pointer(msg))
		return nil, nil, errors.New(C.GoString(msg))
	}
	vt, it := ts.FromCtensor(vp), ts.FromCtensor(ip)
	defer vt.MustDrop()
	defer it.MustDrop()
	vals, idx := make([]float32, vt.Numel()), make([]int64, it.Numel())
	vt.MustCopyData(vals, vt.Numel())
	it.MustCopyData(idx, it.Numel())
	return vals, idx, nil
}
