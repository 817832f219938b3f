package transformer

import (
	"math"
	"sync"
	"unsafe"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

// Dropout on the CPU draws its masks in Go. libtorch's CPU dropout draws
// them with bernoulli_, which in a build without MKL (Debian's) is a
// serial loop over a Mersenne twister, about 10 ns an element on one core
// whatever the thread count (6 ms for a [64, 32, 256] activation; a small
// model's training step has some twenty). Here a SplitMix64 stream writes
// the mask, already scaled by 1/(1-p), straight into the tensor's memory,
// branch-free, at about 1 ns an element, and libtorch's multiply
// (parallel, differentiable) applies it. Elements are kept with
// probability 1-p to within 2^-32. On CUDA, and for dtypes other than
// float32, at::dropout runs as before.
var dropRNG struct {
	sync.Mutex
	state uint64
}

func seedDropout(seed int64) {
	dropRNG.Lock()
	dropRNG.state = uint64(seed) * 0xbf58476d1ce4e5b9
	dropRNG.Unlock()
}

func dropout(x *ts.Tensor, p float64, train bool) *ts.Tensor {
	if !train || p == 0 {
		return x
	}
	if p >= 1 || x.DType() != gotch.Float || x.MustDevice().IsCuda() {
		return ts.MustDropout(x, p, true)
	}
	mask := ts.MustEmpty(x.MustSize(), gotch.Float, gotch.CPU)
	fillMask(unsafe.Slice((*float32)(mask.MustDataPtr()), mask.Numel()), p)
	return x.MustMul(mask, true)
}

// fillMask sets each element of m to 0 with probability p, else 1/(1-p).
func fillMask(m []float32, p float64) {
	keep := uint64(math.Float32bits(float32(1 / (1 - p))))
	drop := int64(p * (1 << 32)) // u < drop with probability p
	dropRNG.Lock()
	defer dropRNG.Unlock()
	s := dropRNG.state
	next := func() uint64 { // SplitMix64
		s += 0x9e3779b97f4a7c15
		z := s
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		return z ^ (z >> 31)
	}
	// bits is keep's bit pattern where the 32-bit draw u >= drop, else 0.
	bits := func(u uint64) float32 {
		return math.Float32frombits(uint32(keep &^ uint64((int64(u)-drop)>>63)))
	}
	i := 0
	for ; i+1 < len(m); i += 2 {
		z := next()
		m[i], m[i+1] = bits(z&0xffffffff), bits(z>>32)
	}
	if i < len(m) {
		m[i] = bits(next() & 0xffffffff)
	}
	dropRNG.state = s
}
