package tch

// #include <stdint.h>
// #include "nmt_api.h"
import "C"

import (
	"fmt"
	"unsafe"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

// Positions is what AttendPositions reads: a decoder layer's past keys and
// values as one slab per position, and each row's ancestry.
type Positions struct {
	Slabs  []unsafe.Pointer // per position j: float32 [rows at j, Stride], keys then values
	Stride int64            // floats per slab row (2*D)
	Anc    []int32          // Anc[r*AncStride+j]: the slab row of row r at position j
	// AncStride is the distance between two rows' ancestries in Anc.
	AncStride int64
}

// AttendPositions is a decoder's self-attention for one new query per row
// over all its positions so far, without copying the past (csrc/
// nmt_attend.cpp): q is [rows, qStride] float32 on the CPU with each row's
// unscaled query in its first heads*dh floats; the result is the context
// [rows, heads*dh], in the current scope. Row r of position j is read from
// slab row p.Anc[r*p.AncStride+j], so a beam reorder only rewrites Anc.
func AttendPositions(q *ts.Tensor, qStride int64, p Positions, heads, dh int64, scale float32) *ts.Tensor {
	sz := q.MustSize()
	rows, n := sz[0], int64(len(p.Slabs))
	contiguous, _ := q.IsContiguous()
	if n == 0 || q.DType() != gotch.Float || q.MustDevice().IsCuda() || !contiguous ||
		int64(len(p.Anc)) < (rows-1)*p.AncStride+n || p.Stride < 2*heads*dh || qStride < heads*dh {
		panic(fmt.Sprintf("tch: AttendPositions: bad arguments (q %v, %d positions, %d ancestry entries)", sz, n, len(p.Anc)))
	}
	out := ts.MustEmpty([]int64{rows, heads * dh}, gotch.Float, gotch.CPU)
	C.nmt_attend_positions((*C.float)(out.MustDataPtr()), (*C.float)(q.MustDataPtr()), C.int64_t(qStride),
		(**C.float)(unsafe.Pointer(&p.Slabs[0])), C.int64_t(p.Stride),
		(*C.int32_t)(unsafe.Pointer(&p.Anc[0])), C.int64_t(p.AncStride),
		C.int64_t(rows), C.int64_t(heads), C.int64_t(dh), C.int64_t(n), C.float(scale))
	return out
}
