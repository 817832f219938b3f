package decode

import (
	"math"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

var negInf = float32(math.Inf(-1))

// int64Tensor makes a tensor of shape from v on dev, in the current scope.
func int64Tensor(v []int64, shape []int64, dev gotch.Device) *ts.Tensor {
	t := ts.MustOfSlice(v)
	if len(shape) != 1 {
		t = t.MustView(shape, false)
	}
	if dev.IsCuda() {
		t = t.MustTo(dev, false)
	}
	return t
}

// onCPU returns t, or a copy of it on the CPU.
func onCPU(t *ts.Tensor) *ts.Tensor {
	if d, err := t.Device(); err == nil && d.IsCuda() {
		return t.MustTo(gotch.CPU, false)
	}
	return t
}

func float32s(t *ts.Tensor) []float32 {
	t = onCPU(t)
	if t.DType() != gotch.Float {
		t = t.MustTotype(gotch.Float, false)
	}
	n := t.Numel()
	v := make([]float32, n)
	t.MustCopyData(v, n)
	return v
}

func int64s(t *ts.Tensor) []int64 {
	t = onCPU(t)
	n := t.Numel()
	v := make([]int64, n)
	t.MustCopyData(v, n)
	return v
}

// Source builds the left-padded source tensor [B,S] of sentences (each
// ending in EOS), S being the longest.
func Source(src [][]int64, pad int64, dev gotch.Device) *ts.Tensor {
	width := 0
	for _, s := range src {
		width = max(width, len(s))
	}
	flat := make([]int64, len(src)*width)
	for i, s := range src {
		row := flat[i*width : (i+1)*width]
		for j := range row[:width-len(s)] {
			row[j] = pad
		}
		copy(row[width-len(s):], s)
	}
	return int64Tensor(flat, []int64{int64(len(src)), int64(width)}, dev)
}
