// simd.h: eight-float vectors in GCC's vector extensions, and an exp
// for them, shared by nmt's CPU kernels. The functions that use them are
// built per instruction set (target_clones), so these compile to AVX-512,
// AVX2 or SSE instructions there.
#ifndef NMT_SIMD_H
#define NMT_SIMD_H
#include <stdint.h>

// Always inlined, so that each clone of a caller gets them in its own
// instruction set.
#define NMT_INLINE inline __attribute__((always_inline))

// NMT_CLONES builds a function for AVX-512, AVX2 with FMA and the baseline,
// picked when the library loads (x86-64; elsewhere one build). The
// x86-64 levels are picked by the CPU's features; a CPU model name
// ("arch=haswell") is picked only on that model, and left every other
// AVX2 CPU on the baseline. isa.cpp says which one runs.
#if defined(__x86_64__)
#define NMT_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define NMT_CLONES
#endif

namespace nmt {

typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));
typedef float v8f_u __attribute__((vector_size(32), aligned(4), may_alias));
typedef int32_t v8i_u __attribute__((vector_size(32), aligned(4), may_alias));

NMT_INLINE v8f load8(const float *p) { return *reinterpret_cast<const v8f_u *>(p); }
NMT_INLINE void store8(float *p, v8f v) { *reinterpret_cast<v8f_u *>(p) = v; }
NMT_INLINE v8f splat8(float f) { return v8f{f, f, f, f, f, f, f, f}; }
NMT_INLINE v8f max8(v8f a, v8f b) { return a > b ? a : b; }
NMT_INLINE v8f min8(v8f a, v8f b) { return a < b ? a : b; }
NMT_INLINE v8i load8i(const int32_t *p) { return *reinterpret_cast<const v8i_u *>(p); }
NMT_INLINE float hmax8(v8f v) {
  float m = v[0];
  for (int l = 1; l < 8; l++) m = v[l] > m ? v[l] : m;
  return m;
}
NMT_INLINE double hsum8(v8f v) {
  double s = 0;
  for (int l = 0; l < 8; l++) s += v[l];
  return s;
}

// hsum8x8 returns the sums of eight vectors' lanes, {sum(a[0]), ...,
// sum(a[7])}, by three rounds of shuffles and adds.
NMT_INLINE v8f hsum8x8(const v8f *a) {
  v8f b[4];
  for (int i = 0; i < 4; i++)
    b[i] = __builtin_shufflevector(a[2 * i], a[2 * i + 1], 0, 8, 2, 10, 4, 12, 6, 14) +
           __builtin_shufflevector(a[2 * i], a[2 * i + 1], 1, 9, 3, 11, 5, 13, 7, 15);
  const v8f c0 = __builtin_shufflevector(b[0], b[1], 0, 1, 8, 9, 4, 5, 12, 13) +
                 __builtin_shufflevector(b[0], b[1], 2, 3, 10, 11, 6, 7, 14, 15);
  const v8f c1 = __builtin_shufflevector(b[2], b[3], 0, 1, 8, 9, 4, 5, 12, 13) +
                 __builtin_shufflevector(b[2], b[3], 2, 3, 10, 11, 6, 7, 14, 15);
  return __builtin_shufflevector(c0, c1, 0, 1, 2, 3, 8, 9, 10, 11) +
         __builtin_shufflevector(c0, c1, 4, 5, 6, 7, 12, 13, 14, 15);
}

// exp_nonpos is exp(x) for x <= 0 (below -87 it returns exp(-87)): Cephes'
// expf polynomial after reduction by ln 2, within 2 ulp of expf.
NMT_INLINE v8f exp_nonpos(v8f x) {
  x = max8(x, splat8(-87.0f));
  // Rounds x*log2(e) to the nearest integer: truncation of y - 0.5 for y <= 0.
  const v8i n = __builtin_convertvector(x * 1.44269504088896341f - 0.5f, v8i);
  const v8f fn = __builtin_convertvector(n, v8f);
  v8f r = x - fn * 0.693359375f;
  r = r - fn * -2.12194440e-4f;
  v8f p = splat8(1.9875691500e-4f);
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const v8i bits = (n + 127) << 23;
  return p * reinterpret_cast<const v8f &>(bits);
}

NMT_INLINE float exp_nonpos1(float x) { return exp_nonpos(splat8(x))[0]; }

// row_max_sum returns the largest of x[0..v) and, in *sum, their sum.
NMT_INLINE float row_max_sum(const float *x, int64_t v, double *sum) {
  v8f mx = splat8(-__builtin_inff()), sx = splat8(0);
  int64_t j = 0;
  for (; j + 8 <= v; j += 8) {
    const v8f e = load8(x + j);
    mx = max8(mx, e);
    sx += e;
  }
  float m = hmax8(mx);
  double s = hsum8(sx);
  for (; j < v; j++) {
    m = x[j] > m ? x[j] : m;
    s += x[j];
  }
  *sum = s;
  return m;
}

// row_sum_exp returns the sum of exp(x[j] - m) over x[0..v), m being their
// largest, and writes the terms to g when g is not null.
NMT_INLINE double row_sum_exp(const float *x, int64_t v, float m, float *g) {
  const v8f mv = splat8(m);
  v8f se = splat8(0);
  double sum = 0;
  int64_t j = 0;
  if (g != nullptr) {
    for (; j + 8 <= v; j += 8) {
      const v8f e = exp_nonpos(load8(x + j) - mv);
      store8(g + j, e);
      se += e;
    }
    for (; j < v; j++) sum += g[j] = exp_nonpos1(x[j] - m);
  } else {
    for (; j + 8 <= v; j += 8) se += exp_nonpos(load8(x + j) - mv);
    for (; j < v; j++) sum += exp_nonpos1(x[j] - m);
  }
  return sum + hsum8(se);
}

}  // namespace nmt

#endif
