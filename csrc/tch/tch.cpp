// tch.cpp: the glue of package tch (see tch.h).
#include "tch/tch.h"

#include <ATen/Parallel.h>
#include <ATen/core/Tensor.h>
#include <ATen/Version.h>
#include <ATen/Context.h>
#include <torch/version.h>
#include <torch/cuda.h>
#include <algorithm>
#include <atomic>
#include <cstring>
#include <malloc.h>
#include <string>

#ifdef _OPENMP
#include <omp.h>
#endif

#if defined(NMT_WITH_CUDA) && __has_include(<cuda_runtime_api.h>)
#define NMT_CUDA_NAMES 1
#include <cuda_runtime_api.h>
#endif

extern "C" {

void nmt_set_num_threads(int n) { at::set_num_threads(n); }

int nmt_set_torch_local_threads(int n) {
#ifdef _OPENMP
  const int prev = omp_get_max_threads();
  omp_set_num_threads(n);
  return prev;
#else
  (void)n;
  return 1;
#endif
}

int nmt_get_num_threads(void) { return at::get_num_threads(); }

const char *nmt_torch_version(void) { return TORCH_VERSION; }

char *nmt_config(void) { return strdup(at::show_config().c_str()); }

int nmt_cuda_device_count(void) { return (int)torch::cuda::device_count(); }

char *nmt_cuda_device_name(int i) {
#ifdef NMT_CUDA_NAMES
  cudaDeviceProp p;
  if (cudaGetDeviceProperties(&p, i) != cudaSuccess) return nullptr;
  return strdup(p.name);
#else
  (void)i;
  return nullptr;
#endif
}

int nmt_built_with_cuda(void) {
#ifdef NMT_WITH_CUDA
  return 1;
#else
  return 0;
#endif
}

int nmt_tune_malloc(void) {
  // One arena: nmt's torch goroutine may run on a thread other than the
  // first, whose arena heaps glibc trims and unmaps regardless of the
  // thresholds below.
  int ok = mallopt(M_ARENA_MAX, 1);
  ok &= mallopt(M_MMAP_MAX, 0);
  ok &= mallopt(M_TRIM_THRESHOLD, 1 << 30) ;
  return ok;
}

void nmt_clear_grads(void **params, int64_t n) {
  for (int64_t k = 0; k < n; k++) static_cast<at::Tensor *>(params[k])->mutable_grad().reset();
}

}  // extern "C"
