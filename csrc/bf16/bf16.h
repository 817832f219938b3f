// bf16.h: bf16 mixed precision (bf16.cpp), for package kernel (bf16.go):
// the thread's bf16 mode, the CPU's bf16 features, and attention's
// batched products in bf16. The linear layers take the mode in
// csrc/gemm; mode.h is the C++ side both share.
#ifndef NMT_BF16_H
#define NMT_BF16_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

// nmt_cpu_features reports, as NMT_CPU_* bits, what bf16 products on the
// CPU need.
#define NMT_CPU_AVX512_CORE 1  // AVX-512 F, BW, VL and DQ
#define NMT_CPU_AVX512_BF16 2  // AVX512-BF16 (vdpbf16ps)
#define NMT_CPU_ONEDNN_BF16 4  // the process has oneDNN's dnnl_gemm_bf16bf16f32
int nmt_cpu_features(void);
// nmt_set_bf16_engine sets how CPU bf16 products run: 0 none, 1 oneDNN's
// gemm_bf16bf16f32, 2 emulated (operands rounded to bf16, float32
// products), 3 libtorch's CPU autocast.
void nmt_set_bf16_engine(int engine);
// nmt_autocast_enter puts the calling thread in bf16 mode for tensors on
// CUDA (cuda 1: libtorch's autocast to bfloat16) or the CPU (the engine's
// way) and returns the previous state, which nmt_autocast_exit restores.
int64_t nmt_autocast_enter(int cuda);
void nmt_autocast_exit(int64_t prev);
// nmt_bf16_active is 1 when the calling thread's CPU products run in bf16.
int nmt_bf16_active(void);
// nmt_matmul is at::matmul(a, b), and in bf16 mode, for CPU float [B, M,
// K] and [B, K, N], the product in bf16 with float32 accumulation, with
// autograd. nmt_baddbmm is likewise mask + alpha * a b (at::baddbmm), or
// alpha * a b without mask (NULL). *out receives a new float tensor.
// Return NULL, or an error message to free.
char *nmt_matmul(void *a, void *b, void **out);
char *nmt_baddbmm(void *mask, void *a, void *b, double alpha, void **out);

#ifdef __cplusplus
}
#endif
#endif
