// norm.h: the residual add and post-norm LayerNorm in one pass (norm.cpp),
// for package kernel (norm.go).
#ifndef NMT_NORM_H
#define NMT_NORM_H
#ifdef __cplusplus
extern "C" {
#endif

// nmt_add_layer_norm is LayerNorm(alpha*x + y) over the last dimension D
// (a multiple of 8) with weight w and bias b [D]: CPU floats, in one pass
// on the pool; through libtorch's ops where a gradient is wanted. *out
// receives a new tensor of x's sizes. Returns NULL, or an error message to
// free.
char *nmt_add_layer_norm(void *x, void *y, double alpha, void *w, void *b, double eps,
                         void **out);

#ifdef __cplusplus
}
#endif
#endif
