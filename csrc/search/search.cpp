// search.cpp: the CPU kernels of a search step (see search.h): each row's
// log-sum-exp, and each row's k largest entries, so that beam search takes
// its candidates from the logits without writing out log-softmax.
#include "search/search.h"

#pragma GCC optimize("O3")

#include <torch/types.h>

#include <cmath>
#include <vector>

#include "common/guard.h"
#include "common/simd.h"
#include "pool/pool.h"

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
