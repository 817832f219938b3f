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
// nmt_attend_positions is a decoder's self-attention for one new query per
// row over its n positions so far (nmt_attend.cpp), with no copy of the
// past: pos[j] is position j's slab of keys and values, one row of
// pos_stride floats per row the batch had then (keys at 0, values at
// heads*dh), and anc[r*anc_stride+j] is the slab row that row r's
// hypothesis used at position j. q is [rows, q_stride] with the query at
// the start of each row (unscaled); out is [rows, heads*dh].
void nmt_attend_positions(float *out, const float *q, int64_t q_stride,
                          const float *const *pos, int64_t pos_stride,
                          const int32_t *anc, int64_t anc_stride,
                          int64_t rows, int64_t heads, int64_t dh,
                          int64_t n, float scale);

#ifdef __cplusplus
}
#endif
#endif
