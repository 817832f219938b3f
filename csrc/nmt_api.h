// nmt_api.h: the few libtorch facts and settings that gotch does not expose.
// Built into libtch.so beside gotch's glue (see scripts/setup.sh).
#ifndef NMT_API_H
#define NMT_API_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

void nmt_set_num_threads(int n);
int nmt_get_num_threads(void);
// nmt_kernel_threads runs an at::parallel_for compiled as nmt's kernels
// are and returns how many threads took part: 1 when they were built
// without OpenMP.
int nmt_kernel_threads(void);
// nmt_pool_threads_used runs a loop on the pool of nmt's kernels
// (nmt_pool.h) and returns how many threads took part.
int nmt_pool_threads_used(void);
// nmt_pool_rethrows reports (1) whether an exception thrown in one task of
// a pool loop reaches its caller after the other tasks ran.
int nmt_pool_rethrows(void);
// nmt_set_torch_local_threads sets how many threads libtorch's parallel
// loops use when started from the calling OS thread (OpenMP's per-thread
// count; the pool keeps its own) and returns the previous count.
int nmt_set_torch_local_threads(int n);
// nmt_torch_version returns libtorch's version, e.g. "1.13.1".
const char *nmt_torch_version(void);
// nmt_config returns torch::show_config() (build flags, BLAS); free it.
char *nmt_config(void);
int nmt_cuda_device_count(void);
// nmt_cuda_device_name returns the name of CUDA device i, or NULL; free it.
char *nmt_cuda_device_name(int i);
// nmt_built_with_cuda is 1 when this glue was built against a CUDA libtorch.
int nmt_built_with_cuda(void);
// nmt_tune_malloc keeps glibc malloc from returning large blocks to the
// kernel (no mmap for big blocks, no trimming): libtorch frees and
// reallocates the same activation sizes every step, and each fresh mmap'd
// block costs page faults. Same effect as MALLOC_ARENA_MAX=1
// MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=<large>. Returns 1 on success.
int nmt_tune_malloc(void);
// nmt_cpu_cache_enable makes libtorch allocate CPU tensors of 1 MiB and
// more through a caching allocator that keeps at most limit_bytes of freed
// blocks for reuse (nmt_cpu_cache.cpp). Returns 1 when it is in use.
int nmt_cpu_cache_enable(long long limit_bytes);
// nmt_cpu_cache_stats reports the bytes held free and the hits and misses.
void nmt_cpu_cache_stats(long long *cached, long long *hits, long long *misses);
// nmt_label_smoothed_ce is fairseq's label-smoothed cross-entropy, summed
// over the rows whose target is not pad, as one autograd op
// (nmt_loss.cpp): logits is a CPU float torch::Tensor* [..., V], target a
// CPU int64 torch::Tensor* with one entry per row. *loss (differentiable)
// and *nll receive new scalar tensors. Returns NULL, or an error message
// to free.
char *nmt_label_smoothed_ce(void *logits, void *target, double eps, int64_t pad,
                            void **loss, void **nll);
// nmt_adam_step applies fairseq's Adam update (decoupled weight decay:
// p *= decay first, then p -= step_size * m / (sqrt(v) + eps)) to n CPU
// float parameters in place (nmt_optim.cpp), one pass each. params, grads,
// exp_avg and exp_avg_sq are arrays of n torch::Tensor*. Returns NULL, or an
// error message to free.
char *nmt_adam_step(void **params, void **grads, void **exp_avg, void **exp_avg_sq,
                    int64_t n, double b1, double b2, double eps, double decay,
                    double step_size);
// nmt_clear_grads drops the gradients of n torch::Tensor* parameters
// (PyTorch's zero_grad(set_to_none=True)): the next backward writes fresh
// gradients instead of adding to zeroed ones.
void nmt_clear_grads(void **params, int64_t n);

// nmt_row_logsumexp writes to *out a new tensor [N] with log(sum(exp(x)))
// of each row of x, a torch::Tensor* [N, V] of CPU floats
// (nmt_decode.cpp). Returns NULL, or an error message to free.
char *nmt_row_logsumexp(void *x, void **out);
// nmt_row_topk writes to *vals [N, k] and *idx [N, k] (int64) the k
// largest entries of each row of x (CPU floats [N, V]), largest first;
// equal values keep column order. Returns NULL, or an error message to
// free.
char *nmt_row_topk(void *x, int64_t k, void **vals, void **idx);
// nmt_attend_one is attention for one query per row and head
// (nmt_decode.cpp): keys and vals CPU float views [B, H, n, dh] with the
// same strides and contiguous heads (a cache's first n positions), q
// [R, H, dh] or [R, H, 1, dh] (rows of H*dh contiguous floats), multiplied
// by scale. Without slots the R rows come in B groups of group consecutive
// rows attending to the same keys (a sentence's beams: R = B*group), mask
// additive [B, n] or NULL. With slots (int64 [R, n], group 1, no mask) row
// r reads position j from keys row slots[r, j] (a decoding state whose
// rows point into the cache instead of being moved). *out receives a new
// tensor [R, H, dh]. Returns NULL, or an error message to free.
char *nmt_attend_one(void *q, void *keys, void *vals, void *mask, int64_t group, void *slots,
                     double scale, void **out);

// nmt_add_layer_norm is LayerNorm(alpha*x + y) over the last dimension D
// (a multiple of 8) with weight w and bias b [D] (nmt_decode.cpp): CPU
// floats, in one pass; through libtorch's ops where a gradient is wanted. *out receives a new tensor of x's sizes.
// Returns NULL, or an error message to free.
char *nmt_add_layer_norm(void *x, void *y, double alpha, void *w, void *b, double eps,
                         void **out);

// nmt_linear is x [..., K] times w [N, K] transposed plus b [N] (b may be
// NULL), like at::linear, with autograd (nmt_gemm.cpp): through oneDNN's
// sgemm for CPU float tensors when nmt_set_gemm_onednn(1) took effect,
// through at::linear otherwise. *out receives a new tensor [..., N].
// Returns NULL, or an error message to free.
char *nmt_linear(void *x, void *w, void *b, void **out);
// nmt_set_gemm_onednn picks oneDNN's sgemm (1) or libtorch's linear (0) for
// nmt_linear; returns 0 when oneDNN's sgemm is not found.
int nmt_set_gemm_onednn(int on);
// nmt_gemm_onednn_available is 1 when the process has oneDNN's dnnl_sgemm.
int nmt_gemm_onednn_available(void);
// nmt_cpu_has_avx512 is 1 when the CPU runs AVX-512F instructions.
int nmt_cpu_has_avx512(void);
// nmt_pack_available is 1 when nmt_linear runs on oneDNN and oneDNN's
// pack API was found (nmt_gemm.cpp).
int nmt_pack_available(void);
// nmt_pack_weight packs w [N, K] (CPU float) for nmt_linear_packed, in one
// column part per pool thread; *out receives the packed weight, which
// holds a reference to w, to free with nmt_pack_free. Returns NULL, or an
// error message to free.
char *nmt_pack_weight(void *w, void **out);
void nmt_pack_free(void *packed);
// nmt_pack_stale is 1 when the packed weight changed since it was packed.
int nmt_pack_stale(void *packed);
// nmt_linear_packed is nmt_linear(x, w, b) for the packed w, without
// autograd; where a gradient is wanted, the weight changed since packing
// or the tensors are not CPU floats it is nmt_linear itself.
char *nmt_linear_packed(void *x, void *packed, void *b, void **out);
#ifdef __cplusplus
}
#endif
#endif
