// loss.h: fairseq's label-smoothed cross-entropy as one autograd op
// (loss.cpp), for package kernel (loss.go).
#ifndef NMT_LOSS_H
#define NMT_LOSS_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

// nmt_label_smoothed_ce is fairseq's label-smoothed cross-entropy, summed
// over the rows whose target is not pad, as one autograd op: logits is a
// CPU float torch::Tensor* [..., V], target a CPU int64 torch::Tensor* with
// one entry per row. *loss (differentiable) and *nll receive new scalar
// tensors. Returns NULL, or an error message to free.
char *nmt_label_smoothed_ce(void *logits, void *target, double eps, int64_t pad,
                            void **loss, void **nll);

#ifdef __cplusplus
}
#endif
#endif
