// search.h: the CPU kernels of a search step (search.cpp), for package
// kernel (search.go).
#ifndef NMT_SEARCH_H
#define NMT_SEARCH_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

// nmt_row_logsumexp writes to *out a new tensor [N] with log(sum(exp(x)))
// of each row of x, a torch::Tensor* [N, V] of CPU floats. Returns NULL, or
// an error message to free.
char *nmt_row_logsumexp(void *x, void **out);
// nmt_row_topk writes to *vals [N, k] and *idx [N, k] (int64) the k
// largest entries of each row of x (CPU floats [N, V]), largest first;
// equal values keep column order. Returns NULL, or an error message to
// free.
char *nmt_row_topk(void *x, int64_t k, void **vals, void **idx);

#ifdef __cplusplus
}
#endif
#endif
