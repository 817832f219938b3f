package tch

// #include "nmt_api.h"
import "C"

import (
	"runtime"
	"unsafe"

	"github.com/sugarme/gotch/ts"
)

// RowLogSumExp returns log(sum(exp(x))) of each row of x, a 2-D CPU float32
// tensor, as float32s (csrc/nmt_decode.cpp): x minus its row's value is
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
// [N*k]; equal values come in column order (csrc/nmt_decode.cpp).
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

// Attend says what AttendOne computes besides q, keys and vals.
type Attend struct {
	// Scale multiplies the queries (0 means 1).
	Scale float64
	// Group: the query rows come in groups of Group consecutive rows that
	// share their keys row (a sentence's beams over its encoder output);
	// 0 means 1.
	Group int64
	// Mask is an additive [B, 1, n] (or [B, n]) mask over the keys rows'
	// positions, or nil.
	Mask *ts.Tensor
	// Slots, int64 [R, n] or nil, makes query row r read position j from
	// keys row Slots[r, j] (a decoding state whose rows point into the
	// cache instead of moving in it); it takes Group 1 and no Mask.
	Slots *ts.Tensor
}

// AttendOne is attention for one query per row and head over a cache's
// first n positions (csrc/nmt_decode.cpp), without the temporaries of a
// multiply-and-sum: keys and vals CPU float32 views [B, H, n, dh] with
// equal strides and contiguous heads, q [R, H, dh] or [R, H, 1, dh] with
// each row's H*dh floats contiguous, R = B*Group without Slots; dh a
// multiple of 8 up to 256. Returns the context [R, H, dh] in the current
// scope.
func AttendOne(q, keys, vals *ts.Tensor, a Attend) (*ts.Tensor, error) {
	var out unsafe.Pointer
	mask, slots := a.Mask, a.Slots
	scale, group := a.Scale, a.Group
	if scale == 0 {
		scale = 1
	}
	if group == 0 {
		group = 1
	}
	err := cError(C.nmt_attend_one(q.Ctensor(), keys.Ctensor(), vals.Ctensor(), handle(mask), C.int64_t(group), handle(slots), C.double(scale), &out))
	runtime.KeepAlive(q)
	runtime.KeepAlive(keys)
	runtime.KeepAlive(vals)
	runtime.KeepAlive(mask)
	runtime.KeepAlive(slots)
	if err != nil {
		return nil, err
	}
	return ts.FromCtensor(out), nil
}

// AddLayerNorm is LayerNorm(alpha*x + y) over the last dimension D, with
// weight w and bias b [D] and epsilon eps, in one pass on the pool
// (csrc/nmt_decode.cpp): x and y CPU float32 of the same sizes, D a
// multiple of 8. Where a gradient is wanted it is libtorch's ops, with
// autograd. Returns a new tensor in the current scope.
func AddLayerNorm(x, y *ts.Tensor, alpha float64, w, b *ts.Tensor, eps float64) (*ts.Tensor, error) {
	var out unsafe.Pointer
	err := cError(C.nmt_add_layer_norm(x.Ctensor(), y.Ctensor(), C.double(alpha), w.Ctensor(), b.Ctensor(), C.double(eps), &out))
	runtime.KeepAlive(x)
	runtime.KeepAlive(y)
	runtime.KeepAlive(w)
	runtime.KeepAlive(b)
	if err != nil {
		return nil, err
	}
	return ts.FromCtensor(out), nil
}
