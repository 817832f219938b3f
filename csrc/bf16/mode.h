// mode.h: bf16 products with float32 accumulation (bf16.cpp), the C++
// side shared with the linear layers (csrc/gemm).
#ifndef NMT_BF16_MODE_H
#define NMT_BF16_MODE_H

#include <torch/types.h>

#include <cstdint>

namespace nmt {

// The engines of bf16 products on the CPU (nmt_set_bf16_engine).
enum BF16Engine {
  kBF16None = 0,      // none: the CPU or this libtorch cannot
  kBF16OneDNN = 1,    // oneDNN's gemm_bf16bf16f32
  kBF16Emulate = 2,   // operands rounded to bf16, multiplied in float32
  kBF16Autocast = 3,  // libtorch's CPU autocast (its own bf16 kernels)
};

int bf16_engine();

// bf16_on reports whether the calling thread is in bf16 mode with the
// onednn or emulate engine (nmt_autocast_enter on the CPU): nmt's linear
// layers and batched products then multiply in bf16.
bool bf16_on();

// cpu_autocast_on reports whether libtorch's CPU autocast is on in the
// calling thread: nmt's CPU kernels then leave the products to libtorch.
bool cpu_autocast_on();

// bf16_round returns t's values rounded to bf16 (round to nearest even),
// as the engine multiplies them: a bf16 tensor for oneDNN, a float32
// tensor of bf16 values for the emulation. Contiguous.
at::Tensor bf16_round(const at::Tensor &t);

// oneDNN's row-major C = alpha*op(A)*op(B) + beta*C for bf16 A and B
// (dnnl_gemm_bf16bf16f32, oneDNN 1.x-3.x), or null; 0 is success.
using bf16_gemm_fn = int (*)(char, char, int64_t, int64_t, int64_t, float, const uint16_t *,
                             int64_t, const uint16_t *, int64_t, float, float *, int64_t);
bf16_gemm_fn onednn_bf16_gemm();

}  // namespace nmt

#endif
