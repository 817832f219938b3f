/* dist_stub.c: libnmtdist.so for builds without distributed training
 * (NMT_NO_DIST=1, e.g. a libtorch that ships no gloo headers). Every call
 * returns an error saying so; single-process training needs none of them. */
#include <stdlib.h>
#include <string.h>

#include "dist/dist.h"

static char *unavailable(void) {
  return strdup("distributed training is not built in (setup ran with NMT_NO_DIST=1)");
}

const char *nmt_dist_backends(void) { return ""; }

char *nmt_dist_new(const char *backend, const char *addr, int port, int rank,
                   int world, int64_t timeout_ms, nmt_pg **out) {
  (void)backend; (void)addr; (void)port; (void)rank; (void)world; (void)timeout_ms;
  *out = NULL;
  return unavailable();
}

void nmt_dist_free(nmt_pg *pg) { (void)pg; }

char *nmt_dist_allreduce(nmt_pg *pg, void **tensors, int n,
                         int64_t bucket_bytes, int64_t timeout_ms) {
  (void)pg; (void)tensors; (void)n; (void)bucket_bytes; (void)timeout_ms;
  return unavailable();
}

char *nmt_dist_broadcast(nmt_pg *pg, void **tensors, int n, int root,
                         int64_t bucket_bytes, int64_t timeout_ms) {
  (void)pg; (void)tensors; (void)n; (void)root; (void)bucket_bytes; (void)timeout_ms;
  return unavailable();
}

char *nmt_dist_barrier(nmt_pg *pg, int64_t timeout_ms) {
  (void)pg; (void)timeout_ms;
  return unavailable();
}
