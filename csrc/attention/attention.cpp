// attention.cpp: attention for one query per row straight over the
// key/value caches (see attention.h).
#include "attention/attention.h"

#pragma GCC optimize("O3")

#include <torch/types.h>

#include <cmath>
#include <limits>
#include <vector>

#include "common/guard.h"
#include "common/simd.h"
#include "pool/pool.h"

namespace {

// kMaxDh bounds the head size attend_head keeps in registers.
constexpr int64_t kMaxDh = 256;

// attend_head_t is one query's attention over n positions for one row and
// head: q [dh], multiplied by scale; position j's key and value at k +
// at(j) and v + at(j), at(j) = j*stride without slots (Slots false), else
// off[j] (dh floats each); mask (n additive entries) or null. s has room
// for n floats; out receives dh floats. dh is 8*C8 when C8 > 0 (the query
// and the sums then stay in registers), else dh, a multiple of 8 up to
// kMaxDh.
template <int C8, bool Slots>
NMT_INLINE void attend_head_t(const float *q, float scale, const float *k, const float *v,
                              int64_t stride, const int64_t *off, int64_t n, int64_t dh,
                              const float *mask, float *s, float *out) {
  const int64_t c8 = C8 > 0 ? C8 : dh / 8;
  auto at = [&](int64_t j) { return Slots ? off[j] : j * stride; };
  // acc is zeroed by its initializer, not by a loop: GCC 12 compiles
  // such a loop (made a memset) with the vectorized sums below wrongly
  // for AVX2 with 16 vectors (dh 128): outputs 8.. came out 0
  // (TestAttendOne, x86-64-v3 clones).
  nmt::v8f qv[C8 > 0 ? C8 : kMaxDh / 8], acc[C8 > 0 ? C8 : kMaxDh / 8] = {};
  const nmt::v8f sc = nmt::splat8(scale);
  for (int64_t c = 0; c < c8; c++) qv[c] = nmt::load8(q + 8 * c) * sc;
  // Scores eight positions at a time: eight independent dot products,
  // summed across lanes together (hsum8x8).
  nmt::v8f mv = nmt::splat8(-std::numeric_limits<float>::infinity());
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) {
    const float *kp[8];
    for (int p = 0; p < 8; p++) kp[p] = k + at(j + p);
    nmt::v8f d[8];
    for (int p = 0; p < 8; p++) d[p] = qv[0] * nmt::load8(kp[p]);
    for (int64_t c = 1; c < c8; c++)
      for (int p = 0; p < 8; p++) d[p] += qv[c] * nmt::load8(kp[p] + 8 * c);
    nmt::v8f x = nmt::hsum8x8(d);
    if (mask != nullptr) x += nmt::load8(mask + j);
    nmt::store8(s + j, x);
    mv = nmt::max8(mv, x);
  }
  float m = nmt::hmax8(mv);
  for (; j < n; j++) {
    const float *kj = k + at(j);
    nmt::v8f d = qv[0] * nmt::load8(kj);
    for (int64_t c = 1; c < c8; c++) d += qv[c] * nmt::load8(kj + 8 * c);
    float x = static_cast<float>(nmt::hsum8(d));
    if (mask != nullptr) x += mask[j];
    s[j] = x;
    m = x > m ? x : m;
  }
  const double sum = std::isinf(m) ? 0.0 : nmt::row_sum_exp(s, n, m, s);
  const float inv = sum > 0 ? static_cast<float>(1.0 / sum) : 0.0f;
  for (int64_t j = 0; j < n; j++) {
    const nmt::v8f w = nmt::splat8(s[j] * inv);
    const float *vj = v + at(j);
    for (int64_t c = 0; c < c8; c++) acc[c] += w * nmt::load8(vj + 8 * c);
  }
  for (int64_t c = 0; c < c8; c++) nmt::store8(out + 8 * c, acc[c]);
}

template <bool Slots>
NMT_INLINE void attend_head_dh(const float *q, float scale, const float *k, const float *v,
                               int64_t stride, const int64_t *off, int64_t n, int64_t dh,
                               const float *mask, float *s, float *out) {
  switch (dh) {
    case 32:
      return attend_head_t<4, Slots>(q, scale, k, v, stride, off, n, dh, mask, s, out);
    case 64:
      return attend_head_t<8, Slots>(q, scale, k, v, stride, off, n, dh, mask, s, out);
    case 128:
      return attend_head_t<16, Slots>(q, scale, k, v, stride, off, n, dh, mask, s, out);
    default:
      return attend_head_t<0, Slots>(q, scale, k, v, stride, off, n, dh, mask, s, out);
  }
}

// attend_head is attend_head_t for any head size, with off (slots) or
// without (off null).
NMT_CLONES void
attend_head(const float *q, float scale, const float *k, const float *v, int64_t stride,
            const int64_t *off, int64_t n, int64_t dh, const float *mask, float *s, float *out) {
  if (off != nullptr) return attend_head_dh<true>(q, scale, k, v, stride, off, n, dh, mask, s, out);
  attend_head_dh<false>(q, scale, k, v, stride, off, n, dh, mask, s, out);
}

}  // namespace

extern "C" char *nmt_attend_one(void *q, void *keys, void *vals, void *mask, int64_t group,
                                void *slots, double scale, void **out) {
  return nmt::guard([&] {
    const at::Tensor &k = *static_cast<at::Tensor *>(keys);
    const at::Tensor &v = *static_cast<at::Tensor *>(vals);
    TORCH_CHECK(k.dim() == 4 && v.sizes() == k.sizes() && v.strides() == k.strides() &&
                    k.device().is_cpu() && k.scalar_type() == at::kFloat &&
                    v.scalar_type() == at::kFloat && k.stride(3) == 1,
                "attend one: keys and values must be CPU float [B, H, n, dh] views with the same "
                "strides and contiguous heads, got ",
                k.sizes(), " and ", v.sizes());
    const int64_t b = k.size(0), h = k.size(1), n = k.size(2), dh = k.size(3);
    TORCH_CHECK(dh % 8 == 0 && dh <= kMaxDh, "attend one: head size ", dh,
                " is not a multiple of 8 up to ", kMaxDh);
    TORCH_CHECK(group >= 1, "attend one: group of ", group);
    at::Tensor st;
    int64_t rows = b * group;
    if (slots != nullptr) {
      st = static_cast<at::Tensor *>(slots)->contiguous();
      TORCH_CHECK(st.scalar_type() == at::kLong && st.dim() == 2 && st.size(1) == n &&
                      group == 1 && mask == nullptr,
                  "attend one: slots must be int64 [rows, ", n, "], with group 1 and no mask");
      rows = st.size(0);
      const int64_t *sp = st.data_ptr<int64_t>();
      for (int64_t i = 0; i < st.numel(); i++)
        TORCH_CHECK(sp[i] >= 0 && sp[i] < b, "attend one: slot ", sp[i], " of ", b, " key rows");
    }
    at::Tensor qt = static_cast<at::Tensor *>(q)->reshape({rows, -1});
    TORCH_CHECK(qt.scalar_type() == at::kFloat && qt.size(1) == h * dh,
                "attend one: query of ", qt.numel(), " floats for ", rows, "x", h, "x", dh);
    if (qt.stride(1) != 1) qt = qt.contiguous();
    at::Tensor mt;
    if (mask != nullptr) {
      mt = static_cast<at::Tensor *>(mask)->contiguous();
      TORCH_CHECK(mt.scalar_type() == at::kFloat && mt.numel() == b * n,
                  "attend one: mask of ", mt.numel(), " floats for ", b, " rows of ", n);
    }
    at::Tensor r = at::empty({rows, h, dh}, qt.options());
    const float *qp = qt.data_ptr<float>(), *kp = k.data_ptr<float>(), *vp = v.data_ptr<float>();
    const float *mp = mask != nullptr ? mt.data_ptr<float>() : nullptr;
    const int64_t *sp = slots != nullptr ? st.data_ptr<int64_t>() : nullptr;
    float *rp = r.data_ptr<float>();
    const int64_t qs = qt.stride(0), sb = k.stride(0), sh = k.stride(1), sn = k.stride(2);
    const float sc = static_cast<float>(scale);
    nmt::pool_for(0, rows * h, 8, [&](int64_t begin, int64_t end) {
      std::vector<float> s(n);
      std::vector<int64_t> off(sp != nullptr ? n : 0);
      int64_t offRow = -1;
      for (int64_t i = begin; i < end; i++) {
        const int64_t row = i / h, head = i % h;
        const float *q = qp + row * qs + head * dh;
        if (sp != nullptr) {
          if (row != offRow) {
            for (int64_t j = 0; j < n; j++) off[j] = sp[row * n + j] * sb + j * sn;
            offRow = row;
          }
          attend_head(q, sc, kp + head * sh, vp + head * sh, sn, off.data(), n, dh, nullptr,
                      s.data(), rp + i * dh);
          continue;
        }
        const int64_t kr = row / group, base = kr * sb + head * sh;
        attend_head(q, sc, kp + base, vp + base, sn, nullptr, n, dh,
                    mp != nullptr ? mp + kr * n : nullptr, s.data(), rp + i * dh);
      }
    });
    *out = new at::Tensor(r);
  });
}
