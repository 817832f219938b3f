package tch

// #include "nmt_api.h"
import "C"

import (
	"unsafe"

	"github.com/sugarme/gotch/ts"
)

// RowLogSumExp returns log(sum(exp(x))) of each row of x, a 2-D CPU float32
// tensor, as float32s (csrc/nmt_decode.cpp): x minus its row's value is
// log-softmax(x).
func RowLogSumExp(x *ts.Tensor) ([]float32, error) {
	var out unsafe.Pointer
	if err := cError(C.nmt_row_logsumexp(x.Ctensor(), &out)); err != nil {
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
// [N*k]; equal values come in column order (csrc/nmt_decode.cpp).
func RowTopK(x *ts.Tensor, k int) ([]float32, []int64, error) {
	var vp, ip unsafe.Pointer
	if err := cError(C.nmt_row_topk(x.Ctensor(), C.int64_t(k), &vp, &ip)); err != nil {
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

// AttendOne is attention for one query per row and head over a cache's
// first n positions (csrc/nmt_decode.cpp), without the temporaries of a
// multiply-and-sum: keys and vals CPU float32 views [B, H, n, dh] with
// equal strides and contiguous heads, q [B*group, H, 1, dh] scaled, its
// rows in B groups of group consecutive rows that share their keys (a
// sentence's beams over its encoder output), mask an additive [B, 1, n]
// (or [B, n]) or nil; dh a multiple of 8 up to 256. Returns the context
// [B*group, H, dh] in the current scope.
func AttendOne(q, keys, vals, mask *ts.Tensor, group int64) (*ts.Tensor, error) {
	var m, out unsafe.Pointer
	if mask != nil {
		m = mask.Ctensor()
	}
	if err := cError(C.nmt_attend_one(q.Ctensor(), keys.Ctensor(), vals.Ctensor(), m, C.int64_t(group), &out)); err != nil {
		return nil, err
	}
	return ts.FromCtensor(out), nil
}
