/* dist.h: nmt's C shim over libtorch's c10d (TCPStore rendezvous,
 * ProcessGroupGloo on CPU, ProcessGroupNCCL on CUDA builds built with
 * -DUSE_C10D_NCCL). Every call returns NULL on success or a malloc'd error
 * message the caller frees; no C++ exception crosses this boundary.
 * Tensors are gotch handles (torch::Tensor*). */
#ifndef NMT_DIST_H
#define NMT_DIST_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

typedef struct nmt_pg nmt_pg;

/* nmt_dist_backends lists the compiled-in backends ("gloo", "gloo,nccl"). */
const char *nmt_dist_backends(void);

/* nmt_dist_new joins the group: rank 0 serves the TCPStore on
 * addr:port, the others connect; all wait at most timeout_ms for the
 * world to gather. timeout_ms also bounds every later collective. */
char *nmt_dist_new(const char *backend, const char *addr, int port, int rank,
                   int world, int64_t timeout_ms, nmt_pg **out);
void nmt_dist_free(nmt_pg *pg);

/* nmt_dist_allreduce sums the tensors (all of one dtype and device)
 * across ranks in place, flattened into buckets of at most bucket_bytes
 * (<= 0: one bucket). */
char *nmt_dist_allreduce(nmt_pg *pg, void **tensors, int n,
                         int64_t bucket_bytes, int64_t timeout_ms);
/* nmt_dist_broadcast copies root's tensors to every rank, in place. */
char *nmt_dist_broadcast(nmt_pg *pg, void **tensors, int n, int root,
                         int64_t bucket_bytes, int64_t timeout_ms);
char *nmt_dist_barrier(nmt_pg *pg, int64_t timeout_ms);

#ifdef __cplusplus
}
#endif
#endif
