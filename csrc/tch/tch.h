// tch.h: the libtorch facts and settings that gotch does not expose, for
// package tch (the gotch glue). Built into libtch.so beside gotch's glue
// (scripts/setup.sh); nmt's kernels are in the other folders of csrc/.
#ifndef NMT_TCH_H
#define NMT_TCH_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

// nmt_set_num_threads sets libtorch's intra-op thread count.
void nmt_set_num_threads(int n);
int nmt_get_num_threads(void);
// nmt_set_torch_local_threads sets how many threads libtorch's parallel
// loops use when started from the calling OS thread (OpenMP's per-thread
// count) and returns the previous count.
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
// nmt_clear_grads drops the gradients of n torch::Tensor* parameters
// (PyTorch's zero_grad(set_to_none=True)): the next backward writes fresh
// gradients instead of adding to zeroed ones.
void nmt_clear_grads(void **params, int64_t n);

#ifdef __cplusplus
}
#endif
#endif
