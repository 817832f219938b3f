// optim.h: fairseq's Adam update in one pass per parameter (optim.cpp),
// for package kernel (optim.go).
#ifndef NMT_OPTIM_H
#define NMT_OPTIM_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

// nmt_adam_step applies fairseq's Adam update (decoupled weight decay:
// p *= decay first, then p -= step_size * m / (sqrt(v) + eps)) to n CPU
// float parameters in place, one pass each. params, grads, exp_avg and
// exp_avg_sq are arrays of n torch::Tensor*. Returns NULL, or an error
// message to free.
char *nmt_adam_step(void **params, void **grads, void **exp_avg, void **exp_avg_sq,
                    int64_t n, double b1, double b2, double eps, double decay,
                    double step_size);

#ifdef __cplusplus
}
#endif
#endif
