package tch

// #include "nmt_api.h"
import "C"

import (
	"fmt"
	"os"
	"strings"
	"unsafe"

	"github.com/sugarme/gotch/ts"
)

// The engines that can run the model's linear layers (Linear).
const (
	GEMMLibtorch = "libtorch" // at::linear: the BLAS libtorch was built with
	GEMMOneDNN   = "onednn"   // oneDNN's sgemm, found in the process at run time
)

var gemmEngine, gemmWhy = GEMMLibtorch, "default"

func init() {
	// An invalid $NMT_GEMM is reported by the command (ConfigureGEMM).
	_, _ = ConfigureGEMM(os.Getenv("NMT_GEMM"))
}

// ConfigureGEMM picks the engine for Linear from a setting: "libtorch",
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
// float32 tensors (csrc/nmt_gemm.cpp) and libtorch's linear otherwise.
// The result is in the current scope.
func Linear(x, w, b *ts.Tensor) (*ts.Tensor, error) {
	var bp, out unsafe.Pointer
	if b != nil {
		bp = b.Ctensor()
	}
	if err := cError(C.nmt_linear(x.Ctensor(), w.Ctensor(), bp, &out)); err != nil {
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
