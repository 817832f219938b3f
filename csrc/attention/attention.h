// attention.h: attention for one query per row over key/value caches
// (attention.cpp), for package kernel (attention.go).
#ifndef NMT_ATTENTION_H
#define NMT_ATTENTION_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

// nmt_attend_one is attention for one query per row and head: keys and
// vals CPU float views [B, H, n, dh] with the same strides and contiguous
// heads (a cache's first n positions), q [R, H, dh] or [R, H, 1, dh] (rows
// of H*dh contiguous floats), multiplied by scale. Without slots the R
// rows come in B groups of group consecutive rows attending to the same
// keys (a sentence's beams: R = B*group), mask additive [B, n] or NULL.
// With slots (int64 [R, n], group 1, no mask) row r reads position j from
// keys row slots[r, j] (a decoding state whose rows point into the cache
// instead of being moved). *out receives a new tensor [R, H, dh]. Returns
// NULL, or an error message to free.
char *nmt_attend_one(void *q, void *keys, void *vals, void *mask, int64_t group, void *slots,
                     double scale, void **out);

#ifdef __cplusplus
}
#endif
#endif
