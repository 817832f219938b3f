package kernel

// #include "norm/norm.h"
import "C"

import (
	"runtime"
	"unsafe"

	"github.com/sugarme/gotch/ts"
)

// AddLayerNorm is LayerNorm(alpha*x + y) over the last dimension D, with
// weight w and bias b [D] and epsilon eps, in one pass on the pool
// (csrc/norm): x and y CPU float32 of the same sizes, D a multiple of 8.
// Where a gradient is wanted it is libtorch's ops, with autograd. Returns
// a new tensor in the current scope.
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
