// nmt_decode.cpp: the CPU kernels of a search step (see nmt_api.h): each
// row's log-sum-exp, and each row's k largest entries, so that beam search
// takes its candidates from the logits without writing out log-softmax;
// and attention for one query per row straight over the key/value caches.
// Built into libtch.so beside gotch's glue.
#include "nmt_api.h"

#pragma GCC optimize("O3")

#include <torch/types.h>

#include <cmath>
#include <limits>
#include <vector>

#include "nmt_guard.h"
#include "nmt_pool.h"
#include "nmt_simd.h"

namespace {

NMT_CLONES float
lse_row(const float *x, int64_t v) {
  double unused;
  const float m = nmt::row_max_sum(x, v, &unused);
  if (std::isinf(m)) return m;  // every entry -inf (or one +inf)
  return m + static_cast<float>(std::log(nmt::row_sum_exp(x, v, m, nullptr)));
}

// topk_row writes the k largest of x[0..v) (k <= v) to bv, largest first,
// and their indices to bi; equal values keep the order of their indices.
// Blocks of 64 whose largest entry does not beat the k-th so far are
// skipped after one vector pass.
NMT_CLONES void
topk_row(const float *x, int64_t v, int64_t k, float *bv, int64_t *bi) {
  int64_t n = 0;
  auto insert = [&](float val, int64_t i) {
    int64_t pos;
    if (n < k) {
      pos = n++;
    } else {
      pos = k - 1;
    }
    while (pos > 0 && bv[pos - 1] < val) {
      bv[pos] = bv[pos - 1];
      bi[pos] = bi[pos - 1];
      pos--;
    }
    bv[pos] = val;
    bi[pos] = i;
  };
  int64_t j = 0;
  for (; j < v && n < k; j++) insert(x[j], j);
  float thr = bv[k - 1];
  for (; j + 64 <= v; j += 64) {
    nmt::v8f m = nmt::load8(x + j);
    for (int b = 8; b < 64; b += 8) m = nmt::max8(m, nmt::load8(x + j + b));
    if (!(nmt::hmax8(m) > thr)) continue;
    for (int64_t i = j; i < j + 64; i++)
      if (x[i] > thr) {
        insert(x[i], i);
        thr = bv[k - 1];
      }
  }
  for (; j < v; j++)
    if (x[j] > thr) {
      insert(x[j], j);
      thr = bv[k - 1];
    }
}

at::Tensor rows_of(void *x, const char *what) {
  const at::Tensor &t = *static_cast<at::Tensor *>(x);
  TORCH_CHECK(t.device().is_cpu() && t.scalar_type() == at::kFloat && t.dim() == 2, what,
              ": want a 2-D CPU float tensor, got ", t.toString(), " of ", t.dim(), " dimensions");
  return t.contiguous();
}


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
  nmt::v8f qv[C8 > 0 ? C8 : kMaxDh / 8], acc[C8 > 0 ? C8 : kMaxDh / 8];
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
  for (int64_t c = 0; c < c8; c++) acc[c] = nmt::splat8(0);
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

// add_ln_row writes LN(alpha*x + y) of one row of d (d a multiple of 8)
// to out: mean and variance over the row in double, eps inside the root,
// then the affine w, b.
NMT_CLONES void
add_ln_row(const float *x, const float *y, float alpha, int64_t d, const float *w, const float *b,
           double eps, float *out) {
  const nmt::v8f a = nmt::splat8(alpha);
  nmt::v8f sum = nmt::splat8(0);
  for (int64_t j = 0; j < d; j += 8) {
    const nmt::v8f z = a * nmt::load8(x + j) + nmt::load8(y + j);
    nmt::store8(out + j, z);
    sum += z;
  }
  const float mean = static_cast<float>(nmt::hsum8(sum) / d);
  const nmt::v8f mv = nmt::splat8(mean);
  nmt::v8f sq = nmt::splat8(0);
  for (int64_t j = 0; j < d; j += 8) {
    const nmt::v8f c = nmt::load8(out + j) - mv;
    sq += c * c;
  }
  const nmt::v8f inv = nmt::splat8(static_cast<float>(1.0 / std::sqrt(nmt::hsum8(sq) / d + eps)));
  for (int64_t j = 0; j < d; j += 8)
    nmt::store8(out + j, (nmt::load8(out + j) - mv) * inv * nmt::load8(w + j) + nmt::load8(b + j));
}

}  // namespace

extern "C" char *nmt_row_logsumexp(void *x, void **out) {
  return nmt::guard([&] {
    const at::Tensor t = rows_of(x, "row log-sum-exp");
    const int64_t n = t.size(0), v = t.size(1);
    at::Tensor r = at::empty({n}, t.options());
    const float *xp = t.data_ptr<float>();
    float *rp = r.data_ptr<float>();
    nmt::pool_for(0, n, 16, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; i++) rp[i] = lse_row(xp + i * v, v);
    });
    *out = new at::Tensor(r);
  });
}

extern "C" char *nmt_row_topk(void *x, int64_t k, void **vals, void **idx) {
  return nmt::guard([&] {
    const at::Tensor t = rows_of(x, "row top-k");
    const int64_t n = t.size(0), v = t.size(1);
    TORCH_CHECK(k >= 1 && k <= v, "row top-k: k = ", k, " for rows of ", v);
    at::Tensor bv = at::empty({n, k}, t.options());
    at::Tensor bi = at::empty({n, k}, t.options().dtype(at::kLong));
    const float *xp = t.data_ptr<float>();
    float *vp = bv.data_ptr<float>();
    int64_t *ip = bi.data_ptr<int64_t>();
    nmt::pool_for(0, n, 16, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; i++) topk_row(xp + i * v, v, k, vp + i * k, ip + i * k);
    });
    *vals = new at::Tensor(bv);
    *idx = new at::Tensor(bi);
  });
}

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

extern "C" char *nmt_add_layer_norm(void *x, void *y, double alpha, void *w, void *b, double eps,
                                    void **out) {
  return nmt::guard([&] {
    const at::Tensor &xt = *static_cast<at::Tensor *>(x);
    const at::Tensor &yt = *static_cast<at::Tensor *>(y);
    const at::Tensor wt = static_cast<at::Tensor *>(w)->contiguous();
    const at::Tensor bt = static_cast<at::Tensor *>(b)->contiguous();
    const int64_t d = wt.numel();
    auto cpu_float = [](const at::Tensor &t) {
      return t.device().is_cpu() && t.scalar_type() == at::kFloat;
    };
    TORCH_CHECK(cpu_float(xt) && cpu_float(yt) && cpu_float(wt) && cpu_float(bt) &&
                    xt.sizes() == yt.sizes() && xt.dim() >= 1 && xt.size(-1) == d &&
                    bt.numel() == d && d % 8 == 0,
                "add layer norm: want CPU float x and y of the same sizes [..., D], D a multiple "
                "of 8, and weight and bias [D]; got ",
                xt.sizes(), ", ", yt.sizes(), ", ", wt.sizes(), ", ", bt.sizes());
    const at::Tensor &w0 = *static_cast<at::Tensor *>(w), &b0 = *static_cast<at::Tensor *>(b);
    if (at::GradMode::is_enabled() && (xt.requires_grad() || yt.requires_grad() ||
                                       w0.requires_grad() || b0.requires_grad())) {
      *out = new at::Tensor(at::layer_norm(alpha == 1 ? xt + yt : xt * alpha + yt, {d}, w0, b0, eps));
      return;
    }
    const at::Tensor xc = xt.contiguous(), yc = yt.contiguous();
    at::Tensor r = at::empty(xt.sizes(), xc.options());
    const int64_t rows = xc.numel() / d;
    const float *xp = xc.data_ptr<float>(), *yp = yc.data_ptr<float>();
    const float *wp = wt.data_ptr<float>(), *bp = bt.data_ptr<float>();
    float *rp = r.data_ptr<float>();
    const float a = static_cast<float>(alpha);
    nmt::pool_for(0, rows, 16, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; i++)
        add_ln_row(xp + i * d, yp + i * d, a, d, wp, bp, eps, rp + i * d);
    });
    *out = new at::Tensor(r);
  });
}
