// alloc.h: nmt's caching allocator for libtorch's CPU tensors (alloc.cpp),
// for package kernel (alloc.go).
#ifndef NMT_ALLOC_H
#define NMT_ALLOC_H
#ifdef __cplusplus
extern "C" {
#endif

// nmt_cpu_cache_enable makes libtorch allocate CPU tensors of 1 MiB and
// more through a caching allocator that keeps at most limit_bytes of freed
// blocks for reuse. Returns 1 when it is in use.
int nmt_cpu_cache_enable(long long limit_bytes);
// nmt_cpu_cache_stats reports the bytes held free and the hits and misses.
void nmt_cpu_cache_stats(long long *cached, long long *hits, long long *misses);

#ifdef __cplusplus
}
#endif
#endif
