// simd_test.cpp: the vector helpers of simd.h against the C library, on
// the instruction set the kernels' clones pick on this CPU (NMT_CLONES):
// exp_nonpos within 2 ulp of expf over [-87, 0] (the claim in simd.h),
// hsum8x8's eight sums, row_max_sum and row_sum_exp over rows whose
// length is not a multiple of 8, with -inf entries. Exits 1 on a failure.
// internal/build's TestCxx builds and runs it.
#include "common/simd.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

int failures = 0;

void fail(const char *what, double got, double want) {
  if (failures++ < 10) std::printf("FAIL %s: got %.9g, want %.9g\n", what, got, want);
}

// ulps is the distance between two positive finite floats in units in
// the last place.
int64_t ulps(float a, float b) {
  int32_t ia, ib;
  std::memcpy(&ia, &a, 4);
  std::memcpy(&ib, &b, 4);
  return std::llabs(static_cast<int64_t>(ia) - ib);
}

// worst_exp_ulps checks exp_nonpos at every stride-th float of [-87, 0]
// (and both ends) eight at a time, and returns the largest distance from
// expf in ulps; *at receives where.
NMT_CLONES int64_t worst_exp_ulps(uint32_t stride, float *at) {
  const uint32_t lo = 0x80000000u, hi = 0xC2AE0000u;  // -0 .. -87
  int64_t worst = 0;
  float in[8];
  int k = 0;
  auto flush = [&](int n) {
    const nmt::v8f e = nmt::exp_nonpos(nmt::load8(in));
    for (int l = 0; l < n; l++) {
      const int64_t u = ulps(e[l], std::exp(in[l]));
      if (u > worst) worst = u, *at = in[l];
    }
  };
  for (uint64_t b = lo; b <= hi; b += stride) {
    const uint32_t bits = static_cast<uint32_t>(b);
    std::memcpy(&in[k++], &bits, 4);
    if (k == 8) flush(8), k = 0;
  }
  in[k++] = -87.0f;
  for (int l = k; l < 8; l++) in[l] = 0;
  flush(8);
  return worst;
}

NMT_CLONES void check_rows() {
  // hsum8x8: vector i holds i*8 + lane.
  nmt::v8f a[8];
  for (int i = 0; i < 8; i++)
    for (int l = 0; l < 8; l++) a[i][l] = static_cast<float>(i * 8 + l);
  const nmt::v8f s = nmt::hsum8x8(a);
  for (int i = 0; i < 8; i++)
    if (s[i] != 64.0f * i + 28.0f) fail("hsum8x8", s[i], 64.0 * i + 28);
  for (int v : {1, 7, 8, 13, 64, 67}) {
    std::vector<float> x(v), g(v);
    for (int j = 0; j < v; j++) x[j] = std::sin(0.7f * j) * 5;
    if (v > 2) x[1] = -__builtin_inff();
    double sum, want_sum = 0;
    float want_max = -__builtin_inff();
    for (int j = 0; j < v; j++) want_sum += x[j], want_max = x[j] > want_max ? x[j] : want_max;
    const float m = nmt::row_max_sum(x.data(), v, &sum);
    if (m != want_max) fail("row_max_sum: max", m, want_max);
    if (!(sum == want_sum || std::fabs(sum - want_sum) < 1e-4)) fail("row_max_sum: sum", sum, want_sum);
    double want_se = 0;
    for (int j = 0; j < v; j++) want_se += std::exp(static_cast<double>(x[j]) - m);
    const double se = nmt::row_sum_exp(x.data(), v, m, g.data());
    if (std::fabs(se - want_se) > 1e-6 * want_se) fail("row_sum_exp", se, want_se);
    if (std::fabs(nmt::row_sum_exp(x.data(), v, m, nullptr) - se) > 1e-6 * se)
      fail("row_sum_exp without terms", nmt::row_sum_exp(x.data(), v, m, nullptr), se);
    for (int j = 0; j < v; j++) {
      const double want = std::exp(static_cast<double>(x[j]) - m);
      if (std::fabs(g[j] - want) > 1e-6 * (want > 1e-30 ? want : 1)) fail("row_sum_exp: term", g[j], want);
    }
  }
}

}  // namespace

int main() {
  float at = 0;
  const int64_t worst = worst_exp_ulps(97, &at);
  std::printf("exp_nonpos: worst %lld ulp of expf (at %.9g)\n", static_cast<long long>(worst), at);
  if (worst > 2) fail("exp_nonpos: ulp of expf", static_cast<double>(worst), 2);
  if (nmt::exp_nonpos1(-__builtin_inff()) != std::exp(-87.0f)) fail("exp_nonpos(-inf)", nmt::exp_nonpos1(-__builtin_inff()), std::exp(-87.0f));
  check_rows();
  if (failures > 0) {
    std::printf("%d failures\n", failures);
    return 1;
  }
  std::printf("PASS\n");
  return 0;
}
