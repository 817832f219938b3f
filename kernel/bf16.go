package kernel

// #include "bf16/bf16.h"
import "C"

import (
	"fmt"
	"runtime"
	"strings"
	"unsafe"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

// The engines of bf16 products on the CPU (ConfigureBF16, Settings.BF16,
// NMT_BF16). CUDA tensors always use libtorch's autocast.
const (
	// BF16OneDNN: oneDNN's gemm_bf16bf16f32, on CPUs with AVX512-BF16.
	BF16OneDNN = "onednn"
	// BF16Emulate rounds the operands to bf16 as oneDNN does and
	// multiplies them in float32: every bf16 x bf16 product is exact in
	// float32, so the results are bf16's up to the order of the sums, on
	// any CPU and at float32's speed or below. For studying bf16's
	// numerics where the CPU has no bf16 instructions.
	BF16Emulate = "emulate"
	// BF16Autocast: libtorch's CPU autocast to bfloat16, its own bf16
	// kernels (the mechanism CUDA uses, here on the CPU).
	BF16Autocast = "autocast"
	// BF16None: no bf16 on this CPU (BF16Engine says why).
	BF16None = "none"
)

var bf16Engine, bf16Why = BF16None, "not configured"

// cpuFeatures are nmt_cpu_features' bits.
func cpuFeatures() (core, bf16, onednn bool) {
	f := C.nmt_cpu_features()
	return f&C.NMT_CPU_AVX512_CORE != 0, f&C.NMT_CPU_AVX512_BF16 != 0, f&C.NMT_CPU_ONEDNN_BF16 != 0
}

// ConfigureBF16 picks the engine of bf16 products on the CPU from a
// setting (Settings.BF16, NMT_BF16): "auto" (also ""), which takes oneDNN on CPUs with AVX512-BF16
// where the process has oneDNN's dnnl_gemm_bf16bf16f32 and none
// elsewhere; "onednn" (needs AVX-512: oneDNN emulates bf16 on AVX-512
// CPUs without AVX512-BF16, slowly), "emulate" or "autocast". It returns
// the engine now in use.
func ConfigureBF16(setting string) (string, error) {
	core, bf16, onednn := cpuFeatures()
	switch strings.ToLower(strings.TrimSpace(setting)) {
	case "", "auto":
		switch {
		case !bf16:
			setBF16(BF16None, "auto: the CPU has no AVX512-BF16")
		case !core:
			setBF16(BF16None, "auto: the CPU has no AVX-512 F/BW/VL/DQ")
		case !onednn:
			setBF16(BF16None, "auto: this libtorch does not export oneDNN's dnnl_gemm_bf16bf16f32")
		default:
			setBF16(BF16OneDNN, "auto: oneDNN's gemm_bf16bf16f32 on a CPU with AVX512-BF16")
		}
	case BF16OneDNN:
		if !onednn {
			return bf16Engine, fmt.Errorf("NMT_BF16=onednn: this libtorch does not export oneDNN's dnnl_gemm_bf16bf16f32; use auto, emulate or autocast")
		}
		if !core {
			return bf16Engine, fmt.Errorf("NMT_BF16=onednn: oneDNN's bf16 products need AVX-512 (F, BW, VL, DQ), which this CPU lacks; use emulate or autocast")
		}
		setBF16(BF16OneDNN, "chosen")
	case BF16Emulate:
		setBF16(BF16Emulate, "chosen: operands rounded to bf16, float32 products")
	case BF16Autocast:
		setBF16(BF16Autocast, "chosen: libtorch's CPU autocast")
	case BF16None:
		setBF16(BF16None, "chosen")
	default:
		return bf16Engine, fmt.Errorf("NMT_BF16=%q: want auto, onednn, emulate, autocast or none", setting)
	}
	return bf16Engine, nil
}

// SetBF16 is ConfigureBF16(setting) with a function that sets the engine
// in use before again (with its reason), for a change that lasts a scope:
//
//	restore, err := kernel.SetBF16(kernel.BF16Emulate)
//	if err != nil { ... }
//	defer restore()
func SetBF16(setting string) (restore func(), err error) {
	engine, why := bf16Engine, bf16Why
	if _, err := ConfigureBF16(setting); err != nil {
		return func() {}, err
	}
	return func() { setBF16(engine, why) }, nil
}

func setBF16(engine, why string) {
	e := map[string]C.int{BF16None: 0, BF16OneDNN: 1, BF16Emulate: 2, BF16Autocast: 3}[engine]
	C.nmt_set_bf16_engine(e)
	bf16Engine, bf16Why = engine, why
}

// BF16Engine returns the engine of bf16 products on the CPU and why it was
// chosen.
func BF16Engine() (engine, why string) { return bf16Engine, bf16Why }

// CheckBF16 reports whether bf16 products can run on dev: always on CUDA
// (libtorch's autocast; bf16 needs a GPU of compute capability 8.0 or
// more for speed), on the CPU where BF16Engine is not none. The error
// names what is missing.
func CheckBF16(dev gotch.Device) error {
	if dev.IsCuda() || bf16Engine != BF16None {
		return nil
	}
	if bf16Why == "chosen" {
		return fmt.Errorf("precision bf16 on the CPU: NMT_BF16=none turns it off")
	}
	return bf16Missing(cpuFeatures())
}

// bf16Missing names what the CPU or libtorch lacks for bf16 products.
func bf16Missing(core, bf16, onednn bool) error {
	switch {
	case !bf16:
		return fmt.Errorf("precision bf16 on the CPU needs AVX512-BF16 (the avx512_bf16 CPU flag), which this CPU lacks: use float32, or NMT_BF16=emulate to study bf16's numerics at float32's speed")
	case !core:
		return fmt.Errorf("precision bf16 on the CPU needs AVX-512 (avx512f, avx512bw, avx512vl, avx512dq), which this CPU lacks: use float32, or NMT_BF16=emulate to study bf16's numerics")
	case !onednn:
		return fmt.Errorf("precision bf16 on the CPU needs oneDNN's dnnl_gemm_bf16bf16f32, which this libtorch does not export: use float32, or NMT_BF16=emulate or autocast")
	}
	return nil
}

// WithBF16 runs f with the calling thread's products in bf16 for tensors
// on dev's kind of device, as torch.autocast(device, torch.bfloat16) does:
// on CUDA libtorch's autocast, on the CPU the BF16Engine (Linear, Matmul
// and Baddbmm round their operands to bf16 and accumulate in float32,
// forward and backward; everything else stays float32). A backward run
// after f returns keeps the precision of the forward. It panics where
// CheckBF16(dev) fails (a caller's error: check first); the thread's
// previous state is restored when f returns or panics. The mode is the
// OS thread's, so the calling goroutine stays on its thread while f runs
// (runtime.LockOSThread, undone on return: a caller's own lock stays).
func WithBF16(dev gotch.Device, f func()) {
	if err := CheckBF16(dev); err != nil {
		panic(err)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cuda := C.int(0)
	if dev.IsCuda() {
		cuda = 1
	}
	prev := C.nmt_autocast_enter(cuda)
	defer C.nmt_autocast_exit(prev)
	f()
}

// BF16Active reports whether the calling thread's CPU products run in
// bf16 (inside WithBF16 with a CPU engine).
func BF16Active() bool { return C.nmt_bf16_active() == 1 }

// Matmul is a.MustMatmul(b); inside WithBF16, for CPU float32 batches a
// [B, M, K] and b [B, K, N], the product in bf16 with float32
// accumulation, with autograd. The result is in the current scope.
func Matmul(a, b *ts.Tensor) (*ts.Tensor, error) {
	var out unsafe.Pointer
	err := cError(C.nmt_matmul(a.Ctensor(), b.Ctensor(), &out))
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
	if err != nil {
		return nil, err
	}
	return ts.FromCtensor(out), nil
}

// Baddbmm is mask + alpha * a b as mask.MustBaddbmm(a, b, 1, alpha), or
// alpha * a b where mask is nil; inside WithBF16 the product is Matmul's.
// The result is in the current scope.
func Baddbmm(mask, a, b *ts.Tensor, alpha float64) (*ts.Tensor, error) {
	var out unsafe.Pointer
	err := cError(C.nmt_baddbmm(handle(mask), a.Ctensor(), b.Ctensor(), C.double(alpha), &out))
	runtime.KeepAlive(mask)
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
	if err != nil {
		return nil, err
	}
	return ts.FromCtensor(out), nil
}

// MustMatmul and MustBaddbmm panic on error, as ts's Must functions do.
func MustMatmul(a, b *ts.Tensor) *ts.Tensor { return mustTensor(Matmul(a, b)) }

func MustBaddbmm(mask, a, b *ts.Tensor, alpha float64) *ts.Tensor {
	return mustTensor(Baddbmm(mask, a, b, alpha))
}

func mustTensor(t *ts.Tensor, err error) *ts.Tensor {
	if err != nil {
		panic(err)
	}
	return t
}
