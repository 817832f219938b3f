package kernel

// #include "int8/int8.h"
import "C"

import (
	"fmt"
	"runtime"
	"strings"
	"unsafe"

	"github.com/sugarme/gotch/ts"
)

// The engines of the int8 products (ConfigureInt8, csrc/int8).
const (
	Int8OneDNN   = "onednn"   // oneDNN's packed s8u8s32 GEMM, found in the process at run time
	Int8Portable = "portable" // nmt's own loops: exact, unpacked, slower
)

var int8Engine, int8Why = "", ""

// ConfigureInt8 picks the engine for weights packed by PackInt8 from now
// on (Settings.Int8, NMT_INT8): "onednn", "portable", or "auto" (also
// ""), oneDNN where the process has its int8 pack API (Debian's libdnnl
// 2.x), the portable loops otherwise. It returns the engine now in use.
func ConfigureInt8(setting string) (string, error) {
	var want C.int
	switch s := strings.ToLower(strings.TrimSpace(setting)); s {
	case "", "auto":
		want = C.NMT_INT8_AUTO
	case Int8OneDNN:
		want = C.NMT_INT8_ONEDNN
	case Int8Portable:
		want = C.NMT_INT8_PORTABLE
	default:
		return int8Engine, fmt.Errorf("NMT_INT8=%q: want auto, onednn or portable", setting)
	}
	got := C.nmt_int8_configure(want)
	if got < 0 {
		return int8Engine, fmt.Errorf("NMT_INT8=onednn: this process has no oneDNN int8 pack API (dnnl::impl::cpu::gemm_s8u8s32_pack); use auto or portable")
	}
	int8Engine = Int8Portable
	if got == C.NMT_INT8_ONEDNN {
		int8Engine = Int8OneDNN
	}
	int8Why = "chosen"
	if want == C.NMT_INT8_AUTO {
		int8Why = "auto"
		if int8Engine == Int8Portable {
			int8Why = "auto: oneDNN's int8 pack API not found"
		}
	}
	return int8Engine, nil
}

// Int8Engine describes the int8 products: the engine, how inputs are
// quantized and why, for nmt env.
func Int8Engine() (engine, detail string) {
	levels := int(C.nmt_int8_levels())
	vnni := "the CPU has VNNI"
	if C.nmt_cpu_has_vnni() == 0 {
		vnni = "the CPU has no VNNI"
	}
	var d string
	switch {
	case int8Engine == Int8Portable:
		d = fmt.Sprintf("nmt's portable loops, inputs in 8 bits (%s; %s)", int8Why, vnni)
	case levels == 255:
		d = fmt.Sprintf("oneDNN's packed s8u8s32 GEMM, inputs in 8 bits (%s; %s)", int8Why, vnni)
	default:
		d = fmt.Sprintf("oneDNN's packed s8u8s32 GEMM, inputs in 7 bits: its kernels saturate 8-bit products here (%s; %s)", int8Why, vnni)
	}
	return int8Engine, d
}

// Int8Levels is the largest quantized input value of weights packed now:
// inputs are quantized per row to 0..Int8Levels() with a zero point.
func Int8Levels() int { return int(C.nmt_int8_levels()) }

// PackInt8 packs a weight quantized by rows (q [n, k] row-major, |q| <=
// 127, scale [n]; package quant) for LinearPacked, with the engine
// ConfigureInt8 set. The packed weight holds no reference to q or scale.
func PackInt8(q []int8, scale []float32, n, k int) (*Packed, error) {
	if n <= 0 || k <= 0 || len(q) != n*k || len(scale) != n {
		return nil, fmt.Errorf("tch: PackInt8 of %d values and %d scales for a [%d, %d] weight", len(q), len(scale), n, k)
	}
	var out unsafe.Pointer
	err := cError(C.nmt_int8_pack((*C.int8_t)(unsafe.Pointer(&q[0])), (*C.float)(unsafe.Pointer(&scale[0])),
		C.int64_t(n), C.int64_t(k), &out))
	runtime.KeepAlive(q)
	runtime.KeepAlive(scale)
	if err != nil {
		return nil, err
	}
	p := &Packed{cpack: out, int8: true}
	runtime.SetFinalizer(p, (*Packed).Free)
	return p, nil
}

// Int8 reports whether p is an int8 weight.
func (p *Packed) Int8() bool { return p.int8 }

// InputLevels is the largest quantized input value of p's products (an
// int8 weight; 0 for a float32 one).
func (p *Packed) InputLevels() int {
	if !p.int8 || p.cpack == nil {
		return 0
	}
	l := int(C.nmt_int8_packed_levels(p.cpack))
	runtime.KeepAlive(p)
	return l
}

// linearInt8 is LinearPacked for an int8 weight: x [..., K] (CPU float32,
// no gradient) times p, plus b [N] (or nil). The result is in the current
// scope.
func linearInt8(x *ts.Tensor, p *Packed, b *ts.Tensor) (*ts.Tensor, error) {
	var out unsafe.Pointer
	err := cError(C.nmt_int8_linear(x.Ctensor(), p.cpack, handle(b), &out))
	runtime.KeepAlive(x)
	runtime.KeepAlive(p)
	runtime.KeepAlive(b)
	if err != nil {
		return nil, err
	}
	return ts.FromCtensor(out), nil
}
