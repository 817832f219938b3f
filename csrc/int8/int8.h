// int8.h: int8 linear layers for decoding on the CPU (int8.cpp), for
// package kernel (int8.go).
//
// A weight [N, K] comes quantized by rows (symmetric int8, a float scale
// per output channel; package quant) and is packed once. Each product
// quantizes its input's rows on the fly (asymmetric: a scale and a zero
// point per row, over 127 or 255 levels, see nmt_int8_levels), multiplies
// in int32 and writes float32: y = sx*sw*(acc - zp*sum(w)) + b.
#ifndef NMT_INT8_H
#define NMT_INT8_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

// The engines of the int8 products.
enum {
  NMT_INT8_AUTO = 0,      // oneDNN where found, else portable
  NMT_INT8_ONEDNN = 1,    // oneDNN's packed s8u8s32 GEMM (libdnnl 2.x's internal pack API)
  NMT_INT8_PORTABLE = 2,  // nmt's own loops: exact int32 sums, no packing, slower
};

// nmt_int8_configure picks the engine for weights packed from now on and
// returns it (AUTO resolves to one of the others), or -1 when ONEDNN was
// asked for and the process lacks oneDNN's int8 pack API.
int nmt_int8_configure(int engine);
// nmt_int8_levels is the largest quantized input value of the engine
// configured: 255, or 127 where oneDNN's kernels on this CPU saturate
// 8-bit products (vpmaddubsw without VNNI sums two u8*s8 products in 16
// bits), found by a product of extreme values when the engine is chosen.
int nmt_int8_levels(void);
// nmt_cpu_has_vnni is 1 when the CPU has AVX512-VNNI or AVX-VNNI.
int nmt_cpu_has_vnni(void);

// nmt_int8_pack packs q [n, k] (row-major int8, |q| <= 127) with its row
// scales [n] (copied) for nmt_int8_linear, for the engine configured;
// *out receives it, to free with nmt_int8_free. Returns NULL, or an error
// message to free.
char *nmt_int8_pack(const int8_t *q, const float *scale, int64_t n, int64_t k, void **out);
void nmt_int8_free(void *packed);
// nmt_int8_packed_levels is the largest quantized input value the packed
// weight's products use (its engine's nmt_int8_levels when packed).
int nmt_int8_packed_levels(void *packed);
// nmt_int8_linear is x [..., K] (CPU float32, no gradient wanted) times
// the packed weight transposed, plus b [N] (float32, or NULL). *out
// receives a new tensor [..., N]. A row of x that is not finite gives a
// row of NaN. Returns NULL, or an error message to free.
char *nmt_int8_linear(void *x, void *packed, void *b, void **out);

#ifdef __cplusplus
}
#endif
#endif
