package kernel

// #include "gemm/gemm.h"
// #include "int8/int8.h"
import "C"

import (
	"fmt"
	"runtime"
	"strings"
	"unsafe"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

// The engines that can run the model's linear layers (Linear).
const (
	GEMMLibtorch = "libtorch" // at::linear: the BLAS libtorch was built with
	GEMMOneDNN   = "onednn"   // oneDNN's sgemm, found in the process at run time
)

var gemmEngine, gemmWhy = GEMMLibtorch, "default"

// ConfigureGEMM picks the engine for Linear from a setting (Settings.GEMM,
// NMT_GEMM): "libtorch",
// "onednn", or "auto" (also ""), which takes oneDNN on CPUs with AVX-512
// where this libtorch exports it. Measured on the development machine (an
// AVX-512 CPU, 2 threads; docs/foundation.md): oneDNN's sgemm, split
// across threads by Linear, ran the decoder's and trainer's products 1.1-1.8
// times as fast as OpenBLAS's AVX-512 kernels and about twice as fast as
// its AVX2 ones; held to AVX2, oneDNN was faster at some shapes and half
// as fast at others, so CPUs without AVX-512 keep libtorch's path. It
// returns the engine now in use.
func ConfigureGEMM(setting string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(setting)) {
	case "", "auto":
		switch {
		case C.nmt_gemm_onednn_available() == 0:
			setGEMM(GEMMLibtorch, "auto: this libtorch does not export oneDNN's sgemm")
		case C.nmt_cpu_has_avx512() == 0:
			setGEMM(GEMMLibtorch, "auto: the CPU has no AVX-512")
		default:
			setGEMM(GEMMOneDNN, "auto: oneDNN's sgemm on a CPU with AVX-512")
		}
	case GEMMLibtorch:
		setGEMM(GEMMLibtorch, "chosen")
	case GEMMOneDNN:
		if C.nmt_gemm_onednn_available() == 0 {
			return gemmEngine, fmt.Errorf("NMT_GEMM=onednn: this libtorch does not export oneDNN's dnnl_sgemm; use auto or libtorch")
		}
		setGEMM(GEMMOneDNN, "chosen")
	default:
		return gemmEngine, fmt.Errorf("NMT_GEMM=%q: want auto, libtorch or onednn", setting)
	}
	return gemmEngine, nil
}

func setGEMM(engine, why string) {
	on := C.int(0)
	if engine == GEMMOneDNN {
		on = 1
	}
	C.nmt_set_gemm_onednn(on)
	gemmEngine, gemmWhy = engine, why
}

// GEMM returns the engine Linear uses and why it was chosen.
func GEMM() (engine, why string) { return gemmEngine, gemmWhy }

// Linear is x [..., K] times w [N, K] transposed plus b [N] (b may be nil),
// as ts.MustLinear, with autograd, through the engine GEMM names for CPU
// float32 tensors (csrc/gemm) and libtorch's linear otherwise.
// The result is in the current scope.
func Linear(x, w, b *ts.Tensor) (*ts.Tensor, error) {
	var out unsafe.Pointer
	err := cError(C.nmt_linear(x.Ctensor(), w.Ctensor(), handle(b), &out))
	runtime.KeepAlive(x)
	runtime.KeepAlive(w)
	runtime.KeepAlive(b)
	if err != nil {
		return nil, err
	}
	return ts.FromCtensor(out), nil
}

// MustLinear is Linear that panics on error, as ts's Must functions do.
func MustLinear(x, w, b *ts.Tensor) *ts.Tensor {
	y, err := Linear(x, w, b)
	if err != nil {
		panic(err)
	}
	return y
}

// Packed is a weight [N, K] packed for the products of LinearPacked:
// float32 for oneDNN's sgemm (Pack), where each product then skips packing
// it, 10-25% of the time of a decoding step's products, holding the
// weight and costing its size in memory again; or int8 (PackInt8). Free
// it when done; a garbage-collected Packed frees itself.
type Packed struct {
	cpack unsafe.Pointer
	int8  bool
}

// Pack packs w [N, K] (CPU float32) for LinearPacked, or returns nil when
// Linear does not run on oneDNN or oneDNN's pack API is missing (libdnnl
// exports it, outside its public headers).
func Pack(w *ts.Tensor) (*Packed, error) {
	if C.nmt_pack_available() == 0 || w.MustDevice().IsCuda() || w.DType() != gotch.Float {
		return nil, nil
	}
	var out unsafe.Pointer
	err := cError(C.nmt_pack_weight(w.Ctensor(), &out))
	runtime.KeepAlive(w)
	if err != nil {
		return nil, err
	}
	p := &Packed{cpack: out}
	runtime.SetFinalizer(p, (*Packed).Free)
	return p, nil
}

// Free releases the packed weight (and its reference to the weight).
func (p *Packed) Free() {
	defer runtime.KeepAlive(p) // the finalizer must not free it meanwhile
	if p == nil || p.cpack == nil {
		return
	}
	if p.int8 {
		C.nmt_int8_free(p.cpack)
	} else {
		C.nmt_pack_free(p.cpack)
	}
	p.cpack = nil
}

// Stale reports whether the weight changed (in place) since it was
// packed; an int8 weight holds no float weight and is never stale.
func (p *Packed) Stale() bool {
	if p.int8 {
		return false
	}
	stale := C.nmt_pack_stale(p.cpack) == 1
	runtime.KeepAlive(p)
	return stale
}

// LinearPacked is Linear(x, w, b) for the weight p packed, without
// autograd; where a gradient is wanted, or w changed since it was packed,
// it is Linear itself. An int8 weight takes only CPU float32 inputs
// without gradients (LinearInt8).
func LinearPacked(x *ts.Tensor, p *Packed, b *ts.Tensor) (*ts.Tensor, error) {
	if p.cpack == nil {
		return nil, fmt.Errorf("kernel: LinearPacked with a freed weight")
	}
	if p.int8 {
		return linearInt8(x, p, b)
	}
	var out unsafe.Pointer
	err := cError(C.nmt_linear_packed(x.Ctensor(), p.cpack, handle(b), &out))
	runtime.KeepAlive(x)
	runtime.KeepAlive(p)
	runtime.KeepAlive(b)
	if err != nil {
		return nil, err
	}
	return ts.FromCtensor(out), nil
}
