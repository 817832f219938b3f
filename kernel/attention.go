package kernel

// #include "attention/attention.h"
import "C"

import (
	"runtime"
	"unsafe"

	"github.com/sugarme/gotch/ts"
)

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
// first n positions (csrc/attention), without the temporaries of a
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
