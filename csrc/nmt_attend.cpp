// nmt_attend.cpp: one-query attention over a decoder's past positions
// kept as per-position slabs and reached through each row's ancestry (see
// nmt_api.h and transformer/state.go). Built into libtch.so.
#include "nmt_api.h"

// The loops below are meant to vectorize: O3 for this file, and the row
// kernel built twice (AVX2 with FMA, and the baseline), picked at load.
#pragma GCC optimize("O3")

#include <ATen/Parallel.h>

#include <cmath>
#include <limits>
#include <vector>

// dot is a dot product in 8 independent sums (which vectorize).
static inline float dot(const float *a, const float *b, int64_t n) {
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t e = 0;
  for (; e + 8 <= n; e += 8)
    for (int l = 0; l < 8; l++) acc[l] += a[e + l] * b[e + l];
  float sum = 0;
  for (; e < n; e++) sum += a[e] * b[e];
  for (int l = 0; l < 8; l++) sum += acc[l];
  return sum;
}

// attend_rows computes the contexts of rows r0..r1-1, all heads. It walks
// the positions in the outer loop so that each slab is read front to back
// (rows of a slab lie in order, and a beam's rows near each other), first
// for the scores, then, after a softmax per row and head, for the values.
// s has room for (r1-r0)*heads*n floats.
__attribute__((target_clones("arch=haswell", "default"))) static void
attend_rows(float *out, const float *q, int64_t q_stride, const float *const *pos,
            int64_t pos_stride, const int32_t *anc, int64_t anc_stride, int64_t r0,
            int64_t r1, int64_t heads, int64_t dh, int64_t n, float scale, float *s) {
  const int64_t d = heads * dh;
  for (int64_t j = 0; j < n; j++) {
    for (int64_t r = r0; r < r1; r++) {
      const float *k = pos[j] + anc[r * anc_stride + j] * pos_stride;
      const float *qr = q + r * q_stride;
      float *sr = s + (r - r0) * heads * n;
      for (int64_t h = 0; h < heads; h++) sr[h * n + j] = dot(qr + h * dh, k + h * dh, dh) * scale;
    }
  }
  for (int64_t i = 0; i < (r1 - r0) * heads; i++) {
    float *si = s + i * n;
    float mx = -std::numeric_limits<float>::infinity();
    for (int64_t j = 0; j < n; j++) mx = std::max(mx, si[j]);
    float sum = 0;
    for (int64_t j = 0; j < n; j++) {
      si[j] = std::exp(si[j] - mx);
      sum += si[j];
    }
    for (int64_t j = 0; j < n; j++) si[j] /= sum;
  }
  for (int64_t r = r0; r < r1; r++)
    for (int64_t e = 0; e < d; e++) out[r * d + e] = 0;
  for (int64_t j = 0; j < n; j++) {
    for (int64_t r = r0; r < r1; r++) {
      const float *v = pos[j] + anc[r * anc_stride + j] * pos_stride + d;
      const float *sr = s + (r - r0) * heads * n;
      float *o = out + r * d;
      for (int64_t h = 0; h < heads; h++) {
        const float w = sr[h * n + j];
        for (int64_t e = 0; e < dh; e++) o[h * dh + e] += w * v[h * dh + e];
      }
    }
  }
}

extern "C" void nmt_attend_positions(float *out, const float *q, int64_t q_stride,
                                     const float *const *pos, int64_t pos_stride,
                                     const int32_t *anc, int64_t anc_stride,
                                     int64_t rows, int64_t heads, int64_t dh,
                                     int64_t n, float scale) {
  at::parallel_for(0, rows, 4, [&](int64_t begin, int64_t end) {
    std::vector<float> s((end - begin) * heads * n);
    attend_rows(out, q, q_stride, pos, pos_stride, anc, anc_stride, begin, end, heads, dh, n,
                scale, s.data());
  });
}
