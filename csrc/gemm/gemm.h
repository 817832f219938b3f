// gemm.h: the model's linear layers on oneDNN's sgemm, split across the
// pool's threads, and weights packed for it (gemm.cpp), for package kernel
// (gemm.go).
#ifndef NMT_GEMM_H
#define NMT_GEMM_H
#ifdef __cplusplus
extern "C" {
#endif

// nmt_linear is x [..., K] times w [N, K] transposed plus b [N] (b may be
// NULL), like at::linear, with autograd: for CPU float tensors in bf16
// mode (csrc/bf16) in bf16 with float32 accumulation, else through
// oneDNN's sgemm when nmt_set_gemm_onednn(1) took effect; through
// at::linear otherwise. *out receives a new tensor [..., N]. Returns NULL,
// or an error message to free.
char *nmt_linear(void *x, void *w, void *b, void **out);
// nmt_set_gemm_onednn picks oneDNN's sgemm (1) or libtorch's linear (0) for
// nmt_linear; returns 0 when oneDNN's sgemm is not found.
int nmt_set_gemm_onednn(int on);
// nmt_gemm_onednn_available is 1 when the process has oneDNN's dnnl_sgemm.
int nmt_gemm_onednn_available(void);
// nmt_cpu_has_avx512 is 1 when the CPU runs AVX-512F instructions.
int nmt_cpu_has_avx512(void);
// nmt_pack_available is 1 when nmt_linear runs on oneDNN and oneDNN's
// pack API was found, or the calling thread is in bf16 mode.
int nmt_pack_available(void);
// nmt_pack_weight packs w [N, K] (CPU float) for nmt_linear_packed, for
// the calling thread's precision: in float32 for oneDNN's kernels, in one
// column part per pool thread; in bf16 mode rounded to bf16 once (and
// packed by oneDNN's bf16 pack API on its engine). *out receives the
// packed weight, which holds a reference to w, to free with
// nmt_pack_free. Returns NULL, or an error message to free.
char *nmt_pack_weight(void *w, void **out);
void nmt_pack_free(void *packed);
// nmt_pack_stale is 1 when the packed weight changed since it was packed,
// or was packed for another precision than the calling thread's.
int nmt_pack_stale(void *packed);
// nmt_linear_packed is nmt_linear(x, w, b) for the packed w, without
// autograd; where a gradient is wanted, the weight changed since packing
// or the tensors are not CPU floats it is nmt_linear itself.
char *nmt_linear_packed(void *x, void *packed, void *b, void **out);

#ifdef __cplusplus
}
#endif
#endif
